"""Checks that turn a broken PDF into a one-line IngestError before (and while) it is read.

Owned by the ingest work; ``read_pdf`` calls ``check_pdf`` first.
"""

from __future__ import annotations

from pathlib import Path


def check_pdf(path: Path, max_pages: int) -> None:
    """Raise the IngestError subclass that names why ``path`` cannot be read as a PDF."""
    return None
