"""The own-words battery (tests/fields/data/own_words): 45 case-report texts we wrote ourselves
(no real patient) that state patients, intervals, levels, sites and treatments in the general
ways case reports do. Issue 10: through the real pipeline, every patient is found and the
mission fields hold; a rule change that loses ground here fails."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from extract import ingest
from extract.cases import extract_cases
from extract.score import score_rows

BATTERY = Path(__file__).parent / "data" / "own_words"
TEAM_BATTERY = Path(__file__).parent / "data" / "team_words"
TEAM_BATTERY_2 = Path(__file__).parent / "data" / "team_words_2"


def _run(battery: Path, nlp) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    gold = [json.loads(line) for line in (battery / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    rows = [r.to_json() for path in sorted(battery.glob("*.txt"))
            for r in extract_cases(ingest.read(path), nlp)]
    return rows, gold


def test_issue_10_own_words_battery(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    rows, gold = _run(BATTERY, nlp_with_ner)
    assert Counter(r["doc_id"] for r in rows) == Counter(g["doc_id"] for g in gold)
    result = score_rows(rows, gold)
    assert result["micro_f1_mission"] >= 0.94, result["micro_f1_mission"]
    for field in ("age_years", "primary_site", "metastasis_sites", "spinal_levels", "spinal_treatment"):
        assert result["fields"][field]["f1"] >= 0.93, (field, result["fields"][field])
    for field in ("time_to_spinal_metastasis_months", "synchronous"):
        assert result["fields"][field]["f1"] >= 0.85, (field, result["fields"][field])


def test_issue_10_team_words_battery(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    """24 full reports written by team members who had not read the rules (tests/fields/data/
    team_words): every patient, the table rows included, and the mission fields hold."""
    rows, gold = _run(TEAM_BATTERY, nlp_with_ner)
    assert Counter(r["doc_id"] for r in rows) == Counter(g["doc_id"] for g in gold)
    result = score_rows(rows, gold)
    assert result["micro_f1_mission"] >= 0.95, result["micro_f1_mission"]
    for field in ("time_to_spinal_metastasis_months", "synchronous", "spinal_levels", "metastasis_sites"):
        assert result["fields"][field]["f1"] >= 0.90, (field, result["fields"][field])


def test_issue_10_second_team_words_battery(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    """20 more reports by team members who had read neither the rules nor the first set
    (tests/fields/data/team_words_2; first run mission 0.842)."""
    rows, gold = _run(TEAM_BATTERY_2, nlp_with_ner)
    assert Counter(r["doc_id"] for r in rows) == Counter(g["doc_id"] for g in gold)
    result = score_rows(rows, gold)
    assert result["micro_f1_mission"] >= 0.87, result["micro_f1_mission"]
    for field in ("spinal_levels", "synchronous", "spinal_treatment"):
        assert result["fields"][field]["f1"] >= 0.88, (field, result["fields"][field])


# issue 10: the fresh sets of 2026-12-06 (first run -> floor now): full reports (3, 4) and web or
# first-page excerpts cut off mid-case (5, 6), each written by a team member who had read neither
# the rules nor the other sets; and of 2026-12-07 (7: introductions that announce the case, levels
# told as ranges, slashed lists and whole regions; first run 0.969)
FRESH = {"team_words_3": 0.95, "team_words_4": 0.92, "team_words_5": 0.96, "team_words_6": 0.95,
         "team_words_7": 0.95}


@pytest.mark.parametrize(("folder", "floor"), sorted(FRESH.items()))
def test_issue_10_fresh_team_written_sets(folder: str, floor: float, nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    rows, gold = _run(Path(__file__).parent / "data" / folder, nlp_with_ner)
    assert Counter(r["doc_id"] for r in rows) == Counter(g["doc_id"] for g in gold)
    result = score_rows(rows, gold)
    assert result["micro_f1_mission"] >= floor, result["micro_f1_mission"]


def test_issue_10_maccrobat_metastatic_reports(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    """32 real MACCROBAT case presentations curated for the fields (tests/fields/data/
    maccrobat_meta; first run 0.872): sites, outcome and follow-up on real wording."""
    folder = Path(__file__).parent / "data" / "maccrobat_meta"
    gold = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    corpus = Path(__file__).resolve().parents[2] / "corpus" / "maccrobat"
    rows = [r.to_json() for doc_id in sorted({g["doc_id"] for g in gold})
            for r in extract_cases(ingest.read(corpus / f"{doc_id}.txt"), nlp_with_ner)]
    result = score_rows(rows, gold)
    assert result["micro_f1_mission"] >= 0.88, result["micro_f1_mission"]
    for field in ("outcome_status", "follow_up_months"):
        assert result["fields"][field]["f1"] >= 0.70, (field, result["fields"][field])
