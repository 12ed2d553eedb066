"""Plain-text reader and the shared Unicode normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import ingest
from extract.ingest.normalize import normalize_char, normalize_text
from extract.ingest.text import read_text, text_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_shimizu2018_extracted_text_reads_with_sections() -> None:
    path = CORPUS / "seed" / "shimizu2018_extracted.txt"
    doc = ingest.read(path)
    assert doc.kind == "txt" and doc.doc_id == "shimizu2018_extracted"
    assert doc.pages == [type(doc.pages[0])(1, 0, len(doc.text))]
    titles = [s.title for s in doc.sections if s.level == 1]
    assert "Case presentation" in titles and "Discussion and conclusions" in titles
    assert doc.warnings == []
    case = next(s for s in doc.sections if s.title == "Case presentation" and s.level == 1)
    assert doc.section_of(case.start + 100) is not None


def test_text_document_in_memory_equals_the_file_read(tmp_path: Path) -> None:
    """``text_document`` (text already in memory) gives what reading the same text as a file
    gives: same normalised text, pages and sections."""
    raw = (CORPUS / "seed" / "shimizu2018_extracted.txt").read_text(encoding="utf-8")
    raw = raw.replace("fi", "\ufb01", 3)  # a ligature, as text copied from a PDF has
    path = tmp_path / "pasted.txt"
    path.write_text(raw, encoding="utf-8")
    in_memory = ingest.text_document(raw, doc_id="pasted")
    from_file = ingest.read(path)
    assert "\ufb01" not in in_memory.text
    assert in_memory.text == from_file.text
    assert in_memory.pages == from_file.pages
    assert in_memory.sections == from_file.sections
    assert in_memory.doc_id == "pasted" and in_memory.kind == "txt"


@pytest.mark.parametrize(
    "path", sorted((CORPUS / "dev" / "txt").glob("*.txt")), ids=lambda p: p.name
)
def test_dev_texts_read(path: Path) -> None:
    doc = read_text(path)
    assert doc.text.strip() and doc.warnings == []
    for s in doc.sections:
        assert doc.text[s.start :].startswith(s.title)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("signi\ufb01cant e\ufb00ect \ufb02ow", "significant effect flow"),
        ("36.3\u00a0°C and 5\u202fmm\u2009wide", "36.3 °C and 5 mm wide"),
        ("in\u00adcrease\u200b", "increase"),
        (
            "T6\u2013T8, 18F-FDG \u2212 2, 10\u2079/L",
            "T6–T8, 18F-FDG − 2, 10⁹/L",
        ),  # dashes and powers kept
        ("line\r\nnext\rlast\u2028sep", "line\nnext\nlast\nsep"),
        ("cafe\u0301", "café"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_char_for_offset_maps() -> None:
    assert normalize_char("\ufb01") == "fi"
    assert normalize_char("\u00ad") == ""
    assert normalize_char("\u00a0") == " "
    assert normalize_char("–") == "–"


def test_windows_1252_text_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(
        "Case presentation\nA 51-year-old man, 36.3 °C, \u201cstable\u201d.\n".encode("cp1252")
    )
    doc = read_text(path)
    assert doc.text == "Case presentation\nA 51-year-old man, 36.3 °C, \u201cstable\u201d.\n"
    assert doc.warnings == ["report.txt: not UTF-8; read as Windows-1252"]
    assert [s.title for s in doc.sections] == ["Case presentation"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Discussion\nT6\u2013T8 \ufb01ndings\n", encoding=encoding)
    doc = read_text(path)
    assert doc.text == "Discussion\nT6–T8 findings\n"
    assert doc.warnings == []


def test_utf16_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Discussion\nA rare metastasis of the spine.\n".encode("utf-16-le"))
    doc = read_text(path)
    assert doc.text.startswith("Discussion\nA rare")
    assert doc.warnings and "UTF-16-LE" in doc.warnings[0]


def test_crlf_line_ends_keep_offsets_consistent(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"Abstract\r\nA man.\r\nDiscussion\r\nRare.\r\n")
    doc = read_text(path)
    assert "\r" not in doc.text
    assert [(s.title, doc.text[s.start : s.end]) for s in doc.sections] == [
        ("Abstract", "Abstract\nA man.\n"),
        ("Discussion", "Discussion\nRare.\n"),
    ]


# -- tables typed as delimited rows (own words: a literature table as a text export prints it) ----

_REPORT_WITH_TABLE = """Spinal metastasis of a gastric GIST

Case presentation
A 61-year-old man had a gastric GIST resected in 2010. In 2015 MRI showed a metastasis at T11, removed by total en bloc spondylectomy.

Table 1. Reported patients with spinal metastasis of GIST
No. | Author | Age/Sex | Primary | Sites | Level | Treatment
1 | Arden et al. [4] | 58/F | Stomach | L, V | L2 | RT
2 | Brook et al. [5] | 47/M | Rectum | V | T8-T9 | Corpectomy
L, liver; V, vertebra; RT, radiotherapy.

Discussion
Our patient did well.
"""


def test_delimited_table_leaves_the_text_with_its_caption_and_legend() -> None:
    doc = text_document(_REPORT_WITH_TABLE)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.caption == "Table 1. Reported patients with spinal metastasis of GIST"
    assert table.header == ["No.", "Author", "Age/Sex", "Primary", "Sites", "Level", "Treatment"]
    assert table.rows[1] == ["2", "Brook et al. [5]", "47/M", "Rectum", "V", "T8-T9", "Corpectomy"]
    assert table.legend == "L, liver; V, vertebra; RT, radiotherapy."
    assert "|" not in doc.text and "Brook" not in doc.text and "radiotherapy." not in doc.text
    assert "Our patient did well." in doc.text


def test_tab_delimited_rows_are_a_table_and_a_single_pipe_is_not() -> None:
    doc = text_document("Open Access | Case report\nA\tB\tC\n1\t2\t3\n4\t5\t6\nThe end.")
    assert [t.rows for t in doc.tables] == [[["1", "2", "3"], ["4", "5", "6"]]]
    assert doc.text.startswith("Open Access | Case report")


def test_delimited_table_rows_are_patients(tmp_path: Path) -> None:
    """The literature rows of a text report become patient rows, like a PDF's table."""
    from extract.cases import extract_cases

    path = tmp_path / "report.txt"
    path.write_text(_REPORT_WITH_TABLE, encoding="utf-8")
    rows = [r.to_json() for r in extract_cases(read_text(path))]
    table_rows = [r for r in rows if r["source"] == "table"]
    assert [(r["age_years"], r["sex"], r["primary_site"], r["spinal_levels"]) for r in table_rows] == [
        (58.0, "female", "stomach", ["L2"]), (47.0, "male", "rectum", ["T8", "T9"])]
    narrative = [r for r in rows if r["source"] == "narrative"]
    assert narrative and narrative[0]["spinal_levels"] == ["T11"]
