"""`case-extract run` end to end on real files: good files' rows out, bad files named and skipped."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extract import db
from extract.record import validation_errors

CLI = [sys.executable, "-m", "extract.cli"]


def test_run_mixed_folder_writes_good_rows_and_names_each_bad_file(corpus: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = ["braunstein2021_jmcr_humerus", "suzuki2014_jmcr_skeletal_muscle"]
    for name in good:
        shutil.copy(corpus / "dev" / "txt" / f"{name}.txt", inputs)
    bad = sorted(p.name for p in (corpus / "bad").glob("*.pdf"))
    for name in bad:
        shutil.copy(corpus / "bad" / name, inputs)
    out = tmp_path / "out"
    # without OCR (issue 14): corpus/bad/scanned.pdf stays a bad file
    proc = subprocess.run([*CLI, "run", str(inputs), "--out", str(out), "--no-nlp", "--ocr", "never", "--workers", "1",
                           "--gold", str(corpus / "gold" / "dev.jsonl")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]
    assert {r["doc_id"] for r in rows} == set(good)
    assert all(validation_errors(r) == [] for r in rows)
    failed = [line.strip() for line in proc.stderr.splitlines() if line.strip().startswith("failed: ")]
    assert sorted(line.split(": ")[1] for line in failed) == bad
    assert "Traceback" not in proc.stderr
    with open(out / "cases.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(rows)
    score = json.loads((out / "score.json").read_text())
    assert score["docs"] == 13 and "micro_f1_mission" in score
    assert "mission micro-F1" in proc.stdout


def test_run_on_nothing_is_a_one_line_error(tmp_path: Path) -> None:
    proc = subprocess.run([*CLI, "run", str(tmp_path), "--out", str(tmp_path / "o"), "--no-nlp"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1 and str(tmp_path) in proc.stderr


@pytest.mark.slow
def test_issue_11_a_run_without_timeout_over_run_on_lists_ends_with_every_file_read(
        corpus: Path, tmp_path: Path, adversarial: dict[str, str], make_comma_list) -> None:
    """The batch that never finished: a real two-patient abstract, the same abstract with a
    sentence listing 60 findings with commas after "later found to have" (the shape that made
    timing's primary_found_later backtrack for minutes), and each adversarial text of
    tests/conftest.py after a spinal sentence (so the timing rules read it). `case-extract run`
    with the NLP pipeline and no --timeout ends by itself with every file read: none failed, none
    stopped by the default time limit (measured by hand, issue 11: about a minute on 2 cores)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    real = corpus / "spinal" / "txt" / "cureus2021_hcc_mscc_2cases.txt"
    shutil.copy(real, inputs)
    text = real.read_text(encoding="utf-8")
    spinal = "However, a CT scan of the abdomen showed metastatic involvement of the T11 vertebra."
    assert spinal in text
    (inputs / "cureus2021_with_a_list.txt").write_text(
        text.replace(spinal, f"{spinal} {make_comma_list('He was later found to have', 60)}"), encoding="utf-8")
    head = "A 60-year-old man presented with back pain. MRI showed an osteolytic metastasis of the T10 vertebra. "
    for i, body in enumerate(adversarial.values()):
        (inputs / f"run_on_{i}.txt").write_text(head + body + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([*CLI, "run", str(inputs), "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    database = db.open_db(f"sqlite:///{out / 'cases.sqlite'}")
    try:
        docs = {d["doc_id"]: d for d in db.load_documents(database)}
    finally:
        database.dispose()
    assert sorted(docs) == sorted(p.stem for p in inputs.iterdir())
    assert [(d["doc_id"], d["error"]) for d in docs.values() if d["status"] != "ok"] == []
