"""Data files of extract.ingest (section names ...)."""
