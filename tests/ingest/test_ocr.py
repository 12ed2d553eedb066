"""Scanned case reports read by OCR (extract/ingest/ocr.py; issue 14).

Scans are made as a library makes them: a born-digital PDF's pages rendered grey at 200 dpi and
wrapped as an image-only PDF (:func:`extract.ingest.ocr.scan_pdf`), once per session. OCR is
slow (about 3 s a page), so only a few pages are read here: the seed's scan (3 pages), one
JATS-paired PDF, and the two scanned PDFs of the corpus. The full reading measurement on the
17 JATS-paired PDFs is ``make reading`` (its "scans" row).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extract import ingest
from extract.document import Document
from extract.errors import IngestError, NoTextLayerError
from extract.ingest.ocr import ruling_lines, scan_pdf, tesseract_available

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SEED = CORPUS / "seed" / "shimizu2018.pdf"
SCANNED = [
    CORPUS / "pdfs" / "odd_scanned_ocrmypdf_c02-22.pdf",
    CORPUS / "pdfs" / "odd_scanned_twocol_ocrmypdf_linn.pdf",
]
#: a JATS-paired Hindawi PDF (two-column, 4 pages)
JATS_PDF = CORPUS / "pdfs" / "PMC4735908.pdf"

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng; README, OCR)",
)

_WORD = re.compile(r"[^\W_]{1,100}")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _words_in_order(reference: str, ours: str) -> float:
    ref, got = _words(reference), _words(ours)
    matcher = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / max(len(ref), 1)


@pytest.fixture(scope="session")
def seed_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # named as the seed, so its rows carry the seed's doc_id and meet its gold
    return scan_pdf(SEED, tmp_path_factory.mktemp("scan") / "shimizu2018.pdf", dpi=200)


@pytest.fixture(scope="session")
def seed_scan_document(seed_scan: Path) -> Document:
    if not tesseract_available():
        pytest.skip("Tesseract is not installed")
    return ingest.read(seed_scan)


def test_scan_pdf_makes_an_image_only_pdf(seed_scan: Path) -> None:
    with pytest.raises(NoTextLayerError):
        ingest.read(seed_scan, ocr="never")


@needs_tesseract
def test_issue_14_seed_scan_reads_like_the_born_digital_seed(seed_scan_document: Document) -> None:
    doc = seed_scan_document
    born = ingest.read(SEED)
    assert [p.number for p in doc.ocr_pages] == [1, 2, 3]
    assert all(p.confidence > 85 for p in doc.ocr_pages)
    assert doc.title == born.title
    assert _words_in_order(born.text, doc.text) >= 0.97
    # en dashes told from hyphens by their length in the image; "51-year-old" not cut in two
    assert "135–170" in doc.text and "(4–84)" in doc.text and "51-year-old" in doc.text
    # headings (bold, found in the bitmap) give the born-digital sections
    titles = [s.title for s in doc.sections]
    for title in ("Background", "Case presentation", "Surgery", "Discussion and conclusions"):
        assert title in titles
    # the ruled Table 1 (rules found in the bitmap): 5 columns, one row per patient
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.header == born.tables[0].header
    assert len(table.rows) == 13 and all(len(r) == 5 for r in table.rows)
    assert [r[0] for r in table.rows] == [str(i) for i in range(1, 14)]


@needs_tesseract
def test_issue_14_seed_scan_gives_its_13_patients(seed_scan_document: Document, nlp_with_ner) -> None:
    import extract

    rows = extract.case_rows(seed_scan_document, nlp=nlp_with_ner)
    assert len(rows) == 13
    score = extract.score_cases(rows, CORPUS / "gold" / "seed.jsonl")
    assert score["micro_f1_mission"] >= 0.90, score


@needs_tesseract
def test_issue_14_evidence_from_ocr_pages_is_marked(seed_scan_document: Document, nlp_with_ner) -> None:
    import extract

    rows = extract.case_rows(seed_scan_document, nlp=nlp_with_ner)
    marked = [ev for r in rows for ev in r.evidence.values() if ev]
    assert marked and all(ev.ocr for ev in marked)
    born = extract.case_rows(SEED, nlp=nlp_with_ner)
    assert not any(ev.ocr for r in born for ev in r.evidence.values() if ev)
    assert all(ev.to_json()["ocr"] for ev in marked)
    assert not any("ocr" in ev.to_json() for r in born for ev in r.evidence.values() if ev)


@needs_tesseract
def test_issue_14_document_json_keeps_the_ocr_pages(seed_scan_document: Document) -> None:
    data = seed_scan_document.to_json()
    assert [p["number"] for p in data["ocr_pages"]] == [1, 2, 3]
    assert Document.from_json(data).ocr_pages == seed_scan_document.ocr_pages
    assert "ocr_pages" not in ingest.read(SEED).to_json()  # born-digital: as before


@needs_tesseract
def test_issue_14_ruling_lines_of_a_scan_are_the_pdf_rules(seed_scan: Path) -> None:
    import numpy as np
    import pypdfium2 as pdfium

    from extract.ingest.pdfium import read_page

    born_pdf, scan = pdfium.PdfDocument(str(SEED)), pdfium.PdfDocument(str(seed_scan))
    try:
        born, textpage = read_page(born_pdf[2], 3)
        textpage.close()
        image = scan[2].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
        found = ruling_lines(np.asarray(image), scan[2].get_width() / image.width)
    finally:
        born_pdf.close()
        scan.close()
    want = [ln for ln in born.lines if ln["x1"] - ln["x0"] > 40]
    assert want
    for ln in want:
        assert any(
            abs(f["top"] - ln["top"]) < 1.5 and abs(f["x0"] - ln["x0"]) < 3 and abs(f["x1"] - ln["x1"]) < 3
            for f in found
        ), ln


@needs_tesseract
def test_issue_14_a_jats_paired_scan_reads_in_order(tmp_path: Path) -> None:
    # one two-column Hindawi PDF: its scan reads as its born-digital self (make reading does all 17)
    born = ingest.read(JATS_PDF)
    doc = ingest.read(scan_pdf(JATS_PDF, tmp_path / JATS_PDF.name, dpi=200))
    assert len(doc.ocr_pages) == len(born.pages)
    assert _words_in_order(born.text, doc.text) >= 0.97
    born_paras = [p for p in born.text.split("\n\n") if len(p) > 400]
    whole = [p for p in born_paras if _words_in_order(p, doc.text) >= 0.95]
    assert len(whole) >= 0.85 * len(born_paras)


@needs_tesseract
@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_issue_14_odd_scanned_pdfs_read(path: Path) -> None:
    doc = ingest.read(path)
    assert [p.number for p in doc.ocr_pages] == [1]
    expected = {
        "odd_scanned_ocrmypdf_c02-22.pdf": "went tip-toeing along a path amongst the trees",
        "odd_scanned_twocol_ocrmypdf_linn.pdf": "is a state-of-the-art composition and performance tool",
    }[path.name]
    assert expected in doc.text


@needs_tesseract
def test_issue_14_ocr_never_and_always() -> None:
    path = SCANNED[0]
    with pytest.raises(NoTextLayerError):
        ingest.read(path, ocr="never")
    # always: a page with a text layer is read by OCR too
    doc = ingest.read(CORPUS / "pdfs" / "odd_scanned_ocrmypdf_c02-22.pdf", ocr="always")
    assert doc.ocr_pages
    with pytest.raises(ValueError, match="auto, always, never"):
        ingest.read(path, ocr="sometimes")  # type: ignore[arg-type]


def test_issue_14_no_tesseract_is_the_one_line_no_text_layer_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(NoTextLayerError) as info:
        ingest.read(SCANNED[1])
    message = str(info.value)
    assert "\n" not in message and message.startswith("odd_scanned_twocol_ocrmypdf_linn.pdf: no text layer")
    assert "apt-get install tesseract-ocr" in message
    with pytest.raises(IngestError, match="OCR is not available"):
        ingest.read(SCANNED[1], ocr="always")


def test_issue_14_cli_without_tesseract_says_one_line() -> None:
    # the program unfindable: PATH holds only the Python that runs the CLI
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run(
        [sys.executable, "-m", "extract.cli", "ingest", str(SCANNED[0])],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "no text layer" in lines[0] and "install Tesseract" in lines[0]



@needs_tesseract
def test_issue_14_run_reads_a_scan_in_a_worker_and_stores_what_ocr_read(seed_scan: Path, tmp_path: Path) -> None:
    import extract
    from extract import db as dbm

    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    # without OCR the scan fails as before; a later run with OCR reads it (not skipped as done)
    first = extract.run_batch(seed_scan, db=url, nlp=False, workers=1, ocr="never")
    assert first.failed == 1 and "no text layer" in first.failures[0][1]
    second = extract.run_batch(seed_scan, db=url, out=tmp_path / "out", nlp=False, workers=1)
    assert second.failed == 0 and second.processed == 1 and second.cases >= 1
    database = dbm.open_db(url)
    try:
        (stored,) = dbm.load_documents(database)
        assert [p["number"] for p in stored["ocr_pages"]] == [1, 2, 3]
        rows = dbm.load_cases(database)
        assert rows and all(ev.ocr for r in rows for ev in r.evidence.values())
    finally:
        database.dispose()
    report = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "read by OCR (mean word confidence" in report and ">OCR</span>" in report


def _sandwich(tmp_path: Path, name: str, config: str = "") -> Path:
    """The seed's first page as a scan with Tesseract's own hidden text layer (as OCR programs
    make them: the page image, invisible text over it)."""
    import pypdfium2 as pdfium
    import pytesseract

    pdf = pdfium.PdfDocument(str(SEED))
    try:
        image = pdf[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    data = pytesseract.image_to_pdf_or_hocr(image, extension="pdf", config=f"--dpi 200 {config}")
    out = tmp_path / name
    out.write_bytes(data)
    return out


@needs_tesseract
def test_issue_14_a_good_hidden_ocr_layer_is_read_as_it_is(tmp_path: Path) -> None:
    path = _sandwich(tmp_path, "good_layer.pdf")
    doc = ingest.read(path)
    assert doc.ocr_pages == []  # not read again
    assert "gastrointestinal stromal tumor" in doc.text  # the page image is no figure hiding it


@needs_tesseract
def test_issue_14_a_poor_hidden_ocr_layer_is_read_again(tmp_path: Path) -> None:
    # a layer of nonsense: Tesseract allowed only the letters l, I, o, O and the digits 1, 0
    path = _sandwich(tmp_path, "poor_layer.pdf", "-c tessedit_char_whitelist=lI1O0o")
    assert "gastrointestinal" not in ingest.read(path, ocr="never").text
    doc = ingest.read(path)
    assert [p.number for p in doc.ocr_pages] == [1]
    assert "gastrointestinal stromal tumor" in doc.text


# -- what OCR misreads, read as printed (issue 14: "paragraphs whole" on the scans) -------------

_PAGE_TEXTS: dict[tuple[str, int], str] = {}
_STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _scanned_page_text(name: str, index: int, tmp_path: Path) -> str:
    """The text read by OCR from a 200 dpi scan of one page of a corpus PDF (made and read once
    a session), whitespace and quotes as ``make reading`` compares them."""
    import unicodedata

    import pypdfium2 as pdfium

    key = (name, index)
    if key not in _PAGE_TEXTS:
        source = pdfium.PdfDocument(str(CORPUS / "pdfs" / f"{name}.pdf"))
        page = pdfium.PdfDocument.new()
        try:
            page.import_pages(source, [index])
            one = tmp_path / f"{name}-{index}.pdf"
            page.save(str(one))
        finally:
            page.close()
            source.close()
        doc = ingest.read(scan_pdf(one, tmp_path / f"{name}-{index}.scan.pdf", dpi=200))
        assert [p.number for p in doc.ocr_pages] == [1]
        text = unicodedata.normalize("NFKC", doc.text).translate(_STRAIGHT_QUOTES)
        _PAGE_TEXTS[key] = " ".join(text.split())
    return _PAGE_TEXTS[key]


@needs_tesseract
def test_issue_14_a_word_tesseract_doubts_in_a_line_it_is_sure_of_is_kept(tmp_path: Path) -> None:
    # Tesseract gives "Kaposi's" a confidence of 13 and 0 in lines of 96: a hard word, not noise
    text = _scanned_page_text("PMC4736318", 0, tmp_path)
    assert "disseminated cutaneous Kaposi's sarcoma (KS)" in text


@needs_tesseract
def test_issue_14_a_number_and_its_unit_are_two_words(tmp_path: Path) -> None:
    # a thin space between number and unit that Tesseract reads as none ("14.5cm.")
    text = _scanned_page_text("PMC4738733", 0, tmp_path)
    assert "splenomegaly at 14.5 cm." in text
    assert not re.search(r"\d(cm|mg|mL)\b", text)


@needs_tesseract
def test_issue_14_multiplication_sign_and_mu_are_read_as_printed(tmp_path: Path) -> None:
    # "×" read "x", "μ" read "u" or "w": "101 x 1000/wL."
    text = _scanned_page_text("PMC4738733", 1, tmp_path)
    assert "platelets of 101 × 1000/μL. The peripheral" in text
    assert "dropped from 101 × 1000/μL to 56 × 1000/μL despite" in text
    assert not re.search(r"\d x \d", text) and "/uL" not in text and "/wL" not in text


@needs_tesseract
def test_issue_14_a_one_read_as_capital_i_or_l_is_told_by_its_ink(tmp_path: Path) -> None:
    # "PHA1", "T1" set in a font whose 1 Tesseract reads "I", "]" or "l"; the 1's flag tells it
    text = _scanned_page_text("PMC4745294", 0, tmp_path)
    assert "In contrast, systemic PHA1 has an autosomal recessive (AR) pattern" in text
    assert "it was found that the hyperkalemia was due to PHA1 rather than CAH." in text
    assert "PHA1. Two years later" in text  # the stop after it is not taken for its foot
    assert not re.search(r"PHA[I\]l]", text)
    # a capital I stays one: its serifs reach both ways
    assert "In contrast" in text and "(AR)" in text
    text = _scanned_page_text("PMC4736393", 0, tmp_path)
    assert "grey matter on T1 weighted images" in text


@needs_tesseract
def test_issue_14_an_apostrophe_tesseract_left_out_is_read_from_the_ink(tmp_path: Path) -> None:
    text = _scanned_page_text("PMC4737013", 0, tmp_path)
    assert "Conclusion. Graves' disease can develop after starting" in text
    assert "Graves disease" not in text


@needs_tesseract
def test_issue_14_a_serif_is_no_opening_quote(tmp_path: Path) -> None:
    # the serif of a "T" at a line's start was read as a quote mark: "‘The patient's"
    text = _scanned_page_text("PMC4735920", 0, tmp_path)
    assert "and naproxen. The patient's coma resolved" in text


@needs_tesseract
@pytest.mark.parametrize(("name", "index"), [("PMC4736318", 1), ("PMC4736393", 2), ("PMC4735921", 1)])
def test_issue_14_panel_letters_inside_a_figure_are_not_text(name: str, index: int, tmp_path: Path) -> None:
    # Tesseract's picture areas are the page's images: their panel letters "(b)", "(c) (d)" do
    # not run into the paragraphs beside them ("trunk. (b) She was also HIV")
    text = _scanned_page_text(name, index, tmp_path)
    assert not re.search(r"(?<![\w)])\([a-e]\)", text)


def test_issue_14_ocr_confusions_are_read_as_printed_only_where_unambiguous() -> None:
    from extract.ingest.ocr import _as_printed

    def read(text: str) -> str:
        words = [{"text": t} for t in text.split()]
        _as_printed(words)
        return " ".join(w["text"] for w in words)

    assert read("measuring 3.5 x 4 cm") == "measuring 3.5 × 4 cm"
    assert read("4.3 cm x 4.0 cm x 4.5 cm") == "4.3 cm × 4.0 cm × 4.5 cm"
    assert read("12.6 wg/mL (1.0-5.0 ug/mL) and 43 cells/uL.") == "12.6 μg/mL (1.0-5.0 μg/mL) and 43 cells/μL."
    assert read("[ll] and ll–14 and Figures l(a) and {11], (<l mm)") == "[11] and 11–14 and Figures 1(a) and [11], (<1 mm)"
    # no number on both sides, a real prefix (pico), a word: left alone
    assert read("the x axis, 5 pg/mL, all l will, 20x") == "the x axis, 5 pg/mL, all l will, 20x"
