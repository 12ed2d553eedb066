"""Reviews (extract/review.py): beside the machine's rows, never over them; the latest wins;
reruns keep them and flag the ones whose machine value changed; finished documents are gold.
Real reports through the real pipeline into a real database (SQLite; PostgreSQL too with
TEST_POSTGRES_URL)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract import db, review, score
from extract.batch import run_batch
from extract.pipeline import process_file
from extract.record import CLINICAL_FIELDS, validation_errors

REPORT = "rochigneux2017_cro"  # "a 66-year-old man with a gastric GIST with bone and liver metastases"
SEED = "shimizu2018"


@pytest.fixture
def filled(db_url, corpus, tmp_path) -> tuple[str, Path]:
    """A database holding a real text report and the seed PDF (its narrative patient and the 12
    rows of its Table 1), read without the NER model."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "dev" / "txt" / f"{REPORT}.txt", folder)
    shutil.copy(corpus / "seed" / f"{SEED}.pdf", folder)
    run_batch([folder], db_url=db_url, workers=0, use_nlp=False, progress=False)
    return db_url, folder


@pytest.fixture
def database(filled) -> Iterator[db.Database]:
    """The filled database, opened, and disposed of after the test."""
    url, _ = filled
    opened_db = opened(url)
    try:
        yield opened_db
    finally:
        opened_db.dispose()


def opened(url: str) -> db.Database:
    return db.open_db(url)


def one(rows, doc_id: str, case_index: int = 1):
    return next(r for r in rows if r.doc_id == doc_id and r.case_index == case_index)


def test_a_correction_sits_beside_the_machine_value_and_the_latest_review_wins(database):
    machine_before = [c.to_json() for c in db.load_cases(database)]
    assert one(db.load_cases(database), REPORT).age_years == 66
    review.review_field(database, REPORT, 1, "age_years", "correct", reviewer="ana", value=65,
                        evidence="66-year-old man", note="typo in the abstract?")
    review.review_field(database, REPORT, 1, "age_years", "correct", reviewer="ben", value=67)
    # The machine's rows are untouched; the reviewed table has the latest review.
    assert [c.to_json() for c in db.load_cases(database)] == machine_before
    row = one(review.reviewed_cases(database), REPORT)
    assert row.age_years == 67 and row.reviewed == ["age_years"]
    assert "age_years" not in row.evidence  # ben gave no words: none are claimed
    assert row.sex == "male" and row.evidence["sex"].text == "66-year-old man"
    (case,) = review.document_cases(database, REPORT)
    latest = case.reviews["age_years"]
    assert (latest.reviewer, latest.machine_value, latest.value, latest.action) == (
        "ben", 66, 67, "corrected")
    with database.session() as s:
        assert s.query(db.ReviewRecord).count() == 2  # both decisions are kept


def test_accept_copies_the_value_and_its_evidence_and_clear_leaves_null(database):
    accepted = review.review_field(database, REPORT, 1, "primary_site", "accept", reviewer="ana")
    assert accepted.value == "stomach" and accepted.evidence.text == "gastric GIST"
    review.review_field(database, REPORT, 1, "tki", "clear", reviewer="ana")
    row = one(review.reviewed_cases(database), REPORT)
    assert row.tki == [] and "tki" not in row.evidence
    assert row.reviewed == ["primary_site", "tki"]
    (case,) = review.document_cases(database, REPORT)
    assert case.reviews["primary_site"].action == "accepted"
    assert case.reviews["tki"].action == "cleared"


def test_evidence_words_are_found_in_the_stored_text_with_their_page(database):
    doc = db.current_document(database, SEED)
    got = review.review_field(database, SEED, 1, "follow_up_months", "correct", reviewer="ana",
                              value=36, evidence="At  the 36-month\nfollow-up")
    ev = got.evidence
    assert doc["text"][ev.start:ev.end] == ev.text == "At the 36-month follow-up"
    assert ev.page == db.page_of(doc["page_offsets"], ev.start) == 2
    with pytest.raises(review.ReviewError, match="not in the document's text"):
        review.review_field(database, SEED, 1, "follow_up_months", "correct", reviewer="ana",
                            value=36, evidence="words the report never wrote")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("age_years", 130, "greater than the maximum of 120"),
    ("age_years", -1, "less than the minimum of 0"),
    ("age_years", "fifty", "not a number"),
    ("follow_up_months", -3, "less than the minimum of 0"),
    ("primary_site", "lung", "is not one of"),
    ("sex", "unknown", "is not one of"),
    ("metastasis_sites", ["liver"], "is not one of"),
    ("spinal_levels", ["T13"], "does not match"),
    ("tki", ["aspirin"], "is not one of"),
    ("outcome_status", "alive", "is not one of"),
    ("synchronous", "yes", "is not of type"),
    ("source", None, "narrative or table"),
    ("case_index", 2, "not a field a reviewer can set"),
])
def test_values_the_schema_refuses_are_refused_in_one_line(field, value, message):
    with pytest.raises(review.ReviewError, match=message) as err:
        review.check_value(field, value)
    assert "\n" not in str(err.value)


def test_check_value_puts_lists_in_the_vocabularys_order_without_repeats():
    assert review.check_value("metastasis_sites", ["V", "L", "V"]) == ["L", "V"]
    assert review.check_value("spinal_levels", ["L1", "T12", "S", "C2"]) == ["C2", "T12", "L1", "S"]
    assert review.check_value("age_years", 51) == 51.0
    assert review.check_value("age_years", None) is None


def test_a_missing_patient_is_added_an_invented_one_removed_and_restored(database):
    machine = [c for c in db.load_cases(database) if c.doc_id == SEED]
    assert len(machine) == 13
    new = review.add_patient(database, SEED, reviewer="ana", source="table", reference="[12]")
    assert new == 14
    review.review_field(database, SEED, new, "age_years", "correct", reviewer="ana", value=58)
    review.set_patient(database, SEED, 7, review.REMOVED, reviewer="ana", note="a duplicate")
    rows = [r for r in review.reviewed_cases(database) if r.doc_id == SEED]
    assert [r.case_index for r in rows] == [*range(1, 7), *range(8, 15)]
    added = rows[-1]
    assert (added.source, added.reference, added.age_years, added.sex) == ("table", "[12]", 58, None)
    with pytest.raises(review.ReviewError, match="keep it first"):
        review.review_field(database, SEED, 7, "age_years", "accept", reviewer="ana")
    review.set_patient(database, SEED, 7, review.KEPT, reviewer="ana")
    assert len([r for r in review.reviewed_cases(database) if r.doc_id == SEED]) == 14
    with pytest.raises(review.ReviewError, match="no patient 99"):
        review.set_patient(database, SEED, 99, review.REMOVED, reviewer="ana")
    with pytest.raises(review.ReviewError, match="no such document"):
        review.add_patient(database, "nope", reviewer="ana")
    assert len(db.load_cases(database)) == 14  # the machine's rows: 13 + 1, as before


def test_reviews_survive_a_rerun_on_a_changed_file_and_flag_changed_machine_values(filled, capsys):
    url, folder = filled
    database = opened(url)
    try:
        review.review_field(database, REPORT, 1, "age_years", "accept", reviewer="ana")
        review.review_field(database, REPORT, 1, "sex", "accept", reviewer="ana")
        assert review.stale_count(database) == 0
    finally:
        database.dispose()
    target = folder / f"{REPORT}.txt"
    target.write_text(target.read_text("utf-8").replace("66-year-old man", "67-year-old man"),
                      encoding="utf-8")
    from extract import cli

    assert cli.main(["run", str(folder), "--db", url, "--out", str(folder.parent / "out"), "--no-nlp",
                     "--workers", "0", "--no-progress"]) == 0
    printed = capsys.readouterr()
    assert "1 already done" in printed.err
    assert "1 reviewed values to recheck: the machine's value changed since the review" in printed.out
    database = opened(url)
    try:
        assert one(db.load_cases(database), REPORT).age_years == 67  # the new version's value
        (case,) = review.document_cases(database, REPORT)
        assert case.reviews["age_years"].stale and not case.reviews["sex"].stale
        assert case.current.age_years == 66  # the reviewer's word stands until decided again
        assert review.stale_count(database) == 1
        # Accepting confirms the value shown (the reviewer's); "machine" takes the new one.
        review.review_field(database, REPORT, 1, "age_years", "accept", reviewer="ana")
        assert review.stale_count(database) == 0
        assert one(review.reviewed_cases(database), REPORT).age_years == 66
        review.review_field(database, REPORT, 1, "age_years", "machine", reviewer="ana")
        row = one(review.reviewed_cases(database), REPORT)
        assert row.age_years == 67 and row.evidence["age_years"].text == "67-year-old man"
        assert review.document_cases(database, REPORT)[0].reviews["age_years"].action == "accepted"
    finally:
        database.dispose()


def test_reviews_survive_a_new_pipeline_version_that_loses_a_patient(db_url, corpus):
    path = corpus / "dev" / "txt" / f"{REPORT}.txt"
    result = process_file(path)
    sha = db.file_sha256(path)
    database = db.open_db(db_url)
    try:
        run1 = db.start_run(database, pipeline="v1", model="none", documents=1)
        db.store_result(database, run1, result, sha256=sha, pipeline="v1", model="none")
        review.accept_rest(database, REPORT, 1, reviewer="ana")
        said = [f for f in CLINICAL_FIELDS if not review.is_null(getattr(result.cases[0], f))]
        result.cases = []  # the next version finds no patient in this report
        run2 = db.start_run(database, pipeline="v2", model="none", documents=1)
        db.store_result(database, run2, result, sha256=sha, pipeline="v2", model="none")
        (case,) = review.document_cases(database, REPORT)
        assert case.status == "vanished" and not case.exists
        assert case.stale_fields == said  # the values the machine no longer gives
        assert review.reviewed_cases(database) == []
        review.set_patient(database, REPORT, 1, review.KEPT, reviewer="ana")
        (row,) = review.reviewed_cases(database)
        assert row.age_years == 66 and row.primary_site == "stomach"
    finally:
        database.dispose()


def test_gold_holds_only_documents_whose_every_value_is_reviewed(filled, tmp_path):
    url, _ = filled
    database = opened(url)
    try:
        review.review_field(database, REPORT, 1, "age_years", "correct", reviewer="ana", value=67,
                            evidence="66-year-old man")
        review.review_field(database, SEED, 1, "age_years", "accept", reviewer="ana")
        assert review.gold(database).rows == []
        assert sorted(review.gold(database).partial) == [REPORT, SEED]
        assert review.accept_rest(database, REPORT, 1, reviewer="ana") == len(CLINICAL_FIELDS) - 1
        assert review.accept_rest(database, REPORT, 1, reviewer="ana") == 0
        result = review.gold(database)
    finally:
        database.dispose()
    assert (result.documents, result.partial) == ([REPORT], [SEED])
    (row,) = result.rows
    assert validation_errors(row) == [] and "reviewed" not in row
    assert row["age_years"] == 67 and row["evidence"]["age_years"]["text"] == "66-year-old man"
    assert row["evidence"]["primary_site"]["text"] == "gastric GIST"
    # The machine scored against its reviewers: everything agrees but the corrected age.
    out = review.write_gold(url, tmp_path / "gold.jsonl")
    assert score.read_jsonl(tmp_path / "gold.jsonl") == out.rows == result.rows
    machine = [c.to_json() for c in process_file(filled[1] / f"{REPORT}.txt").cases]
    scored = score.score_rows(machine, result.rows)
    assert scored["fields"]["age_years"] == {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0,
                                             "recall": 0.0, "f1": 0.0}
    assert scored["fields"]["primary_site"]["f1"] == 1.0


def test_gold_command_writes_the_rows_and_names_what_it_left_out(filled, tmp_path, capsys):
    from extract import cli

    url, _ = filled
    database = opened(url)
    try:
        review.accept_rest(database, REPORT, 1, reviewer="ana")
        review.review_field(database, SEED, 2, "primary_site", "accept", reviewer="ana")
    finally:
        database.dispose()
    out = tmp_path / "gold" / "reviewed.jsonl"
    assert cli.main(["gold", "--db", url, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"1 reviewed patients of 1 documents -> {out}" in printed
    assert f"left out, partly reviewed: 1 documents ({SEED})" in printed
    rows = score.read_jsonl(out)
    assert [r["doc_id"] for r in rows] == [REPORT] and validation_errors(rows[0]) == []
    # `score` reads it as gold: the machine agrees with reviewers who accepted every value
    pred = tmp_path / "machine.jsonl"
    assert cli.main(["export", "--db", url, "--format", "jsonl", "--out", str(pred), "--machine"]) == 0
    capsys.readouterr()
    assert cli.main(["score", str(pred), str(out), "--json"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert result["docs"] == 1 and result["micro_f1_mission"] == 1.0
    assert cli.main(["gold", "--db", "sqlite:///" + str(tmp_path / "nothing" / "x.sqlite"),
                     "--out", str(tmp_path / "empty.jsonl")]) == 0
    assert "0 reviewed patients of 0 documents" in capsys.readouterr().out
