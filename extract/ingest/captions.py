"""Figure captions and the text printed inside figures.

A caption is a block whose first line starts with a figure label (``Fig. 1``, ``Figure 2.``,
``Fig 3:``, ``FIGURE 4``); it leaves the running text and becomes a
:class:`~extract.document.Caption`. Words printed inside an image (panel letters, axis labels)
are dropped before the layout is read.
"""

from __future__ import annotations

import re
from typing import Any

from extract.ingest.layout import Block, Word

FIGURE_LABEL = re.compile(
    r"^(?P<label>(?:Fig(?:ure)?s?\.?|FIG(?:URE)?S?\.?|Supplementary\s+Fig(?:ure)?\.?)\s*"
    r"(?:[0-9]+[A-Za-z]?|[IVX]+)(?:\s*[-–,]\s*[0-9]+[A-Za-z]?)?)\s*(?P<sep>[.:|—–-]?)\s*"
)
_PANEL = re.compile(r"^(?:[(\[]?[A-Za-z0-9][)\].]?|\([A-Za-z0-9]{1,2}\))$")


def caption_label(text: str, *, body_size: float, size: float) -> tuple[str, str] | None:
    """(label, caption text) if ``text`` opens a figure caption, else None.

    "Figure 2 shows ..." in running text is not a caption: a label followed directly by a
    lowercase word is only taken when the line is set smaller than the body text.
    """
    m = FIGURE_LABEL.match(text)
    if not m:
        return None
    rest = text[m.end() :]
    if not m.group("sep") and rest[:1].islower() and size >= body_size - 0.3:
        return None
    if not m.group("sep") and rest.startswith(("and ", "or ", "to ")):
        return None
    label = " ".join(m.group("label").split())
    return label, rest.strip()


def is_figure_caption(block: Block, body_size: float) -> tuple[str, str] | None:
    return caption_label(block.lines[0].text, body_size=body_size, size=block.size)


def figure_regions(page: Any) -> list[tuple[float, float, float, float]]:
    """Boxes of the images on a page (x0, top, x1, bottom), large enough to be figures."""
    area = float(page.width * page.height)
    out = []
    for im in page.images:
        x0, top, x1, bottom = im["x0"], im["top"], im["x1"], im["bottom"]
        if (x1 - x0) * (bottom - top) > 0.005 * area and (x1 - x0) > 20 and (bottom - top) > 20:
            out.append((x0, top, x1, bottom))
    return out


Box = tuple[float, float, float, float]


def vector_figures(page: Any, min_parts: int = 8) -> list[Box]:
    """Regions drawn with many vector parts (charts, diagrams): the boxes of clusters of
    curves, lines and rectangles that lie close together (a lone rule is no cluster; the
    rules of tables are read before this)."""
    parts: list[Box] = []
    for obj in list(page.curves) + list(page.lines) + list(page.rects):
        parts.append((obj["x0"], obj["top"], obj["x1"], obj["bottom"]))
    if len(parts) < min_parts or len(parts) > 5000:
        return []
    pad = 4.0
    clusters: list[list[float]] = []  # x0, top, x1, bottom, count
    for x0, top, x1, bottom in sorted(parts, key=lambda b: b[1]):
        hit = None
        for c in clusters:
            if x0 - pad <= c[2] and x1 + pad >= c[0] and top - pad <= c[3] and bottom + pad >= c[1]:
                hit = c
                break
        if hit is None:
            clusters.append([x0, top, x1, bottom, 1])
        else:
            hit[0], hit[1], hit[2], hit[3] = (
                min(hit[0], x0),
                min(hit[1], top),
                max(hit[2], x1),
                max(hit[3], bottom),
            )
            hit[4] += 1
    merged = True
    while merged:  # clusters that grew into each other
        merged = False
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                a, b = clusters[i], clusters[j]
                if (
                    a[0] - pad <= b[2]
                    and a[2] + pad >= b[0]
                    and a[1] - pad <= b[3]
                    and a[3] + pad >= b[1]
                ):
                    a[0], a[1], a[2], a[3] = (
                        min(a[0], b[0]),
                        min(a[1], b[1]),
                        max(a[2], b[2]),
                        max(a[3], b[3]),
                    )
                    a[4] += b[4]
                    del clusters[j]
                    merged = True
                    break
            if merged:
                break
    area = float(page.width * page.height)
    return [
        (c[0], c[1], c[2], c[3])
        for c in clusters
        if c[4] >= min_parts and (c[2] - c[0]) * (c[3] - c[1]) > 0.01 * area
    ]


def _prose_inside(box: Box, words: list[Word], centres: list[tuple[float, float]]) -> bool:
    """A framed text box (many words in long rows) is not a figure (``centres``: the words'
    centres)."""
    x0, top, x1, bottom = box
    inside = [w for w, (cx, cy) in zip(words, centres) if x0 <= cx <= x1 and top <= cy <= bottom]
    if len(inside) < 40:
        return False
    from extract.ingest.layout import words_to_rows

    long_rows = sum(1 for row in words_to_rows(inside) if len(row) >= 8)
    return long_rows >= 3


def drawn_boxes(page: Any) -> list[tuple[float, float, float, float]]:
    """Closed rectangles (as rects or four lines) big enough to frame a figure."""
    area = float(page.width * page.height)
    out = []
    for r in page.rects:
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if w > 40 and h > 40 and w * h > 0.01 * area and w < 0.98 * page.width:
            out.append((r["x0"], r["top"], r["x1"], r["bottom"]))
    hs = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 1 and ln["x1"] - ln["x0"] > 40]
    vs = [ln for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 1 and ln["bottom"] - ln["top"] > 40]
    for a in hs:
        for b in hs:
            if (
                b["top"] - a["top"] > 40
                and abs(a["x0"] - b["x0"]) < 2
                and abs(a["x1"] - b["x1"]) < 2
            ):
                sides = [
                    v
                    for v in vs
                    if v["top"] <= a["top"] + 2
                    and v["bottom"] >= b["top"] - 2
                    and (abs(v["x0"] - a["x0"]) < 2 or abs(v["x0"] - a["x1"]) < 2)
                ]
                if len(sides) >= 2:
                    out.append((a["x0"], a["top"], a["x1"], b["top"]))
    return out


def _inside(w: Word, box: tuple[float, float, float, float], pad: float = 0.0) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def drop_figure_text(page: Any, words: list[Word], body_size: float = 10.0) -> list[Word]:
    """Words outside figures: text inside images, panel letters at their edges, and text
    inside a drawn box that holds an image or looks like a figure placeholder."""
    images = figure_regions(page)
    drawn = drawn_boxes(page)
    drawings = vector_figures(page)
    if not images and not drawn and not drawings:
        return words
    # (the centre of each word, as _inside takes it)
    centres = [((w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2) for w in words]
    # a drawn box is a figure frame when the words inside it are few (labels, not prose)
    boxes = [
        b for b in drawn
        if sum(1 for cx, cy in centres if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]) < 40
    ]
    charts = [b for b in drawings if not _prose_inside(b, words, centres)]
    if not images and not boxes and not charts:
        return words
    labels: set[int] = set()
    if charts:
        # axis labels and panel letters just outside a chart: short rows wholly beside it
        from extract.ingest.layout import words_to_rows

        for row in words_to_rows(words):
            if (
                len(row) <= 16
                and max(w.get("size", 0.0) for w in row) <= body_size + 0.3
                and all(
                    any(_inside(w, (b[0] - 30, b[1] - 20, b[2] + 30, b[3] + 30)) for b in charts)
                    for w in row
                )
            ):
                labels.update(id(w) for w in row)
    regions = images + charts + boxes
    x0 = min(b[0] for b in regions) - 40
    top = min(b[1] for b in regions) - 40
    x1 = max(b[2] for b in regions) + 40
    bottom = max(b[3] for b in regions) + 40
    keep = []
    for w, (cx, cy) in zip(words, centres):
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            keep.append(w)  # far from every figure (the tests below reach 40 points out)
            continue
        if (
            any(_inside(w, b) for b in images)
            or any(_inside(w, b, pad=2) for b in charts)
            or id(w) in labels
        ):
            continue
        if _PANEL.match(w["text"]) and (
            any(_inside(w, b, pad=14) for b in images) or any(_inside(w, b, pad=40) for b in charts)
        ):
            continue
        if any(_inside(w, b) for b in boxes):
            continue
        keep.append(w)
    return keep
