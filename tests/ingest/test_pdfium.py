"""The page model from PDFium (extract/ingest/pdfium.py, extract/ingest/page.py), on real PDFs.

Issue 12 moved the reader from pdfminer's characters (under pdfplumber) to PDFium's; these tests
lock in the page model it builds and the cases where PDFium's boxes differ from pdfminer's
(a glyph's ink past its advance, fonts without metrics, quotes in fonts of their own, pages
with /Rotate). ``test_issue_12_every_corpus_pdf_reads_as_its_golden_file`` checks every PDF of
the corpus against ``benchmarks/golden/ingest.jsonl`` (``python benchmarks/golden.py diff``
shows what differs, ``freeze`` writes it anew after a deliberate change).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extract import ingest
from extract.errors import IngestError
from extract.ingest.layout import is_bold_font
from extract.ingest.page import PageModel
from extract.ingest.pdf import _compose, plumber_pages, read_page, read_pdf
from extract.ingest.pdfium import read_page as pdfium_page

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed" / "shimizu2018.pdf"
PDFS = ROOT / "corpus" / "pdfs"
GOLDEN = ROOT / "benchmarks" / "golden" / "ingest.jsonl"
WORD_KEYS = {"text", "x0", "x1", "top", "bottom", "baseline", "size", "fontname", "upright", "space_after"}


def _model(path: Path, number: int) -> PageModel:
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[number - 1]
        model, textpage = pdfium_page(page, number)
        textpage.close()
        page.close()
        return model
    finally:
        pdf.close()


def test_issue_12_words_have_boxes_baselines_sizes_and_fonts() -> None:
    page = _model(SEED, 1)
    assert (page.number, round(page.width, 1), round(page.height, 1)) == (1, 595.3, 841.9)
    assert len(page.words) > 500
    for w in page.words:
        assert set(w) == WORD_KEYS
        assert w["text"] and not any(c.isspace() for c in w["text"])
        assert w["x0"] < w["x1"] and w["top"] < w["baseline"] <= w["bottom"]
        assert w["upright"]
    heading = next(w for w in page.words if w["text"] == "Abstract")
    assert is_bold_font(heading["fontname"]) and heading["size"] > 11
    body = next(w for w in page.words if w["text"] == "Background:")
    assert round(body["size"], 1) == 10.0  # as pdfminer gives it: the font size as shown
    # the words of one line stand on one baseline, whatever their glyphs reach below it
    line = [w for w in page.words if abs(w["baseline"] - heading["baseline"]) < 0.01]
    assert len({round(w["bottom"], 2) for w in line if w["fontname"] == heading["fontname"]}) == 1


def test_shimizu2018_table_rules_are_lines_of_the_page_model() -> None:
    page = _model(SEED, 3)
    rules = [ln for ln in page.lines if ln["height"] < 1 and ln["width"] > 300]
    assert len(rules) >= 3  # top, under the header, bottom of Table 1
    assert all(0 < r["top"] < page.height for r in rules)
    assert {"x0", "x1", "top", "bottom", "width", "height"} <= set(rules[0])
    # the edges pdfplumber's table finder reads
    assert any(e["orientation"] == "h" for e in page.edges)


def test_pmc4738724_landscape_table_characters_are_sideways() -> None:
    page = _model(PDFS / "PMC4738724.pdf", 5)
    letters = [c for c in page.sideways if c["text"].strip()]
    assert len(letters) > 500
    assert all(c["matrix"][1] != 0 and not c["upright"] for c in letters)


def test_odd_corrupted_page_with_rotate_is_read_as_shown() -> None:
    # /Rotate 90 with text drawn turned: upright as the page is shown (pdfminer does the same)
    doc = read_pdf(PDFS / "odd_corrupted_pdfminer_zen_of_python.pdf", max_pages=200)
    # a printed text file: each aphorism on a line of its own (the ragged-text hand break
    # makes each its own paragraph), in the order shown
    assert "Beautiful is better than ugly. Explicit is better than implicit." in " ".join(doc.text.split())
    assert doc.warnings and "damaged" in doc.warnings[0]


def test_pmc4735894_italic_f_overhangs_the_word_space() -> None:
    # PDFium's box of an italic "f" reaches past its advance, over the space after it
    doc = read_pdf(PDFS / "PMC4735894.pdf", max_pages=200)
    assert "Amrita Institute of Medical Sciences" in doc.text
    assert "ofMedical" not in doc.text


def test_pmc4735894_multiplication_sign_of_a_font_without_metrics_stays_in_its_line() -> None:
    # the maths font's "×" stood on another row in pdfminer's boxes: "large left 6.6 × atrial"
    doc = read_pdf(PDFS / "PMC4735894.pdf", max_pages=200)
    assert "interatrial septum (size: 6.6 × 3.1 cm; Figure 2(a))" in doc.text
    assert "evident in the right atrium (size: 1 × 1 cm; Figure 2(b))." in doc.text


def test_pmc4738733_maths_italic_mu_beyond_the_bmp_in_its_unit() -> None:
    doc = read_pdf(PDFS / "PMC4738733.pdf", max_pages=200)
    assert "1000/μL" in doc.text


def test_cermine_example2_apostrophes_in_a_font_of_their_own_stay_in_their_words() -> None:
    text = read_pdf(PDFS / "cermine_example2.pdf", max_pages=200).text
    assert "confirmed by the researcher’s onsite observation" in text
    assert "influenced by people’s experiences, perceptions and expectations" in text
    assert not re.search(r"\b(?:patient|researcher|people) s\b", text)


def test_pmc4735908_title_lines_in_order() -> None:
    doc = read_pdf(PDFS / "PMC4735908.pdf", max_pages=200)
    assert doc.title == (
        "A Rare Case of Concomitant Maxilla and Mandible Brown Tumours, Papillary Thyroid "
        "Carcinoma, Parathyroid Adenoma, and Osteitis Fibrosa Cystica"
    )


def test_issue_12_pdfplumber_source_makes_the_same_page_model() -> None:
    # the reader's way in for a file PDFium refuses and pdfminer reads: the same page model
    warnings: list[str] = []
    pages = list(plumber_pages(SEED, warnings))
    assert not warnings and [p.number for p in pages] == [1, 2, 3]
    assert all(isinstance(p, PageModel) and p.words for p in pages)
    doc = _compose(SEED, [read_page(p) for p in pages], [])
    assert doc.text.startswith("En bloc corpectomy")
    assert len(doc.tables) == 1 and len(doc.tables[0].rows) == 13


def _golden() -> list[dict]:
    return [json.loads(line) for line in GOLDEN.read_text("utf-8").splitlines()]


def test_issue_12_every_corpus_pdf_reads_as_its_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the golden Documents name their files from the repository root
    rows = _golden()
    assert len(rows) == len(list((ROOT / "corpus").rglob("*.pdf")))
    for row in rows:
        try:
            got = {"path": row["path"], "document": ingest.read(row["path"], ocr="never").to_json()}
        except IngestError as exc:
            got = {"path": row["path"], "error": str(exc)}
        assert got == row, f"{row['path']} reads otherwise: python benchmarks/golden.py diff"
