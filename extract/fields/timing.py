"""Time to spinal metastasis and whether it was synchronous (FIELDS.md).

The time runs from the first diagnosis (or resection) of the primary to the diagnosis of the
first spinal metastasis. Case reports state it in a few ways, tried in this order on the
sentences that state the spinal metastasis (:attr:`extract.fields.story.Story.spinal`):

1. an interval anchored to the primary: "10 years after surgery", "a seven-year history of
   renal cell carcinoma", "gastrectomy 5 years earlier";
2. the spinal metastasis as the first sign, in the clause that names the spine: "at initial
   presentation", "synchronous", "at the time of diagnosis", "staging CT", "before the diagnosis
   of", "It was later discovered that he was suffering from lung cancer", the primary diagnosed in
   the same presentation ("biopsy-confirmed prostate cancer"), or its mass seen on the same scan
   ("CT showed a perihilar mass with lytic lesions of the thoracic vertebrae") -> 0;
3. a timeline from the sentence that diagnoses or resects the primary to the spinal sentence:
   relative intervals summed ("Two years later ... One year later"), "after 3 years of
   imatinib", dated events ("in 2009 ... in 2015", "March 2010 ... June 2012"), or ages ("at
   the age of 45" in a 52-year-old); the primary's history may also be told just after the
   spinal finding ("He had undergone gastrectomy 5 years earlier").

Only sentences before the spinal treatment count (later ones tell the post-operative course); a
negated history ("no history of malignancy") is none.

Cue words live in ``resources/timing_terms.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from extract.fields import FieldValue, PatientText
from extract.fields.levels import LEVEL_RE
from extract.fields.story import Sentence, Story, context, negated, story_of
from extract.fields.treatment import spinal_treatments
from extract.fields.units import (
    DATE_RE,
    DURATION_PATTERN,
    DURATION_RE,
    date_months,
    duration_months,
    months_between,
)


@lru_cache(maxsize=1)
def _terms() -> dict[str, re.Pattern[str]]:
    data: dict[str, Any] = json.loads(
        resources.files("extract.fields").joinpath("resources", "timing_terms.json").read_text(encoding="utf-8")
    )
    ctx: dict[str, str] = json.loads(
        resources.files("extract.fields").joinpath("resources", "context_terms.json").read_text(encoding="utf-8")
    )
    subst = {"PRIMARY": ctx["primary_tumour"], "ANCHOR": data["anchor"], "DUR": DURATION_PATTERN, "ORGAN": data["organ"]}
    out = {}
    for key, value in data.items():
        if key.startswith("_") or not isinstance(value, str):
            continue
        for name, repl in subst.items():
            value = value.replace("{" + name + "}", repl)
        out[key] = re.compile(value, re.IGNORECASE)
    out["primary_tumour"] = re.compile(ctx["primary_tumour"], re.IGNORECASE)
    out["primary_event"] = re.compile(ctx["primary_event"], re.IGNORECASE)
    return out


# -- table cells and phrases ---------------------------------------------------------------


def parse_interval_months(text: str, default_unit: str = "months") -> float | None:
    """Months in an interval phrase or table cell: ``"10 years"`` -> 120.0, ``"84"`` -> 84.0
    (``default_unit`` for a bare number), ``"at presentation"``/``"synchronous"`` -> 0.0,
    ``"N/A"``/``"-"``/``""`` -> None."""
    t = " ".join(text.split())
    if not t or re.fullmatch(r"(?:n/?a|nr|ns|unknown|not\s+(?:reported|stated|available)|[-–—?])", t, re.IGNORECASE):
        return None
    if _terms()["synchronous"].search(t) or _terms()["at_presentation"].search(t) or re.fullmatch(r"0+(?:\.0+)?", t):
        return 0.0
    m = DURATION_RE.search(t)
    if m:
        return duration_months(m)
    m2 = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:\(.*\))?", t)
    if m2:
        from extract.fields.units import to_months

        return to_months(float(m2.group(1)), default_unit)
    return None


# -- reading the narrative -------------------------------------------------------------------


@dataclass
class TimeFinding:
    months: float
    synchronous: bool
    sentence: Sentence
    start: int
    end: int


def _prior_history(text: str) -> re.Match[str] | None:
    """An earlier illness in ``text`` ("had undergone", "a history of breast cancer"), not a
    negated one ("no history of malignancy")."""
    for m in _terms()["prior_history"].finditer(text):
        if not negated(text, m.start(), 5):
            return m
    return None


def _anchored(s: Sentence) -> TimeFinding | None:
    """An interval tied to the primary within the sentence ("10 years after surgery")."""
    t = _terms()
    for key in ("after_anchor", "history_of_primary", "ago"):
        for m in t[key].finditer(s.text):
            d = DURATION_RE.search(m.group(0))
            if not d:
                continue
            months = duration_months(d)
            if months is None or months <= 0:
                continue
            if key == "ago" and not (t["primary_tumour"].search(s.text) or t["primary_event"].search(s.text)):
                continue
            return TimeFinding(months, False, s, m.start(), m.end())
    return None


_LATER_CLAUSE = re.compile(
    r";|\b(?:but|whereas)\b|,?\s+\band\s+(?:then\s+|had\s+)?(?:later|subsequently|eventually|thereafter)\b"
    r"|,\s+(?:later|subsequently|eventually|thereafter)\b", re.IGNORECASE)


def _spinal_clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) of the clauses of ``text`` that name the spine, split where a later event
    begins ("with synchronous liver metastases and later developed an L2 metastasis"); the whole
    text when no clause names it."""
    bounds = [0, *[m.start() for m in _LATER_CLAUSE.finditer(text)], len(text)]
    clauses = [(a, text[a:b]) for a, b in pairwise(bounds) if text[a:b].strip()]
    spinal = [(a, c) for a, c in clauses if _spinal_cue(c) or LEVEL_RE.search(c)]
    return spinal or [(0, text)]


def _synchronous_cue(ps: Story, s: Sentence) -> TimeFinding | None:
    """The spinal metastasis found at the initial presentation."""
    t = _terms()
    if _prior_history(s.text):
        return None
    for a, clause in _spinal_clauses(s.text):
        m = t["synchronous"].search(clause) or t["primary_found_with"].search(clause) or t["at_diagnosis"].search(clause)
        if m is None and not _anchors_before(ps, s) and _history_told_after(ps, s) is None:
            # "at presentation" is the initial one only for a patient with no earlier history
            m = t["at_presentation"].search(clause)
        if m:
            return TimeFinding(0.0, True, s, a + m.start(), a + m.end())
    # "It was later discovered that he was suffering from lung cancer" right after
    following = [x for x in ps.sentences[s.index + 1 : s.index + 3] if x.kept]
    for x in [s, *following]:
        m = t["primary_found_later"].search(x.text)
        if m and not _prior_history(x.text):
            return TimeFinding(0.0, True, x, m.start(), m.end())
    return None


def _relative(text: str) -> list[tuple[float, int, int]]:
    """Relative intervals in a sentence ("4 months later", "after 3 years of imatinib")."""
    t = _terms()
    out = []
    for m in t["relative"].finditer(text):
        d = DURATION_RE.search(m.group(0))
        if d:
            months = duration_months(d)
            if months is not None:
                out.append((months, m.start(), m.end()))
    return out


_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|since|during|until|till|from|by|early|late|mid|spring|summer|autumn|fall|winter)[\s-]+|\(\s*)$",
    re.IGNORECASE)


def _dates(text: str) -> list[re.Match[str]]:
    """Calendar dates in ``text``; a bare year only after "in", "since", "until" ... (not a
    count such as "PSA of 2000")."""
    return [m for m in DATE_RE.finditer(text)
            if not m.group("year_only") or _YEAR_CONTEXT.search(text[max(0, m.start() - 12) : m.start()])]


def _anchors_before(ps: Story, s: Sentence) -> list[Sentence]:
    """Sentences of ``s``'s block, before it, that diagnose, resect or treat the primary."""
    t = _terms()
    return [
        x for x in ps.sentences[: s.index]
        if x.kept and x.block == s.block and _primary_named(x.text) and t["primary_event"].search(x.text)
    ]


def _primary_named(text: str) -> bool:
    """A primary tumour named and not negated ("no history of malignancy" names none)."""
    return any(not negated(text, m.start(), 6) for m in _terms()["primary_tumour"].finditer(text))


_AT_AGE = re.compile(
    r"\b(?:at\s+(?:the\s+)?age\s+(?:of\s+)?(?P<a1>\d{1,3})(?!\s*(?:months?|weeks?|days?))"
    r"|at\s+(?P<a2>\d{1,3})\s+(?:years?|yrs?)\s+(?:of\s+age|old)|aged\s+(?P<a3>\d{1,3})(?!\s*(?:months?|weeks?|days?)))\b",
    re.IGNORECASE)
_AGE = re.compile(r"\b(\d{1,3})[\s-]+(?:year|yr)s?[\s-]+old\b", re.IGNORECASE)


def _age_framed(ps: Story, anchor: Sentence) -> TimeFinding | None:
    """"resection of a gastric GIST at the age of 45" in a 52-year-old -> 84 months."""
    m = _AT_AGE.search(anchor.text)
    if not m:
        return None
    then = int(m.group("a1") or m.group("a2") or m.group("a3"))
    for x in ps.sentences:
        age = _AGE.search(x.text)
        if age and x.kept:
            years = int(age.group(1)) - then
            return TimeFinding(years * 12.0, False, anchor, m.start(), m.end()) if years > 0 else None
    return None


def _timeline(ps: Story, s: Sentence) -> TimeFinding | None:
    """Walk from the sentence that first diagnoses or resects the primary to the spinal one:
    dated events and relative intervals ("Two years later ... One year later")."""
    t = _terms()
    anchors = _anchors_before(ps, s)
    if not anchors and _primary_named(s.text) and t["primary_event"].search(s.text) \
            and (len(_dates(s.text)) > 1 or _AT_AGE.search(s.text)):
        anchors = [s]  # the primary's date (or age) and the presentation's in the spinal sentence
    if not anchors:
        return None
    anchor = anchors[0]
    anchor_date = None
    anchor_dates = _dates(anchor.text)
    if anchor_dates:
        anchor_date = date_months(anchor_dates[0])
    elapsed = 0.0
    moved = False
    last: tuple[Sentence, int, int] | None = None
    if anchor is s or len(anchor_dates) > 1:
        # "thyroidectomy for thyroid carcinoma in 2005 presented in 2016 with sacral pain"
        later = [(date_months(m), m) for m in anchor_dates[1:]]
        if anchor_date and later and later[-1][0]:
            delta = months_between(anchor_date, later[-1][0])  # type: ignore[arg-type]
            if delta > 0:
                elapsed, moved, last = delta, True, (anchor, later[-1][1].start(), later[-1][1].end())
    framed = _anchored(anchor) or _age_framed(ps, anchor)  # "resected 7 years ago", "at the age of 45"
    if framed is not None:  # the presentation is framed by the primary: N after it, N ago
        elapsed, moved, last = framed.months, True, (anchor, framed.start, framed.end)
    for x in ps.sentences[anchor.index + 1 : s.index + 1]:
        if not x.kept or x.block != s.block:
            continue
        dates = [(date_months(m), m) for m in _dates(x.text)]
        if anchor_date and dates and dates[0][0]:
            delta = months_between(anchor_date, dates[0][0])  # type: ignore[arg-type]
            if delta >= 0:
                elapsed, moved = delta, True
                last = (x, dates[0][1].start(), dates[0][1].end())
        for months, a, b in _relative(x.text):
            elapsed += months
            moved = True
            last = (x, a, b)
        framed_x = _anchored(x) if x is not s else None
        if framed_x is not None:  # "2 years after surgery, liver metastases" restarts the clock
            elapsed, moved, last = framed_x.months, True, (x, framed_x.start, framed_x.end)
    if not moved or last is None:
        return None
    return TimeFinding(round(elapsed, 1), elapsed == 0, last[0], last[1], last[2])


def _found_at_presentation(ps: Story, s: Sentence) -> TimeFinding | None:
    """A patient with no earlier history of the primary whose work-up for the spinal lesion
    finds the primary: "CT showed a gastric mass and osteolytic metastases of Th12 and L1.
    Biopsy of the gastric mass confirmed GIST." -> 0."""
    t = _terms()
    if _anchors_before(ps, s) or _prior_history(s.text) or _history_before(ps, s) or _history_told_after(ps, s):
        return None
    window = [s, *[x for x in ps.sentences[s.index + 1 : s.index + 3] if x.kept and x.block == s.block]]
    # the primary's own mass seen in the same work-up ("CT revealed a renal mass and ...")
    primary_seen = any(t["primary_mass_found"].search(x.text) for x in window)
    # one scan shows the primary's mass and the spinal lesions ("CT showed a perihilar mass with
    # multiple thoracic and lumbar vertebral lytic lesions"): both found at this presentation
    same_scan = t["primary_mass_found"].search(s.text)
    if same_scan:  # (no earlier history: checked above)
        return TimeFinding(0.0, True, s, same_scan.start(), same_scan.end())
    for x in window:
        m = t["primary_confirmed"].search(x.text)
        if m is None or _prior_history(x.text):
            continue
        # "biopsy confirmed metastatic carcinoma" names the primary only if its organ is named or
        # its mass was seen
        named = m.group(0) + x.text[m.end() : m.end() + 30]  # "metastatic adenocarcinoma of pulmonary origin"
        if re.search(r"metasta", m.group(0), re.IGNORECASE) and not primary_seen and not t["organ"].search(named):
            continue
        return TimeFinding(0.0, True, x, m.start(), m.end())
    return None


def _history_told_after(ps: Story, s: Sentence, window: int = 3) -> Sentence | None:
    """The primary's earlier history told right after the spinal finding: "On admission, MRI
    showed a metastasis of T10. He had undergone gastrectomy for a GIST 5 years earlier."."""
    following = [x for x in ps.sentences[s.index + 1 :] if x.kept and x.block == s.block][:window]
    for x in following:
        if _primary_named(x.text) and _prior_history(x.text):
            return x
    return None


def _history_before(ps: Story, s: Sentence) -> bool:
    """An earlier illness told before ``s`` in its block ("had undergone", "history of ...")."""
    return any(x.kept and x.block == s.block and _prior_history(x.text) for x in ps.sentences[: s.index])


def _before_treatment(spinal: list[Sentence], treated: list[Sentence] | None) -> list[Sentence]:
    """The ``spinal`` sentences up to the first naming the spinal treatment in their block; later
    ones tell the post-operative course ("MRI 3 months later showed progression at L3")."""
    first_treated: dict[int, int] = {}
    for x in treated or []:
        first_treated.setdefault(x.block, x.index)
    return [s for s in spinal if s.index <= first_treated.get(s.block, s.index)]


def _order_known(ps: Story, spinal: list[Sentence],
                 treated: list[Sentence] | None = None) -> Sentence | None:
    """A sentence showing the spinal metastasis came after the primary (no interval given)."""
    t = _terms()
    for s in _before_treatment(spinal, treated):
        if t["later_event"].search(s.text) or _prior_history(s.text):
            return s
    first = spinal[0]
    told_after = _history_told_after(ps, first)
    if told_after is not None:
        return told_after
    for x in _anchors_before(ps, first):  # "had received chemotherapy for breast cancer 2 years earlier"
        if _prior_history(x.text) or t["ago"].search(x.text):
            return x
    return None


def find_time(ps: Story, spinal: list[Sentence],
              treated: list[Sentence] | None = None) -> TimeFinding | None:
    """The interval to the first of the ``spinal`` sentences that tells it. Sentences after
    the spinal treatment (``treated``: sentences naming it) of the same block tell the
    post-operative course ("6 weeks after surgery, MRI of T6 showed no residual tumor"), not
    the interval."""
    for s in _before_treatment(spinal, treated):
        found = _anchored(s)
        if found:
            return found
        told_after = _history_told_after(ps, s)
        found = _anchored(told_after) if told_after is not None and not _anchors_before(ps, s) else None
        if found:  # "... 5 years earlier" frames this presentation
            return found
        found = _synchronous_cue(ps, s)
        if found:
            return found
        found = _timeline(ps, s)
        if found:
            return found
        found = _found_at_presentation(ps, s)
        if found:
            return found
    return None


_WE_PRESENT = re.compile(r"\b(?:we|this\s+(?:article|paper|report))\s+(?:present|report|describe|discuss)\b", re.IGNORECASE)


def _series_statement(patient: PatientText) -> list[FieldValue] | None:
    """A case series may say once, in its title or "We present two cases of ... where spinal
    cord compression was the initial presentation", what holds for every patient; the patient's
    own stretches of text leave that sentence out."""
    if not patient.ranges:
        return None
    whole = PatientText.whole(patient.document, patient.doc)
    ps = story_of(whole)
    t = _terms()
    for i, s in enumerate(ps.sentences):
        a, _ = ps.evidence_span(s, 0, len(s.text))
        if patient.contains(a) or not (i == 0 or _WE_PRESENT.search(s.text)):
            continue
        if not (_spinal_cue(s.text) and t["synchronous"].search(s.text)):
            continue
        if _prior_history(s.text):
            continue
        ev = ps.evidence(s)
        return [FieldValue("time_to_spinal_metastasis_months", 0.0, ev), FieldValue("synchronous", True, ev)]
    return None


def _spinal_cue(text: str) -> bool:
    return bool(context()["spinal_site"].search(text))


def extract(patient: PatientText) -> list[FieldValue]:
    """``time_to_spinal_metastasis_months`` and ``synchronous`` of one patient, with evidence."""
    ps = story_of(patient)
    spinal = ps.spinal
    if not spinal:
        return []
    treated = [t[1] for t in spinal_treatments(ps)]
    found = find_time(ps, spinal, treated)
    if found is not None:
        ev = ps.evidence(found.sentence)
        return [
            FieldValue("time_to_spinal_metastasis_months", found.months, ev),
            FieldValue("synchronous", found.synchronous, ev),
        ]
    stated = _series_statement(patient)
    if stated is not None:
        return stated
    later = _order_known(ps, spinal, treated)
    if later is not None:
        return [FieldValue("synchronous", False, ps.evidence(later))]
    return []
