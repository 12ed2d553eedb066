"""``case-extract ingest`` end to end, as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SCRIPT = Path(sys.executable).parent / "case-extract"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "extract.cli"]
    return subprocess.run(
        [*command, "ingest", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


# file -> words the one stderr line must hold (besides the file name)
BAD = {
    "bad/truncated.pdf": ["truncated"],
    "bad/encrypted.pdf": ["encrypted"],
    "bad/scanned.pdf": ["no text layer", "OCR"],
    "bad/empty.pdf": ["empty"],
    "bad/not_a_pdf.pdf": ["not a PDF"],
    "bad/garbage.pdf": ["corrupt"],
    "bad/no_pages.pdf": ["no pages"],
    "bad/too_many_pages.pdf": ["too large", "200"],
    "pdfs/odd_scanned_ocrmypdf_c02-22.pdf": ["no text layer"],
    "pdfs/odd_encrypted_pdfminer_aes-256.pdf": ["encrypted"],
    "pdfs/odd_malformed_ocrmypdf_invalid.pdf": ["corrupt"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_exits_nonzero_with_one_line(name: str) -> None:
    path = CORPUS / name
    result = _run("--ocr", "never", str(path))  # scans read by OCR: tests/ingest/test_ocr.py
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert path.name in lines[0]
    for word in BAD[name]:
        assert word.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_max_pages_option_raises_the_limit() -> None:
    result = _run("--max-pages", "10", str(CORPUS / "bad" / "too_many_pages.pdf"))
    assert result.returncode != 0 and "limit is 10" in result.stderr


def test_missing_file() -> None:
    result = _run(str(CORPUS / "bad" / "no_such_file.pdf"))
    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1 and "no_such_file.pdf" in result.stderr


def test_damaged_but_readable_pdf_gives_text_and_a_warning() -> None:
    path = CORPUS / "pdfs" / "odd_corrupted_pdfminer_zen_of_python.pdf"
    result = _run(str(path))
    assert result.returncode == 0
    assert "Beautiful is better than ugly." in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ") and path.name in lines[0]


def _check_json_shape(doc: dict) -> None:
    for key in ("doc_id", "source_path", "text", "pages", "sections", "tables", "captions"):
        assert key in doc
    for page in doc["pages"]:
        assert set(page) >= {"number", "start", "end"}
    for section in doc["sections"]:
        assert set(section) >= {"title", "level", "start", "end"}
        assert doc["text"][section["start"] :].startswith(section["title"])
    for table in doc["tables"]:
        assert set(table) >= {"caption", "header", "rows", "legend", "page"}
    for caption in doc["captions"]:
        assert set(caption) >= {"label", "text", "page"}


def test_json_of_a_jats_article() -> None:
    result = _run("--json", str(CORPUS / "jats" / "PMC4745306.xml"))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    _check_json_shape(doc)
    assert doc["doc_id"] == "PMC4745306"
    assert len(doc["tables"]) == 3 and doc["tables"][0]["rows"]
    assert [c["label"] for c in doc["captions"]] == ["Figure 1", "Figure 2"]
    assert "2. Case Presentation" in [s["title"] for s in doc["sections"]]


def test_json_of_the_seed_text() -> None:
    result = _run("--json", str(CORPUS / "seed" / "shimizu2018_extracted.txt"))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    _check_json_shape(doc)
    assert doc["pages"] == [{"number": 1, "start": 0, "end": len(doc["text"])}]
    titles = [s["title"] for s in doc["sections"]]
    assert "Case presentation" in titles and "Discussion and conclusions" in titles


def test_json_of_the_seed_pdf() -> None:
    result = _run("--json", str(CORPUS / "seed" / "shimizu2018.pdf"))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    _check_json_shape(doc)
    assert [p["number"] for p in doc["pages"]] == [1, 2, 3]
    titles = [s["title"] for s in doc["sections"]]
    assert "Case presentation" in titles and "Discussion and conclusions" in titles


def test_plain_output_is_the_text() -> None:
    result = _run(str(CORPUS / "jats" / "PMC4735918.xml"))
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Incidental Finding of a Rare Urachal Pathology")
