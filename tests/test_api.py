"""The public Python API (extract/api.py, re-exported by extract/__init__.py; issue 15), on the
seed PDF and real corpus files: the names, their documentation and types, and that the rows
and frames are those of ``case-extract run`` whatever they are read from."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import extract
from extract.api import FRAME_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "seed" / "shimizu2018.pdf"
SEED_GOLD = CORPUS / "gold" / "seed.jsonl"
CLI = [sys.executable, "-m", "extract.cli"]


def readme_api_names() -> list[str]:
    """The names of the API table in README.md's "Use it from Python" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Use it from Python\n"):]
    section = section[:section.index("\n## ", 5)]
    names = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split(" | ")[0]
            names += [re.match(r"\w+", code).group(0) for code in re.findall(r"`([^`]+)`", first_cell)]
    return names


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `case-extract run` writes for the seed PDF with its defaults (the NLP pipeline, the
    database beside the files): the folder holding cases.jsonl and cases.sqlite."""
    out = tmp_path_factory.mktemp("seed_run")
    proc = subprocess.run([*CLI, "run", str(SEED), "--out", str(out), "--workers", "1", "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


# --- the names ---------------------------------------------------------------------------------


def test_all_is_exactly_the_names_the_readme_documents() -> None:
    documented = readme_api_names()
    assert len(documented) == len(set(documented)) == len(extract.__all__) == len(set(extract.__all__))
    assert set(extract.__all__) == set(documented)
    assert sorted(dir(extract)) == sorted([*extract.__all__, "__version__"])


@pytest.mark.parametrize("name", extract.__all__)
def test_each_public_name_has_a_docstring_and_type_hints(name: str) -> None:
    obj = getattr(extract, name)
    doc = inspect.getdoc(obj)
    # A dataclass without a docstring gets its signature as one: that is no documentation.
    assert doc and len(doc) > 40 and not doc.startswith(f"{name}("), name
    if inspect.isfunction(obj):
        signature = inspect.signature(obj)
        assert signature.return_annotation is not inspect.Signature.empty, name
        assert [p for p, v in signature.parameters.items() if v.annotation is inspect.Parameter.empty] == []
        assert obj.__module__ == "extract.api"
    else:
        assert inspect.isclass(obj)
        assert all(isinstance(hint, str) and hint for hint in obj.__annotations__.values()), name


def test_no_public_name_is_hidden_by_a_module_of_the_package() -> None:
    """Importing ``extract.X`` binds the attribute ``extract.X`` to that module, so a public
    function named like a module (``cases``, ``run``, ``score``) would be replaced by the module
    as soon as anything imported it: hence ``case_rows``, ``run_batch`` and ``score_cases``."""
    modules = {m.name for m in pkgutil.iter_modules(extract.__path__)}
    assert modules & set(extract.__all__) == set()
    for module in ("extract.cases", "extract.run", "extract.score"):  # what the pipeline imports
        importlib.import_module(module)
    assert inspect.isfunction(extract.case_rows) and inspect.isfunction(extract.score_cases)


def test_defaults_are_those_of_the_command() -> None:
    from extract import batch, db, ingest

    run = inspect.signature(extract.run_batch).parameters
    assert run["db"].default == db.DEFAULT_DB_URL
    assert run["timeout"].default == batch.DEFAULT_TIMEOUT == 300
    assert run["max_pages"].default == inspect.signature(extract.case_rows).parameters["max_pages"].default \
        == inspect.signature(extract.read).parameters["max_pages"].default == ingest.DEFAULT_MAX_PAGES


def test_import_extract_loads_no_library_and_no_module_of_the_api() -> None:
    """`import extract` stays as cheap as it was: the public names load on first use."""
    code = ("import sys, extract; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('spacy', 'pandas', 'sqlalchemy', 'pdfplumber', 'numpy', 'typing') or "
            "(m.startswith('extract.'))))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_public_api_is_mypy_clean(tmp_path: Path) -> None:
    """mypy on the API with every definition typed, and on a notebook's use of it: the names
    are typed for their users (a misspelt name is an error, not Any)."""
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    if mypy is None:
        pytest.skip("mypy is not installed (pip install -e '.[dev]')")
    client = tmp_path / "notebook.py"
    client.write_text(
        "from pathlib import Path\n\nimport pandas as pd\nfrom spacy.language import Language\n\n"
        "import extract\n\n"
        "document: extract.Document = extract.read('corpus/seed/shimizu2018.pdf')\n"
        "rows: list[extract.CaseRow] = extract.case_rows(document, nlp=False)\n"
        "frame: pd.DataFrame = extract.cases_frame(rows)\n"
        "frame = extract.cases_frame(Path('outputs/cases.jsonl'))\n"
        "score: dict = extract.score_cases(rows, 'corpus/gold/seed.jsonl', fields=['age_years'])\n"
        "per_field: pd.DataFrame = extract.score_frame(frame, ['a.jsonl', 'b.jsonl'])\n"
        "summary: extract.RunSummary = extract.run_batch(['corpus/dev/txt'], db=None, workers=0)\n"
        "nlp: Language = extract.load_nlp(ner=False)\n"
        "evidence: extract.Evidence = rows[0].evidence['age_years']\n"
        "error: type[Exception] = extract.CaseExtractError\n")
    bad = tmp_path / "misspelt.py"
    bad.write_text("import extract\n\nextract.cases_frames([])\nextract.read(3)\n")
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    # Without site-packages, spaCy and pandas are Any (pyproject: ignore_missing_imports) and
    # mypy checks our names and hints in seconds; `make typecheck` checks the package in full.
    args = [mypy, "--no-site-packages", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"]
    ok = subprocess.run([*args, "--disallow-untyped-defs", "--disallow-incomplete-defs",
                         str(ROOT / "extract" / "api.py"), str(ROOT / "extract" / "__init__.py"), str(client)],
                        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    errors = subprocess.run([*args, str(bad)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert 'Module has no attribute "cases_frames"' in errors.stdout
    assert 'incompatible type "int"' in errors.stdout


# --- rows and frames on the seed ---------------------------------------------------------------


def test_seed_frame_is_the_same_from_rows_from_the_jsonl_and_from_the_database(seed_outputs: Path) -> None:
    """Issue 15: `extract.case_rows` gives the rows `case-extract run` writes for the seed (13
    patients, the gold's count), and `cases_frame` gives one frame from the rows, the JSONL
    and the SQLite database that run wrote (and from that frame itself)."""
    rows = extract.case_rows(SEED)
    gold = [json.loads(line) for line in SEED_GOLD.read_text().splitlines() if line.strip()]
    assert len(rows) == len(gold) == 13

    jsonl = seed_outputs / "cases.jsonl"
    assert [r.to_json() for r in rows] == [json.loads(line) for line in jsonl.read_text().splitlines()]

    frame = extract.cases_frame(rows)
    assert list(frame.columns) == list(FRAME_COLUMNS) and len(frame) == 13
    assert list(frame.case_index) == list(range(1, 14))
    first = frame.iloc[0]
    assert (first.doc_id, first.source, first.age_years, first.sex, first.primary_site) == (
        "shimizu2018", "narrative", 51.0, "male", "rectum")
    assert first.spinal_levels == ["L3"] and first.tki == ["imatinib"] and not first.synchronous
    assert first.evidence_age_years == rows[0].evidence["age_years"].text == "51-year-old Japanese man"
    assert list(frame.source) == ["narrative"] + ["table"] * 12
    assert all(isinstance(v, list) for v in frame.metastasis_sites)
    assert str(frame.age_years.dtype) == "float64" and str(frame.synchronous.dtype) == "boolean"

    database = seed_outputs / "cases.sqlite"
    for source in (jsonl, str(jsonl), f"sqlite:///{database}", database, [jsonl], frame):
        pd.testing.assert_frame_equal(extract.cases_frame(source), frame)


def test_seed_score_is_the_same_from_every_source_and_as_the_score_command(seed_outputs: Path) -> None:
    rows = extract.case_rows(SEED)
    jsonl, url = seed_outputs / "cases.jsonl", f"sqlite:///{seed_outputs / 'cases.sqlite'}"
    command = subprocess.run([*CLI, "score", str(jsonl), str(SEED_GOLD), "--json"], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    expected = json.loads(command.stdout)
    assert expected["micro_f1_mission"] == 1.0 and expected["docs"] == 1
    for pred in (rows, jsonl, url, extract.cases_frame(rows)):
        assert extract.score_cases(pred, SEED_GOLD) == expected
    frame = extract.score_frame(rows, SEED_GOLD)
    assert list(frame.index) == list(expected["fields"])
    assert list(frame.columns) == ["mission", "tp", "fp", "fn", "precision", "recall", "f1"]
    assert frame.loc["metastasis_sites"].to_dict() == {"mission": True, **expected["fields"]["metastasis_sites"]}
    assert list(frame.index[frame.mission]) == ["age_years", "primary_site", "metastasis_sites",
                                                "time_to_spinal_metastasis_months", "spinal_treatment"]
    assert list(extract.score_frame(rows, SEED_GOLD, fields=["tki"]).index) == ["tki"]


def test_case_rows_of_a_document_and_with_another_pipeline() -> None:
    document = extract.read(SEED)
    assert isinstance(document, extract.Document) and document.doc_id == "shimizu2018"
    assert len(document.pages) == 3 and document.tables
    with_nlp = [r.to_json() for r in extract.case_rows(document)]
    assert with_nlp == [r.to_json() for r in extract.case_rows(SEED)]
    without_ner = extract.case_rows(extract.read(SEED), nlp=extract.load_nlp(ner=False))
    rules_only = extract.case_rows(extract.read(SEED), nlp=False)
    assert len(without_ner) == len(rules_only) == 13


def test_load_nlp_runs_on_a_sentence_of_the_seed() -> None:
    nlp = extract.load_nlp()
    assert nlp is extract.load_nlp()  # built once, shared with case_rows
    doc = nlp("A 51-year-old Japanese man who had undergone resection for a rectal gastrointestinal "
              "stromal tumor was diagnosed with L3 vertebral metastasis 10 years after surgery.")
    terms = {(span.label_, str(span._.value)) for span in doc.spans["terms"]}
    assert {("PRIMARY_SITE", "rectum"), ("SPINAL_LEVEL", "['L3']"), ("METASTASIS_SITE", "V")} <= terms
    assert "Age" in {ent.label_ for ent in doc.ents}


# --- batches -----------------------------------------------------------------------------------


def test_run_batch_stores_writes_and_scores_as_the_command_does(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    texts = sorted((CORPUS / "dev" / "txt").glob("*.txt"))[:3]
    for path in [*texts, CORPUS / "bad" / "scanned.pdf"]:
        shutil.copy(path, folder)
    url, out, gold = f"sqlite:///{tmp_path / 'cases.sqlite'}", tmp_path / "out", CORPUS / "gold" / "dev.jsonl"

    # without OCR, the scan is a bad file (issue 14: with it, it reads; tests/ingest/test_ocr.py)
    summary = extract.run_batch(folder, db=url, out=out, gold=gold, workers=1, nlp=False, ocr="never")
    assert isinstance(summary, extract.RunSummary)
    assert (summary.documents, summary.ok, summary.failed) == (4, 3, 1)
    assert summary.failures[0][1].startswith("scanned.pdf: no text layer")
    assert sorted(summary.files) == ["cases.csv", "cases.jsonl", "report.html", "score.json"]
    assert all(p.is_file() and p.parent == out for p in summary.files.values())
    assert summary.score == json.loads((out / "score.json").read_text()) == extract.score_cases(summary.rows, gold)
    alone = [r.to_json() for path in texts for r in extract.case_rows(path, nlp=False)]
    assert [r.to_json() for r in summary.rows] == alone
    frame = extract.cases_frame(summary.rows)
    for source in (out / "cases.jsonl", url):
        pd.testing.assert_frame_equal(extract.cases_frame(source), frame)
    assert "3 read, 1 failed" in summary.format_outputs() and "mission micro-F1" in summary.format_outputs()

    again = extract.run_batch([folder], db=url, workers=1, nlp=False, ocr="never")  # all done: read back
    assert (again.processed, again.skipped, again.files, again.score) == (0, 4, {}, None)
    assert [r.to_json() for r in again.rows] == alone


# --- bad input: one-line errors ----------------------------------------------------------------


def one_line(exc: pytest.ExceptionInfo[extract.CaseExtractError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_bad_input_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(extract.CaseExtractError) as exc:
        extract.read(CORPUS / "bad" / "scanned.pdf", ocr="never")
    assert one_line(exc).startswith("scanned.pdf: no text layer")
    with pytest.raises(extract.CaseExtractError) as exc:
        extract.case_rows(CORPUS / "bad" / "truncated.pdf")
    assert one_line(exc).startswith("truncated.pdf: corrupt")
    with pytest.raises(extract.CaseExtractError) as exc:
        extract.run_batch(tmp_path, db=None)
    assert one_line(exc) == f"no .pdf, .txt, .nxml or .xml files in {tmp_path}"

    missing_db = tmp_path / "nowhere" / "cases.sqlite"
    not_rows = tmp_path / "numbers.jsonl"
    not_rows.write_text("1\n2\n")
    for source, message in [
        (tmp_path / "missing.jsonl", "missing.jsonl: no such file"),
        (tmp_path, "a folder, not a JSONL file or a database"),
        (f"sqlite:///{missing_db}", "no such database"),
        (missing_db, "no such database"),
        (not_rows, "numbers.jsonl: row 1 is not a case row"),
        ("postgresql+nodriver://nobody@127.0.0.1:1/none", "nodriver"),
        ([3], "not a list holding int"),
    ]:
        with pytest.raises(extract.CaseExtractError) as exc:
            extract.cases_frame(source)
        assert message in one_line(exc), source
    assert not missing_db.parent.exists()  # reading a misspelt database creates none
    with pytest.raises(extract.CaseExtractError) as exc:
        extract.score_cases(SEED_GOLD, SEED_GOLD, fields=["age"])
    assert one_line(exc).startswith("unknown field age (one of age_years, sex,")


def test_score_command_with_an_unknown_field_or_a_missing_file_says_so_in_one_line(tmp_path: Path) -> None:
    for args, message in [([str(SEED_GOLD), str(SEED_GOLD), "--fields", "age"], "error: unknown field age"),
                          ([str(tmp_path / "pred.jsonl"), str(SEED_GOLD)], "pred.jsonl: no such file")]:
        proc = subprocess.run([*CLI, "score", *args], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
