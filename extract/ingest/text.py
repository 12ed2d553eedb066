"""Plain text: one page, Unicode normalised, sections from heading lines, and tables typed as
delimited rows (cells between pipes, as in Markdown, or between tabs) taken out of the running
text into :attr:`Document.tables`, with the "Table N" caption line above them and an
abbreviation legend line right below, as the PDF and JATS readers keep tables apart.

Files are read as UTF-8 (a byte-order mark is honoured, UTF-16 included); a file that is not
valid UTF-8 is read as Windows-1252 (which Latin-1 text also decodes as) with a warning.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from extract.document import Document, Page, Table
from extract.errors import CorruptFileError, EmptyFileError, IngestError
from extract.ingest.normalize import normalize_text
from extract.ingest.sections import find_sections

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# More NUL bytes than this share of the first kilobyte: binary data, or UTF-16 without a BOM.
_MAX_NUL_SHARE = 0.1
# Text has tabs, line ends and form feeds; a file with more other control bytes is binary.
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1a")
_MAX_CONTROL_SHARE = 0.02


def decode_text(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """The text of ``raw`` and the warnings about how it was decoded."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), []
            except UnicodeDecodeError as exc:
                raise CorruptFileError(path, f"invalid {encoding} text: {exc.reason}") from None
    head = raw[:1024]
    if head.startswith(b"%PDF-"):
        raise IngestError(path, "a PDF file, not text: name it .pdf")
    if head and head.count(0) / len(head) > _MAX_NUL_SHARE:
        # UTF-16 without a byte-order mark puts a NUL beside every ASCII letter.
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise IngestError(path, "binary data, not text") from None
        if "\x00" in text or sum(c.isprintable() or c.isspace() for c in text[:512]) < 0.9 * min(
            len(text), 512
        ):
            raise IngestError(path, "binary data, not text")
        return text, [f"{path.name}: no byte-order mark; read as {encoding.upper()}"]
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if head and controls / len(head) > _MAX_CONTROL_SHARE:
        raise IngestError(path, "binary data, not text")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; those come through as their Latin-1 characters.
    text = raw.decode("cp1252", errors="replace")
    if "\ufffd" in text:
        text = (
            "".join(
                ch if ch != "\ufffd" else raw_char
                for ch, raw_char in zip(text, raw.decode("latin-1"))
            )
            if len(text) == len(raw)
            else raw.decode("latin-1")
        )
    return text, [f"{path.name}: not UTF-8; read as Windows-1252"]


def read_text(path: Path) -> Document:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot open: {exc.strerror or exc}") from None
    if not raw.strip():
        raise EmptyFileError(path)
    decoded, warnings = decode_text(raw, path)
    if not normalize_text(decoded).strip():
        raise EmptyFileError(path)
    document = text_document(decoded, doc_id=path.stem, source_path=str(path))
    document.warnings.extend(warnings)
    return document


#: a Markdown separator row ("|---|:---:|")
_SEPARATOR_ROW = re.compile(r"^\s*+\|?(?:\s*+:?-{3,}:?\s*+\|?)++\s*+$")
_CAPTION_LINE = re.compile(r"^\s*+(?:supplementary\s+)?table\s+[\w.-]{1,6}\b", re.IGNORECASE)
#: "L, liver; P, peritoneum; RT, radiotherapy": two or more abbreviations defined in one line
_LEGEND_LINE = re.compile(r"^(?:\s*+[\w+/*†‡§-]{1,12}\s*+[,=:]\s*+[^;\n]{1,60};){2,}")


def _cells(line: str) -> list[str] | None:
    """The cells of a delimited row: three or more, between pipes or tabs."""
    if line.count("|") >= 2:
        parts = line.strip().strip("|").split("|")
    elif line.count("\t") >= 2:
        parts = line.strip("\n").split("\t")
    else:
        return None
    cells = [c.strip() for c in parts]
    return cells if len(cells) >= 3 else None


def delimited_tables(text: str) -> tuple[str, list[Table]]:
    """``text`` without its delimited tables, and the tables: a run of two or more rows with the
    same number of cells (the first is the header), its caption and legend lines."""
    lines = text.split("\n")
    drop: set[int] = set()
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        first = _cells(lines[i])
        if first is None:
            i += 1
            continue
        j, rows = i + 1, []
        while j < len(lines):
            if _SEPARATOR_ROW.match(lines[j]):
                j += 1
                continue
            cells = _cells(lines[j])
            if cells is None or len(cells) != len(first):
                break
            rows.append(cells)
            j += 1
        if not rows:
            i += 1
            continue
        caption = None
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0 and _CAPTION_LINE.match(lines[k]):
            caption = lines[k].strip()
            drop.add(k)
        legend = None
        if j < len(lines) and _LEGEND_LINE.match(lines[j]):
            legend = lines[j].strip()
            drop.add(j)
        drop.update(range(i, j))
        tables.append(Table(caption=caption, header=first, rows=rows, legend=legend, page=1))
        i = j
    if not tables:
        return text, []
    return "\n".join(line for n, line in enumerate(lines) if n not in drop), tables


def text_document(text: str, doc_id: str = "text", source_path: str = "<text>") -> Document:
    """A one-page :class:`Document` of ``text`` already in memory (a pasted paragraph, an
    abstract from an API), normalised and with its sections and delimited tables found, as a
    ``.txt`` file gives."""
    text, tables = delimited_tables(normalize_text(text))
    return Document(
        doc_id=doc_id,
        source_path=source_path,
        text=text,
        pages=[Page(1, 0, len(text))],
        sections=find_sections(text),
        tables=tables,
        kind="txt",
    )


__all__ = ["decode_text", "delimited_tables", "read_text", "text_document"]
