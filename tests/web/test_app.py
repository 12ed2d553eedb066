"""The workbench's routes (extract/web/app.py) through Flask's test client, over a database
the real pipeline filled from real reports: every page, the CSRF refusal, the security
headers, and review -> export -> gold round trips (SQLite; PostgreSQL with TEST_POSTGRES_URL)."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from markupsafe import escape

from extract import cli, db, review
from extract.batch import run_batch
from extract.record import CLINICAL_FIELDS, validation_errors
from extract.web import create_app
from extract.web.app import CSP

SEED, HOSTILE, TEXT, BROKEN = "shimizu2018", "script_in_text", "rochigneux2017_cro", "empty"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def url(db_url, corpus, tmp_path) -> str:
    """The seed PDF (a narrative patient and 12 table rows), the hostile PDF, a text report and
    an empty PDF, read by the real pipeline (without the NER model) into a fresh database."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "seed" / f"{SEED}.pdf", folder)
    shutil.copy(corpus / "hostile" / f"{HOSTILE}.pdf", folder)
    shutil.copy(corpus / "dev" / "txt" / f"{TEXT}.txt", folder)
    shutil.copy(corpus / "bad" / f"{BROKEN}.pdf", folder)
    run_batch([folder], db_url=db_url, workers=0, use_nlp=False, progress=False)
    return db_url


@pytest.fixture
def client(url):
    app = create_app(url, reviewer="ana")
    yield app.test_client()
    app.extensions["case_extract"].db.dispose()


def token(client, path: str = f"/documents/{SEED}") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def reviews_in(url: str) -> int:
    database = db.open_db(url)
    try:
        return db.row_counts(database)["reviews"]
    finally:
        database.dispose()


def assert_safe_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_home_lists_documents_with_status_patients_and_review_progress(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_safe_headers(response)
    html = response.get_data(as_text=True)
    rows = {m.group(1): m.group(0) for m in re.finditer(
        r'<tr class="[^"]*">\s*<td><a href="/documents/([^"]+)">.*?</tr>', html, re.S)}
    assert set(rows) == {SEED, HOSTILE, TEXT, BROKEN}
    assert "failed" in rows[BROKEN] and "empty.pdf: empty file" in rows[BROKEN]
    assert '<td class="num">13</td>' in rows[SEED] and "0 / 143" in rows[SEED]
    assert "0 of 165 values reviewed" in html  # 13 + 1 + 1 patients, 11 values each


def test_document_page_shows_the_page_the_highlight_the_text_and_the_patients(client):
    response = client.get(f"/documents/{SEED}?case=1&field=primary_site")
    assert response.status_code == 200
    assert_safe_headers(response)
    html = response.get_data(as_text=True)
    # the page image, by document id, with the evidence drawn over it from its offsets
    assert re.search(rf'<image href="/documents/{SEED}/pages/1.png\?v=[0-9a-f]{{12}}"', html)
    rects = re.findall(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', html)
    assert len(rects) == 2  # "rectal gastrointestinal stro- / mal tumor": two lines
    assert all(0 < float(x) < 612 and 0 < float(y) < 792 for x, y, _, _ in rects)
    # the text view marks the selected evidence, the patient's other evidence beside it
    assert '<mark class="sel" id="sel">rectal gastrointestinal stromal tumor</mark>' in html
    assert '<mark class="ev">Case presentation: A 51-year-old Japanese man' in html
    # the selected value's form: a choice from FIELDS.md's vocabulary
    form = html.split('id="review-form"')[1].split("</form>")[0]
    assert '<option value="rectum" selected>' in form and '<option value="sigmoid colon">' in form
    assert all(f'id="{b}"' in form for b in ("correct", "accept", "clear"))
    # every patient's rows, with a quick accept for each value
    assert html.count('<article class="card patient status-machine"') == 13
    assert html.count('value="accept" class="small"') == 13 * len(CLINICAL_FIELDS)


def test_table_rows_are_placed_on_their_page(client):
    html = client.get(f"/documents/{SEED}?case=5&field=metastasis_sites").get_data(as_text=True)
    assert re.search(rf'<image href="/documents/{SEED}/pages/3.png', html)
    assert html.count('<rect class="hl"') == 1  # "L, V, B" of the row whose site is "Sigmoid colon"
    assert 'id="next-value"' in html and 'id="prev-value"' in html


def test_input_fits_each_field(client):
    def form(field: str) -> str:
        html = client.get(f"/documents/{SEED}?case=1&field={field}").get_data(as_text=True)
        return html.split('id="review-form"')[1].split("</form>")[0]

    age = form("age_years")
    assert 'type="number"' in age and 'min="0"' in age and 'max="120"' in age and 'value="51"' in age
    sites = form("metastasis_sites")
    assert sites.count('type="checkbox"') == 12 and 'value="V" checked' in sites
    assert 'value="T10"' not in form("spinal_levels") and 'value="L3"' in form("spinal_levels")
    assert '<option value="false" selected>' in form("synchronous")
    assert form("tki").count('type="checkbox"') == 10


def test_hostile_document_text_is_shown_never_run(client):
    html = client.get(f"/documents/{HOSTILE}?case=1&field=spinal_levels").get_data(as_text=True)
    assert "<script>" not in html.replace('<script src="/static/workbench.js" defer></script>', "")
    assert "onerror=" not in html.replace("onerror=&#34;", "")
    assert str(escape("<script>document.title=’pwned’</script>")) in html
    assert "&lt;img src=x onerror=" in html
    home = client.get("/").get_data(as_text=True)
    assert "<script>alert" not in home and str(escape("<script>alert(’title’)</script>")) in home


def test_documents_without_page_images_still_show_text_and_rows(client):
    html = client.get(f"/documents/{TEXT}").get_data(as_text=True)
    assert "No page images: not a PDF" in html and "<svg" not in html
    assert '<mark class="sel" id="sel">66-year-old man</mark>' in html  # age, the first value
    broken = client.get(f"/documents/{BROKEN}").get_data(as_text=True)
    assert "empty.pdf: empty file" in broken and "the document could not be read" in broken
    assert client.get("/documents/nope").status_code == 404


def test_page_images_and_the_pdf_come_from_the_database_by_document_id(client, url, corpus):
    png = client.get(f"/documents/{SEED}/pages/3.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert_safe_headers(png)
    pdf = client.get(f"/documents/{SEED}/source.pdf")
    assert pdf.data == (corpus / "seed" / f"{SEED}.pdf").read_bytes()
    assert pdf.headers["Content-Disposition"] == f"attachment; filename={SEED}.pdf"
    assert pdf.headers["Content-Security-Policy"] == "sandbox"
    for path in (f"/documents/{SEED}/pages/0.png", f"/documents/{SEED}/pages/4.png",
                 f"/documents/{TEXT}/pages/1.png", f"/documents/{BROKEN}/pages/1.png",
                 "/documents/nope/pages/1.png", "/documents/..%2F..%2Fetc%2Fpasswd/pages/1.png",
                 "/documents/%2Fetc%2Fpasswd/source.pdf", f"/documents/{TEXT}/source.pdf"):
        assert client.get(path).status_code == 404, path


def test_static_files_and_only_loopback_host_names(client):
    js = client.get("/static/workbench.js")
    assert js.status_code == 200 and "javascript" in js.mimetype and 'getElementById("accept")' in js.get_data(as_text=True)
    assert client.get("/static/workbench.css").status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400  # DNS rebinding
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_every_post_without_a_csrf_token_is_refused(client, url):
    good = token(client)
    posts = [
        (f"/documents/{SEED}/values", {"case": "1", "field": "age_years", "action": "accept"}),
        (f"/documents/{SEED}/patients", {"source": "narrative"}),
        (f"/documents/{SEED}/patients/2", {"action": "remove"}),
    ]
    for path, data in posts:
        for bad in ({}, {"csrf_token": "forged"}, {"csrf_token": good[:-4] + "abcd"}):
            response = client.post(path, data={**data, **bad})
            assert response.status_code == 403, (path, bad)
            assert_safe_headers(response)
            assert "Refused: The CSRF token" in response.get_data(as_text=True)
    other = create_app(url, reviewer="eve").test_client()  # another browser's session
    assert other.post(posts[0][0], data={**posts[0][1], "csrf_token": good}).status_code == 403
    assert reviews_in(url) == 0


def test_review_in_the_browser_then_export_and_gold_carry_it(client, url, tmp_path, capsys):
    t = token(client)
    post = client.post
    # correct an age, with the words that say so: on to the next value (303, no JavaScript)
    response = post(f"/documents/{SEED}/values", data={
        "csrf_token": t, "case": "1", "field": "age_years", "action": "correct", "value": "52",
        "evidence": "51-year-old Japanese man", "note": "checked the abstract"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/documents/{SEED}?case=1&field=sex"
    # accept a value; a value the schema refuses is not saved and says why in one line
    assert post(f"/documents/{SEED}/values", data={
        "csrf_token": t, "case": "1", "field": "sex", "action": "accept"}).status_code == 303
    refused = post(f"/documents/{SEED}/values", data={
        "csrf_token": t, "case": "1", "field": "age_years", "action": "correct", "value": "510"})
    assert refused.status_code == 400
    assert re.search(r'id="error" role="alert">Not saved: age_years: 510.0 is greater than the '
                     r"maximum of 120</p>", refused.get_data(as_text=True))
    assert post(f"/documents/{SEED}/values", data={
        "csrf_token": t, "case": "1", "field": "metastasis_sites", "action": "correct",
        "value": ["V", "L"], "evidence": ""}).status_code == 303
    assert post(f"/documents/{SEED}/values", data={
        "csrf_token": t, "case": "1", "field": "spinal_levels", "action": "correct",
        "value": "L3, T12-L1", "evidence": "L3 vertebral metastasis"}).status_code == 303
    # add a patient the extractor missed, give it an age; remove an invented one
    added = post(f"/documents/{SEED}/patients", data={"csrf_token": t, "source": "table",
                                                        "reference": "[5]"})
    assert added.status_code == 303 and added.headers["Location"] == f"/documents/{SEED}?case=14&field=age_years"
    assert post(f"/documents/{SEED}/values", data={
        "csrf_token": t, "case": "14", "field": "age_years", "action": "correct", "value": "60",
        "evidence": ""}).status_code == 303
    assert post(f"/documents/{SEED}/patients/13", data={"csrf_token": t, "action": "remove"}).status_code == 303
    # ... and one removed by mistake comes back
    assert post(f"/documents/{SEED}/patients/12", data={"csrf_token": t, "action": "remove"}).status_code == 303
    assert post(f"/documents/{SEED}/patients/12", data={"csrf_token": t, "action": "keep"}).status_code == 303
    # the text report: every value reviewed, so it becomes gold
    assert post(f"/documents/{TEXT}/values", data={
        "csrf_token": t, "case": "1", "field": "age_years", "action": "correct", "value": "67",
        "evidence": "66-year-old man"}).status_code == 303
    assert post(f"/documents/{TEXT}/patients/1", data={"csrf_token": t, "action": "accept-rest"}).status_code == 303

    # reloading shows them kept
    page = client.get(f"/documents/{SEED}?case=1&field=age_years").get_data(as_text=True)
    assert 'id="current-value">52 <span class="pill reviewed">corrected by ana</span>' in page
    assert "<dd>checked the abstract</dd>" in page
    assert '<article class="card patient status-added" id="patient-14">' in page
    assert '<article class="card patient status-removed" id="patient-13">' in page
    assert 'id="keep-13"' in page
    assert '<article class="card patient status-kept" id="patient-12">' in page
    home = client.get("/").get_data(as_text=True)
    assert "5 / 143" in home and "11 / 11" in home  # patients 1 and 14 of the seed; the text report

    # export (csv, jsonl) and gold carry them
    out = tmp_path / "cases.csv"
    assert cli.main(["export", "--db", url, "--format", "csv", "--out", str(out)]) == 0
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    seed = frame[frame.doc_id == SEED]
    assert list(seed.case_index) == [str(i) for i in [*range(1, 13), 14]]
    first = seed.iloc[0]
    assert (first.age_years, first.age_years_reviewed, first.sex_reviewed) == ("52.0", "true", "true")
    assert (first.metastasis_sites, first.spinal_levels) == ("L; V", "T12; L1; L3")
    assert (seed.iloc[-1].age_years, seed.iloc[-1].reference, seed.iloc[-1].age_years_reviewed) == (
        "60.0", "[5]", "true")
    jsonl = tmp_path / "cases.jsonl"
    assert cli.main(["export", "--db", url, "--format", "jsonl", "--out", str(jsonl)]) == 0
    rows = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    assert all(validation_errors(r) == [] for r in rows)
    gold = tmp_path / "gold.jsonl"
    assert cli.main(["gold", "--db", url, "--out", str(gold)]) == 0
    assert "1 reviewed patients of 1 documents" in capsys.readouterr().out
    (row,) = [json.loads(line) for line in gold.read_text("utf-8").splitlines()]
    assert (row["doc_id"], row["age_years"]) == (TEXT, 67.0) and validation_errors(row) == []
    assert row["evidence"]["age_years"]["text"] == "66-year-old man"
    database = db.open_db(url)
    try:
        (case,) = review.document_cases(database, TEXT)
        assert case.reviews["age_years"].reviewer == "ana"
    finally:
        database.dispose()


def test_bad_form_input_is_a_one_line_error_and_nothing_is_saved(client, url):
    t = token(client)
    cases = [
        ({"case": "1", "field": "age_years", "action": "correct", "value": "fifty"}, "age_years: 'fifty' is not a number"),
        ({"case": "1", "field": "primary_site", "action": "correct", "value": "lung"}, "primary_site: 'lung' is not one of"),
        ({"case": "1", "field": "spinal_levels", "action": "correct", "value": "T13"}, "spinal_levels: 'T13' is not a vertebral level"),
        ({"case": "1", "field": "age_years", "action": "correct", "value": "50", "evidence": "no such words"}, "evidence: 'no such words' is not in the document's text"),
        ({"case": "99", "field": "age_years", "action": "accept"}, "no patient 99"),
        ({"case": "1", "field": "doc_id", "action": "accept"}, "doc_id: not a field a reviewer can set"),
        ({"case": "1", "field": "age_years", "action": "delete"}, "delete: one of accept, correct, clear, machine"),
        ({"field": "age_years", "action": "accept"}, "which patient?"),
    ]
    for data, message in cases:
        response = client.post(f"/documents/{SEED}/values", data={"csrf_token": t, **data})
        assert response.status_code == 400, data
        error = re.search(r'id="error" role="alert">Not saved: ([^<]*)</p>', response.get_data(as_text=True))
        assert error and str(escape(message)) in error.group(1), (data, error and error.group(1))
    response = client.post(f"/documents/{SEED}/patients/1", data={"csrf_token": t, "action": "explode"})
    assert response.status_code == 400
    assert client.post("/documents/nope/values", data={"csrf_token": t, "case": "1", "field": "sex",
                                                        "action": "accept"}).status_code == 404
    assert reviews_in(url) == 0


def test_a_changed_machine_value_is_flagged_on_the_page(client, url, corpus, tmp_path):
    t = token(client)
    client.post(f"/documents/{TEXT}/values", data={"csrf_token": t, "case": "1", "field": "age_years",
                                                   "action": "accept"})
    folder = tmp_path / "again"
    folder.mkdir()
    text = (corpus / "dev" / "txt" / f"{TEXT}.txt").read_text("utf-8")
    (folder / f"{TEXT}.txt").write_text(text.replace("66-year-old man", "68-year-old man"), "utf-8")
    run_batch([folder], db_url=url, workers=0, use_nlp=False, progress=False)
    page = client.get(f"/documents/{TEXT}?case=1&field=age_years").get_data(as_text=True)
    assert "The machine's value has changed since this review (it was 66 then)" in page
    assert '<span class="flag">recheck</span>' in page
    assert "1 to recheck" in client.get("/").get_data(as_text=True)
    assert 'value="machine" id="take-machine" formnovalidate>Take the machine\'s value (68)</button>' in page
    client.post(f"/documents/{TEXT}/values", data={"csrf_token": t, "case": "1", "field": "age_years",
                                                   "action": "machine"})
    page = client.get(f"/documents/{TEXT}?case=1&field=age_years").get_data(as_text=True)
    assert 'id="current-value">68 <span class="pill reviewed">accepted by ana</span>' in page
    assert "recheck" not in page


def test_the_first_value_shown_is_the_first_not_yet_reviewed(client):
    t = token(client)
    client.post(f"/documents/{TEXT}/values", data={"csrf_token": t, "case": "1", "field": "age_years",
                                                   "action": "accept"})
    html = client.get(f"/documents/{TEXT}").get_data(as_text=True)
    assert "<h2>Patient 1 · sex</h2>" in html


def test_serve_listens_on_loopback_by_default_and_a_taken_port_is_one_line(tmp_path, capsys):
    import socket

    args = cli.build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.reviewer) == ("127.0.0.1", 8000, None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--db", f"sqlite:///{tmp_path / 'a.sqlite'}", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert err.count("\n") == 1
