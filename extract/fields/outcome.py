"""Outcome at the last follow-up and the follow-up's length (FIELDS.md ``outcome_status``,
``follow_up_months``).

An *outcome statement* is a sentence of the patient's text with a status cue: died ("died",
"passed away", "succumbed"), no evidence of disease ("no recurrence", "disease-free", "free
of disease", "complete remission") or alive with disease ("stable disease", "partial
response", "without progression", "alive with metastases"). The patient's status is that of
the last outcome statement in text order, and death is final. A *follow-up statement* is an
outcome statement or a sentence about follow-up or survival ("At the 36-month follow-up",
"followed up for 2 years", "has survived over 12 months") holding a duration; the last one
gives ``follow_up_months`` (years x 12, weeks / 4.345, days / 30.44; one decimal).

Only the patient's own statements count: sentences that cite the literature ("[4]",
"et al."), speak of relatives or of what could happen ("risk of recurrence") are skipped, and
outside the case presentation and the abstract a sentence must be about the patient ("the patient", "he",
"our case"). Patterns live in ``resources/outcome.json``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extract.document import Document
from extract.fields import FieldValue, PatientText, make_evidence
from extract.fields.patients import (
    case_sections,
    find_headings,
    front_matter_end,
    is_literature_sentence,
    sentences,
)
from extract.fields.story import Sentence, Story, story_of
from extract.fields.timeline import dates, relative_steps
from extract.fields.treatment import spinal_treatments
from extract.fields.units import add_months, date_months, months_between, parse_number, to_months

RESOURCES = Path(__file__).parent / "resources"


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return json.loads((RESOURCES / "outcome.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _status_patterns() -> list[tuple[str, re.Pattern[str], bool]]:
    """(status, cue pattern, whether the cue needs a follow-up context in its sentence)."""
    rules = _rules()
    out = []
    for status in rules["status_order"]:
        out.append((status, re.compile("|".join(rules["status_cues"][status]), re.IGNORECASE), False))
        weak = rules["status_cues_needing_follow_up"].get(status)
        if weak:
            out.append((status, re.compile("|".join(weak), re.IGNORECASE), True))
    return out


@lru_cache(maxsize=1)
def _follow_up_re() -> re.Pattern[str]:
    return re.compile("|".join(_rules()["follow_up_cues"]), re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    start: int  # the sentence, trimmed
    end: int
    status: str | None
    months: float | None
    months_start: int | None = None
    months_end: int | None = None


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _status_of(text: str, s: int, e: int) -> tuple[str | None, int | None]:
    """The status a sentence states, and where its cue is (None when it states none)."""
    rules = _rules()
    hypothetical = re.compile(rules["hypothetical"], re.IGNORECASE)
    relatives = re.compile(rules["relatives"], re.IGNORECASE)
    not_a_status = re.compile(rules["not_a_status_before"], re.IGNORECASE)
    found: dict[str, int] = {}
    for status, pat, needs_follow_up in _status_patterns():
        for m in pat.finditer(text, s, e):
            before = text[max(s, m.start() - 40):m.start()]
            if hypothetical.search(before):
                continue
            if status == "died" and relatives.search(text[s:m.start()]):
                continue
            if status == "no evidence of disease" and not_a_status.search(text[max(s, m.start() - 60):m.start()]):
                continue  # "the margins were free of tumour"
            if needs_follow_up and not (_follow_up_re().search(text, s, e) or _duration(text, s, e, None)):
                continue  # "the work-up showed no evidence of distant metastases"
            found[status] = min(found.get(status, m.start()), m.start())
    if not found:
        return None, None
    if "died" in found:
        return "died", found["died"]
    if "no evidence of disease" in found and "alive with disease" in found:
        # "no recurrence ... stable liver lesions": the later cue is the status reached.
        status = max(found, key=lambda k: found[k])
        return status, found[status]
    status = next(iter(found))
    return status, found[status]


_FROM_THE_PRIMARY = re.compile(
    r"\s+(?:after|following|since|from)\s+(?:the\s+|his\s+|her\s+)?(?:(?:initial|first|original)\s+)?"
    r"(?:diagnosis|presentation|\w+ectomy|(?:low\s+anterior|abdominoperineal|wedge|segmental)\s+resection|resection\s+of\s+the\s+primary)",
    re.IGNORECASE)


def _duration(text: str, s: int, e: int, near: int | None, *,
              spinal_treated: bool = False) -> tuple[float, int, int] | None:
    """The follow-up duration a sentence states: the one nearest the status cue. When the
    patient had a spinal treatment, a duration counted from the primary's diagnosis or
    operation ("died 4 months after hysterectomy") is not the follow-up (FIELDS.md: from the
    treatment the report is about)."""
    rules = _rules()
    pat = re.compile(rules["duration"], re.IGNORECASE)
    not_before = re.compile(rules["not_a_follow_up_duration"], re.IGNORECASE)
    not_after = re.compile(rules["not_a_follow_up_duration_after"], re.IGNORECASE)
    best: tuple[int, float, int, int] | None = None
    for m in pat.finditer(text, s, e):
        if not_before.search(text[max(s, m.start() - 25):m.start()]):
            continue
        if not_after.search(text[m.end():m.end() + 40]):
            continue
        if spinal_treated and _FROM_THE_PRIMARY.match(text, m.end()) and not re.match(
                r"\s+\w+\s+(?:\w+\s+){0,4}?(?:lamin|corpect|vertebr|spondyl|kyphopl|decompress|spinal|spine)", text[m.end():m.end() + 60],
                re.IGNORECASE):
            continue
        raw = m.group("num").lower()
        amount = 0.5 if raw == "half a" else 1.0 if raw in ("a", "an") else parse_number(raw)
        if amount is None:
            continue
        months = to_months(amount, m.group("unit"))
        if months is None or months <= 0:
            continue
        distance = abs(m.start() - near) if near is not None else 0
        if best is None or distance < best[0]:
            best = (distance, months, m.start(), m.end())
    if best is None:
        return None
    return best[1], best[2], best[3]


def _told_regions(document: Document) -> list[tuple[int, int]]:
    """The case presentation and the abstract: they tell the patient. A text with no
    headings at all (a case presentation on its own) tells the patient throughout."""
    headings = find_headings(document)
    if not headings:
        return [(0, len(document.text))]
    # the abstract ends where the case presentation's own heading begins
    front = min([front_matter_end(document), *(h.start for h in headings if h.kind == "case" and not h.run_in and h.start > 0)])
    return [*case_sections(document), (0, front)]


def statements(patient: PatientText) -> list[Statement]:
    """Outcome and follow-up statements of the patient, in text order."""
    document = patient.document
    text = document.text
    rules = _rules()
    follow_up = _follow_up_re()
    subject = re.compile(rules["patient_subject"], re.IGNORECASE)
    # Elsewhere (introduction, discussion) a sentence must name the patient.
    told = _told_regions(document)
    story = story_of(patient)
    spinal_treated = bool(spinal_treatments(story))
    # the story's sentences that speak of no patient of ours (the literature, medicine in general),
    # in text order: found by bisection, so a long report costs no more per sentence
    not_ours = [story.evidence_span(x, 0, len(x.text)) for x in story.sentences if not x.kept]
    not_ours_starts = [c for c, _ in not_ours]
    out: list[Statement] = []
    for a, b in patient.ranges:
        for s, e in sentences(text, a, b):
            s, e = _trim(text, s, e)
            sentence = text[s:e]
            if len(sentence) < 8 or is_literature_sentence(sentence):
                continue
            k = bisect_right(not_ours_starts, s) - 1
            if k >= 0 and s < not_ours[k][1]:
                continue  # "Most guidelines recommend surveillance for at least ten years"
            in_told = any(c <= s < d for c, d in told)
            if not in_told and not subject.search(sentence) and not re.search(r"\bfollow", sentence, re.IGNORECASE):
                continue
            status, cue = _status_of(text, s, e)
            months: tuple[float, int, int] | None = None
            if status is not None or follow_up.search(sentence):
                months = _duration(text, s, e, cue, spinal_treated=spinal_treated)
            if status is None and months is None:
                continue
            out.append(Statement(s, e, status, *(months or (None, None, None))))
    return out


def _superseded(patient: PatientText, statement: Statement) -> bool:
    """True when, later in the same told stretch, a new lesion is found: the statement ("no
    recurrence 5 years after surgery") was an interim one, not the last follow-up."""
    document = patient.document
    text = document.text
    event = re.compile(_rules()["later_event"], re.IGNORECASE)
    subject = re.compile(_rules()["patient_subject"], re.IGNORECASE)
    # the innermost told part holding the statement: an abstract's last word is not undone by
    # the case presentation that retells the story from its start
    holding = [(c, d) for c, d in _told_regions(document) if c <= statement.start < d]
    for c, d in sorted(holding, key=lambda r: r[1] - r[0])[:1]:
        for a, b in patient.ranges:
            lo, hi = max(a, c, statement.end), min(b, d)
            for s, e in sentences(text, lo, hi) if lo < hi else []:
                sentence = text[s:e]
                if is_literature_sentence(sentence) or _status_of(text, s, e)[0] is not None:
                    continue
                if re.search(r"\bpatients\b", sentence, re.IGNORECASE) and not subject.search(sentence):
                    continue  # a statement about patients in general
                if event.search(sentence):
                    return True
    return False


def extract(patient: PatientText) -> list[FieldValue]:
    """``outcome_status`` and ``follow_up_months`` of one patient, each with its words."""
    document = patient.document
    if patient.group:
        return []
    found = [st for st in statements(patient)
             if st.status != "no evidence of disease" or not _superseded(patient, st)]
    out: list[FieldValue] = []
    with_status = [st for st in found if st.status]
    died = [st for st in with_status if st.status == "died"]
    final = (died[-1] if died else with_status[-1]) if with_status else None
    if final is not None:
        out.append(FieldValue("outcome_status", final.status, make_evidence(document, final.start, final.end)))
    with_months = [st for st in found if st.months is not None]
    # the last status told after the last duration, with a date: its date gives the follow-up
    dated = _dated_follow_up(patient, final) if final is not None and final.months is None and (
        not with_months or with_months[-1].start < final.start) else None
    if dated is not None:
        out.append(FieldValue("follow_up_months", dated[0], make_evidence(document, *dated[1])))
    elif with_months:
        last = with_months[-1]
        out.append(FieldValue("follow_up_months", last.months, make_evidence(document, last.start, last.end)))
    return out


_TREATED = re.compile(
    r"\b(?:underwent|undergo|operated|operation|surgery|surgical|resect\w*|excis\w*|\w+ectomy|\w+otomy|"
    r"radiotherapy|radiation|irradiat\w*|chemotherapy|chemoradiotherapy|treated|treatment|therapy|received|"
    r"started|initiated|commenced|administered|given)\b", re.IGNORECASE)


def _date_of(text: str) -> tuple[int, int | None] | None:
    """The last calendar date a sentence names, to the month ("in late January 2017")."""
    found = [d for m in dates(text) if (d := date_months(m)) is not None and d[1] is not None]
    return found[-1] if found else None


def _date_in_force(story: Story, s: Sentence) -> tuple[int, int | None] | None:
    """The date of the events ``s`` tells: its own, else the last date told before it in the
    same part of the story with no "N months later" step in between."""
    own = _date_of(s.text)
    if own is not None:
        return own
    steps = relative_steps(s.text)
    if len(steps) > 1:
        return None
    for x in reversed(story.sentences[max(0, s.index - 4) : s.index]):
        if x.block != s.block or relative_steps(x.text):
            return None
        if (d := _date_of(x.text)) is not None:
            if not steps:
                return d
            # "Four months later she underwent decompression": the step moves the date on
            return add_months(d, steps[0][0])
    return None


def _dated_follow_up(patient: PatientText, last: Statement) -> tuple[float, tuple[int, int]] | None:
    """Follow-up from calendar dates where no duration is given: from the date of the
    treatment the report is about (the spinal treatment where there is one, else the last dated
    treatment before) to the date of the last status ("passed away in June 2015")."""
    text = patient.document.text
    end = _date_of(text[last.start:last.end])
    if end is None:
        return None
    story = story_of(patient)
    start: tuple[int, int | None] | None = None
    treated = spinal_treatments(story)
    if treated:
        start = _date_in_force(story, treated[0][1])
    else:
        for x in story.sentences:
            if not x.kept or x.start >= last.start:
                break
            if _TREATED.search(x.text) and (d := _date_of(x.text)) is not None and months_between(d, end) > 0:
                start = d
    if start is None:
        return None
    months = months_between(start, end)
    if months <= 0:
        return None
    return months, (last.start, last.end)
