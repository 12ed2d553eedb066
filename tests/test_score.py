"""The scorer against FIELDS.md's rules and the hand-checked worked example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extract.score import align, compare_field, score_files, score_rows, values_agree

EXAMPLE = Path(__file__).parent / "data" / "scoring_example"


def test_scoring_example_reproduces_expected_json() -> None:
    result = score_files(EXAMPLE / "pred.jsonl", EXAMPLE / "gold.jsonl")
    assert result == json.loads((EXAMPLE / "expected.json").read_text())


def test_cli_score_json_matches_expected() -> None:
    out = subprocess.run([sys.executable, "-m", "extract.cli", "score", str(EXAMPLE / "pred.jsonl"),
                          str(EXAMPLE / "gold.jsonl"), "--json"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == json.loads((EXAMPLE / "expected.json").read_text())


def test_age_tolerance_is_half_a_year() -> None:
    assert values_agree("age_years", 51.4, 51)
    assert not values_agree("age_years", 51.6, 51)


def test_time_tolerance_is_max_of_one_month_and_ten_percent() -> None:
    assert values_agree("time_to_spinal_metastasis_months", 110, 120)
    assert not values_agree("time_to_spinal_metastasis_months", 107, 120)
    assert values_agree("time_to_spinal_metastasis_months", 1, 0)
    assert not values_agree("time_to_spinal_metastasis_months", 1.5, 0)


def test_primary_site_lenient_accepts_parent_and_child_strict_does_not() -> None:
    assert values_agree("primary_site", "jejunum", "small intestine")
    assert values_agree("primary_site", "colon", "sigmoid colon")
    assert not values_agree("primary_site", "jejunum", "small intestine", strict=True)
    assert not values_agree("primary_site", "jejunum", "ileum")


def test_wrong_scalar_is_both_fp_and_fn_and_null_equals_empty_list() -> None:
    c = compare_field("sex", "male", "female")
    assert (c.tp, c.fp, c.fn) == (0, 1, 1)
    c = compare_field("tki", None, [])
    assert (c.tp, c.fp, c.fn) == (0, 0, 0)
    c = compare_field("metastasis_sites", ["L", "V"], ["V", "B"])
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)


def test_strings_compare_lowercased_and_trimmed() -> None:
    c = compare_field("outcome_status", " Died", "died")
    assert c.tp == 1


def test_alignment_pairs_cases_by_agreement_not_order() -> None:
    gold = [{"doc_id": "d", "case_index": 1, "age_years": 40, "sex": "female"},
            {"doc_id": "d", "case_index": 2, "age_years": 70, "sex": "male"}]
    pred = [{"doc_id": "d", "case_index": 1, "age_years": 70, "sex": "male"},
            {"doc_id": "d", "case_index": 2, "age_years": 40, "sex": "female"}]
    pairs = align(pred, gold)
    assert {(p["case_index"], g["case_index"]) for p, g in pairs if p and g} == {(1, 2), (2, 1)}
    assert score_rows(pred, gold)["fields"]["age_years"]["f1"] == 1.0


def test_predicted_document_without_gold_is_ignored_and_missing_prediction_counts_fn() -> None:
    gold = [{"doc_id": "a", "case_index": 1, "age_years": 40}]
    pred = [{"doc_id": "z", "case_index": 1, "age_years": 12}]
    r = score_rows(pred, gold)
    assert r["fields"]["age_years"] == {"tp": 0, "fp": 0, "fn": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert r["docs"] == 1
