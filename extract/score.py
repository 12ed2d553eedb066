"""Scoring predicted case rows against hand-curated gold, exactly as FIELDS.md says.

1. Within each gold document, predicted and gold cases are paired so that the number of
   agreeing fields is largest (Hungarian assignment); an unpaired case on either side is paired
   with an all-null case. Predicted documents without gold are ignored.
2. Scalars: TP when both non-null and agreeing; a non-null prediction that disagrees or has
   null gold is an FP; a non-null gold that the prediction misses or contradicts is an FN.
3. Lists count their elements. Null and the empty list are the same.
4. Agreement: age within 0.5 years; times within max(1 month, 10 % of gold); primary site
   exact (strict) or equal-or-parent/child (lenient, the headline); strings lower-cased, trimmed.
5. P/R/F1 per field; the headline is micro-F1 pooled over the five mission fields.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.record import CLINICAL_FIELDS, LIST_FIELDS, MISSION_FIELDS

PRIMARY_SITE_PARENT: dict[str, str] = {
    "duodenum": "small intestine",
    "jejunum": "small intestine",
    "ileum": "small intestine",
    "sigmoid colon": "colon",
}
TIME_FIELDS = frozenset({"time_to_spinal_metastasis_months", "follow_up_months"})

Row = dict[str, Any]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float]:
        p, r, f = prf(self.tp, self.fp, self.fn)
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": p, "recall": r, "f1": f}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def _norm_str(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, list) and not value)


def values_agree(field: str, pred: Any, gold: Any, *, strict: bool = False) -> bool:
    """Whether two non-null scalar values of ``field`` agree under FIELDS.md's tolerances."""
    if field == "age_years":
        return abs(float(pred) - float(gold)) <= 0.5
    if field in TIME_FIELDS:
        return abs(float(pred) - float(gold)) <= max(1.0, 0.1 * abs(float(gold)))
    if field == "primary_site":
        p, g = _norm_str(pred), _norm_str(gold)
        if p == g:
            return True
        return not strict and (PRIMARY_SITE_PARENT.get(p) == g or PRIMARY_SITE_PARENT.get(g) == p)
    if isinstance(pred, bool) or isinstance(gold, bool):
        return pred is gold or pred == gold
    return bool(_norm_str(pred) == _norm_str(gold))


def compare_field(field: str, pred: Any, gold: Any, *, strict: bool = False) -> Counts:
    """TP/FP/FN of one field of one aligned pair of cases."""
    if field in LIST_FIELDS:
        p = {_norm_str(v) for v in (pred or [])}
        g = {_norm_str(v) for v in (gold or [])}
        return Counts(len(p & g), len(p - g), len(g - p))
    p_null, g_null = _is_null(pred), _is_null(gold)
    if p_null and g_null:
        return Counts()
    if p_null:
        return Counts(fn=1)
    if g_null:
        return Counts(fp=1)
    if values_agree(field, pred, gold, strict=strict):
        return Counts(tp=1)
    return Counts(fp=1, fn=1)


def _agreement(pred: Row, gold: Row) -> int:
    return sum(compare_field(f, pred.get(f), gold.get(f)).tp for f in CLINICAL_FIELDS)


def align(pred: list[Row], gold: list[Row]) -> list[tuple[Row | None, Row | None]]:
    """Pairs of (pred, gold) for one document with the most agreeing fields; None = all-null."""
    if not pred or not gold:
        return [(p, None) for p in pred] + [(None, g) for g in gold]
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    weights = np.array([[_agreement(p, g) for g in gold] for p in pred], dtype=float)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs: list[tuple[Row | None, Row | None]] = [(pred[i], gold[j]) for i, j in zip(rows, cols)]
    paired_pred, paired_gold = set(rows), set(cols)
    pairs += [(p, None) for i, p in enumerate(pred) if i not in paired_pred]
    pairs += [(None, g) for j, g in enumerate(gold) if j not in paired_gold]
    return pairs


def _by_doc(rows: Iterable[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[str(r["doc_id"])].append(r)
    for doc_rows in out.values():
        doc_rows.sort(key=lambda r: r.get("case_index") or 0)
    return out


def aligned_pairs(pred_rows: Iterable[Row], gold_rows: Iterable[Row]) -> list[tuple[str, Row | None, Row | None]]:
    """Every (doc_id, pred, gold) pair over the gold documents."""
    pred_by_doc, gold_by_doc = _by_doc(pred_rows), _by_doc(gold_rows)
    return [(doc_id, p, g) for doc_id in sorted(gold_by_doc)
            for p, g in align(pred_by_doc.get(doc_id, []), gold_by_doc[doc_id])]


def score_rows(pred_rows: Iterable[Row], gold_rows: Iterable[Row],
               fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The score dictionary (see module docstring); ``fields`` limits the per-field report."""
    return score_pairs(aligned_pairs(pred_rows, gold_rows), fields)


def score_pairs(pairs: list[tuple[str, Row | None, Row | None]],
                fields: Iterable[str] | None = None) -> dict[str, Any]:
    """:func:`score_rows` of pairs already aligned by :func:`aligned_pairs`."""
    per_field = {f: Counts() for f in CLINICAL_FIELDS}
    strict = Counts()
    for _, p, g in pairs:
        p, g = p or {}, g or {}
        for f in CLINICAL_FIELDS:
            per_field[f].add(compare_field(f, p.get(f), g.get(f)))
        strict.add(compare_field("primary_site", p.get("primary_site"), g.get("primary_site"), strict=True))
    wanted = list(fields) if fields else list(CLINICAL_FIELDS)
    # with ``fields`` (a gold set that curates only some fields), the headline pools the mission
    # fields among them
    mission = Counts()
    for f in MISSION_FIELDS:
        if f in wanted:
            mission.add(per_field[f])
    mp, mr, mf = prf(mission.tp, mission.fp, mission.fn)
    return {
        "micro_f1_mission": mf,
        "precision_mission": mp,
        "recall_mission": mr,
        "primary_site_strict_f1": prf(strict.tp, strict.fp, strict.fn)[2],
        "fields": {f: per_field[f].as_dict() for f in wanted},
        "docs": len({doc_id for doc_id, _, g in pairs if g is not None}),
    }


def disagreements(pred_rows: Iterable[Row], gold_rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Every field where an aligned prediction and gold differ (for reviewers)."""
    return disagreements_of(aligned_pairs(pred_rows, gold_rows))


def disagreements_of(pairs: list[tuple[str, Row | None, Row | None]]) -> list[dict[str, Any]]:
    """:func:`disagreements` of pairs already aligned by :func:`aligned_pairs`."""
    out = []
    for doc_id, p, g in pairs:
        p, g = p or {}, g or {}
        for f in CLINICAL_FIELDS:
            c = compare_field(f, p.get(f), g.get(f))
            if c.fp or c.fn:
                out.append({
                    "doc_id": doc_id,
                    "pred_case_index": p.get("case_index"),
                    "gold_case_index": g.get("case_index"),
                    "field": f,
                    "predicted": p.get(f),
                    "gold": g.get(f),
                    "evidence": ((p.get("evidence") or {}).get(f) or {}).get("text"),
                })
    return out


def read_jsonl(path: str | Path) -> list[Row]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    from extract.errors import CaseExtractError

                    raise CaseExtractError(f"{Path(path).name}: line {n} is not JSON ({exc.msg})") from None
    return rows


def score_files(pred: str | Path, gold: str | Path | list[str | Path],
                fields: Iterable[str] | None = None) -> dict[str, Any]:
    golds = gold if isinstance(gold, list) else [gold]
    gold_rows = [r for g in golds for r in read_jsonl(g)]
    return score_rows(read_jsonl(pred), gold_rows, fields)


def format_table(result: dict[str, Any]) -> str:
    lines = [f"{'field':<34} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for f, c in result["fields"].items():
        mark = "*" if f in MISSION_FIELDS else " "
        lines.append(f"{mark}{f:<33} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} "
                     f"{c['precision']:>6.3f} {c['recall']:>6.3f} {c['f1']:>6.3f}")
    lines.append(f"mission micro-F1 (*): {result['micro_f1_mission']:.3f}  "
                 f"P {result['precision_mission']:.3f}  R {result['recall_mission']:.3f}  "
                 f"| primary site strict F1 {result['primary_site_strict_f1']:.3f}  "
                 f"| {result['docs']} gold documents")
    return "\n".join(lines)
