"""The one thing every later stage reads: a case report as text with its structure.

A ``Document`` is produced by :mod:`extract.ingest` from a PDF, a plain-text file or a
PubMed Central JATS file. Offsets are character offsets into ``Document.text``.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Page:
    """A page of the source: ``text[start:end]`` is what was read from page ``number``."""

    number: int  # from 1
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """A titled stretch of the text: ``text[start:end]`` (the heading line included)."""

    title: str
    level: int  # 1 = top-level (Abstract, Case presentation), 2 = subsection ...
    start: int
    end: int


@dataclass
class Table:
    """A table as printed: header cells and rows of cell strings."""

    caption: str | None
    header: list[str]
    rows: list[list[str]]
    legend: str | None = None
    page: int | None = None

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        width = max([len(self.header)] + [len(r) for r in self.rows]) if (self.header or self.rows) else 0
        header = list(self.header) + [f"col{i + 1}" for i in range(len(self.header), width)]
        # Duplicate header names would make an ambiguous frame.
        seen: dict[str, int] = {}
        unique = []
        for name in header:
            n = seen.get(name, 0)
            seen[name] = n + 1
            unique.append(name if n == 0 else f"{name}.{n}")
        rows = [list(r) + [""] * (width - len(r)) for r in self.rows]
        return pd.DataFrame(rows, columns=unique)


@dataclass(frozen=True)
class Caption:
    """A figure caption kept out of the running text (``label`` like ``Fig. 1``)."""

    label: str
    text: str
    page: int | None = None


@dataclass(frozen=True)
class OcrPage:
    """A page read by OCR (issue 14): its number and Tesseract's mean word confidence (0-100)."""

    number: int
    confidence: float


@dataclass
class Document:
    """A case report as read: its ``text`` (every offset of the later stages indexes it), the
    ``pages`` with their offsets, ``sections``, ``tables`` (``table.to_dataframe()``), figure
    ``captions``, ``title``, the ``kind`` of source, the reader's ``warnings`` and the
    ``ocr_pages`` (pages of a scan read by OCR, with their confidence; none for a born-digital
    file)."""

    doc_id: str
    source_path: str
    text: str
    pages: list[Page] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    title: str | None = None
    kind: str = "txt"  # "pdf", "txt" or "jats"
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[OcrPage] = field(default_factory=list)

    # -- offsets -------------------------------------------------------------------
    def page_of(self, offset: int) -> int | None:
        """The page number (from 1) that holds character ``offset``, or None (no pages)."""
        if not self.pages:
            return None
        starts = [p.start for p in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        return self.pages[max(i, 0)].number

    def is_ocr_page(self, page: int | None) -> bool:
        """Whether page ``page`` was read by OCR."""
        return page is not None and any(p.number == page for p in self.ocr_pages)

    def section_of(self, offset: int) -> Section | None:
        """The innermost section that holds ``offset``."""
        best: Section | None = None
        for s in self.sections:
            if s.start <= offset < s.end and (best is None or s.level >= best.level):
                best = s
        return best

    # -- serialisation --------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "source_path": self.source_path,
            "title": self.title,
            "kind": self.kind,
            "text": self.text,
            "pages": [asdict(p) for p in self.pages],
            "sections": [asdict(s) for s in self.sections],
            "tables": [asdict(t) for t in self.tables],
            "captions": [asdict(c) for c in self.captions],
            "warnings": list(self.warnings),
        }
        if self.ocr_pages:  # only for scans: born-digital Documents serialise as before
            out["ocr_pages"] = [asdict(p) for p in self.ocr_pages]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        return cls(
            doc_id=data["doc_id"],
            source_path=data["source_path"],
            text=data["text"],
            pages=[Page(**p) for p in data.get("pages", [])],
            sections=[Section(**s) for s in data.get("sections", [])],
            tables=[Table(**t) for t in data.get("tables", [])],
            captions=[Caption(**c) for c in data.get("captions", [])],
            title=data.get("title"),
            kind=data.get("kind", "txt"),
            warnings=list(data.get("warnings", [])),
            ocr_pages=[OcrPage(**p) for p in data.get("ocr_pages", [])],
        )
