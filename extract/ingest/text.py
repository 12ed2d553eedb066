"""Plain text: one page, sections from heading lines."""

from __future__ import annotations

from pathlib import Path

from extract.document import Document, Page
from extract.errors import CorruptFileError


def read_text(path: Path) -> Document:
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raw = path.read_bytes().decode("latin-1")
    except OSError as exc:  # pragma: no cover - rare
        raise CorruptFileError(path, str(exc)) from None
    text = raw.replace("\r\n", "\n")
    return Document(doc_id=path.stem, source_path=str(path), text=text,
                    pages=[Page(1, 0, len(text))], kind="txt")
