# Makes the repository root importable (`import data.geo`) when tests run as plain `pytest`.
