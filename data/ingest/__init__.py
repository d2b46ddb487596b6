"""Importing real data: Chinese case-system exports (Excel/CSV, GB18030 or UTF-8), Open311
GeoReport v2 (JSON and XML) and NYC 311 CSV. Validated, explained, idempotent, nothing lost.

    python -m data.ingest FILE... [--db PATH] [--mapping NAME_OR_FILE]

Pipeline (one small module per step): detect (what the bytes are) -> decode (strict UTF-8, then
strict GB18030) -> tables / formats.open311 (records with their line numbers) -> mapping (which
column is which field) -> transform (normalise, validate, deduplicate, resolve areas, units,
categories, sources; deadlines) -> load (one transaction) -> ledger (landing folder, ledger rows).
Every reason code with its Chinese message is in reasons.py.
"""
from data.ingest.run import ImportResult, import_file, read_source, rebuild

__all__ = ["ImportResult", "import_file", "read_source", "rebuild"]
