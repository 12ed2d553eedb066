"""Page images and evidence boxes (extract/web/pages.py) on real PDFs read by the real reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.pipeline import process_file
from extract.record import Evidence
from extract.web.pages import PdfPages, evidence_boxes, find_span

PDFS = ("seed/shimizu2018.pdf", "hostile/script_in_text.pdf", "dev/pdf/braunstein2021_jmcr_humerus.pdf",
        "dev/pdf/sato2014_crionm_cerebellar.pdf", "dev/pdf/kim2018_anndermatol_cutaneous.pdf")


def read(corpus: Path, name: str):
    result = process_file(corpus / name)
    doc = result.document
    assert doc is not None
    return result, doc, [[p.number, p.start, p.end] for p in doc.pages], PdfPages((corpus / name).read_bytes())


@pytest.mark.parametrize("name", PDFS)
def test_every_evidence_with_offsets_is_placed_on_its_page(corpus, name):
    result, doc, offsets, pages = read(corpus, name)
    placed = 0
    for case in result.cases:
        for ev in case.evidence.values():
            if ev.start is None or ev.page is None:
                continue
            boxes = evidence_boxes(pages, ev.page, doc.text, offsets, ev, [])
            assert boxes, (case.case_index, ev.text)
            width, height = pages.size(ev.page)
            assert all(0 <= b.x and b.x + b.width <= width + 3 and 0 <= b.y and b.y + b.height <= height + 3
                       for b in boxes)
            placed += 1
    assert placed >= 3


def test_the_span_found_is_the_occurrence_the_offsets_name(corpus):
    """The seed says "51-year-old Japanese man" twice on page 1 (abstract and case report)."""
    result, doc, offsets, pages = read(corpus, "seed/shimizu2018.pdf")
    start = doc.text.index("51-year-old Japanese man")
    later = doc.text.index("51-year-old Japanese man", start + 1)
    first = evidence_boxes(pages, 1, doc.text, offsets, Evidence("51-year-old Japanese man", 1, start, start + 24), [])
    second = evidence_boxes(pages, 1, doc.text, offsets, Evidence("51-year-old Japanese man", 1, later, later + 24), [])
    assert len(first) == 1 and len(second) == 1
    assert second[0].y > first[0].y + 100  # the case report is further down than the abstract


def test_table_cells_without_offsets_are_placed_on_their_row(corpus):
    result, doc, offsets, pages = read(corpus, "seed/shimizu2018.pdf")
    row = next(c for c in result.cases if c.primary_site == "sigmoid colon")
    site = evidence_boxes(pages, 3, doc.text, offsets, row.evidence["primary_site"], [])
    sites = evidence_boxes(pages, 3, doc.text, offsets, row.evidence["metastasis_sites"],
                           list(row.evidence.values()))
    assert len(site) == 1 and len(sites) == 1
    assert abs(site[0].y - sites[0].y) < 2  # "Sigmoid colon" and its "L, V, B" on one line
    # words that stand on the page more often than patients give them, with no anchor: no guess
    assert evidence_boxes(pages, 3, doc.text, offsets, Evidence("L, V, B", 3), []) == []
    assert evidence_boxes(pages, 3, doc.text, offsets, Evidence("nowhere to be seen", 3), []) == []


def test_find_span_ignores_line_breaks_hyphens_and_ligatures():
    page = "rectal gastrointestinal stro-\r\nmal tumor was ﬁxed"
    doc = "for a rectal gastrointestinal stromal tumor was fixed"
    start = doc.index("rectal")
    assert find_span(page, doc, 0, len(doc), start, start + 37) == (0, page.index("tumor") + 4)
    start = doc.index("fixed")
    assert find_span(page, doc, 0, len(doc), start, start + 5) == (page.index("ﬁ"), len(page) - 1)
    assert find_span(page, doc, 0, len(doc), 0, 3) is None  # "for" is not on this page


def test_pages_render_as_png(corpus):
    pages = PdfPages((corpus / "seed" / "shimizu2018.pdf").read_bytes())
    assert pages.count == 3
    png = pages.png(1, width_px=400)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(png)).size[0] == 400
