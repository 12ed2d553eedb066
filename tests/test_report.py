"""The HTML evidence report: escaped hostile text, the dashboard, and a real headless browser."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extract.report import ReportDocument, evidence_in_context, render_report

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE = "<script>document.title='pwned'</script> <img src=x onerror=\"document.body.innerHTML='pwned'\">"


def _hostile_document() -> ReportDocument:
    text = f"A 45-year-old man {HOSTILE} presented with back pain."
    start = text.index("A 45")
    row = {"doc_id": "h", "case_index": 1, "source": "narrative", "reference": HOSTILE,
           "age_years": 45, "sex": "male", "metastasis_sites": ["V"],
           "evidence": {"age_years": {"text": text[start:start + 17], "page": 1, "start": start, "end": start + 17},
                        "metastasis_sites": {"text": HOSTILE, "page": 1, "start": None, "end": None}}}
    return ReportDocument(doc_id="h", path=f"{HOSTILE}.pdf", title=HOSTILE, text=text, rows=[row])


def test_report_escapes_every_document_string() -> None:
    html = render_report([_hostile_document()])
    assert "<script" not in html.lower()
    assert "onerror=\"" not in html
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html


def test_evidence_is_shown_within_its_sentence() -> None:
    text = "First sentence here. A 51-year-old man was admitted. Next one."
    start = text.index("51-year-old")
    before, ev, after = evidence_in_context(text, {"text": "51-year-old", "start": start, "end": start + 11})
    assert (before, ev, after) == ("A ", "51-year-old", " man was admitted.")


def test_dashboard_shows_scores_confusion_and_disagreements(corpus: Path) -> None:
    gold = [json.loads(line) for line in (corpus / "gold" / "seed.jsonl").read_text().splitlines()][:1]
    pred = dict(gold[0], primary_site="colon", case_index=1)
    html = render_report([ReportDocument(doc_id=gold[0]["doc_id"], rows=[pred])], gold)
    assert 'id="dashboard"' in html and "<svg" in html
    assert 'id="confusion"' in html and ">rectum<" in html and ">colon<" in html
    assert "primary_site" in html.split('id="disagreements"')[1]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package chromium; .ci/run installs it)")
def test_report_in_headless_chromium_runs_no_document_script(corpus: Path, tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(corpus / "hostile" / "script_in_text.pdf", inputs)
    shutil.copy(corpus / "seed" / "shimizu2018.pdf", inputs)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "run", str(inputs), "--out", str(out),
                           "--gold", str(corpus / "gold" / "seed.jsonl")], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = out / "report.html"
    errors: list[str] = []
    dialogs: list[str] = []
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        assert page.title() == "case-extract report"
        assert page.locator("#dashboard").is_visible()
        assert page.locator("#dashboard svg").first.is_visible()
        assert page.locator("mark.ev").first.is_visible()
        body = page.inner_text("body")
        assert "pwned" != body.strip()
        assert "<script>" in body  # the hostile text is shown, as text
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        (ROOT / "outputs").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "outputs" / "report.png"), full_page=False)
        browser.close()
    assert errors == []
    assert dialogs == []


def test_report_from_database_shows_the_stored_rows_and_evidence(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "extract.cli", "run", str(corpus / "dev" / "txt"),
                          "--out", str(out), "--no-nlp", "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]
    html_path = tmp_path / "from_db.html"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "report", "--db", f"sqlite:///{out / 'cases.sqlite'}",
                           "--out", str(html_path), "--gold", str(corpus / "gold" / "dev.jsonl")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = html_path.read_text()
    assert html.count('class="card document"') == 13
    assert html.count("<h3>Case ") == len(rows)
    first_evidence = next(ev["text"] for r in rows for ev in r["evidence"].values())
    from markupsafe import escape

    assert f'<mark class="ev">{escape(first_evidence)}</mark>' in html
    assert 'id="dashboard"' in html
    # the stored text (revision 0003) puts each value back in its sentence
    assert html.count('<td class="ctx"><mark class="ev">') < html.count('<mark class="ev">') / 10


def _evidence_cells(html: str) -> list[str]:
    return [cell.split("</td>")[0] for cell in html.split('<td class="ctx">')[1:]]


def test_rerun_report_keeps_evidence_in_its_sentence(corpus: Path, tmp_path: Path) -> None:
    """Leftover of issue 6, now mended: a rerun skips every document (already in the database),
    and its report still shows each value within its sentence, from the stored text."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "extract.cli", "run", str(corpus / "dev" / "txt"), "--out", str(out),
           "--no-nlp", "--workers", "1"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    first_cells = _evidence_cells((out / "report.html").read_text())
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "13 already done" in second.stdout + second.stderr
    second_cells = _evidence_cells((out / "report.html").read_text())
    assert len(first_cells) > 20
    assert second_cells == first_cells
    assert sum(not c.startswith("<mark") for c in second_cells) > len(second_cells) / 2


def test_report_from_database_shows_reviewed_values_and_the_machine_against_its_reviewers(
        corpus: Path, tmp_path: Path) -> None:
    """Issue 13: `report --db` shows current values marked "reviewed", and a second dashboard
    scores the machine against the documents reviewers finished; --machine shows the raw values."""
    from extract import review
    from extract.batch import run_batch
    from extract.db import open_db

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("rochigneux2017_cro.txt", "braunstein2021_jmcr_humerus.txt"):
        shutil.copy(corpus / "dev" / "txt" / name, folder)
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    run_batch([folder], db_url=url, workers=0, use_nlp=False, progress=False)
    database = open_db(url)
    review.review_field(database, "rochigneux2017_cro", 1, "age_years", "correct", reviewer="ana",
                        value=67, evidence="66-year-old man")
    review.accept_rest(database, "rochigneux2017_cro", 1, reviewer="ana")
    review.review_field(database, "braunstein2021_jmcr_humerus", 1, "sex", "accept", reviewer="ana")
    database.dispose()

    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "report", "--db", url, "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    assert html.count('<span class="pill reviewed">reviewed</span>') == 11 + 1
    assert '<td class="value">67 <span class="pill reviewed">' in html
    agreement = html.split('id="review-agreement"')[1]
    assert 'id="dashboard"' not in html  # no gold file given
    assert "on the 1 documents whose every value a reviewer decided" in agreement
    assert "(1 partly reviewed left out)" in agreement
    disagreements = agreement.split('id="review-disagreements"')[1]
    assert disagreements.count("<tr><td>rochigneux2017_cro</td>") == 1 and "age_years" in disagreements
    assert '<td class="value">66</td><td class="value">67</td>' in disagreements

    machine = tmp_path / "machine.html"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "report", "--db", url, "--out", str(machine),
                           "--machine"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    raw = machine.read_text()
    assert "pill reviewed" not in raw.split('id="documents"')[1]
    assert '<td class="value">66</td>' in raw.split('id="documents"')[1]
