"""The workbench in a real browser: Debian's headless Chromium driven by Selenium through
chromedriver, against `case-extract serve` started as a reviewer would start it.

A reviewer opens a document, corrects an age, accepts a value with the keyboard, adds a patient
the extractor missed, reloads and finds everything kept; the exported CSV and `gold` carry it;
a hostile document's text shows as text and never runs. The test saves a screenshot of the
document page to outputs/workbench.png (and to $WORKBENCH_SCREENSHOT, e.g. docs/workbench.png,
when set: `make screenshot`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
DOC = "braunstein2021_jmcr_humerus"  # "a 72-year-old European woman whose jejunal GIST ..."
HOSTILE = "script_in_text"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="headless Chromium and chromedriver are not installed (Debian packages "
                              "chromium and chromium-driver; .ci/run installs them)"),
]


@pytest.fixture
def served(corpus, tmp_path):
    """`case-extract serve` on a free port over a database the real pipeline filled."""
    from extract.batch import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "dev" / "pdf" / f"{DOC}.pdf", folder)
    shutil.copy(corpus / "hostile" / f"{HOSTILE}.pdf", folder)
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    run_batch([folder], db_url=url, workers=0, use_nlp=False, progress=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "extract.cli", "serve", "--db", url, "--port", "0",
                             "--reviewer", "Dr Okafor"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("case-extract workbench on http://127.0.0.1:"), (
            line, proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        yield url, line.split()[3]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="workbench-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,950", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def page_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_a_reviewer_corrects_accepts_and_adds_and_it_is_all_kept(served, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    url, base = served
    driver = browser
    driver.get(base)
    assert driver.title == "case-extract workbench"
    driver.find_element(By.LINK_TEXT, DOC).click()
    wait_for(driver, ec.presence_of_element_located((By.ID, "selected")))
    # The page image loads from the app and the first value's evidence is drawn on it.
    # (fetch() is refused by the page's Content-Security-Policy, connect-src 'none': an <img> is not)
    width = driver.execute_async_script(
        "const done = arguments[arguments.length - 1], img = new Image();"
        "img.onload = () => done(img.naturalWidth); img.onerror = () => done(-1);"
        "img.src = document.querySelector('svg.page image').getAttribute('href');")
    assert width == 1100
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.page rect.hl")) >= 1
    assert driver.find_element(By.ID, "sel").text == "72-year-old European woman"

    # Correct the age: 72 -> 73, keeping the words that say it.
    assert "Patient 1 · age (years)" in driver.find_element(By.CSS_SELECTOR, "#selected h2").text
    box = driver.find_element(By.ID, "value")
    box.clear()
    box.send_keys("73")
    driver.find_element(By.ID, "note").send_keys("the case report says 73 in its table")
    driver.find_element(By.ID, "correct").click()
    wait_for(driver, lambda d: "field=sex" in d.current_url)

    # Accept the sex with the keyboard ("a"), which moves on to the next value.
    ActionChains(driver).send_keys("a").perform()
    wait_for(driver, lambda d: "field=primary_site" in d.current_url)
    assert "female" in driver.find_element(By.ID, "v-1-sex").text
    assert "accepted" in driver.find_element(By.ID, "v-1-sex").text

    # "n" goes on without deciding; "p" comes back.
    ActionChains(driver).send_keys("n").perform()
    wait_for(driver, lambda d: "field=metastasis_sites" in d.current_url)
    ActionChains(driver).send_keys("p").perform()
    wait_for(driver, lambda d: "field=primary_site" in d.current_url)
    shot = ROOT / "outputs" / "workbench.png"
    shot.parent.mkdir(exist_ok=True)
    driver.save_screenshot(str(shot))
    if os.environ.get("WORKBENCH_SCREENSHOT"):  # the README's picture, in 128 colours
        from PIL import Image

        Image.open(shot).convert("RGB").quantize(colors=128).save(
            ROOT / os.environ["WORKBENCH_SCREENSHOT"], optimize=True)

    # Add a patient the extractor missed, and give her an age.
    driver.find_element(By.ID, "new-note").send_keys("the sister mentioned in the discussion")
    driver.find_element(By.ID, "add-patient-button").click()
    wait_for(driver, lambda d: "case=2&field=age_years" in d.current_url)
    box = driver.find_element(By.ID, "value")
    box.send_keys("70")
    driver.find_element(By.ID, "evidence").clear()
    driver.find_element(By.ID, "correct").click()
    wait_for(driver, lambda d: "case=2&field=sex" in d.current_url)

    # A value the schema refuses is refused, in one line, and nothing changes.
    driver.get(f"{base}documents/{DOC}?case=2&field=age_years")
    box = driver.find_element(By.ID, "value")
    box.clear()
    box.send_keys("700")
    driver.find_element(By.ID, "accept")  # present; the browser's own check stops "Save" first
    assert driver.execute_script("return document.getElementById('value').checkValidity()") is False

    # Reload: everything is kept.
    driver.get(f"{base}documents/{DOC}?case=1&field=age_years")
    driver.refresh()
    current = driver.find_element(By.ID, "current-value").text
    assert current.startswith("73") and "corrected by Dr Okafor" in current
    assert driver.find_element(By.ID, "machine-value").text == "72"
    assert "accepted" in driver.find_element(By.ID, "v-1-sex").text
    added = driver.find_element(By.ID, "patient-2")
    assert "added by a reviewer" in added.text and "70" in driver.find_element(By.ID, "v-2-age_years").text

    # Finish both patients, so the document is gold.
    for button in ("accept-rest-1", "accept-rest-2"):
        driver.find_element(By.ID, button).click()
        wait_for(driver, lambda d, b=button: not d.find_elements(By.ID, b))
    assert "22 / 22 values reviewed" in driver.find_element(By.ID, "progress").text
    assert page_errors(driver) == []

    # The exported CSV and the gold file carry the reviewers' values.
    out = tmp_path / "cases.csv"
    gold = tmp_path / "gold.jsonl"
    for args in (["export", "--db", url, "--format", "csv", "--out", str(out)],
                 ["gold", "--db", url, "--out", str(gold)]):
        proc = subprocess.run([sys.executable, "-m", "extract.cli", *args], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
    import pandas as pd

    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    rows = frame[frame.doc_id == DOC]
    assert list(rows.case_index) == ["1", "2"]
    assert (rows.iloc[0].age_years, rows.iloc[0].age_years_reviewed, rows.iloc[0].sex_reviewed) == (
        "73.0", "true", "true")
    assert (rows.iloc[1].age_years, rows.iloc[1].sex, rows.iloc[1].age_years_reviewed) == ("70.0", "", "true")
    gold_rows = [json.loads(line) for line in gold.read_text("utf-8").splitlines()]
    assert [(r["doc_id"], r["case_index"], r["age_years"]) for r in gold_rows] == [
        (DOC, 1, 73.0), (DOC, 2, 70.0)]
    assert gold_rows[0]["evidence"]["age_years"]["text"] == "72-year-old European woman"


def test_hostile_document_text_never_runs(served, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    _, base = served
    driver = browser
    driver.get(f"{base}documents/{HOSTILE}?case=1&field=spinal_levels")
    time.sleep(0.5)  # time for anything that would run to run
    assert driver.title == f"{HOSTILE} · case-extract workbench"
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "<script>document.title=’pwned’</script>" in driver.find_element(By.ID, "doc-text").text
    assert body.strip() != "pwned"
    # only the app's own script is on the page; the document's <img onerror> is text
    assert driver.execute_script("return [...document.scripts].map(s => s.getAttribute('src'))") == [
        "/static/workbench.js"]
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    driver.get(base)
    assert driver.title == "case-extract workbench"
    assert page_errors(driver) == []
