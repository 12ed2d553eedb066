"""Checks that turn a broken PDF into a one-line IngestError before it is read.

``read_pdf`` calls :func:`open_pdf` first and reads the pages of the PDFium document it
returns (counting the characters of the text layer as it reads them); :func:`check_pdf` is
the check alone. The checks are cheap: the first kilobyte for the magic bytes, pypdfium2 to
open the file, count pages and count the characters of the text layer, and pdfminer only to
tell apart the files pypdfium2 refuses (no pages, truncated, corrupt) and to find damaged
content streams. Every exception from the PDF libraries becomes
an :class:`~extract.errors.IngestError`; a damaged file that still has text passes, and the
damage comes back as warnings.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extract.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedError,
    IngestError,
    NoPagesError,
    NotAPDFError,
    NoTextLayerError,
    TooLargeError,
)

# pdfminer logs damaged streams as warnings; with no handler configured they would reach
# stderr as bare lines beside our one-line messages. check_pdf returns them as warnings.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

# The PDF header may follow some junk, but must come within the first kilobyte.
_HEADER_WINDOW = 1024
# Fewer printable characters than this per page (on average) is a page of images: a few
# characters can be a stamped page number or a publisher's watermark on a scan.
MIN_CHARS_PER_PAGE = 25
# At most this many warnings about damaged streams are kept (one per distinct message).
_MAX_WARNINGS = 3

# pypdfium2 error codes (FPDF_ERR_*).
_ERR_FORMAT = 3
_ERR_PASSWORD = 4
_ERR_SECURITY = 5

_LOOKS_LIKE: list[tuple[re.Pattern[bytes], str]] = [
    (re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE), "an HTML page"),
    (re.compile(rb"^\s*<\?xml|^\s*<[A-Za-z]"), "an XML/markup file"),
    (re.compile(rb"^PK\x03\x04"), "a ZIP archive (e.g. a Word/EPUB file)"),
    (re.compile(rb"^\xd0\xcf\x11\xe0"), "an old Microsoft Office file"),
    (re.compile(rb"^\x89PNG"), "a PNG image"),
    (re.compile(rb"^\xff\xd8\xff"), "a JPEG image"),
    (re.compile(rb"^(GIF87a|GIF89a)"), "a GIF image"),
    (re.compile(rb"^(II\*\x00|MM\x00\*)"), "a TIFF image"),
    (re.compile(rb"^\x1f\x8b"), "a gzip archive"),
    (re.compile(rb"^\{\\rtf"), "an RTF document"),
    (re.compile(rb"^\s*[\[{]"), "a JSON file"),
]


def _looks_like(head: bytes) -> str | None:
    for pattern, what in _LOOKS_LIKE:
        if pattern.search(head):
            return what
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "a text file" if head.strip() else None


def check_pdf(path: Path, max_pages: int) -> list[str]:
    """Raise the IngestError subclass that names why ``path`` cannot be read as a PDF.

    Returns warnings (one line each, naming the file) for a damaged file that can still be
    read; callers that only want the check may ignore them.
    """
    path = Path(path)
    pdf, warnings = open_pdf(path, max_pages)
    if pdf is not None:
        try:
            if not _has_text_layer_pdfium(pdf, len(pdf)):
                raise NoTextLayerError(path)
        finally:
            pdf.close()
    return warnings


def open_pdf(path: Path, max_pages: int) -> tuple[Any, list[str]]:
    """(the pypdfium2 document, warnings) after every check but the text layer's, which the
    reader makes on the characters it reads (:func:`has_text_layer`). The document is None
    when PDFium refuses a file that pdfminer can still read in part (with a warning). The
    caller closes the document."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEADER_WINDOW)
    except OSError as exc:
        raise IngestError(path, f"cannot open: {exc.strerror or exc}") from None
    if not head.strip():
        raise EmptyFileError(path)
    if b"%PDF-" not in head:
        what = _looks_like(head)
        raise NotAPDFError(path, f"looks like {what}" if what else "no %PDF header")

    pdf = _open_with_pdfium(path, max_pages)
    if pdf is None:
        # pypdfium2 refused the file; pdfminer tells why (or reads it after all).
        return None, _check_with_pdfminer(path, max_pages)
    try:
        return pdf, _damage_warnings(path, max_pages)
    except BaseException:
        pdf.close()
        raise


def has_text_layer(chars: int, n_pages: int) -> bool:
    """Enough printable characters over the pages (a text layer only on later pages counts)."""
    return chars >= MIN_CHARS_PER_PAGE * n_pages


def _open_with_pdfium(path: Path, max_pages: int) -> Any:
    """The open document after the page-count checks; None when pypdfium2 cannot open a file
    that may still be a damaged PDF."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        # PDFium's error code is process-wide and not reset by every failure (a file with no
        # pages after an encrypted one still reads "password"): trust it only when the file
        # has an /Encrypt entry; otherwise pdfminer decides.
        code = getattr(exc, "err_code", None)
        if code in (_ERR_PASSWORD, _ERR_SECURITY) and _has_encrypt_entry(path):
            detail = "unsupported security handler" if code == _ERR_SECURITY else None
            raise EncryptedError(path, detail) from None
        return None
    except Exception as exc:  # noqa: BLE001 - any library failure is one line
        raise CorruptFileError(path, _short(exc)) from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise NoPagesError(path)
        if n_pages > max_pages:
            raise TooLargeError(path, f"{n_pages} pages; the limit is {max_pages}, see --max-pages")
        return pdf
    except IngestError:
        pdf.close()
        raise
    except Exception as exc:  # noqa: BLE001
        pdf.close()
        raise CorruptFileError(path, _short(exc)) from None


def _has_text_layer_pdfium(pdf: object, n_pages: int) -> bool:
    """Enough characters over the pages: a text layer only on later pages still counts."""
    need = MIN_CHARS_PER_PAGE * n_pages
    found = 0
    for i in range(n_pages):
        page = pdf[i]  # type: ignore[index]
        try:
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()
        found += sum(1 for c in text if not c.isspace())
        if found >= need:
            return True
    return False


def _check_with_pdfminer(path: Path, max_pages: int) -> list[str]:
    """The verdict on a file pypdfium2 could not open."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    truncated = not _has_eof_marker(path)
    if not _has_objects(path):
        raise CorruptFileError(path, "no PDF objects after the header")
    cause = (
        "the file ends before its end-of-file marker: an interrupted download?"
        if truncated
        else None
    )
    try:
        with capture_pdf_warnings() as warnings, path.open("rb") as fh:
            document = PDFDocument(PDFParser(fh))
            pages = []
            for page in PDFPage.create_pages(document):
                pages.append(page)
                if len(pages) > max_pages:
                    break
            if not pages:
                if truncated:
                    raise CorruptFileError(path, cause)
                raise NoPagesError(path)
            if len(pages) > max_pages:
                raise TooLargeError(path, f"more than {max_pages} pages, see --max-pages")
            if not _has_text_layer_pdfminer(fh, pages):
                raise CorruptFileError(path, cause or "no readable page content")
    except IngestError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedError(path) from None
    except Exception as exc:  # noqa: BLE001
        raise CorruptFileError(path, cause or _short(exc)) from None
    # pdfminer reads what pypdfium2 would not: go on, with a warning.
    first = "damaged PDF, read in part (text may be incomplete)"
    return _format_warnings(path, [first, *warnings])


def _has_text_layer_pdfminer(fh: object, pages: Sequence[Any]) -> bool:
    import io

    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    out = io.StringIO()
    rsrc = PDFResourceManager()
    device = TextConverter(rsrc, out, laparams=LAParams())
    interpreter = PDFPageInterpreter(rsrc, device)
    need = MIN_CHARS_PER_PAGE * len(pages)
    for page in pages:
        interpreter.process_page(page)
        if sum(1 for c in out.getvalue() if not c.isspace()) >= need:
            return True
    return False


_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


def _has_objects(path: Path) -> bool:
    """A PDF body is a run of ``N G obj`` objects; random bytes after a header have none."""
    with path.open("rb") as fh:
        return _OBJECT.search(fh.read(1 << 16)) is not None


_ENCRYPT = re.compile(rb"/Encrypt\b")


def _has_encrypt_entry(path: Path) -> bool:
    """The trailer (or cross-reference stream) names an encryption dictionary."""
    return _ENCRYPT.search(path.read_bytes()) is not None


def _has_eof_marker(path: Path) -> bool:
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 2048))
        return b"%%EOF" in fh.read()


# The filter of a Flate-only stream in its dict.
_FLATE_ONLY = re.compile(rb"/Filter\s*+(?:/FlateDecode|/Fl|\[\s*+(?:/FlateDecode|/Fl)\s*+\])(?![A-Za-z])")
# Keys of streams that are not a page's content (fonts, images, forms, object and
# cross-reference streams, colour profiles, metadata): only content streams are checked
_NOT_CONTENT = re.compile(rb"/(?:Type|Subtype|Length[123]|N|Width|BitsPerComponent)(?![A-Za-z0-9])")
_DICT_WINDOW = 4096


def _stream_data(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(keyword, start, end) of each stream's data: after ``stream`` and its end of line, up
    to ``endstream``; found with bytes.find (a PDF is mostly stream data, megabytes that a
    regular expression would walk in Python's engine)."""
    pos = 0
    while (i := data.find(b"stream", pos)) >= 0:
        pos = i + 6
        if i and (data[i - 1 : i].isalpha()):
            continue  # "endstream", "upstream"
        if data.startswith(b"\r\n", pos):
            start = pos + 2
        elif data[pos : pos + 1] in (b"\n", b"\r"):
            start = pos + 1
        else:
            continue
        end = data.find(b"endstream", start)
        if end < 0:
            yield i, start, len(data)
            return
        yield i, start, end
        pos = end + 9


def _flate_streams_whole(data: bytes) -> bool:
    """True when every Flate stream that may be a page's content decodes without an error:
    zlib, in C, over the raw bytes. A stream that errs, or an encrypted file, whose streams
    zlib cannot read, sends the file to pdfminer's check of the pages' content streams, which
    decides."""
    if b"/Encrypt" in data:
        return False
    for keyword, start, end in _stream_data(data):
        if end == len(data):
            return False  # no endstream: truncated
        head = data[max(0, keyword - _DICT_WINDOW) : keyword]
        head = head[head.rfind(b"obj") + 1 :]  # this object's dictionary
        if not _FLATE_ONLY.search(head) or _NOT_CONTENT.search(head):
            continue
        try:
            zlib.decompressobj().decompress(data[start:end])
        except zlib.error:
            return False
    return True


def _damage_warnings(path: Path, max_pages: int) -> list[str]:
    """Warnings for content streams that do not decode cleanly (pypdfium2 reads past them
    silently; the text of such a page may be incomplete). A file whose Flate streams all
    decode (:func:`_flate_streams_whole`, most files) has none; pdfminer checks the others."""
    try:
        if _flate_streams_whole(path.read_bytes()):
            return []
    except OSError:
        pass
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1

    try:
        with capture_pdf_warnings() as warnings, path.open("rb") as fh:
            document = PDFDocument(PDFParser(fh))
            for number, page in enumerate(PDFPage.create_pages(document), start=1):
                if number > max_pages:
                    break
                for stream in page.contents:
                    stream = resolve1(stream)
                    if isinstance(stream, PDFStream):
                        stream.get_data()
    except Exception:  # noqa: BLE001 - pypdfium2 opened it; pdfminer's doubts are no error
        return []
    if not warnings:
        return []
    return _format_warnings(path, ["damaged content stream, text may be incomplete", *warnings])


def _format_warnings(path: Path, messages: list[str]) -> list[str]:
    seen: list[str] = []
    for m in messages:
        m = " ".join(m.split())
        if m and m not in seen:
            seen.append(m)
    head, *rest = seen[: _MAX_WARNINGS + 1]
    text = head + (f" ({'; '.join(rest)})" if rest else "")
    return [f"{path.name}: {text}"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # noqa: BLE001
            self.messages.append(str(record.msg))


@contextmanager
def capture_pdf_warnings() -> Iterator[list[str]]:
    """Collect what pdfminer/pdfplumber log as warnings (damaged streams, repaired xref)
    while the block runs, instead of letting them reach stderr."""
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in ("pdfminer", "pdfplumber")]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
        if lg.level == logging.NOTSET or lg.level > logging.WARNING:
            lg.setLevel(logging.WARNING)
    try:
        yield handler.messages
    finally:
        for lg, (propagate, level) in zip(loggers, saved):
            lg.removeHandler(handler)
            lg.propagate = propagate
            lg.setLevel(level)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


__all__ = ["MIN_CHARS_PER_PAGE", "capture_pdf_warnings", "check_pdf", "has_text_layer", "open_pdf"]
