"""A file becomes a :class:`~extract.document.Document`.

``read(path)`` picks the reader from the file's extension: ``.pdf`` (PDFium, :mod:`.pdf`),
``.txt`` (plain text) and ``.nxml``/``.xml`` (PubMed Central JATS). Bad input raises an
:class:`~extract.errors.IngestError` whose message is one line naming the file and cause.
"""

from __future__ import annotations

from pathlib import Path

from extract.document import Document
from extract.errors import EmptyFileError, IngestError, UnsupportedFormatError
from extract.ingest.ocr import OCR_MODES, OcrMode
from extract.ingest.text import text_document

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".nxml", ".xml")
DEFAULT_MAX_PAGES = 200


def doc_id_for(path: str | Path) -> str:
    """FIELDS.md: the input file's name without its extension."""
    return Path(path).stem


def read(path: str | Path, *, max_pages: int = DEFAULT_MAX_PAGES, ocr: OcrMode = "auto") -> Document:
    """Read ``path`` into a Document, or raise an IngestError with a one-line message. ``ocr``
    (PDFs only): read scanned pages without a text layer by OCR (``auto``), every page
    (``always``) or none (``never``)."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(p, f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise IngestError(p, f"cannot open: {exc.strerror or exc}") from None
    if size == 0:
        raise EmptyFileError(p)
    if suffix == ".pdf":
        from extract.ingest.pdf import read_pdf

        return read_pdf(p, max_pages=max_pages, ocr=ocr)
    if suffix == ".txt":
        from extract.ingest.text import read_text

        return read_text(p)
    from extract.ingest.jats import read_jats

    return read_jats(p)


def iter_inputs(paths: list[str | Path]) -> list[Path]:
    """Files named and the supported files under folders named, sorted, without repeats."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED_SUFFIXES) if p.is_dir() else [p]
        for q in found:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


__all__ = ["read", "OCR_MODES", "OcrMode", "text_document", "iter_inputs", "doc_id_for", "SUPPORTED_SUFFIXES", "DEFAULT_MAX_PAGES"]
