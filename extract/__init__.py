"""case-extract: published medical case reports in, structured case rows out."""

__version__ = "0.1.0"
