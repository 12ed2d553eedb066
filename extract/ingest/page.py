"""The page model: what the layout analysis reads of a page, whatever made it.

A :class:`PageModel` is one page as words with boxes and font sizes, plus the drawings the
table and figure rules look at. :mod:`extract.ingest.pdfium` makes it from a PDF's text
layer; :mod:`extract.ingest.ocr` makes the same structure from Tesseract's words with boxes for
a scanned page (issue 14), and everything after it (:mod:`~extract.ingest.layout`, :mod:`~extract.ingest.tables`,
:mod:`~extract.ingest.captions`, :mod:`~extract.ingest.pdf`) runs unchanged.

Coordinates are PDF points with the origin at the page's top-left corner: ``x0 < x1`` from
the left edge, ``top < bottom`` from the top edge (pdfplumber's convention, which the layout
rules were written in).

A **word** (:data:`~extract.ingest.layout.Word`, a dict) is a run of characters of one font
and size on one baseline, without spaces, cut at gaps wider than 0.15 of the font size:

=============  ====================================================================
``text``       the characters as printed (ligatures, odd spaces and split accents are
               normalised later, by :func:`~extract.ingest.layout.normalise`)
``x0, x1``     left and right edge
``top``,       top and bottom of the font's box (ascent to descent, not the glyphs'
``bottom``     ink): words of one font and size on one line share them
``size``       font size in points, as set (a superscript is smaller)
``fontname``   the font's name (``"ABCDEF+MinionPro-Bold"``); bold is read from it; an
               OCR source may leave it empty
``upright``    True (text that is not upright goes to ``PageModel.sideways``)
``baseline``   optional: the line the word stands on (rows are grouped on it; without
               it, on ``bottom``); OCR gives one per line
``space_after``  optional: the source saw a word space right after the word (the text
               gets one even where the boxes touch: a glyph's ink can reach past its
               advance); OCR words are separate words, True
=============  ====================================================================

Drawings (``lines``, ``rects``, ``curves``) are dicts with ``x0, x1, top, bottom, width,
height`` (``curves`` also ``pts``, their points); ``images`` have ``x0, x1, top, bottom``.
A straight one-segment path is a line, an axis-aligned closed four-sided path a rectangle,
anything else a curve (the classes pdfminer uses, so pdfplumber's table finder reads them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Word = dict[str, Any]
Drawing = dict[str, Any]


@dataclass
class PageModel:
    """One page: its words in reading-independent order, and its drawings."""

    number: int  # from 1
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    #: characters of text that is not upright (a landscape table printed sideways), each a
    #: dict with ``text, x0, x1, top, bottom, size, fontname`` and ``matrix`` (a, b, c, d, e, f)
    sideways: list[Word] = field(default_factory=list)
    lines: list[Drawing] = field(default_factory=list)
    rects: list[Drawing] = field(default_factory=list)
    curves: list[Drawing] = field(default_factory=list)
    images: list[Drawing] = field(default_factory=list)
    #: every text object of the page is invisible (render mode 3): the hidden OCR layer of a
    #: scan, whose quality decides whether it is read again by OCR (issue 14)
    invisible_text: bool = False

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)

    @property
    def edges(self) -> list[Drawing]:
        """Every straight edge of the drawings (pdfplumber's ``Page.edges``), for its table
        finder."""
        from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

        out = [line_to_edge(ln) for ln in self.lines]
        for r in self.rects:
            out.extend(rect_to_edges(r))
        for c in self.curves:
            out.extend(curve_to_edges(c))
        return out
