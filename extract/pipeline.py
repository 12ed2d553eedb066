"""One file through every stage: ingest -> NLP -> case rows. Used by every executor."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract import ingest
from extract.document import Document
from extract.errors import IngestError
from extract.record import CaseRow

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language


@dataclass
class FileResult:
    path: str
    doc_id: str
    document: Document | None = None
    cases: list[CaseRow] = field(default_factory=list)
    error: str | None = None  # one line: "<file>: <cause>"
    timings: dict[str, float] = field(default_factory=dict)
    # a file a run skipped (already in the database): its stored text, title and pages
    stored: dict[str, Any] | None = None

    @property
    def text(self) -> str | None:
        """The document's text: read in this run, or stored by an earlier one."""
        if self.document is not None:
            return self.document.text
        return (self.stored or {}).get("text")

    @property
    def title(self) -> str | None:
        if self.document is not None:
            return self.document.title
        return (self.stored or {}).get("title")

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def pages(self) -> int:
        return len(self.document.pages) if self.document else 0


def process_file(path: str | Path, nlp: Language | None = None, *,
                 max_pages: int = ingest.DEFAULT_MAX_PAGES, ocr: ingest.OcrMode = "auto") -> FileResult:
    """Read and extract one file. Bad input becomes ``FileResult.error``, never an exception."""
    from extract.cases import extract_cases

    p = Path(path)
    result = FileResult(path=str(p), doc_id=ingest.doc_id_for(p))
    t0 = time.perf_counter()
    try:
        result.document = ingest.read(p, max_pages=max_pages, ocr=ocr)
    except IngestError as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # a reader bug must not sink a batch; report it in one line
        result.error = f"{p.name}: unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        return result
    t1 = time.perf_counter()
    result.timings["read"] = t1 - t0
    result.cases = extract_cases(result.document, nlp)
    result.timings["extract"] = time.perf_counter() - t1
    return result


def summary(results: list[FileResult]) -> dict[str, Any]:
    return {
        "documents": len(results),
        "ok": sum(r.ok for r in results),
        "failed": sum(not r.ok for r in results),
        "cases": sum(len(r.cases) for r in results),
        "pages": sum(r.pages for r in results),
    }
