"""The case database (extract/db.py): schema, idempotence, history, filters. SQLite always;
PostgreSQL too when TEST_POSTGRES_URL is set (the `db_url` fixture in conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, func, inspect, select, text

from extract import db
from extract.batch import run_batch
from extract.pipeline import process_file

DEV_TXT = ("bmccancer2004_cerebral_relapse.txt", "braunstein2021_jmcr_humerus.txt",
           "filonenko2023_wjco_breast.txt", "kim2018_anndermatol_cutaneous.txt")


def small_folder(corpus: Path, dst: Path) -> Path:
    """Four real dev reports, one JATS file and two broken PDFs."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in DEV_TXT:
        shutil.copy(corpus / "dev" / "txt" / name, dst / name)
    shutil.copy(corpus / "jats" / "PMC4735918.xml", dst / "PMC4735918.xml")
    for name in ("empty.pdf", "encrypted.pdf"):
        shutil.copy(corpus / "bad" / name, dst / name)
    return dst


def run(folder: Path, url: str, **kw):
    kw.setdefault("workers", 0)  # in this process: the pool has its own tests
    return run_batch([folder], db_url=url, use_nlp=False, progress=False, **kw)


def test_open_db_creates_the_schema_at_head(db_url):
    database = db.open_db(db_url)
    try:
        names = set(inspect(database.engine).get_table_names())
        assert {"runs", "documents", "cases", "evidence", "alembic_version"} <= names
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
            if database.engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        database.dispose()
        db.open_db(db_url).dispose()  # upgrading a database at head is a no-op
    finally:
        database.dispose()


def test_two_runs_over_the_same_folder_leave_the_same_rows(db_url, corpus, tmp_path):
    folder = small_folder(corpus, tmp_path / "in")
    first = run(folder, db_url)
    database = db.open_db(db_url)
    counts = db.row_counts(database)
    second = run(folder, db_url)
    again = db.row_counts(database)
    database.dispose()
    assert (first.processed, first.ok, first.failed) == (7, 5, 2)
    assert (second.processed, second.skipped) == (0, 7)
    assert counts["cases"] >= 5 and counts["documents"] == 7
    assert {k: v for k, v in again.items() if k != "runs"} == {k: v for k, v in counts.items() if k != "runs"}
    assert again["runs"] == counts["runs"] + 1  # each invocation is recorded
    # The skipped run still hands back every file's cases, from the database, and its text.
    assert [len(r.cases) for r in second.results] == [len(r.cases) for r in first.results]
    assert [r.text for r in second.results] == [r.text for r in first.results]
    assert sum(r.text is not None for r in second.results) == 5  # the 2 bad files have none


def test_failed_documents_are_recorded_with_their_cause(db_url, corpus, tmp_path):
    folder = small_folder(corpus, tmp_path / "in")
    run(folder, db_url)
    database = db.open_db(db_url)
    docs = {d["doc_id"]: d for d in db.load_documents(database)}
    database.dispose()
    assert docs["empty"]["status"] == "failed" and docs["empty"]["error"] == "empty.pdf: empty file"
    assert "encrypted" in docs["encrypted"]["error"]
    assert docs["braunstein2021_jmcr_humerus"]["status"] == "ok"
    assert docs["braunstein2021_jmcr_humerus"]["sha256"] == db.file_sha256(folder / DEV_TXT[1])


def test_changed_file_replaces_its_cases_and_keeps_the_old_ones_as_history(db_url, corpus, tmp_path):
    folder = small_folder(corpus, tmp_path / "in")
    first = run(folder, db_url)
    target = folder / DEV_TXT[0]
    target.write_text(target.read_text("utf-8") + "\nA late addendum.\n", encoding="utf-8")
    second = run(folder, db_url)
    assert (second.processed, second.skipped) == (1, 6)

    database = db.open_db(db_url)
    try:
        doc_id = target.stem
        with database.session() as s:
            versions = s.execute(select(db.DocumentRow.sha256, db.DocumentRow.current, db.DocumentRow.run_id)
                                 .where(db.DocumentRow.doc_id == doc_id)
                                 .order_by(db.DocumentRow.id)).all()
        assert [v.current for v in versions] == [False, True]
        assert versions[1].sha256 == db.file_sha256(target)
        # Current rows: one document version each, the same number of cases as before.
        current = db.load_cases(database)
        assert len(current) == first.cases
        assert sum(c.doc_id == doc_id for c in current) == sum(
            len(r.cases) for r in first.results if r.doc_id == doc_id)
        # The first run stays queryable: its rows for the changed document are still there.
        old = db.load_cases(database, run_id=first.run_id, where={"doc_id": doc_id})
        assert old and all(c.doc_id == doc_id for c in old)
        new = db.load_cases(database, run_id=second.run_id)
        assert {c.doc_id for c in new} == {doc_id}
    finally:
        database.dispose()


def test_new_pipeline_version_replaces_a_documents_cases(db_url, corpus):
    path = corpus / "dev" / "txt" / DEV_TXT[1]
    result = process_file(path)
    sha = db.file_sha256(path)
    database = db.open_db(db_url)
    try:
        run1 = db.start_run(database, pipeline="v1", model="none", documents=1)
        db.store_result(database, run1, result, sha256=sha, pipeline="v1", model="none")
        assert db.done_versions(database, [result.doc_id], pipeline="v1", model="none") == {
            result.doc_id: (sha, "ok", None)}
        assert db.done_versions(database, [result.doc_id], pipeline="v2", model="none") == {}
        run2 = db.start_run(database, pipeline="v2", model="none", documents=1)
        db.store_result(database, run2, result, sha256=sha, pipeline="v2", model="none")
        # The same version again (a retried document) replaces in place: no new rows.
        db.store_result(database, run2, result, sha256=sha, pipeline="v2", model="none")
        counts = db.row_counts(database)
        assert counts["documents"] == 2
        assert counts["cases"] == 2 * len(result.cases)
        assert [c.to_json() for c in db.load_cases(database)] == [c.to_json() for c in result.cases]
        assert len(db.load_cases(database, run_id=run1)) == len(result.cases)
    finally:
        database.dispose()


def test_where_filters_match_values_and_are_parameterised(db_url, corpus, tmp_path):
    folder = small_folder(corpus, tmp_path / "in")
    summary = run(folder, db_url)
    database = db.open_db(db_url)
    try:
        everything = db.load_cases(database)
        assert len(everything) == summary.cases
        women = db.load_cases(database, where={"sex": "female"})
        assert women and all(c.sex == "female" for c in women)
        assert len(db.load_cases(database, where={"sex": None})) == sum(c.sex is None for c in everything)
        sites = {s for c in everything for s in c.metastasis_sites}
        for site in sites:
            hits = db.load_cases(database, where={"metastasis_sites": site})
            assert {c.doc_id for c in hits} == {c.doc_id for c in everything if site in c.metastasis_sites}
        # A value is a value, never SQL; a LIKE wildcard is a literal character.
        assert db.load_cases(database, where={"doc_id": "x' OR '1'='1"}) == []
        assert db.load_cases(database, where={"metastasis_sites": "%"}) == []
        assert db.row_counts(database)["cases"] == summary.cases
        with pytest.raises(db.CaseExtractError, match="unknown field"):
            db.load_cases(database, where={"doc_id; DROP TABLE cases": "x"})
    finally:
        database.dispose()


def test_coerce_filter_types():
    assert db.coerce_filter("age_years", "51") == 51.0
    assert db.coerce_filter("synchronous", "true") is True
    assert db.coerce_filter("sex", "null") is None
    with pytest.raises(db.CaseExtractError):
        db.coerce_filter("case_index", "one")


def test_unreachable_database_is_a_one_line_fatal_error(tmp_path):
    with pytest.raises(db.DatabaseError) as err:
        db.open_db("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "\n" not in str(err.value) and "127.0.0.1" in str(err.value)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(db.DatabaseError):
        db.open_db(f"sqlite:///{blocker}/cases.sqlite")


def test_a_database_at_an_older_revision_is_upgraded_on_connect(db_url, corpus):
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    engine = db.make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("extract") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()

    database = db.open_db(db_url)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
        indexes = {ix["name"] for ix in inspect(database.engine).get_indexes("documents")}
        assert "uq_documents_one_current" in indexes
        assert {"text", "page_offsets", "ocr_pages"} <= {c["name"] for c in inspect(database.engine).get_columns("documents")}
        assert "ocr" in {c["name"] for c in inspect(database.engine).get_columns("evidence")}
        assert {"reviews", "document_files"} <= set(inspect(database.engine).get_table_names())
        # The index lets history be kept but never two current versions of one document.
        path = corpus / "dev" / "txt" / DEV_TXT[2]
        result = process_file(path)
        run_id = db.start_run(database, pipeline="p", model="none", documents=1)
        for version in ("p1", "p2", "p3"):
            db.store_result(database, run_id, result, sha256="x", pipeline=version, model="none")
        with database.session() as s:
            current = s.scalars(select(db.DocumentRow.pipeline_version).where(
                db.DocumentRow.doc_id == result.doc_id, db.DocumentRow.current.is_(True))).all()
        assert current == ["p3"]
    finally:
        database.dispose()


def test_two_writers_at_once_leave_the_rows_of_one(db_url, corpus, tmp_path):
    """A team sharing one database: two runs over the same folder at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    folder = small_folder(corpus, tmp_path / "in")
    db.open_db(db_url).dispose()  # the schema first, as a team's database already has it
    with ThreadPoolExecutor(2) as pool:
        summaries = list(pool.map(lambda _: run(folder, db_url), range(2)))
    assert all(s.processed + s.skipped == 7 for s in summaries)
    database = db.open_db(db_url)
    try:
        counts = db.row_counts(database)
        docs = db.load_documents(database, current_only=False)
    finally:
        database.dispose()
    assert len(docs) == 7 and len({d["doc_id"] for d in docs}) == 7
    one_run = sum(len(r.cases) for r in summaries[0].results)
    assert one_run == sum(len(r.cases) for r in summaries[1].results) >= 5
    assert counts["cases"] == one_run


def test_a_pdf_read_is_stored_once_with_where_each_page_lies(db_url, corpus, tmp_path):
    """Revision 0004 (issue 13): the bytes of each PDF read, once per hash, and the page offsets
    of its text, so the workbench draws pages from the database alone."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "seed" / "shimizu2018.pdf", folder)
    shutil.copy(corpus / "dev" / "txt" / DEV_TXT[0], folder)
    run(folder, db_url)
    database = db.open_db(db_url)
    try:
        pdf = db.current_document(database, "shimizu2018")
        assert pdf is not None and pdf["file_stored"] and pdf["pages"] == 3
        assert [n for n, _, _ in pdf["page_offsets"]] == [1, 2, 3]
        assert pdf["page_offsets"][-1][2] == len(pdf["text"])
        data = db.source_pdf(database, "shimizu2018")
        assert data == (folder / "shimizu2018.pdf").read_bytes()
        # every evidence's page is the page its offsets fall on
        for case in db.cases_for_document(database, "shimizu2018"):
            for ev in case.evidence.values():
                if ev.start is not None:
                    assert db.page_of(pdf["page_offsets"], ev.start) == ev.page
        text_doc = db.current_document(database, DEV_TXT[0][:-4])
        assert text_doc is not None and not text_doc["file_stored"]
        assert db.source_pdf(database, DEV_TXT[0][:-4]) is None  # not a PDF: no page images
        # A new pipeline version of the same file adds no second copy of its bytes.
        result = process_file(folder / "shimizu2018.pdf")
        run_id = db.start_run(database, pipeline="v2", model="none", documents=1)
        db.store_result(database, run_id, result, sha256=pdf["sha256"], pipeline="v2", model="none")
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(db.DocumentFile)) == 1
    finally:
        database.dispose()


def test_without_stored_bytes_the_pdf_comes_from_its_path_only_while_unchanged(db_url, corpus,
                                                                              tmp_path):
    """A version stored before revision 0004 has no bytes: its stored path serves, as long as the
    file there still has the stored hash; a path from anywhere else never does."""
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / "shimizu2018.pdf"
    shutil.copy(corpus / "seed" / "shimizu2018.pdf", target)
    run(folder, db_url)
    database = db.open_db(db_url)
    try:
        with database.session() as s:
            s.execute(delete(db.DocumentFile))
        assert db.source_pdf(database, "shimizu2018") == target.read_bytes()
        target.write_bytes(target.read_bytes() + b"\n%changed\n")
        assert db.source_pdf(database, "shimizu2018") is None
        assert db.source_pdf(database, "../../etc/passwd") is None
    finally:
        database.dispose()
