"""Source-specific parts of the importer: Open311 documents, NYC 311 areas, Chinese area names."""
