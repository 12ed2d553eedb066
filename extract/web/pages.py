"""Page images of a stored PDF and where a value's evidence sits on them (pypdfium2).

The evidence of a value is a span of ``documents.text``, the text our reader laid out (columns
ordered, running heads dropped, hyphens joined). To draw it on the page, the span, with some
of the text around it, is looked for among the page's own characters, both sides reduced to
letters and digits (so line breaks, hyphenation, ligatures and spacing do not matter); the
widest context found once wins, else the occurrence in the same place on the page. The boxes
of the characters found, joined line by line, are the highlight.

PDFium is not thread-safe: every call goes through one lock.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract.record import Evidence

_LOCK = threading.RLock()
#: (chars before, chars after) of the context looked for, widest first
_CONTEXTS = ((80, 80), (40, 40), (80, 0), (0, 80), (20, 20), (0, 0))
PAGE_WIDTH_PX = 1100  # rendered width: sharp on a laptop screen, about 150 kB a page


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in PDF points, from its top-left corner."""

    x: float
    y: float
    width: float
    height: float


def _normalised(text: str, offset: int = 0) -> tuple[str, list[int]]:
    """Letters and digits of ``text``, case-folded and NFKC-normalised (ligatures split), each
    with the index of the character it came from (plus ``offset``)."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isalnum():
                out.append(ch.lower())
                index.append(offset + i)
            continue
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if c.isalnum():
                out.append(c)
                index.append(offset + i)
    return "".join(out), index


def _all(haystack: str, needle: str) -> list[int]:
    hits = []
    i = haystack.find(needle)
    while i != -1:
        hits.append(i)
        i = haystack.find(needle, i + 1)
    return hits


def find_span(page_text: str, doc_text: str, page_start: int, page_end: int, start: int,
              end: int) -> tuple[int, int] | None:
    """The characters ``[first, last]`` of ``page_text`` (the page's own characters) that hold
    ``doc_text[start:end]``, or None when the page does not have them."""
    page_norm, page_index = _normalised(page_text)
    if not page_norm:
        return None
    for before, after in _CONTEXTS:
        lo, hi = max(page_start, start - before), min(page_end, end + after)
        if lo > start or hi < end:
            lo, hi = min(lo, start), max(hi, end)
        window_norm, window_index = _normalised(doc_text[lo:hi], lo)
        inner = [k for k, i in enumerate(window_index) if start <= i < end]
        if not inner:
            return None  # no letter or digit in the evidence
        hits = _all(page_norm, window_norm)
        if not hits:
            continue
        if len(hits) > 1 and (before, after) != (0, 0):
            continue  # a wider context was not unique; try a narrower one only as a last resort
        if len(hits) > 1:  # the same words more than once: the one in the same place on the page
            share = (start - page_start) / max(1, page_end - page_start)
            hit = min(hits, key=lambda h: abs(h / len(page_norm) - share))
        else:
            hit = hits[0]
        return page_index[hit + inner[0]], page_index[hit + inner[-1]]
    return None


class PdfPages:
    """The pages of one PDF (its bytes): sizes, PNG images and evidence boxes."""

    def __init__(self, data: bytes) -> None:
        with _LOCK:
            self._pdf = pdfium.PdfDocument(data)
            self.count = len(self._pdf)
        self._texts: dict[int, str] = {}

    def size(self, number: int) -> tuple[float, float]:
        """Width and height of page ``number`` (from 1) in points."""
        with _LOCK:
            return tuple(self._pdf[number - 1].get_size())  # type: ignore[return-value]

    def png(self, number: int, width_px: int = PAGE_WIDTH_PX) -> bytes:
        """Page ``number`` rendered ``width_px`` wide, as PNG."""
        with _LOCK:
            page = self._pdf[number - 1]
            width, _ = page.get_size()
            image = page.render(scale=width_px / max(width, 1.0)).to_pil()
            page.close()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()

    def _page_text(self, number: int) -> str:
        """The page's characters, one per PDFium char index (``get_text_range`` may drop or
        add some). Call with the lock held."""
        text = self._texts.get(number)
        if text is None:
            page = self._pdf[number - 1]
            textpage = page.get_textpage()
            chars = []
            for i in range(textpage.count_chars()):
                code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
                chars.append(chr(code) if 0 < code < 0xD800 or 0xE000 <= code < 0x110000 else " ")
            textpage.close()
            page.close()
            text = self._texts[number] = "".join(chars)
        return text

    def span_at(self, number: int, doc_text: str, page_start: int, page_end: int, start: int,
                end: int) -> tuple[int, int] | None:
        """The page's characters ``[first, last]`` that hold ``doc_text[start:end]``."""
        with _LOCK:
            text = self._page_text(number)
        return find_span(text, doc_text, page_start, page_end, start, end)

    def spans_of(self, number: int, words: str) -> list[tuple[int, int]]:
        """Every place on the page where ``words`` stand (letters and digits compared)."""
        with _LOCK:
            text = self._page_text(number)
        page_norm, page_index = _normalised(text)
        needle, _ = _normalised(words)
        if not needle:
            return []
        return [(page_index[h], page_index[h + len(needle) - 1]) for h in _all(page_norm, needle)]

    def boxes(self, number: int, span: tuple[int, int]) -> list[Box]:
        """The characters ``span`` of page ``number`` as boxes, one per line."""
        with _LOCK:
            text = self._page_text(number)
            page = self._pdf[number - 1]
            textpage = page.get_textpage()
            try:
                if page.get_rotation() % 360:
                    return []  # boxes of a rotated page would need turning too; rare in reports
                left, _bottom, _right, top = page.get_cropbox()
                raw = [textpage.get_charbox(i) for i in range(span[0], span[1] + 1)
                       if i < len(text) and not text[i].isspace()]
            finally:
                textpage.close()
                page.close()
        lines: list[list[float]] = []  # [x0, y0, x1, y1] in points from the top-left
        for x0, b, x1, t in raw:
            if x1 <= x0 or t <= b:
                continue
            box = [x0 - left, top - t, x1 - left, top - b]
            last = lines[-1] if lines else None
            # the same line: overlapping heights, going right, no wider gap than a few letters
            # (a comma's box is low, so any overlap counts)
            if last is not None and min(last[3], box[3]) > max(last[1], box[1]) and \
                    box[0] >= last[2] - 1 and box[0] - last[2] < 2 * (last[3] - last[1]):
                last[0], last[1] = min(last[0], box[0]), min(last[1], box[1])
                last[2], last[3] = max(last[2], box[2]), max(last[3], box[3])
            else:
                lines.append(box)
        pad = 1.5
        return [Box(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
                for x0, y0, x1, y1 in lines]


def evidence_boxes(pages: PdfPages, number: int, doc_text: str | None,
                   page_offsets: list[list[int]] | None, evidence: Evidence,
                   neighbours: list[Evidence], rank: tuple[int, int] = (0, 1)) -> list[Box]:
    """Where ``evidence`` sits on page ``number``.

    With offsets into the text: the span found in its context (:func:`find_span`). Without (a
    table cell, whose words the reader kept apart from the running text): the words' one
    occurrence on the page; when they stand there several times, the occurrence nearest the
    ``neighbours`` (the same patient's other evidence, on the same table row) placed once; else,
    when the words stand exactly as often as patients give them, the ``rank[0]``-th of the
    ``rank[1]`` patients gets the ``rank[0]``-th occurrence in reading order. Otherwise nothing:
    no guess.
    """
    span_range = {n: (s, e) for n, s, e in page_offsets or []}.get(number)
    if doc_text and span_range and evidence.start is not None and evidence.end is not None:
        span = pages.span_at(number, doc_text, span_range[0], span_range[1], evidence.start,
                             evidence.end)
        return pages.boxes(number, span) if span else []
    spans = pages.spans_of(number, evidence.text)
    if len(spans) <= 1:
        return pages.boxes(number, spans[0]) if spans else []
    anchors = []
    for other in neighbours:
        if other.page != number or other is evidence:
            continue
        found = pages.spans_of(number, other.text)
        if len(found) == 1:
            anchors.extend(pages.boxes(number, found[0]))
    if not anchors:
        index, total = rank
        return pages.boxes(number, spans[index]) if len(spans) == total else []
    centre = sum(a.y + a.height / 2 for a in anchors) / len(anchors)

    def distance(span: tuple[int, int]) -> float:
        bs = pages.boxes(number, span)
        return min((abs(b.y + b.height / 2 - centre) for b in bs), default=float("inf"))

    return pages.boxes(number, min(spans, key=distance))


class PdfCache:
    """The last few PDFs opened, by SHA-256, and their rendered pages."""

    def __init__(self, documents: int = 8, images: int = 64) -> None:
        self._pdfs: OrderedDict[str, PdfPages] = OrderedDict()
        self._images: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._sizes = (documents, images)
        self._lock = threading.Lock()

    def pages(self, sha256: str, load: Callable[[], bytes | None]) -> PdfPages | None:
        """The pages of the PDF whose hash is ``sha256``; ``load()`` gives its bytes (or None)."""
        with self._lock:
            if sha256 in self._pdfs:
                self._pdfs.move_to_end(sha256)
                return self._pdfs[sha256]
        data = load()
        if data is None:
            return None
        try:
            pages = PdfPages(data)
        except pdfium.PdfiumError:
            return None
        with self._lock:
            self._pdfs[sha256] = pages
            while len(self._pdfs) > self._sizes[0]:  # closed when no request holds it any more
                self._pdfs.popitem(last=False)
        return pages

    def png(self, sha256: str, number: int, pages: PdfPages) -> bytes:
        key = (sha256, number)
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
        data = pages.png(number)
        with self._lock:
            self._images[key] = data
            while len(self._images) > self._sizes[1]:
                self._images.popitem(last=False)
        return data
