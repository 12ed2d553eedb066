"""`case-extract run` end to end on real files: good files' rows out, bad files named and skipped."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

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
    proc = subprocess.run([*CLI, "run", str(inputs), "--out", str(out), "--no-nlp", "--workers", "1",
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
