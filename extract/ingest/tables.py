"""Tables on a PDF page: found from their caption and rules, read into header + rows.

Two kinds of printed table are handled with general rules:

* fully ruled grids (pdfplumber's table finder, its line strategy, finds their cells from the
  page model's ruling lines; the cells' text is our words');
* "booktabs" tables with horizontal rules only (top, below the header, bottom), the common
  journal style: the rules under a ``Table N`` caption give the table's extent, column
  boundaries come from the x-gaps that no body word crosses, and a line whose first column
  is empty continues the row above (a cell that wraps over lines is one cell).

The words a table uses (caption, cells, legend) are returned so the running text skips them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from extract.document import Table
from extract.ingest.layout import Word, join_words, normalise, words_to_rows
from extract.ingest.page import PageModel

TABLE_LABEL = re.compile(r"^(?:Table|TABLE|Tab\.)\s*([0-9]+|[IVX]+)\b\s*[.:|]?")
_FOOTNOTE_START = re.compile(
    r"^(?:[a-z*†‡§¶#]\s|\(?[a-z*†‡§¶]\)\s|Abbreviations?\b|Note[s:]|Data are|Values are|[A-Z][A-Za-z0-9/]*\s*[,:=])"
)


@dataclass
class FoundTable:
    table: Table
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom of caption + table + legend
    used: set[int] = field(default_factory=set)  # ids of words used
    label: str | None = None


def _rules(page: Any) -> list[tuple[float, float, float]]:
    """Horizontal rules as (top, x0, x1): drawn lines and thin filled rectangles."""
    out = []
    for ln in page.lines:
        if abs(ln["top"] - ln["bottom"]) < 1.0 and ln["x1"] - ln["x0"] > 40:
            out.append((ln["top"], ln["x0"], ln["x1"]))
    for r in page.rects:
        if r["bottom"] - r["top"] < 2.5 and r["x1"] - r["x0"] > 40:
            out.append(((r["top"] + r["bottom"]) / 2, r["x0"], r["x1"]))
    out.sort()
    # a rule drawn as touching segments (one per column) is one rule
    merged: list[tuple[float, float, float]] = []
    for y, x0, x1 in out:
        for k in range(len(merged) - 1, -1, -1):
            my, mx0, mx1 = merged[k]
            if abs(my - y) < 1.0 and x0 <= mx1 + 3 and x1 >= mx0 - 3:
                merged[k] = (my, min(mx0, x0), max(mx1, x1))
                break
            if y - my > 1.0:
                merged.append((y, x0, x1))
                break
        else:
            merged.append((y, x0, x1))
    return sorted(merged)


def _same_span(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    """Two rules of one table: they share most of their width."""
    overlap = min(a[2], b[2]) - max(a[1], b[1])
    short, long_ = sorted((a[2] - a[1], b[2] - b[1]))
    return overlap >= 0.9 * short and short >= 0.5 * long_


def _verticals(page: Any) -> list[tuple[float, float, float]]:
    out = []
    for ln in page.lines:
        if abs(ln["x0"] - ln["x1"]) < 1.0 and ln["bottom"] - ln["top"] > 10:
            out.append((ln["x0"], ln["top"], ln["bottom"]))
    for r in page.rects:
        if r["x1"] - r["x0"] < 2.5 and r["bottom"] - r["top"] > 10:
            out.append(((r["x0"] + r["x1"]) / 2, r["top"], r["bottom"]))
    return out


def _caption_rows(rows: list[list[Word]]) -> list[tuple[int, int, str]]:
    """(row index, start word index, label) of rows that begin a ``Table N`` caption."""
    out = []
    for ri, row in enumerate(rows):
        for wi, w in enumerate(row):
            if wi and w["x0"] - row[wi - 1]["x1"] < 8:
                continue  # not the start of a fragment
            text = join_words(row[wi : wi + 3])
            m = TABLE_LABEL.match(text)
            if m and (
                m.end() == len(text)
                or not text[m.end() :].lstrip().startswith(("and", "shows", "lists", "summar", ")"))
            ):
                tail = text[m.end() :].lstrip()
                if tail[:1].islower() and not m.group(0).rstrip().endswith((".", ":", "|")):
                    continue  # "Table 1 shows ..." in running text
                out.append((ri, wi, f"Table {m.group(1)}"))
                break
    return out


def _fragment(row: list[Word], start: int) -> list[Word]:
    """Words of ``row`` from ``start`` up to a wide gap (a column gutter)."""
    out = [row[start]]
    for w in row[start + 1 :]:
        if w["x0"] - out[-1]["x1"] > 12:
            break
        out.append(w)
    return out


def _columns(rows: list[list[Word]], x0: float, x1: float, size: float) -> list[float]:
    """Left boundaries of the columns: x-gaps that (almost) no body word crosses."""
    n = int(x1 - x0) + 2
    cover = [0] * n
    for row in rows:
        for w in row:
            a = max(int(w["x0"] - x0), 0)
            b = min(int(w["x1"] - x0) + 1, n)
            for i in range(a, b):
                cover[i] += 1
    allowed = max(0, len(rows) // 12)
    min_gap = max(0.5 * size, 3.0)
    starts = []
    i = 0
    first = next((k for k, c in enumerate(cover) if c), 0)
    starts.append(x0 + first)
    i = first
    while i < n:
        if cover[i] <= allowed:
            j = i
            while j < n and cover[j] <= allowed:
                j += 1
            if j < n and j - i >= min_gap and i > first:
                starts.append(x0 + j - 0.5)
            i = j
        else:
            i += 1
    return starts


def _cells(row: list[Word], starts: list[float], by_centre: bool = False) -> list[list[Word]]:
    """Words of a row by column: body words by their left edge; header words (often
    centred over their column) by their centre."""
    cells: list[list[Word]] = [[] for _ in starts]
    for w in row:
        x = (w["x0"] + w["x1"]) / 2 if by_centre else w["x0"]
        k = 0
        for ci, s in enumerate(starts):
            if x >= s - 1.5:
                k = ci
        cells[k].append(w)
    return cells


def _join_cell(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[:1].islower():
        return a[:-1] + b
    return f"{a} {b}"


def _read_grid(
    rows: list[list[Word]], header_rows: int, x0: float, x1: float, size: float
) -> tuple[list[str], list[list[str]]]:
    body = rows[header_rows:] or rows
    starts = _columns(body, x0, x1, size)
    ncol = len(starts)
    header = [""] * ncol
    for row in rows[:header_rows]:
        for ci, cell in enumerate(_cells(row, starts, by_centre=True)):
            header[ci] = _join_cell(header[ci], join_words(cell))
    out: list[list[str]] = []
    for row in rows[header_rows:]:
        texts = [join_words(c) for c in _cells(row, starts)]
        if out and _continues_row(out[-1], texts):
            out[-1] = [_join_cell(a, b) for a, b in zip(out[-1], texts, strict=True)]
        else:
            out.append(texts)
    return header, out


def _continues_row(previous: list[str], texts: list[str]) -> bool:
    """A line continues the row above when its first cell is empty (other cells wrapped), or
    when it holds only the wrapped end of the first cell: the row label had an open
    bracket, or the line is a lone lowercase or closing-bracket fragment of it."""
    if not any(texts):
        return False
    first = texts[0]
    if not first:
        return True
    if previous[0].count("(") > previous[0].count(")"):
        return True
    lone = not any(texts[1:])
    return lone and (first[:1].islower() or first[:1] in ")]")


def find_tables(page: Any, words: list[Word], body_size: float) -> list[FoundTable]:
    """Tables on ``page`` that have a ``Table N`` caption above their rules, or a ruled grid."""
    found: list[FoundTable] = []
    rules = _rules(page)
    if not rules or not any(w["text"][:2] in ("Ta", "TA") for w in words):
        # no "Table N" caption, or no rule under one
        found.extend(_grid_tables(page, words, body_size, found))
        return found
    rows = words_to_rows(words)
    verticals = _verticals(page)
    captions = _caption_rows(rows)
    for k, (ri, wi, label) in enumerate(captions):
        cap_words = _fragment(rows[ri], wi)
        cx0, cx1 = cap_words[0]["x0"], cap_words[-1]["x1"]
        ctop = min(w["top"] for w in cap_words)
        next_cap_top = min(
            (min(w["top"] for w in rows[r2]) for r2, _, _ in captions[k + 1 :]), default=page.height
        )
        below = [
            r
            for r in rules
            if ctop < r[0] < next_cap_top and r[2] > cx0 and r[1] < max(cx1, cx0 + 50)
        ]
        if not below:
            continue
        top_rule = below[0]
        group = [r for r in below if _same_span(r, top_rule)]
        if len(group) < 2:
            continue
        if top_rule[0] - ctop > 8 * body_size:
            continue
        # a box drawn around a figure is not a table
        if len(group) == 2 and any(
            abs(v[0] - top_rule[1]) < 3 and v[1] <= top_rule[0] + 2 for v in verticals
        ):
            continue
        tx0, tx1 = min(r[1] for r in group), max(r[2] for r in group)
        ttop, tbottom = top_rule[0], group[-1][0]
        # caption: its first row and any rows between it and the top rule, in its x-span
        used: set[int] = set()
        cap_text_rows: list[list[Word]] = []
        for row in rows:
            sel = [w for w in row if w["x0"] >= min(cx0, tx0) - 2 and w["x1"] <= max(cx1, tx1) + 2]
            if sel and ctop - 1 <= min(w["top"] for w in sel) < ttop:
                cap_text_rows.append(sel)
        # rows under the caption that are cut into cells by wide gaps are a header set above
        # the first rule (no rule over the header, a common style)
        header_above: list[list[Word]] = []
        for k, r in enumerate(cap_text_rows[1:], start=1):
            if any(b["x0"] - a["x1"] > 2 * body_size for a, b in pairwise(r)):
                header_above = cap_text_rows[k:]
                cap_text_rows = cap_text_rows[:k]
                break
        caption = ""
        for r in cap_text_rows:
            caption = _join_cell(caption, join_words(r))
        for r in cap_text_rows:
            used.update(id(w) for w in r)
        region_top = min((w["top"] for r in header_above for w in r), default=ttop)
        inside = [
            w
            for w in words
            if w["top"] >= region_top - 1
            and w["bottom"] <= tbottom + 1
            and w["x0"] >= tx0 - 3
            and w["x1"] <= tx1 + 3
        ]
        trows = words_to_rows(inside)
        if not trows:
            continue
        header_rows = 1
        if header_above:
            header_rows = sum(1 for r in trows if max(w["bottom"] for w in r) <= ttop + 1) or 1
        # the header ends at the first inner rule with text above it (not a doubled top rule
        # or a rule under a spanning header cell)
        for rule in group[1:-1] if not header_above else []:
            above = sum(1 for r in trows if max(w["bottom"] for w in r) <= rule[0] + 1)
            if above and _same_span(rule, (rule[0], tx0, tx1)):
                header_rows = above
                break
        header, body = _read_grid(trows, header_rows, tx0, tx1, body_size)
        used.update(id(w) for w in inside)
        # legend: smaller lines right under the bottom rule
        legend_rows: list[list[Word]] = []
        last = tbottom
        table_size = min((w.get("size", body_size) for w in inside), default=body_size)
        for row in rows:
            sel = [w for w in row if w["x0"] >= tx0 - 3 and w["x1"] <= tx1 + 3]
            if not sel or min(w["top"] for w in sel) <= tbottom:
                continue
            rtop = min(w["top"] for w in sel)
            if rtop - last > 1.6 * body_size:
                break
            size = max(w.get("size", body_size) for w in sel)
            if size > body_size - 0.3 and not (
                legend_rows or _FOOTNOTE_START.match(join_words(sel))
            ):
                break
            if size > max(table_size, body_size - 0.3) + 0.3:
                break
            legend_rows.append(sel)
            last = max(w["bottom"] for w in sel)
        legend_text = ""
        for r in legend_rows:
            legend_text = _join_cell(legend_text, join_words(r))
        legend = legend_text or None
        for r in legend_rows:
            used.update(id(w) for w in r)
        bottom = last
        found.append(
            FoundTable(
                table=Table(
                    caption=normalise(caption) or None,
                    header=header,
                    rows=body,
                    legend=legend,
                    page=page.number,
                ),
                bbox=(min(tx0, cx0), ctop, max(tx1, cx1), bottom),
                used=used,
                label=label,
            )
        )
    found.extend(_grid_tables(page, words, body_size, found))
    return found


def _grid_tables(
    page: Any, words: list[Word], body_size: float, already: list[FoundTable]
) -> list[FoundTable]:
    """Fully ruled tables that pdfplumber's table finder (line strategy) finds in the page's
    ruling lines (and no caption rule found); the text of a cell is the words inside it."""
    out: list[FoundTable] = []
    if not isinstance(page, PageModel) or len(page.lines) + len(page.rects) < 6:
        return out  # ruled grids are found on upright pages only
    from pdfplumber.table import TableFinder

    for t in TableFinder(page).tables:  # type: ignore[arg-type]
        x0, top, x1, bottom = t.bbox
        if any(
            f.bbox[0] - 3 <= x0
            and f.bbox[2] + 3 >= x1
            and f.bbox[1] - 3 <= top
            and f.bbox[3] + 3 >= bottom
            for f in already
        ):
            continue
        inside = [
            w
            for w in words
            if w["top"] >= top - 1
            and w["bottom"] <= bottom + 1
            and w["x0"] >= x0 - 1
            and w["x1"] <= x1 + 1
        ]
        if not inside:
            continue
        centres = [((w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2) for w in inside]
        cells = [[_cell_text(cell, inside, centres) for cell in row.cells] for row in t.rows]
        if len(cells) < 2 or max(len(r) for r in cells) < 2:
            continue
        filled = sum(1 for r in cells for c in r if c)
        if filled < 0.4 * sum(len(r) for r in cells):
            continue  # a grid of mostly empty cells is a chart (an audiogram), not a table
        out.append(
            FoundTable(
                table=Table(
                    caption=None,
                    header=cells[0],
                    rows=cells[1:],
                    legend=None,
                    page=page.number,
                ),
                bbox=(x0, top, x1, bottom),
                used={id(w) for w in inside},
            )
        )
    return out


def _cell_text(
    cell: tuple[float, float, float, float] | None,
    words: list[Word],
    centres: list[tuple[float, float]],
) -> str:
    """The words whose centre (``centres``, one for each word) lies in ``cell``, line by line."""
    if cell is None:
        return ""
    x0, top, x1, bottom = cell
    mine = [w for w, (cx, cy) in zip(words, centres) if x0 <= cx < x1 and top <= cy < bottom]
    return " ".join(join_words(row) for row in words_to_rows(mine)).strip()


class RotatedPage:
    """A landscape table printed sideways on a portrait page, seen as if the page were turned
    so that its text runs left to right. Provides what :func:`find_tables` reads of a page:
    size, page number, drawn lines and rectangles (turned too)."""

    def __init__(self, page: PageModel, counter_clockwise: bool) -> None:
        self.number = page.number
        self.width = float(page.height)
        self.height = float(page.width)
        self._ccw = counter_clockwise
        self._h = float(page.height)
        self._w = float(page.width)
        self.lines = [self.turn(o) for o in page.lines]
        self.rects = [self.turn(o) for o in page.rects]
        self.images: list[dict[str, Any]] = []

    def turn(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The object's box in the turned page's coordinates."""
        x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
        if self._ccw:  # text runs upwards: reading x grows as the page's y shrinks
            box = {"x0": self._h - bottom, "x1": self._h - top, "top": x0, "bottom": x1}
        else:  # text runs downwards
            box = {"x0": top, "x1": bottom, "top": self._w - x1, "bottom": self._w - x0}
        return {**obj, **box}


def rotated_words(page: PageModel, options: dict[str, Any]) -> tuple[RotatedPage, list[Word]] | None:
    """Words of text printed sideways (a landscape table), in turned-page coordinates."""
    chars = [c for c in page.sideways if c["text"].strip()]
    if len(chars) < 50:
        return None
    ccw = sum(1 for c in chars if c["matrix"][1] > 0) >= len(chars) / 2
    turned = RotatedPage(page, ccw)
    vchars = []
    for c in page.sideways:  # with the spaces a source saw between words
        vchars.append(
            {
                **turned.turn(c),
                "text": c["text"],
                "size": c["size"],
                "upright": True,
                "fontname": c.get("fontname", ""),
                "doctop": 0.0,
                "space_after": c.get("space_after", False),
            }
        )
    for c in vchars:
        c["doctop"] = c["top"]
    from pdfplumber.utils.text import extract_words

    keys = ("x_tolerance_ratio", "y_tolerance", "keep_blank_chars", "extra_attrs")
    opts = {k: v for k, v in options.items() if k in keys}
    words = extract_words(vchars, return_chars=True, **opts)
    for w in words:
        w["space_after"] = w.pop("chars")[-1].get("space_after", False)
    return turned, [normalise_word(w) for w in words]


def normalise_word(w: Word) -> Word:
    return {**w, "text": normalise(w["text"])}
