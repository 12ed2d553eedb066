"""Page layout: words -> lines -> columns -> blocks, in reading order.

General layout rules only (no page geometry is hard-coded):

* words sharing a baseline form a row; a row is cut at the column gutter, which is found
  from the x-positions of the words (a vertical strip that body words never cross);
* rows that cross the gutter are full-width (title, wide figure caption) and split the page
  into horizontal bands; within a band the left column is read before the right one;
* lines of a column become blocks (paragraphs, headings) at vertical gaps, first-line
  indents, font changes and short sentence-ending lines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, pairwise
from operator import attrgetter, itemgetter
from statistics import median
from typing import Any

Word = dict[str, Any]

# Ligatures and odd spaces; dashes and other symbols are kept as printed.
_CHAR_MAP = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2007": " ",
    "\u2008": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u205f": " ",
    "\u3000": " ",
    "\u223c": "~",
    "\u00ad": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
_TRANS = str.maketrans(_CHAR_MAP)
_CID = re.compile(r"\(cid:\d+\)")


# Spacing accents that some PDFs emit beside the letter they sit on ("Sa˜o" for "São").
_SPACING_ACCENTS = {
    "\u02dc": "\u0303",
    "\u00b4": "\u0301",
    "\u00a8": "\u0308",
    "\u02c6": "\u0302",
    "\u00b8": "\u0327",
    "\u02c7": "\u030c",
    "\u02da": "\u030a",
    "\u02d8": "\u0306",
}
_ACCENT_AFTER = re.compile(
    "([AEIOUYaeiouy])(["
    + "".join(_SPACING_ACCENTS)
    + "])(?=[A-Za-z])|([nN])(\u02dc)|([cC])(\u00b8)|([cszrCSZR])(\u02c7)"
)
_ACCENT_END = re.compile("([AEIOUaeiou])([" + "".join(_SPACING_ACCENTS) + "])(?![A-Za-z])")
_ACCENT_BEFORE = re.compile("(?<![A-Za-z])([" + "".join(_SPACING_ACCENTS) + "])([A-Za-z])")
_SPACE_BEFORE_MARK = re.compile("\\s+([\u0300-\u036f])")
_MATH_LETTERS = re.compile("[\U0001d400-\U0001d7ff]")


def normalise(text: str) -> str:
    """Ligatures expanded, odd spaces made plain, soft hyphens dropped, split accents joined,
    mathematical italic letters (𝜇) made plain; dashes kept."""
    if text.isascii() and "(cid:" not in text:
        return text  # nothing here to change (every rule below is about other characters)
    text = text.translate(_TRANS)
    text = _CID.sub("", text)
    if _MATH_LETTERS.search(text):
        text = _MATH_LETTERS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    if "\u2218" in text:  # ring operator set as a degree sign: "38.3∘C"
        text = re.sub(r"\u2218(?=\s?[CF]\b)|(?<=\d)\u2218", "\u00b0", text)
    text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    if any(a in text for a in _SPACING_ACCENTS):
        text = _ACCENT_AFTER.sub(
            lambda m: "".join(
                g if i % 2 == 0 else _SPACING_ACCENTS[g] for i, g in enumerate(m.groups()) if g
            ),
            text,
        )
        text = _ACCENT_END.sub(lambda m: m.group(1) + _SPACING_ACCENTS[m.group(2)], text)
        text = _ACCENT_BEFORE.sub(lambda m: m.group(2) + _SPACING_ACCENTS[m.group(1)], text)
    # Compose accents that come as separate combining marks (é as e + ´).
    return unicodedata.normalize("NFC", text)


_BOLD = re.compile(r"bold|black|heavy|semibold|demi|cmbx|-bd|,b$|\.b$", re.IGNORECASE)


@lru_cache(maxsize=1024)
def is_bold_font(fontname: str) -> bool:
    return bool(_BOLD.search(fontname or ""))


@dataclass
class Line:
    """One line of text within a column (or a full-width line)."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    text: str
    column: int = 0  # 0 = full width, 1 = left, 2 = right
    ends_soft_hyphen: bool = False
    pieces: tuple[str, ...] = ()  # the text cut at wide gaps (margin lines: "journal ... Page 3")


@dataclass
class Block:
    """Consecutive lines that belong together (a paragraph, heading, caption)."""

    lines: list[Line]
    kind: str = "para"  # "para", "heading", "caption", "table_caption"
    label: str | None = None
    # layout facts the paragraph joiner uses across column and page breaks
    first_indented: bool = False
    last_full: bool = False
    col_first: bool = False
    col_last: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def size(self) -> float:
        return median(line.size for line in self.lines)

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)


# -- words to rows -----------------------------------------------------------------------


def baseline(w: Word) -> float:
    """The line a word stands on: its ``baseline`` where the source gives it (PDFium does),
    else the bottom of its box (which moves with the font's descent)."""
    value = w.get("baseline")
    return float(w["bottom"] if value is None else value)


# The rows of the last words grouped: the table finder, the figure rules and the reading order
# group the same words of a page into rows, often with nothing taken out between them. (The
# cache holds the words, so their ids cannot be reused while it does.)
_LAST_ROWS: list[tuple[tuple[int, ...], list[list[Word]]]] = []


def words_to_rows(words: list[Word]) -> list[list[Word]]:
    """Group words into rows that share a baseline (the caller must not change the rows).

    First words of one size whose baselines agree closely; then words off that baseline join
    the row they sit in: superscripts/subscripts (smaller, touching a word of the row) and
    symbols or numbers set in another font with another baseline (×, ≥, −, "3.5 × 4" in a
    maths font), which lie next to the row's words.
    """
    key = tuple(map(id, words))
    if _LAST_ROWS and _LAST_ROWS[0][0] == key:
        return _LAST_ROWS[0][1]
    rows = _group_rows(words)
    _LAST_ROWS[:] = [(key, rows)]
    return rows


def _group_rows(words: list[Word]) -> list[list[Word]]:
    # 1. tight rows: about one size, one baseline, not overlapping (a word joins the first of
    # the last eight rows, newest first, that takes it; none past a row it lies too far below)
    rows: list[_Row] = []
    lines = [float(w["bottom"] if (v := w.get("baseline")) is None else v) for w in words]
    at = [(line, w["x0"]) for line, w in zip(lines, words)]
    for i in sorted(range(len(words)), key=at.__getitem__):
        w = words[i]
        line = lines[i]
        size = (w["size"] if "size" in w else w["bottom"] - w["top"]) or 1.0
        placed: _Row | None = None
        n = len(rows)
        for k in range(n - 1, n - 8 if n > 7 else -1, -1):
            row = rows[k]
            rsize = row.size
            if size < rsize:
                small, large = size, rsize
            else:
                small, large = rsize, size
            tol = 0.15 * small
            shift = line - row.base
            if shift > tol:
                break
            if -shift <= tol and small >= 0.85 * large:
                limit = 0.2 * small  # _overlap(size, rsize)
                if limit < 0.5:
                    limit = 0.5
                x0 = w["x0"]
                # (a word right of every word of the row overlaps none of them)
                if row.right - x0 <= limit:
                    placed = row
                    break
                x1 = w["x1"]
                if x1 - x0 <= limit:  # (then it overlaps no word by more than the limit)
                    placed = row
                    break
                for m in row.words:
                    # min(m["x1"], x1) - max(m["x0"], x0) > limit: each of the four differences
                    # is (rounding keeps the order of differences)
                    mx1 = m["x1"]
                    if mx1 - x0 > limit and x1 - m["x0"] > limit and mx1 - m["x0"] > limit:
                        break
                else:
                    placed = row
                    break
        if placed is None:
            rows.append(_Row(line, size, w, line))
            continue
        # the row's facts for _near_rows
        placed.words.append(w)
        if w["top"] < placed.top:
            placed.top = w["top"]
        if w["x1"] > placed.right:
            placed.right = w["x1"]
        bottom = w["bottom"]
        if bottom < placed.low:
            placed.low = bottom
        if bottom > placed.high:
            placed.high = bottom
        if line < placed.lines[0]:
            placed.lines[0] = line
        if line > placed.lines[1]:
            placed.lines[1] = line
        size = w.get("size", 10.0)
        if size > placed.big:
            placed.big = size
    # 2. rows with many words host the stray words of the others
    rows.sort(key=lambda r: (-len(r.words), -r.size))
    kept: list[_Row] = []
    for row in rows:
        near = _near_rows(row, kept)
        if not near:
            # no row can host a word of it: the row is kept as it is (its first word's base,
            # size and bottom, its highest top: what a kept row is asked)
            kept.append(row)
            continue
        stray: _Row | None = None
        for w in row.words:
            host = _host_row(w, near)
            if host is not None:
                host.join(w)
            elif stray is None:
                stray = _Row(row.base, row.size, w, row.base)
            else:
                stray.join(w)
        if stray is not None:
            kept.append(stray)
    # (a kept row's top is the highest top of its words)
    kept.sort(key=_TOP)
    return [sorted(r.words, key=_X0) for r in kept]


_TOP = attrgetter("top")
_X0 = itemgetter("x0")
_TEXT = itemgetter("text")


def _near_rows(row: _Row, kept: list[_Row]) -> list[_Row]:
    """The kept rows that could host a word of ``row`` (in their order): near enough in height
    for one of :func:`_host_row`'s tests. Only these can change while ``row`` is placed, so
    their tops now bound the test."""
    top, bottom, low = row.top, row.high, row.low
    reach = 0.35 * row.big
    first, last = row.lines[0] - reach, row.lines[1] + reach
    accents = any(map(_SPACING_ACCENTS.__contains__, map(_TEXT, row.words)))
    return [
        r
        for r in kept
        if (top < r.bottom and bottom > r.top)
        or first <= r.base <= last
        or (accents and r.bottom - 1.6 * r.size < bottom and low < r.bottom + 0.6 * r.size)
    ]


class _Row:
    """Words on one baseline: the baseline and size of the first, the bottom of the first
    word's box, the highest top and the rightmost edge of them all."""

    __slots__ = ("base", "size", "words", "bottom", "top", "right", "low", "high", "lines", "big")

    def __init__(self, base: float, size: float, first: Word, line: float | None = None) -> None:
        self.base = base
        self.size = size
        self.words = [first]
        self.bottom: float = first["bottom"]
        self.top: float = first["top"]
        self.right: float = first["x1"]
        # for _near_rows: the range of the bottoms and baselines, and the largest size
        self.low = self.high = self.bottom
        line = baseline(first) if line is None else line
        self.lines = [line, line]
        self.big: float = first.get("size", 10.0)

    def join(self, w: Word) -> None:
        """Add a word to a kept row (whose top is all that is asked of it from then on)."""
        self.words.append(w)
        if w["top"] < self.top:
            self.top = w["top"]


def _overlap(size: float, other: float) -> float:
    """How far two words of one row may overlap: a glyph's box may reach past its advance (an
    italic "g" over the comma after it)."""
    return max(0.5, 0.2 * min(size, other))


def _host_row(w: Word, rows: list[_Row]) -> _Row | None:
    """The row a word off its baseline belongs to, or None."""
    size = w.get("size", 10.0)
    w_top, w_bottom, x0, x1 = w["top"], w["bottom"], w["x0"], w["x1"]
    h = max(w_bottom - w_top, 0.1)
    line = baseline(w)
    best: _Row | None = None
    best_score = float("inf")
    if w["text"] in _SPACING_ACCENTS:
        # an accent set above or below its letter joins the row of the letter it overlaps
        for r in rows:
            if r.bottom - 1.6 * r.size < w_bottom < r.bottom + 0.6 * r.size and any(
                min(v["x1"], x1) - max(v["x0"], x0) > 0.3 * (x1 - x0) for v in r.words
            ):
                return r
    for r in rows:
        row = r.words
        if len(row) < 2 and len(row[0]["text"]) < 3:
            continue
        rsize = r.size
        if size <= 0.85 * rsize:
            # a superscript or subscript overlaps the row's height and touches one of its words
            overlap = min(r.bottom, w_bottom) - max(r.top, w_top)
            if overlap < 0.3 * h:
                continue
            gap = min(min(abs(x0 - v["x1"]), abs(v["x0"] - x1)) for v in row)
            if gap > 2.5 and not any(v["x0"] - 1 <= x0 <= v["x1"] + 1 for v in row):
                continue
            score = gap
        else:
            # a word of the row's size whose baseline is a little off (another font)
            shift = abs(line - r.base)
            small, large = (size, rsize) if size < rsize else (rsize, size)
            if shift > 0.35 * small or small < 0.85 * large:
                continue
            # gap = min(max(x0 - v["x1"], v["x0"] - x1) for v in row), in a loop
            gap = math.inf
            for k, v in enumerate(row):
                left, right = x0 - v["x1"], v["x0"] - x1
                g = right if right > left else left
                if g < gap or not k:
                    gap = g
            if gap > 0.8 * rsize:
                continue
            limit = _overlap(size, rsize)
            if any(min(v["x1"], x1) - max(v["x0"], x0) > limit for v in row):
                continue
            score = shift + gap
        if score < best_score:
            best, best_score = r, score
    return best


def join_words(words: list[Word]) -> str:
    """Words of a line with single spaces; pieces that touch (font changes) are glued; an
    accent printed apart goes back after the letter it stands over."""
    accents = [w for w in words if w["text"] in _SPACING_ACCENTS]
    if accents:
        words = [w for w in words if w["text"] not in _SPACING_ACCENTS]
        texts = {id(w): w["text"] for w in words}
        for a in accents:
            centre = (a["x0"] + a["x1"]) / 2
            host = min(words, key=lambda w: abs((w["x0"] + w["x1"]) / 2 - centre), default=None)
            if host is None or not host["x0"] - 2 <= centre <= host["x1"] + 2:
                continue
            text = texts[id(host)]
            width = (host["x1"] - host["x0"]) / max(len(host["text"]), 1)
            k = min(max(int((centre - host["x0"]) / width), 0), len(text) - 1)
            texts[id(host)] = text[: k + 1] + a["text"] + text[k + 1 :]
        words = [{**w, "text": texts[id(w)]} for w in words]
    if not words:
        return ""
    first = words[0]
    parts = [first["text"]]
    prev_size, prev_x1, prev_space = first.get("size", 10.0), first["x1"], first.get("space_after")
    for w in words[1:]:
        size = w.get("size", 10.0)
        small = size if size < prev_size else prev_size
        gap = w["x0"] - prev_x1
        # a space the source saw after the word (see extract.ingest.page) is a space
        if gap > 0.12 * small or (prev_space and gap > -0.1 * small):
            parts.append(" ")
        parts.append(w["text"])
        prev_size, prev_x1, prev_space = size, w["x1"], w.get("space_after")
    return normalise("".join(parts)).strip()


def _line_from_words(words: list[Word], page: int, column: int) -> Line:
    first = words[0]
    rounded: list[float] = []
    # the size of the line is the size of most of its characters (superscripts are few)
    size_count: dict[float, int] = {}
    bold_chars = chars = 0
    # the top and bottom of all the words, and the widest gap between two of them
    top, bottom = first["top"], first["bottom"]
    widest = -math.inf
    prev_x1 = first["x1"]
    for w in words:
        n = len(w["text"])
        r = round(w.get("size", 10.0), 1)
        rounded.append(r)
        size_count[r] = size_count.get(r, 0) + n
        chars += n
        if is_bold_font(w.get("fontname", "")):
            bold_chars += n
        if w["top"] < top:
            top = w["top"]
        if w["bottom"] > bottom:
            bottom = w["bottom"]
        if w["x0"] - prev_x1 > widest and w is not first:
            widest = w["x0"] - prev_x1
        prev_x1 = w["x1"]
    # (the first of the commonest, as Counter.most_common(1) gives it)
    size = (
        max(size_count, key=size_count.__getitem__)
        if size_count
        else (median([w.get("size", 10.0) for w in words]) if words else 10.0)
    )
    # the top and bottom of the words in the line's size (not of its superscripts)
    least = size - 0.5
    if not all(r >= least for r in rounded):
        main = [w for w, r in zip(words, rounded) if r >= least] or words
        top = min(w["top"] for w in main)
        bottom = max(w["bottom"] for w in main)
    text = join_words(words)
    pieces: tuple[str, ...] = (text,)
    wide = 2 * size
    if widest > wide:  # cut at wide gaps
        cut: list[list[Word]] = [[first]]
        prev_x1 = first["x1"]
        for w in words[1:]:
            if w["x0"] - prev_x1 > wide:
                cut.append([])
            cut[-1].append(w)
            prev_x1 = w["x1"]
        pieces = tuple(join_words(p) for p in cut)
    return Line(
        page=page,
        x0=first["x0"],
        x1=words[-1]["x1"],
        top=top,
        bottom=bottom,
        size=size,
        bold=bold_chars > 0.6 * chars,
        text=text,
        column=column,
        ends_soft_hyphen=words[-1]["text"].endswith("\u00ad"),
        pieces=pieces,
    )


# -- columns ------------------------------------------------------------------------------


def find_gutter(rows: list[list[Word]], x_min: float, x_max: float) -> tuple[float, float] | None:
    """The vertical strip between two text columns, or None for a one-column page.

    A gutter is an x-range in the middle of the text area that most rows leave open (it lies
    past their end, before their start, or inside a wide gap between two words); only
    full-width rows (title, abstract, wide captions) cover it, however many they are. The
    columns need not share baselines. It is confirmed by rows of text on both sides of it.
    """
    width = x_max - x_min
    if width < 100 or len(rows) < 6:
        return None
    lo, hi = int(0.25 * width), int(0.75 * width)
    n = hi - lo + 1
    steps = [0] * (n + 1)  # +1 where a span starts covering, -1 past where it ends
    row_spans: list[list[tuple[float, float]]] = []
    for row in rows:
        size = max([w.get("size", 10.0) for w in row])
        min_gap = max(4.0, 0.5 * size)
        # the spans this row covers: words plus the narrow gaps between them
        start = row[0]["x0"]
        end = row[0]["x1"]
        spans = []
        for w in row[1:]:
            if w["x0"] - end < min_gap:
                if w["x1"] > end:
                    end = w["x1"]
            else:
                spans.append((start, end))
                start, end = w["x0"], w["x1"]
        spans.append((start, end))
        row_spans.append(spans)
        for a, b in spans:
            s = max(int(a - x_min), lo)
            e = min(int(b - x_min), hi)
            if s <= e:
                steps[s - lo] += 1
                steps[e - lo + 1] -= 1
    covered = list(accumulate(steps[:n]))
    least = min(covered)
    if least > 0.6 * len(rows):
        return None
    # the widest run at (about) the least coverage
    limit = least + max(1, int(0.03 * len(rows)))
    best: tuple[int, int] | None = None
    i = 0
    while i < n:
        if covered[i] <= limit:
            j = i
            while j < n and covered[j] <= limit:
                j += 1
            if best is None or j - i > best[1] - best[0]:
                best = (i, j)
            i = j
        else:
            i += 1
    if best is None or best[1] - best[0] < 3:
        return None
    g0, g1 = x_min + lo + best[0], x_min + lo + best[1]
    # text on both sides: rows that run from the left margin up to the gutter, and rows
    # that start at the gutter
    reach = 0.5 * (g0 - x_min)
    left = sum(1 for spans in row_spans if any(x_min + reach < b <= g0 + 1 for _, b in spans))
    right = sum(1 for spans in row_spans if any(g1 - 1 <= a < g1 + 0.1 * width for a, _ in spans))
    if left < 3 or right < 3:
        return None
    return g0, g1


def split_row(row: list[Word], gutter: tuple[float, float] | None) -> list[tuple[int, list[Word]]]:
    """A row cut at the gutter: [(column, words)]; column 0 for a row that crosses it."""
    if gutter is None:
        return [(0, row)]
    g0, g1 = gutter
    mid = (g0 + g1) / 2
    left: list[Word] = []
    right: list[Word] = []
    for w in row:
        centre = (w["x0"] + w["x1"]) / 2
        if centre < mid:
            left.append(w)
        elif centre >= mid:
            right.append(w)
    if not left:
        if right[0]["x0"] < g0 - 2:
            return [(0, right)]
        return [(2, right)]
    if not right:
        if left[-1]["x1"] > g1 + 2:
            return [(0, left)]
        return [(1, left)]
    gap = right[0]["x0"] - left[-1]["x1"]
    gutter_w = max(g1 - g0, 1.0)
    if (
        left[-1]["x1"] <= mid
        and right[0]["x0"] >= mid
        and gap >= min(0.6 * gutter_w, 6.0)
        and gap >= max(4.0, 0.6 * max(w.get("size", 10.0) for w in row))  # not a word space
    ):
        return [(1, left), (2, right)]
    return [(0, row)]


def page_lines(words: list[Word], page: int, x_min: float, x_max: float) -> list[Line]:
    """The lines of a page in reading order (bands top to bottom, columns left to right)."""
    rows = words_to_rows(words)
    gutter = find_gutter(rows, x_min, x_max)
    pieces: list[tuple[float, int, list[Word]]] = []
    last_full: list[Word] | None = None
    for row in rows:
        split = split_row(row, gutter)
        if (
            len(split) == 1
            and split[0][0]
            and last_full is not None
            and _ends_full_block(split[0][1], last_full)
        ):
            split = [(0, split[0][1])]  # the short last line of a full-width paragraph or caption
        for column, ws in split:
            pieces.append((min(w["top"] for w in ws), column, ws))
        if len(split) == 1 and split[0][0] == 0:
            last_full = split[0][1]
        elif split:
            last_full = None
    pieces.sort(key=lambda p: p[0])
    ordered: list[Line] = []
    band: list[tuple[float, int, list[Word]]] = []

    def flush() -> None:
        for col in (1, 2):
            for _, c, ws in band:
                if c == col:
                    ordered.append(_line_from_words(ws, page, col))
        band.clear()

    for piece in pieces:
        if piece[1] == 0:
            flush()
            ordered.append(_line_from_words(piece[2], page, 0))
        else:
            band.append(piece)
    flush()
    return [line for line in ordered if line.text]


def _ends_full_block(ws: list[Word], full: list[Word]) -> bool:
    """A one-side line right under a full-width line, in its size and at its left edge (or
    centred under it), continues it."""
    size = max(w.get("size", 10.0) for w in ws)
    fsize = max(w.get("size", 10.0) for w in full)
    if abs(size - fsize) > 0.3:
        return False
    gap = min(w["top"] for w in ws) - max(w["bottom"] for w in full)
    if not -1 < gap < 0.8 * size:
        return False
    x0, x1 = ws[0]["x0"], ws[-1]["x1"]
    f0, f1 = full[0]["x0"], full[-1]["x1"]
    return abs(x0 - f0) < 2 or abs((x0 + x1) / 2 - (f0 + f1) / 2) < 4


# -- blocks --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?:;]['\")\]]*$|[.!?]\s*\[\d[\d,\s–-]*\]$")


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


@dataclass
class Metrics:
    body_size: float
    line_step: float  # typical baseline-to-baseline distance of body lines


def document_metrics(lines: list[Line]) -> Metrics:
    # the size of the running text: the commonest size in the first part of the document
    # (reference lists at the end are long and often set smaller)
    sizes: Counter[float] = Counter()
    for line in lines[: max(int(0.5 * len(lines)), min(len(lines), 40))]:
        sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    steps = []
    for a, b in pairwise(lines):
        if (
            a.page == b.page
            and a.column == b.column
            and abs(a.size - body_size) < 0.3
            and abs(b.size - body_size) < 0.3
        ):
            d = b.bottom - a.bottom
            if 0 < d < 3 * body_size:
                steps.append(d)
    step = median(steps) if steps else 1.2 * body_size
    return Metrics(body_size=body_size, line_step=step)


def _column_groups(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive lines that share page and column."""
    groups: list[list[Line]] = []
    for line in lines:
        if (
            groups
            and groups[-1][-1].page == line.page
            and groups[-1][-1].column == line.column
            and line.top >= groups[-1][-1].top - 1
        ):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _edges(group: list[Line], size: float) -> tuple[float, float, bool]:
    """Left edge, right edge, and whether the lines are justified (most end at the edge)."""
    xs0 = Counter(round(line.x0) for line in group)
    left = min(line.x0 for line in group)
    # the most common left x is the text edge; lower outliers are hanging labels
    if xs0:
        mode_x0, count = xs0.most_common(1)[0]
        if count >= 2 and mode_x0 - left < 3 * size:
            left = min(line.x0 for line in group if round(line.x0) >= mode_x0 - 1)
    right = max(line.x1 for line in group)
    near = sum(1 for line in group if right - line.x1 < 0.6 * size)
    justified = len(group) >= 3 and near >= 0.5 * len(group)
    return left, right, justified


def lines_to_blocks(lines: list[Line], metrics: Metrics) -> list[Block]:
    blocks: list[Block] = []
    for group in _column_groups(lines):
        size = metrics.body_size
        left, right, justified = _edges(group, size)
        # where most lines of the column end (a wide title line does not set it)
        ends = sorted(line.x1 for line in group)
        usual_right = ends[int(0.8 * (len(ends) - 1))] if ends else right
        start = len(blocks)
        current: list[Line] = []
        for i, line in enumerate(group):
            prev = group[i - 1] if i else None
            indented = 0.6 * size < line.x0 - left < 6 * size
            if prev is not None and not _same_block(
                prev, line, left, right, justified, metrics, indented, usual_right
            ):
                blocks.append(_make_block(current, left, right, size))
                current = []
            current.append(line)
        if current:
            blocks.append(_make_block(current, left, right, size))
        # the first and last block of this column run meet column or page breaks
        blocks[start].col_first = True
        blocks[-1].col_last = True
    return blocks


def _same_block(
    prev: Line,
    line: Line,
    left: float,
    right: float,
    justified: bool,
    metrics: Metrics,
    indented: bool,
    usual_right: float,
) -> bool:
    size = metrics.body_size
    step = line.bottom - prev.bottom
    if step > 1.45 * max(metrics.line_step, 0.9 * max(prev.size, line.size) * 1.1):
        return False
    if step < -1:
        return False
    if abs(prev.size - line.size) > 0.6 or prev.bold != line.bold:
        return False
    prev_indented = 0.6 * size < prev.x0 - left < 6 * size
    prev_short = prev.x1 < right - 1.5 * size
    # an indented first line starts a paragraph; but after a full line that does not end a
    # sentence an indented line is the hanging indent of a list item (a reference)
    if indented and (prev_short or (not prev_indented and ends_sentence(prev.text))):
        return False
    # a short last line that ends a sentence ends the paragraph (in justified text)
    if justified and prev.x1 < right - 1.5 * size and ends_sentence(prev.text):
        return False
    # in ragged text, a line that stops before 60% of the column's usual line, followed by a
    # capital, was broken by hand (a title, a journal line, an address), not wrapped; unless it
    # stops on a word that cannot end a line of its own ("This included an / EGFR inhibitor")
    return justified or not (prev.x1 - left < 0.6 * (usual_right - left) and line.text[:1].isupper()
                             and not _RUNS_ON.search(prev.text))


_RUNS_ON = re.compile(r"(?:[,;:(\-–]|\b(?:a|an|the|of|to|and|or|with|in|for|by|from|at|on|as|that|which|who|is|was|were|are|its|his|her|their|our|this|these|than|into|onto|per|via|vs\.?))\s*$",
                      re.IGNORECASE)


def _make_block(lines: list[Line], left: float, right: float, size: float) -> Block:
    first = lines[0]
    last = lines[-1]
    return Block(
        lines=list(lines),
        first_indented=0.6 * size < first.x0 - left < 6 * size,
        last_full=right - last.x1 < 1.5 * size,
    )
