"""Reviews: what reviewers accepted, corrected, cleared, added and removed (issue 13).

A review never overwrites the machine. Each decision is a row of ``reviews`` beside the case
rows: the patient (``doc_id``, ``case_index``), the field, the machine's value when the reviewer
decided, the reviewed value with its evidence, the reviewer, the time and an optional note.

- The **current value** of a field is its latest review, else the machine's value.
- A **patient** is the machine's, unless a review of the field ``patient`` says otherwise:
  ``added`` (a patient the extractor missed), ``removed`` (one it invented) or ``kept`` (removed
  and restored, or kept after a rerun stopped finding it).
- Reviews are keyed by ``(doc_id, case_index, field)``, not by a case row, so a rerun of the
  pipeline on a new version keeps them. A review whose recorded machine value differs from the
  machine's value now is **stale**: it stays the current value, flagged for a second look,
  until a reviewer decides again.
- A document is **gold** when every patient it still has has every FIELDS.md field reviewed
  (:func:`gold`): its rows are the reviewers' case table, against which the machine is scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from extract.db import (
    CaseRecord,
    Database,
    DocumentRow,
    ReviewRecord,
    matches_where,
    page_of,
    utcnow,
)
from extract.errors import CaseExtractError
from extract.record import CLINICAL_FIELDS, LIST_FIELDS, CaseRow, Evidence, case_schema

PATIENT = "patient"  # the field of a review about a whole patient
ADDED, REMOVED, KEPT = "added", "removed", "kept"
FOUND = "found"  # the machine value of ``patient`` when the machine has that patient
PATIENT_VALUES = (ADDED, REMOVED, KEPT)
#: the fields a reviewer can decide on, besides ``patient``
REVIEW_FIELDS: tuple[str, ...] = ("source", "reference", *CLINICAL_FIELDS)
ACTIONS = ("accept", "correct", "clear", "machine")
NUMBER_FIELDS = frozenset({"age_years", "time_to_spinal_metastasis_months", "follow_up_months"})
_MAX_NOTE = 2000
_MAX_EVIDENCE = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReviewError(CaseExtractError):
    """A review that cannot be recorded (an unknown field, a value the schema refuses ...)."""


@dataclass
class FieldReview:
    """The latest review of one field of one patient."""

    id: int
    field: str
    machine_value: Any
    value: Any
    evidence: Evidence | None
    reviewer: str
    at: datetime
    note: str | None
    stale: bool  # the machine's value has changed since

    @property
    def action(self) -> str:
        """What the reviewer did: accepted the machine's value, corrected it, or cleared it."""
        if self.field == PATIENT:
            return str(self.value)
        if is_null(self.value) and not is_null(self.machine_value):
            return "cleared"
        return "accepted" if same_value(self.value, self.machine_value) else "corrected"


@dataclass
class ReviewedCase:
    """One patient as the machine found it and as its reviewers left it."""

    doc_id: str
    case_index: int
    machine: CaseRow | None  # None: a patient the machine does not have
    current: CaseRow  # the machine's values with the latest reviews over them
    reviews: dict[str, FieldReview] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``machine``, ``added``, ``removed``, ``kept``, or ``vanished`` (reviewed, but the
        machine no longer finds this patient and no reviewer has kept it)."""
        patient = self.reviews.get(PATIENT)
        if patient is not None:
            return str(patient.value)
        return "machine" if self.machine is not None else "vanished"

    @property
    def exists(self) -> bool:
        """Whether the patient is in the reviewed case table."""
        return self.status in ("machine", ADDED, KEPT)

    @property
    def reviewed_fields(self) -> list[str]:
        return [f for f in CLINICAL_FIELDS if f in self.reviews]

    @property
    def complete(self) -> bool:
        """Every FIELDS.md field reviewed."""
        return all(f in self.reviews for f in CLINICAL_FIELDS)

    @property
    def stale_fields(self) -> list[str]:
        return [f for f, r in self.reviews.items() if r.stale]


# --- values ---------------------------------------------------------------------------------


def is_null(value: Any) -> bool:
    """FIELDS.md: null and the empty list are the same."""
    return value is None or (isinstance(value, list) and not value)


def same_value(a: Any, b: Any) -> bool:
    """Whether two values of a field say the same (lists as sets, numbers to 1e-9)."""
    if is_null(a) or is_null(b):
        return is_null(a) and is_null(b)
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return bool(a == b)


def _vocabulary_order(name: str) -> dict[str, int]:
    prop = case_schema()["properties"][name]
    values = (prop.get("items") or prop).get("enum") or []
    return {v: i for i, v in enumerate(values) if v is not None}


def check_value(name: str, value: Any) -> Any:
    """``value`` as ``name`` holds it (lists without repeats in the vocabulary's order, numbers
    as floats), or :class:`ReviewError` saying in one line why the schema refuses it."""
    import jsonschema

    if name not in REVIEW_FIELDS:
        raise ReviewError(f"{name}: not a field a reviewer can set")
    if name in LIST_FIELDS:
        items = [] if value is None else list(value)
        if not all(isinstance(v, str) for v in items):
            raise ReviewError(f"{name}: a list of words")
        items = list(dict.fromkeys(items))
        if name == "spinal_levels":
            from extract.fields.levels import sort_levels

            known = sort_levels(items)
            value = known + [v for v in items if v not in known]
        else:
            order = _vocabulary_order(name)
            value = sorted(items, key=lambda v: order.get(v, len(order)))
    elif name in NUMBER_FIELDS and value is not None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ReviewError(f"{name}: {value!r} is not a number")
        value = round(float(value), 2)
    if name == "source" and value is None:
        raise ReviewError("source: narrative or table")
    schema = case_schema()["properties"][name]
    error = next(iter(jsonschema.Draft202012Validator(schema).iter_errors(value)), None)
    if error is not None:
        raise ReviewError(f"{name}: {' '.join(error.message.split())}")
    return value


def locate_evidence(text: str | None, page_offsets: list[list[int]] | None, words: str,
                    near: int | None = None) -> Evidence | None:
    """The evidence of ``words`` in the document's text: where they stand (the occurrence
    nearest ``near`` when there are several; spaces and case need not match), with the text as
    the document has it. None for no words; :class:`ReviewError` when the text lacks them."""
    words = " ".join(words.split())
    if not words:
        return None
    if len(words) > _MAX_EVIDENCE:
        raise ReviewError(f"evidence: at most {_MAX_EVIDENCE} characters")
    if not text:  # a version stored before revision 0003: keep the words, place unknown
        return Evidence(words)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words.split(" ")), re.IGNORECASE)
    hits = list(pattern.finditer(text))
    if not hits:
        raise ReviewError(f"evidence: {words[:80]!r} is not in the document's text")
    best = min(hits, key=lambda m: abs(m.start() - near)) if near is not None else hits[0]
    return Evidence(best.group(0), page_of(page_offsets, best.start()), best.start(), best.end())


def _clean(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = _CONTROL.sub(" ", text).strip()
    return text[:limit] or None


def _evidence_json(ev: Evidence | None) -> dict[str, Any] | None:
    return ev.to_json() if ev is not None else None


# --- reading --------------------------------------------------------------------------------


def machine_value(case: CaseRow | None, name: str) -> Any:
    """The machine's value of ``name`` (for ``patient``: ``found`` or None)."""
    if name == PATIENT:
        return FOUND if case is not None else None
    if case is None:
        return None
    return getattr(case, name)


def _typed(name: str, value: Any) -> Any:
    # SQLite gives a JSON column numeric affinity: 73.0 comes back as 73
    if name in NUMBER_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _build(doc_id: str, machine: dict[int, CaseRow],
           reviews: Iterable[ReviewRecord]) -> list[ReviewedCase]:
    latest: dict[int, dict[str, ReviewRecord]] = {}
    for r in sorted(reviews, key=lambda r: r.id):
        latest.setdefault(r.case_index, {})[r.field] = r
    out = []
    for index in sorted(set(machine) | set(latest)):
        m = machine.get(index)
        current = CaseRow.from_json(m.to_json()) if m is not None else CaseRow(doc_id=doc_id,
                                                                               case_index=index)
        case = ReviewedCase(doc_id, index, m, current)
        for name, r in latest.get(index, {}).items():
            value, was = _typed(name, r.reviewed_value), _typed(name, r.machine_value)
            ev = Evidence(str(r.evidence.get("text") or ""), r.evidence.get("page"),
                          r.evidence.get("start"), r.evidence.get("end")) if r.evidence else None
            case.reviews[name] = FieldReview(
                id=r.id, field=name, machine_value=was, value=value, evidence=ev,
                reviewer=r.reviewer, at=r.reviewed_at, note=r.note,
                stale=not same_value(was, machine_value(m, name)))
            if name == PATIENT or name not in REVIEW_FIELDS:
                continue
            setattr(current, name, list(value or []) if name in LIST_FIELDS else value)
            if ev is not None:
                current.evidence[name] = ev
            else:
                current.evidence.pop(name, None)
        current.reviewed = [f for f in REVIEW_FIELDS if f in case.reviews]
        out.append(case)
    return out


def _machine_cases(s: Session, doc_ids: Sequence[str] | None) -> dict[str, dict[int, CaseRow]]:
    q = (select(CaseRecord).join(DocumentRow, CaseRecord.document_id == DocumentRow.id)
         .where(DocumentRow.current.is_(True)).options(selectinload(CaseRecord.evidence)))
    if doc_ids is not None:
        q = q.where(CaseRecord.doc_id.in_(list(doc_ids)))
    out: dict[str, dict[int, CaseRow]] = {}
    for rec in s.scalars(q):
        out.setdefault(rec.doc_id, {})[rec.case_index] = rec.to_case_row()
    return out


def _reviews(s: Session, doc_ids: Sequence[str] | None,
             case_index: int | None = None) -> dict[str, list[ReviewRecord]]:
    q = select(ReviewRecord).order_by(ReviewRecord.id)
    if doc_ids is not None:
        q = q.where(ReviewRecord.doc_id.in_(list(doc_ids)))
    if case_index is not None:
        q = q.where(ReviewRecord.case_index == case_index)
    out: dict[str, list[ReviewRecord]] = {}
    for r in s.scalars(q):
        out.setdefault(r.doc_id, []).append(r)
    return out


def _current_doc_ids(s: Session) -> list[str]:
    return list(s.scalars(select(DocumentRow.doc_id).where(DocumentRow.current.is_(True))
                          .order_by(DocumentRow.doc_id)))


def reviewed_documents(db: Database, doc_ids: Sequence[str] | None = None) -> dict[str, list[ReviewedCase]]:
    """``doc_id -> patients`` (every patient, removed ones too) of the current documents, or of
    ``doc_ids``. Reviews of a document no longer in the database are left out."""
    with db.session() as s:
        ids = _current_doc_ids(s) if doc_ids is None else list(doc_ids)
        out: dict[str, list[ReviewedCase]] = {}
        for i in range(0, len(ids), 500):  # keep IN lists a sane size
            chunk = ids[i:i + 500]
            machine = _machine_cases(s, chunk)
            reviews = _reviews(s, chunk)
            for doc_id in chunk:
                out[doc_id] = _build(doc_id, machine.get(doc_id, {}), reviews.get(doc_id, []))
        return out


def document_cases(db: Database, doc_id: str) -> list[ReviewedCase]:
    """The patients of one document, removed ones too, in order."""
    return reviewed_documents(db, [doc_id]).get(doc_id, [])


def reviewed_cases(db: Database, *, where: dict[str, Any] | None = None) -> list[CaseRow]:
    """The reviewed case table: every patient the reviewers have not removed, with current
    values and ``reviewed`` naming the fields a reviewer decided; ``where`` as in
    :func:`extract.db.load_cases`."""
    rows = [c.current for cases in reviewed_documents(db).values() for c in cases if c.exists]
    return [r for r in rows if matches_where(r, where)]


@dataclass
class DocumentProgress:
    """How far the review of one document has come."""

    patients: int = 0  # in the reviewed table
    values: int = 0  # FIELDS.md values of those patients
    reviewed: int = 0  # of which a reviewer decided
    stale: int = 0  # reviews whose machine value has changed since
    added: int = 0
    removed: int = 0

    @property
    def complete(self) -> bool:
        return self.values > 0 and self.reviewed == self.values


def progress(cases: Iterable[ReviewedCase]) -> DocumentProgress:
    p = DocumentProgress()
    for c in cases:
        p.stale += len(c.stale_fields)
        p.added += c.status == ADDED
        p.removed += c.status == REMOVED
        if c.exists:
            p.patients += 1
            p.values += len(CLINICAL_FIELDS)
            p.reviewed += len(c.reviewed_fields)
    return p


def stale_count(db: Database) -> int:
    """Reviews flagged because the machine's value changed since the reviewer decided."""
    return sum(progress(cases).stale for cases in reviewed_documents(db).values())


@dataclass
class Gold:
    """The reviewers' case table as gold rows."""

    rows: list[dict[str, Any]]
    documents: list[str]  # every patient of each fully reviewed
    partial: list[str]  # documents with reviews but some value not yet reviewed


def gold(db: Database) -> Gold:
    """Gold rows of every document whose remaining patients all have every field reviewed
    (schema-valid rows, with the evidence of each value). A document only partly reviewed is
    left out whole: its unreviewed values are the machine's, and scoring the machine against
    them would flatter it."""
    from extract.record import validation_errors

    out = Gold([], [], [])
    for doc_id, cases in reviewed_documents(db).items():
        if not any(c.reviews for c in cases):
            continue
        kept = [c for c in cases if c.exists]
        if not kept or not all(c.complete for c in kept):
            out.partial.append(doc_id)
            continue
        out.documents.append(doc_id)
        for c in kept:
            row = c.current.to_json()
            row.pop("reviewed", None)
            problems = validation_errors(row)
            if problems:  # cannot happen through check_value; say so rather than write it
                raise ReviewError(f"{doc_id}: patient {c.case_index} fails the schema: {problems[0]}")
            out.rows.append(row)
    return out


def write_gold(db_url: str | None, out: str | Path) -> Gold:
    """``case-extract gold``: the reviewed documents' rows as JSONL at ``out``."""
    import json

    from extract.db import open_db

    database = open_db(db_url)
    try:
        result = gold(database)
    finally:
        database.dispose()
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in result.rows)
    return result


# --- writing --------------------------------------------------------------------------------


@dataclass
class _Context:
    document: DocumentRow
    case: ReviewedCase | None
    next_index: int


def _context(s: Session, doc_id: str, case_index: int | None) -> _Context:
    document = s.scalars(select(DocumentRow).where(DocumentRow.doc_id == doc_id,
                                                   DocumentRow.current.is_(True))
                         .options(undefer(DocumentRow.text))).first()
    if document is None:
        raise ReviewError(f"{doc_id}: no such document in the database")
    machine = _machine_cases(s, [doc_id]).get(doc_id, {})
    cases = _build(doc_id, machine, _reviews(s, [doc_id]).get(doc_id, []))
    by_index = {c.case_index: c for c in cases}
    case = None
    if case_index is not None:
        case = by_index.get(case_index)
        if case is None:
            raise ReviewError(f"{doc_id}: no patient {case_index}")
    return _Context(document, case, max(by_index, default=0) + 1)


def _in_table(ctx: _Context, doc_id: str, case_index: int) -> ReviewedCase:
    """The context's patient, who must be in the reviewed table (not removed) to be reviewed."""
    case = ctx.case
    assert case is not None
    if not case.exists:
        raise ReviewError(f"{doc_id}: patient {case_index} is not in the table ({case.status}); keep it first")
    return case


def _add(s: Session, ctx: _Context, case_index: int, name: str, value: Any, *, reviewer: str,
         note: str | None, evidence: Evidence | None, machine_value: Any) -> ReviewRecord:
    reviewer_name = _clean(reviewer, 200)
    if not reviewer_name:
        raise ReviewError("a review needs a reviewer's name")
    rec = ReviewRecord(doc_id=ctx.document.doc_id, case_index=case_index, field=name,
                       machine_value=machine_value, reviewed_value=value,
                       evidence=_evidence_json(evidence), reviewer=reviewer_name,
                       reviewed_at=utcnow(), note=_clean(note, _MAX_NOTE),
                       document_id=ctx.document.id)
    s.add(rec)
    s.flush()
    return rec


def review_field(db: Database, doc_id: str, case_index: int, name: str, action: str, *,
                 reviewer: str, value: Any = None, evidence: str | None = None,
                 note: str | None = None) -> FieldReview:
    """Record one decision on one field: ``accept`` the value shown (the current one),
    ``correct`` it to ``value`` (checked against the schema) with the words ``evidence`` that
    say so (found in the document's text; empty for none), ``clear`` it (null), or take the
    ``machine``'s value as it is now (after a rerun changed it, or to undo a correction)."""
    if action not in ACTIONS:
        raise ReviewError(f"{action}: one of {', '.join(ACTIONS)}")
    if name not in REVIEW_FIELDS:
        raise ReviewError(f"{name}: not a field a reviewer can set")
    with db.session() as s:
        ctx = _context(s, doc_id, case_index)
        case = _in_table(ctx, doc_id, case_index)
        shown = getattr(case.current, name)
        shown_ev = case.current.evidence.get(name)
        if action == "accept":
            value, ev = shown, shown_ev
        elif action == "machine":
            value = machine_value(case.machine, name)
            if case.machine is None:
                raise ReviewError(f"{doc_id}: the machine has no patient {case_index}")
            ev = case.machine.evidence.get(name)
        elif action == "clear":
            value, ev = ([] if name in LIST_FIELDS else None), None
            if name == "source":
                raise ReviewError("source cannot be cleared: narrative or table")
        else:
            value = check_value(name, value)
            near = shown_ev.start if shown_ev is not None else None
            if evidence is not None and shown_ev is not None and \
                    " ".join(evidence.split()) == " ".join(shown_ev.text.split()):
                ev = shown_ev  # the words shown, kept where they stand
            else:
                ev = locate_evidence(ctx.document.text, ctx.document.page_offsets, evidence or "", near)
            if is_null(value):
                ev = None
        rec = _add(s, ctx, case_index, name, value, reviewer=reviewer, note=note, evidence=ev,
                   machine_value=machine_value(case.machine, name))
        return FieldReview(rec.id, name, rec.machine_value, value, ev, rec.reviewer,
                           rec.reviewed_at, rec.note, stale=False)


def accept_rest(db: Database, doc_id: str, case_index: int, *, reviewer: str,
                note: str | None = None) -> int:
    """Accept every FIELDS.md value of a patient that no reviewer has decided yet; returns how
    many. The patient is then complete (see :func:`gold`)."""
    with db.session() as s:
        ctx = _context(s, doc_id, case_index)
        case = _in_table(ctx, doc_id, case_index)
        todo = [f for f in CLINICAL_FIELDS if f not in case.reviews]
        for name in todo:
            _add(s, ctx, case_index, name, getattr(case.current, name), reviewer=reviewer,
                 note=note, evidence=case.current.evidence.get(name),
                 machine_value=machine_value(case.machine, name))
        return len(todo)


def add_patient(db: Database, doc_id: str, *, reviewer: str, source: str = "narrative",
                reference: str | None = None, note: str | None = None) -> int:
    """A patient the extractor missed: numbered after every patient the document has; returns
    its ``case_index``. Its values are then reviewed like any other's (all null until set)."""
    source = check_value("source", source)
    reference = check_value("reference", _clean(reference, 500))
    with db.session() as s:
        ctx = _context(s, doc_id, None)
        index = ctx.next_index
        _add(s, ctx, index, PATIENT, ADDED, reviewer=reviewer, note=note, evidence=None,
             machine_value=None)
        _add(s, ctx, index, "source", source, reviewer=reviewer, note=None, evidence=None,
             machine_value=None)
        if reference:
            _add(s, ctx, index, "reference", reference, reviewer=reviewer, note=None,
                 evidence=None, machine_value=None)
        return index


def set_patient(db: Database, doc_id: str, case_index: int, status: str, *, reviewer: str,
                note: str | None = None) -> None:
    """``removed``: a patient the extractor invented leaves the reviewed table (its reviews
    stay); ``kept``: a removed patient comes back, or one the machine stopped finding stays."""
    if status not in (REMOVED, KEPT):
        raise ReviewError(f"{status}: removed or kept")
    with db.session() as s:
        ctx = _context(s, doc_id, case_index)
        assert ctx.case is not None
        _add(s, ctx, case_index, PATIENT, status, reviewer=reviewer, note=note, evidence=None,
             machine_value=machine_value(ctx.case.machine, PATIENT))


__all__ = [
    "ACTIONS",
    "ADDED",
    "KEPT",
    "PATIENT",
    "REMOVED",
    "REVIEW_FIELDS",
    "DocumentProgress",
    "FieldReview",
    "Gold",
    "ReviewError",
    "ReviewedCase",
    "accept_rest",
    "add_patient",
    "check_value",
    "document_cases",
    "gold",
    "is_null",
    "locate_evidence",
    "machine_value",
    "progress",
    "review_field",
    "reviewed_cases",
    "reviewed_documents",
    "same_value",
    "set_patient",
    "stale_count",
    "write_gold",
]
