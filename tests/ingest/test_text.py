"""Plain-text reader and the shared Unicode normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import ingest
from extract.ingest.normalize import normalize_char, normalize_text
from extract.ingest.text import read_text

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
