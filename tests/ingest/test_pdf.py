"""The PDF reader on real pages: reading order, margins, hyphens, paragraphs, pages.

The seed report (a two-column typeset article with running headers, page numbers, TeX
hyphenation and floating figures) is checked against the report's own text; the Hindawi
PDFs (corpus/pdfs) against what their publisher's JATS says the paragraphs are.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extract.document import Document
from extract.ingest.layout import Line, normalise
from extract.ingest.pdf import Hyphenation, read_pdf

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed" / "shimizu2018.pdf"
SEED_TEXT = ROOT / "corpus" / "seed" / "shimizu2018_extracted.txt"
PDFS = ROOT / "corpus" / "pdfs"


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_pdf(SEED, max_pages=200)


_CACHE: dict[str, Document] = {}


def hindawi(name: str) -> Document:
    if name not in _CACHE:
        _CACHE[name] = read_pdf(PDFS / f"{name}.pdf", max_pages=200)
    return _CACHE[name]


def _squash(text: str) -> str:
    """Text without whitespace and hyphens: the seed's extracted text breaks lines (and words)
    differently from the typeset PDF, so compare letters only."""
    return re.sub(r"[\s\-\u00ad]+", "", normalise(text))


def _paragraphs(doc: Document) -> list[str]:
    return [p for p in doc.text.split("\n\n") if p.strip()]


def _seed_running_text() -> str:
    """The report's text from shimizu2018_extracted.txt without the figure captions and the
    flattened Table 1 (those leave the running text)."""
    raw = SEED_TEXT.read_text(encoding="utf-8")
    raw = raw.split("\nTable 1 ")[0]
    kept = []
    for block in re.split(r"\n[ \t]*\n", raw):
        if re.match(r"\s*Fig\. \d", block):
            # a caption block; the running text resumes at the first indented line
            lines = block.split("\n")
            rest = [i for i, line in enumerate(lines) if line.startswith(" ")]
            block = "\n".join(lines[rest[0] :]) if rest else ""
        kept.append(block)
    return "\n\n".join(kept)


# -- the seed report ---------------------------------------------------------------------------


def test_shimizu2018_every_paragraph_whole_and_in_source_order(seed: Document) -> None:
    source = _squash(_seed_running_text())
    paragraphs = _paragraphs(seed)
    # the extracted text starts at the abstract (no title and author lines)
    paragraphs = paragraphs[paragraphs.index("Abstract") :]
    assert len(paragraphs) >= 20
    for para in paragraphs:
        # whole: a paragraph of ours is one stretch of the source, nothing foreign inside
        assert _squash(para) in source, para[:120]
    # and together, in order, they are the whole report: nothing lost, nothing added
    assert "".join(_squash(p) for p in paragraphs) == source


def test_shimizu2018_paragraphs_cut_by_columns_and_pages_come_out_whole(seed: Document) -> None:
    paragraphs = _paragraphs(seed)

    def para_with(start: str) -> str:
        found = [p for p in paragraphs if p.startswith(start)]
        assert len(found) == 1, start
        return found[0]

    # left column -> right column on page 1
    p = para_with("A 51-year-old Japanese man who was born and raised in Japan")
    assert "he could continue working as a judo therapist. There was nothing notable" in p
    assert p.endswith("he did not smoke tobacco or drink alcohol.")
    # page 1 -> page 2 (after a figure with its caption at the top of page 2)
    p = para_with("The pathological finding of the resected vertebral body")
    assert (
        "His liver enzymes were elevated: alanine aminotransferase (ALT) 112 U/L (reference range < 35 U/L)"
        in p
    )
    assert p.endswith("without any limitation of daily activities.")
    # left column -> right column on page 2, cut inside a word ("treat-" / "ment")
    p = para_with(
        "Few data are available in the literature on the treatment of spinal metastases in GISTs."
    )
    assert p.endswith("needs to be investigated in detail.")


def test_shimizu2018_verbatim_words_hyphens_joined_real_hyphens_kept(seed: Document) -> None:
    text = seed.text
    for phrase in [
        "characterized by a gain-of-function mutation in KIT (78%)",
        "CT-guided biopsy confirmed the lesions to be GIST metastases.",
        "were treated non-surgically with TKIs",
        "using high-speed drills and chisels",
        "the incidence has been increasing since the introduction of tyrosine kinase inhibitors",
        "bilateral anterolateral retroperitoneal approaches",
        "reference range 135–170 g/L",
        "temperature 36.3 °C",
        "A 3-year follow-up showed no local recurrence",
    ]:
        assert phrase in text, phrase
    # no line-end hyphen left dangling before a lowercase word ("increas- ing")
    assert not re.search(r"[a-z]- [a-z]", text)
    assert "  " not in text
    assert "\ufb01" not in text and "\u00ad" not in text


def test_shimizu2018_no_running_header_page_number_or_caption_in_text(seed: Document) -> None:
    text = seed.text
    assert "Shimizu et al." not in text
    assert "Journal of Medical Case Reports" not in text
    assert not re.search(r"\bPage \d\b", text)
    assert "Preoperative computed tomography scan reveals" not in text
    assert "Frontal (a) and lateral (b) view" not in text
    assert "(image)" not in text  # the text printed inside a figure box
    assert "Radiotherapy +" not in text  # Table 1 is not in the running text


def test_shimizu2018_reading_order_and_headings(seed: Document) -> None:
    text = seed.text
    order = [
        "En bloc corpectomy for late gastrointestinal",
        "Abstract",
        "Background: Spinal metastases",
        "Case presentation: A 51-year-old",
        "Conclusions: Spinal metastasectomy",
        "\n\nBackground\n\n",
        "History and clinical evaluation",
        "Surgery",
        "Postoperative course",
        "Discussion and conclusions",
        "In conclusion, although the incidence",
    ]
    positions = [text.find(s) for s in order]
    assert all(p >= 0 for p in positions), list(zip(order, positions))
    assert positions == sorted(positions)
    assert seed.title == (
        "En bloc corpectomy for late gastrointestinal stromal tumor metastasis: "
        "a case report and review of the literature"
    )
    titles = [s.title for s in seed.sections]
    assert "Case presentation" in titles and "Discussion and conclusions" in titles


def test_shimizu2018_pages_cover_the_text(seed: Document) -> None:
    assert seed.kind == "pdf"
    assert [p.number for p in seed.pages] == [1, 2, 3]
    assert seed.pages[0].start == 0 and seed.pages[-1].end == len(seed.text)
    for a, b in zip(seed.pages, seed.pages[1:]):
        assert a.end == b.start
    assert seed.page_of(seed.text.find("Background: Spinal metastases")) == 1
    assert seed.page_of(seed.text.find("(AST) 40 U/L")) == 2
    assert seed.page_of(seed.text.find("Discussion and conclusions")) == 2


def test_cli_ingest_json_on_the_seed() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "extract.cli", "ingest", str(SEED), "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0 and "No module named extract.cli" in out.stderr:  # pragma: no cover
        pytest.skip("extract.cli is not runnable as a module")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["text"].startswith("En bloc corpectomy")
    assert len(data["tables"]) == 1 and len(data["tables"][0]["rows"]) == 13
    assert [c["label"] for c in data["captions"]] == ["Fig. 1", "Fig. 2"]


# -- real publisher PDFs (two columns with unaligned baselines, Minion maths fonts) -------------


def test_pmc4736389_columns_with_unaligned_baselines_read_column_by_column() -> None:
    text = hindawi("PMC4736389").text
    assert (
        "The gastrointestinal tract in 2.5 to 15% of human population is colonized by Streptococcus "
        "bovis. Bacteremia and endocarditis are the commonest presentation"
    ) in text
    # the paragraph that runs from the left into the right column stays one run
    assert (
        "A 63-year-old man from western part of Sri Lanka with a long-standing history of type 2"
        in text
    )


def test_pmc4736389_running_header_and_page_numbers_removed() -> None:
    doc = hindawi("PMC4736389")
    # "2 Case Reports in Infectious Diseases" heads every page but the first
    assert doc.text.count("Case Reports in Infectious Diseases") <= 1
    assert not re.search(r"^\d+$", doc.text, re.MULTILINE)


def test_pmc4745278_superscripts_and_maths_symbols_stay_in_their_line() -> None:
    text = hindawi("PMC4745278").text
    assert "white cell count of 6.2 × 109/L, and platelets of 674 × 109/L" in text


def test_pmc4745277_accents_printed_apart_are_joined() -> None:
    text = hindawi("PMC4745277").text
    assert "Société Française d’Orthopédie-Traumatologie" in text


def test_pmc4735908_accents_and_full_width_abstract_then_columns() -> None:
    text = hindawi("PMC4735908").text
    assert "University of São Paulo" in text
    intro = text.find("Severe parathyroid bone disease is rare.")
    assert intro > text.find("Objective.")
    assert "Accumulation of red blood cells and their pigments give a reddish/brown hue" in text


# -- rules in isolation --------------------------------------------------------------------------


def _line(text: str) -> Line:
    return Line(page=1, x0=0, x1=100, top=0, bottom=10, size=10, bold=False, text=text)


def test_hyphenation_uses_the_documents_own_words_then_rules() -> None:
    lines = [_line("the incidence is increasing and the"), _line("gain-of-function mutation was")]
    h = Hyphenation(lines)
    assert (
        h.join("has been increas-", "ing since") == "has been increasing since"
    )  # a word elsewhere
    assert h.join("a gain-of-", "function mutation") == "a gain-of-function mutation"  # compound
    assert h.join("a CT-", "guided biopsy") == "a CT-guided biopsy"  # capitals before the hyphen
    assert h.join("the 18F-", "FDG uptake") == "the 18F-FDG uptake"
    assert h.join("at T6-", "T8 level") == "at T6-T8 level"
    assert h.join("annual follow-", "up computed") == "annual follow-up computed"
    assert h.join("the histopatho-", "logical report") == "the histopathological report"
    assert (
        h.join("not life-threa-", "tening") == "not life-threatening"
    )  # a break inside a compound


def test_normalise_ligatures_spaces_soft_hyphens_but_not_dashes() -> None:
    assert normalise("\ufb01rst \ufb02ow e\ufb00ect") == "first flow effect"
    assert normalise("10\u00a0mg and 5\u2009cm") == "10 mg and 5 cm"
    assert normalise("hemo\u00adglobin") == "hemoglobin"
    assert normalise("4–84 months — a dash") == "4–84 months — a dash"
    assert normalise("12.6 \U0001d707g/mL at 38.3\u2218C") == "12.6 μg/mL at 38.3°C"


# -- the dev and spinal PDFs (typeset from corpus/*/txt: the words must come out in order) ----


def _word_tokens(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W_]+", normalise(text))]


@pytest.mark.parametrize(
    "pdf",
    sorted((ROOT / "corpus" / "spinal" / "pdf").glob("*.pdf")),
    ids=lambda p: p.stem,
)
def test_spinal_pdfs_words_in_the_order_of_their_text(pdf: Path) -> None:
    import difflib

    truth = _word_tokens(
        (ROOT / "corpus" / "spinal" / "txt" / f"{pdf.stem}.txt").read_text("utf-8")
    )
    ours = _word_tokens(read_pdf(pdf, max_pages=200).text)
    matcher = difflib.SequenceMatcher(None, ours, truth, autojunk=False)
    found = sum(b.size for b in matcher.get_matching_blocks())
    # the typeset pages show the start of each report; nearly all our words are its words, in order
    assert found / len(ours) >= 0.9


def test_karger2025_one_page_running_header_with_page_number_removed() -> None:
    doc = read_pdf(
        ROOT / "corpus" / "dev" / "pdf" / "karger2025_spinal_gist_figshare.pdf", max_pages=200
    )
    assert "Karger supplementary record" not in doc.text
    assert not re.search(r"\bPage 1\b", doc.text)
    assert (
        "Spinal Metastases from Gastrointestinal Stromal Tumor" in doc.text
    )  # "Gas-" "trointestinal"


def test_pmc4745280_audiogram_grid_references_with_hanging_indent_and_stacked_accents() -> None:
    doc = read_pdf(PDFS / "PMC4745280.pdf", max_pages=200)
    # the audiograms (charts drawn as a grid of lines) are neither tables nor text
    assert doc.tables == []
    assert "Frequency" not in doc.text and "speech discrimination 90%" not in doc.text
    # a reference's continuation lines (hanging indent) stay with its first line
    refs = [p for p in doc.text.split("\n\n") if p.startswith("[1] ")]
    assert refs == [
        (
            "[1] H. Schaaf, S. Kampe, and G. Hesse, “Tinnitus after anaesthesia,” Anaesthesist, "
            "vol. 53, no. 4, pp. 358–361, 2004."
        )
    ]
    # an accent printed above a capital goes back on its letter
    assert "S. Özcan" in doc.text and "Ö. Aydin" in doc.text


def test_cermine_test1_paragraph_runs_around_a_footnote_and_title_over_a_banner() -> None:
    doc = read_pdf(PDFS / "cermine_test1.pdf", max_pages=200)
    # the title under a drawn banner is whole (its short words are no panel letters)
    assert doc.title == (
        "Complications related to deep venous thrombosis prophylaxis in trauma: "
        "a systematic review of the literature"
    )
    # a paragraph cut by the correspondence footnote at the foot of the column stays whole
    assert "anticoagulation with low molecular weight heparins (LMWHs) as the primary" in doc.text
    note = next(p for p in doc.text.split("\n\n") if p.startswith("* Correspondence"))
    assert doc.text.index(note) > doc.text.index("anticoagulation with low molecular weight")
    assert "Although DVT alone is not life-threatening, a resulting pulmonary embolism" in doc.text


def test_pmc4736389_title_under_a_category_label_and_no_author_headings() -> None:
    doc = hindawi("PMC4736389")
    assert doc.title is not None and doc.title.startswith("Native Valve Streptococcus bovis Endocarditis")
    titles = [s.title for s in doc.sections]
    assert titles[:4] == ["1. Introduction", "2. Case Presentation", "3. Discussion", "4. Conclusions"]


def test_issue_10_kaloostian2013_a_short_ragged_line_is_a_hand_break() -> None:
    """A typeset page in ragged text: the journal line, the title and the author line are broken
    by hand (each stops well before the column's edge and the next starts with a capital), so
    they are paragraphs of their own, not one run with the copyright notice; a short line that
    stops on "an" still runs on ("This included an / EGFR inhibitor", ijscr2012)."""
    from extract import ingest

    text = ingest.read(ROOT / "corpus" / "metastasis" / "pdf" / "kaloostian2013_uterine_clivus_cspine.pdf").text
    title = "Case Report: Uterine Adenocarcinoma Metastasis to the Skull Base and Cervical Spine"
    assert f"\n\n{title}" in text
    assert "DOI:10.4236/ojmn.2013.33007 Case Report" not in text
    other = ingest.read(ROOT / "corpus" / "spinal" / "pdf" / "ijscr2012_nsclc_egfr_l2.pdf").text
    assert "This included an EGFR inhibitor" in " ".join(other.split())


def test_issue_10_bmccancer2004_a_full_line_of_a_narrow_column_is_no_hand_break() -> None:
    """A justified column under a title set across the page: its lines are full for the column
    (not short for the page), so "... with a jejunal / GIST with multiple hepatic metastases"
    stays one sentence."""
    from extract import ingest

    text = ingest.read(ROOT / "corpus" / "dev" / "pdf" / "bmccancer2004_cerebral_relapse.pdf").text
    assert "with a jejunal GIST with multiple hepatic metastases" in " ".join(text.split())
    assert "jejunal\n\nGIST" not in text
