"""JATS reader on the bundled PMC / Europe PMC articles (corpus/jats)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import ingest
from extract.document import Document
from extract.ingest.jats import read_jats

JATS = Path(__file__).resolve().parents[2] / "corpus" / "jats"
ALL = sorted(JATS.glob("*.xml")) + sorted(JATS.glob("*.nxml"))


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {p.name: read_jats(p) for p in ALL}


def _titles(doc: Document, level: int | None = None) -> list[str]:
    return [s.title for s in doc.sections if level is None or s.level == level]


def test_every_bundled_file_reads(docs: dict[str, Document]) -> None:
    assert len(docs) >= 20
    for name, doc in docs.items():
        assert doc.kind == "jats"
        assert (
            doc.pages
            and doc.pages[0].number == 1
            and doc.pages[0].start == 0
            and doc.pages[0].end == len(doc.text)
        )
        assert doc.title and doc.text.startswith(doc.title), name
        assert _titles(doc, 1)[-1].lower() == "references", name
        for s in doc.sections:
            assert 0 <= s.start < s.end <= len(doc.text)
            # the heading (or the run-in label) is where the section starts
            assert doc.text[s.start :].startswith(s.title), (name, s)


def test_pmc4738724_case_report_sections_and_abstract_labels(docs: dict[str, Document]) -> None:
    doc = docs["PMC4738724.xml"]
    assert _titles(doc, 1) == [
        "Abstract",
        "1. Introduction",
        "2. Case Report",
        "3. Discussion",
        "4. Conclusions",
        "Conflict of Interests",
        "References",
    ]
    # Italic run-in labels inside the one abstract paragraph become its parts.
    assert _titles(doc, 2) == ["Background", "Case Presentation", "Conclusions"]
    abstract = doc.sections[0]
    for part in doc.sections[1:4]:
        assert abstract.start < part.start < part.end <= abstract.end
    case = next(s for s in doc.sections if s.title == "2. Case Report")
    assert "41-year-old" in doc.text[case.start : case.end]


def test_pmc4738724_table_group_with_rows(docs: dict[str, Document]) -> None:
    tables = docs["PMC4738724.xml"].tables
    assert [t.caption.split(":")[0] for t in tables if t.caption] == [
        "Table 1",
        "Table 2 (a)",
        "Table 2 (b)",
    ]
    lab = tables[0]
    assert lab.header == ["", "Patient", "Reference range"]
    assert ["Prolactin (ng/mL)", "881.3", "2.6–13.1"] in lab.rows
    assert lab.legend and lab.legend.splitlines()[0] == "T4 = thyroxine hormone."
    assert all(len(r) == len(lab.header) for r in lab.rows)


def test_pmc4745306_tables_out_of_running_text(docs: dict[str, Document]) -> None:
    doc = docs["PMC4745306.xml"]
    assert len(doc.tables) == 3
    first = doc.tables[0]
    assert first.caption == "Table 1: Initial routine blood test results."
    assert first.header == ["Investigations", "Results", "Reference range"]
    # a superscript power reads as printed, not as "109"
    assert ["White blood cell count", "11.5 × 10⁹/L", "4–10.5"] in first.rows
    assert "White blood cell count" not in doc.text
    assert first.page is None
    frame = first.to_dataframe()
    assert frame.shape == (9, 3)


def test_figure_captions_kept_out_of_the_body(docs: dict[str, Document]) -> None:
    for name in ("PMC4735921.xml", "PMC4738714.xml", "PMC4745306.xml"):
        doc = docs[name]
        assert doc.captions, name
        for caption in doc.captions:
            assert caption.label.startswith("Figure")
            assert caption.text and caption.text not in doc.text, (name, caption.label)


def test_structured_abstract_in_sections(docs: dict[str, Document]) -> None:
    doc = docs["1472-6831-8-11.nxml"]
    assert _titles(doc, 2)[:4] == ["Background", "Methods", "Results", "Conclusion"]
    methods = next(s for s in doc.sections if s.title == "Methods" and s.level == 1)
    subsections = [
        s.title for s in doc.sections if s.level == 2 and methods.start < s.start < methods.end
    ]
    assert "Translation into Dutch" in subsections


def test_paragraphs_and_headings_are_blocks(docs: dict[str, Document]) -> None:
    doc = docs["PMC4745306.xml"]
    blocks = doc.text.split("\n\n")
    assert "2. Case Presentation" in blocks
    assert any(b.startswith("Mrs. XX, a 60-year-old woman") for b in blocks)
    # the reference list: one line per reference, numbered
    refs = doc.text[doc.sections[-1].start :].split("\n\n", 1)[1].splitlines()
    assert len(refs) == 24
    assert refs[0].startswith("1. ") and refs[-1].startswith("24. ")


def test_one_line_files_without_newlines() -> None:
    path = JATS / "PMC4735918.xml"
    assert path.read_bytes().count(b"\n") <= 2
    doc = ingest.read(path)
    assert doc.kind == "jats" and doc.text.count("\n\n") > 10


def test_namespace_and_html_entities_without_fetching_the_dtd(tmp_path: Path) -> None:
    path = tmp_path / "ns.nxml"
    path.write_text(
        '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.1//EN" '
        '"http://jats.nlm.nih.gov/archiving/1.1/JATS-archivearticle1.dtd">'
        '<article xmlns="http://jats.nlm.nih.gov/ns/archiving/1.0/"><front><article-meta><title-group>'
        "<article-title>A&nbsp;spinal &alpha;-case</article-title></title-group></article-meta></front>"
        "<body><sec><title>Case report</title><p>He had<list><list-item><p>pain</p></list-item></list>"
        '<fig id="f1"><label>Fig. 1</label><caption><p>CT of L3.</p></caption></fig></p>'
        "<sec><title>Treatment</title><p>Surgery.</p></sec></sec></body></article>",
        encoding="utf-8",
    )
    doc = read_jats(path)
    assert doc.title == "A spinal α-case"
    assert doc.text == "A spinal α-case\n\nCase report\n\nHe had\n\npain\n\nTreatment\n\nSurgery."
    assert [(s.title, s.level) for s in doc.sections] == [("Case report", 1), ("Treatment", 2)]
    assert [(c.label, c.text) for c in doc.captions] == [("Fig. 1", "CT of L3.")]


def test_row_and_column_spans_laid_out_on_a_grid(tmp_path: Path) -> None:
    path = tmp_path / "spans.nxml"
    path.write_text(
        "<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
        "</article-meta></front><body><p>Text.</p>"
        "<table-wrap><label>Table 1</label><caption><p>Labs.</p></caption><table>"
        '<thead><tr><th rowspan="2">Test</th><th colspan="2">Day</th></tr><tr><th>1</th><th>5</th></tr></thead>'
        '<tbody><tr><td rowspan="2">Blood</td><td>Hb 9</td><td>Hb 11</td></tr><tr><td>WBC 4</td><td>WBC 5</td></tr>'
        '<tr><td colspan="3">Note: none</td></tr></tbody></table>'
        "<table-wrap-foot><fn><p>Hb, haemoglobin.</p></fn></table-wrap-foot></table-wrap></body></article>",
        encoding="utf-8",
    )
    table = read_jats(path).tables[0]
    assert table.caption == "Table 1: Labs."
    assert table.header == ["Test", "Day 1", "Day 5"]
    assert table.rows == [
        ["Blood", "Hb 9", "Hb 11"],
        ["Blood", "WBC 4", "WBC 5"],
        ["Note: none", "", ""],
    ]
    assert table.legend == "Hb, haemoglobin."
