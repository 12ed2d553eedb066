"""Exports (extract/export.py) open in their readers; untrusted text never runs as a formula."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd
import pytest

from extract import cli, db, export, review
from extract.batch import run_batch
from extract.pipeline import process_file
from extract.record import CLINICAL_FIELDS, validation_errors

HOSTILE = ("=HYPERLINK(\"http://x.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")


@pytest.fixture
def filled_db(db_url, corpus, tmp_path) -> str:
    """A database holding real dev reports, one broken PDF, and one report whose stored text
    fields start like spreadsheet formulas (as a hostile document's words could)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("braunstein2021_jmcr_humerus.txt", "rochigneux2017_cro.txt", "sato2014_crionm_cerebellar.txt"):
        shutil.copy(corpus / "dev" / "txt" / name, folder / name)
    shutil.copy(corpus / "bad" / "empty.pdf", folder / "empty.pdf")
    run_batch([folder], db_url=db_url, workers=0, use_nlp=False, progress=False)

    path = corpus / "dev" / "txt" / "kim2018_anndermatol_cutaneous.txt"
    result = process_file(path)
    case = result.cases[0]
    case.source, case.reference = "table", HOSTILE[0]
    for name, text in zip(("age_years", "sex", "primary_site", "tki", "outcome_status"), HOSTILE[1:]):
        case.evidence[name] = db.Evidence(text, 1, 0, len(text))
    database = db.open_db(db_url)
    run_id = db.start_run(database, pipeline="test", model="none", documents=1)
    db.store_result(database, run_id, result, sha256=db.file_sha256(path), pipeline="test", model="none")
    database.dispose()
    return db_url


def current_cases(url: str, *, machine: bool = False):
    """What an export holds by default: the reviewed table (or the machine's rows)."""
    database = db.open_db(url)
    try:
        return db.load_cases(database) if machine else review.reviewed_cases(database)
    finally:
        database.dispose()


def assert_no_formula(cells) -> None:
    for cell in cells:
        if isinstance(cell, str) and cell:
            assert not cell.startswith(export.FORMULA_STARTS), repr(cell)


def test_csv_opens_in_pandas_with_every_case_and_no_formula(filled_db, tmp_path):
    cases = current_cases(filled_db)
    out = tmp_path / "cases.csv"
    assert export.export(filled_db, "csv", out) == [out]
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(frame) == len(cases) == 4
    assert list(frame.columns[:4]) == ["doc_id", "case_index", "source", "reference"]
    assert set(CLINICAL_FIELDS) <= set(frame.columns)
    assert_no_formula(frame.to_numpy().ravel())
    hostile = frame[frame.doc_id == "kim2018_anndermatol_cutaneous"].iloc[0]
    assert hostile.reference == "'" + HOSTILE[0]
    assert hostile.age_years_evidence == "'+1+1"
    assert hostile.sex_evidence == "'-2+3"
    by_id = {c.doc_id: c for c in cases}
    for _, row in frame.iterrows():
        case = by_id[row.doc_id]
        assert row.metastasis_sites == "; ".join(case.metastasis_sites)
        assert (float(row.age_years) if row.age_years else None) == case.age_years


def test_xlsx_opens_in_pandas_and_holds_text_not_formulas(filled_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "cases.xlsx"
    export.export(filled_db, "xlsx", out)
    frame = pd.read_excel(out, dtype=str, keep_default_na=False)
    assert len(frame) == 4
    assert_no_formula(frame.to_numpy().ravel())
    sheet = load_workbook(out).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'" + HOSTILE[0] in [c.value for row in sheet.iter_rows() for c in row]


def test_jsonl_rows_follow_the_case_schema(filled_db, tmp_path):
    out = tmp_path / "cases.jsonl"
    export.export(filled_db, "jsonl", out)
    frame = pd.read_json(out, lines=True)
    assert len(frame) == 4
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert all(validation_errors(r) == [] for r in rows)
    assert rows == [c.to_json() for c in current_cases(filled_db)]
    # Data files keep the document's words exactly.
    assert any(r["reference"] == HOSTILE[0] for r in rows)


def test_parquet_keeps_types_and_lists(filled_db, tmp_path):
    out = tmp_path / "cases.parquet"
    export.export(filled_db, "parquet", out)
    frame = pd.read_parquet(out)
    cases = current_cases(filled_db)
    assert len(frame) == len(cases)
    assert frame["age_years"].dtype.kind == "f"
    for (_, row), case in zip(frame.iterrows(), cases):
        assert list(row.metastasis_sites) == case.metastasis_sites
        assert list(row.tki) == case.tki
        assert json.loads(row.evidence).keys() == case.evidence.keys()


def test_redcap_dictionary_has_the_18_columns_and_records_match_it(filled_db, tmp_path):
    dictionary_path, records_path = export.export(filled_db, "redcap", tmp_path / "redcap")
    dictionary = pd.read_csv(dictionary_path, dtype=str, keep_default_na=False)
    assert tuple(dictionary.columns) == export.REDCAP_COLUMNS and len(export.REDCAP_COLUMNS) == 18
    assert dictionary.iloc[0]["Variable / Field Name"] == "record_id"
    variables = list(dictionary["Variable / Field Name"])
    assert len(set(variables)) == len(variables)
    assert all(v.islower() and v.replace("_", "").isalnum() and len(v) <= 26 for v in variables)
    assert set(dictionary["Field Type"]) <= {"text", "notes", "radio", "dropdown", "checkbox", "yesno"}

    records = pd.read_csv(records_path, dtype=str, keep_default_na=False)
    assert len(records) == 4 and records.columns[0] == "record_id"
    assert records["record_id"].is_unique
    choices: dict[str, set[str]] = {}
    expected_columns = []
    for _, f in dictionary.iterrows():
        codes = [c.split(",")[0].strip() for c in f["Choices, Calculations, OR Slider Labels"].split("|")
                 if c.strip()]
        if f["Field Type"] == "checkbox":
            expected_columns += [f"{f['Variable / Field Name']}___{c}" for c in codes]
        else:
            expected_columns.append(f["Variable / Field Name"])
            choices[f["Variable / Field Name"]] = set(codes)
    assert list(records.columns) == [*expected_columns, "case_report_complete"]
    for name, codes in choices.items():
        if codes:
            assert set(records[name]) - {""} <= codes, name
    # A case's coded values decode back to its fields.
    cases = {export.redcap_record_id(c): c for c in current_cases(filled_db)}
    sites = export._choices("metastasis_sites")
    for _, rec in records.iterrows():
        case = cases[rec.record_id]
        ticked = [sites[i - 1] for i in range(1, len(sites) + 1) if rec[f"metastasis_sites___{i}"] == "1"]
        assert sorted(ticked) == sorted(case.metastasis_sites)
    assert_no_formula(records.to_numpy().ravel())


def test_cases_command_lists_and_filters(filled_db, capsys):
    def cases(*where: str) -> tuple[int, str, str]:
        args = ["cases", "--db", filled_db]
        for w in where:
            args += ["--where", w]
        code = cli.main(args)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = cases()
    assert code == 0, err
    assert "braunstein2021_jmcr_humerus" in out and "\r" not in out and "\t" not in out
    code, out, _ = cases("doc_id=rochigneux2017_cro")
    assert "rochigneux2017_cro" in out and "braunstein" not in out
    assert cases("doc_id=x' OR '1'='1")[1].strip() == "(no cases)"
    code, _, err = cases("nonsense=1")
    assert code == 1 and err.startswith("error: --where nonsense")


def test_export_command_writes_a_file(filled_db, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert cli.main(["export", "--db", filled_db, "--format", "csv", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    with open(out, newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 4


# --- issue 13: reviewed values by default, a marker per field, --machine for the raw rows -----

def _review_some(url: str) -> None:
    """A corrected age, an accepted sex, a patient added to one report and one removed from
    another, and every value of one report reviewed."""
    database = db.open_db(url)
    try:
        review.review_field(database, "braunstein2021_jmcr_humerus", 1, "age_years", "correct",
                            reviewer="ana", value=73, evidence="72-year-old European woman")
        review.review_field(database, "braunstein2021_jmcr_humerus", 1, "sex", "accept", reviewer="ana")
        added = review.add_patient(database, "rochigneux2017_cro", reviewer="ana")
        review.review_field(database, "rochigneux2017_cro", added, "sex", "correct", reviewer="ana",
                            value="female")
        review.set_patient(database, "kim2018_anndermatol_cutaneous", 1, review.REMOVED, reviewer="ana")
        review.accept_rest(database, "sato2014_crionm_cerebellar", 1, reviewer="ana")
    finally:
        database.dispose()


def test_every_format_carries_the_reviewed_values_and_their_markers(filled_db, tmp_path):
    from openpyxl import load_workbook

    _review_some(filled_db)
    out = tmp_path / "x"
    out.mkdir()
    export.export(filled_db, "csv", out / "cases.csv")
    frame = pd.read_csv(out / "cases.csv", dtype=str, keep_default_na=False)
    assert list(frame.doc_id) == ["braunstein2021_jmcr_humerus", "rochigneux2017_cro",
                                  "rochigneux2017_cro", "sato2014_crionm_cerebellar"]
    first = frame.iloc[0]
    assert (first.age_years, first.age_years_reviewed, first.sex_reviewed, first.tki_reviewed) == (
        "73.0", "true", "true", "false")
    assert first.age_years_evidence == "72-year-old European woman"
    added = frame.iloc[2]
    assert (added.case_index, added.sex, added.sex_reviewed, added.age_years) == ("2", "female", "true", "")
    assert set(frame.iloc[3][list(export.REVIEWED_COLUMNS)]) == {"true"}

    export.export(filled_db, "xlsx", out / "cases.xlsx")
    sheet = pd.read_excel(out / "cases.xlsx", dtype=str, keep_default_na=False)
    assert list(sheet.columns) == list(frame.columns) and sheet.iloc[0].age_years_reviewed == "true"
    assert all(c.data_type != "f" for row in load_workbook(out / "cases.xlsx").active.iter_rows() for c in row)

    export.export(filled_db, "jsonl", out / "cases.jsonl")
    rows = [json.loads(line) for line in (out / "cases.jsonl").read_text("utf-8").splitlines()]
    assert rows[0]["age_years"] == 73 and rows[0]["reviewed"] == ["age_years", "sex"]
    assert rows[2]["reviewed"] == ["source", "sex"] and rows[1]["reviewed"] == []
    assert all(validation_errors(r) == [] for r in rows)

    export.export(filled_db, "parquet", out / "cases.parquet")
    table = pd.read_parquet(out / "cases.parquet")
    assert table.age_years.tolist()[0] == 73.0 and list(table.reviewed[0]) == ["age_years", "sex"]

    _, records_path = export.export(filled_db, "redcap", out / "redcap")
    records = pd.read_csv(records_path, dtype=str, keep_default_na=False)
    age_code = CLINICAL_FIELDS.index("age_years") + 1
    assert records.iloc[0][f"reviewed___{age_code}"] == "1"
    assert records.iloc[0][f"reviewed___{CLINICAL_FIELDS.index('tki') + 1}"] == "0"
    assert list(records.case_report_complete) == ["1", "1", "1", "2"]  # 2: every value reviewed


def test_machine_exports_the_raw_extraction_without_markers(filled_db, tmp_path):
    _review_some(filled_db)
    out = tmp_path / "m.csv"
    assert cli.main(["export", "--db", filled_db, "--format", "csv", "--out", str(out), "--machine"]) == 0
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(frame) == 4 and "kim2018_anndermatol_cutaneous" in set(frame.doc_id)
    assert not any(c.endswith("_reviewed") for c in frame.columns)
    assert frame[frame.doc_id == "braunstein2021_jmcr_humerus"].iloc[0].age_years == "72.0"
    jsonl = tmp_path / "m.jsonl"
    export.export(filled_db, "jsonl", jsonl, machine=True)
    rows = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    assert rows == [c.to_json() for c in current_cases(filled_db, machine=True)]
    assert all("reviewed" not in r for r in rows)


def test_cases_command_marks_reviewed_values(filled_db, capsys):
    _review_some(filled_db)
    assert cli.main(["cases", "--db", filled_db, "--where", "doc_id=braunstein2021_jmcr_humerus"]) == 0
    out = capsys.readouterr().out
    assert " 73*" in out and "female*" in out and "* reviewed (2 of 11 values)" in out
    assert cli.main(["cases", "--db", filled_db, "--where", "sex=female", "--machine"]) == 0
    out = capsys.readouterr().out
    assert " 72 " in out and "*" not in out
    # --where filters the reviewed values: the added patient is a woman now, kim's is removed
    assert cli.main(["cases", "--db", filled_db, "--where", "sex=female"]) == 0
    out = capsys.readouterr().out
    assert "rochigneux2017_cro" in out and "kim2018" not in out
