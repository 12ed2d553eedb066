"""The order of one patient's events: when the primary was diagnosed or resected, when the first
spinal metastasis was found, and what places them in time (FIELDS.md
``time_to_spinal_metastasis_months``, ``synchronous``).

A :class:`Timeline` is built once per patient story (:meth:`extract.fields.story.Story.memo`)
from its sentences:

- **primary events**: sentences that diagnose, resect or treat the primary tumour ("underwent a
  distal gastrectomy", "was diagnosed with breast cancer", "a 15-cm omental tumour was excised");
- **the spinal event**: the first sentence of the narrative stating the spinal metastasis, up to
  the spinal treatment (later ones tell the post-operative course); the title and the lines
  around it summarise the report and place no event, though they may state an interval or a
  first sign ("Late spinal metastasis 10 years after ...", "... as the initial presentation of
  breast cancer");
- **the clock** from the primary event to the spinal one: calendar dates ("in May 2011 ... in
  February 2013"), intervals anchored to the primary ("three and a half years after the
  resection", "a seven-year history of renal cell carcinoma", "diagnosed 18 months earlier",
  "after a disease-free interval of 30 months"), relative steps ("Two years later ... Eighteen
  months after that ..."), and ages ("at the age of 49" or "when she was 61" in a now
  57-year-old patient);
- **first signs**: the spinal lesion found at the initial presentation, before the primary was
  known ("as the first manifestation of", "occult primary", "no history of malignancy", a
  vertebral biopsy showing carcinoma after which imaging finds the primary, the primary's mass
  on the same scan, "synchronous", "staging CT at diagnosis") -> 0 months, synchronous;
- **the order only**: the primary told as earlier history ("a known case of breast cancer",
  "previously treated for prostate cancer", "later developed") without an interval ->
  synchronous false, time null.

Cue words live in ``resources/timing_terms.json`` (with ``{DUR}`` a duration, ``{PRIMARY}`` a
primary-tumour word, ``{ANCHOR}`` an event of the primary, ``{ORGAN}`` an organ that holds a
primary) and ``resources/context_terms.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from extract.fields.levels import LEVEL_RE
from extract.fields.persons import age_mentions
from extract.fields.story import Sentence, Story, context, negated
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
def terms() -> dict[str, re.Pattern[str]]:
    """The compiled cue patterns of ``resources/timing_terms.json``."""
    data: dict[str, Any] = json.loads(
        resources.files("extract.fields").joinpath("resources", "timing_terms.json").read_text(encoding="utf-8")
    )
    ctx: dict[str, str] = json.loads(
        resources.files("extract.fields").joinpath("resources", "context_terms.json").read_text(encoding="utf-8")
    )
    # in this order: an anchor may name the primary
    subst = {"ANCHOR": data["anchor"], "PRIMARY": ctx["primary_tumour"], "DUR": DURATION_PATTERN, "ORGAN": data["organ"]}
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


@dataclass(frozen=True)
class Finding:
    """The time to the first spinal metastasis (``months``; None when only the order is told),
    whether it was synchronous, and the words that say so."""

    months: float | None
    synchronous: bool
    sentence: Sentence
    start: int
    end: int


# -- what a sentence says -------------------------------------------------------------------------


def prior_history(text: str) -> re.Match[str] | None:
    """An earlier illness in ``text`` ("had undergone", "a history of breast cancer"), not a
    negated one ("no history of malignancy")."""
    for m in terms()["prior_history"].finditer(text):
        if not negated(text, m.start(), 5):
            return m
    return None


def primary_named(text: str) -> bool:
    """A primary tumour named and not negated ("no history of malignancy" names none)."""
    return any(not negated(text, m.start(), 6) for m in terms()["primary_tumour"].finditer(text))


_OF_A_METASTASIS = re.compile(
    r"(?:metastatic|recurrent|known|metasta\w*\s+(?:of|from)|from|secondary\s+to|due\s+to|history\s+of)\s+"
    r"(?:(?:a|an|the|his|her|its|known|previous|primary|underlying)\s+)?(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


_UNNAMED_TUMOUR = re.compile(r"(?:neoplasms?|malignan\w*|(?:adeno)?carcinomas?|cancers?|sarcomas?|tumou?rs?)", re.IGNORECASE)


#: A cancer's treatment (the cancer itself is ``context()["cancer"]``).
_CANCER_TREATMENT = re.compile(r"\b(?:\w*ectom(?:y|ies)|resect\w*|chemotherap\w*|radiotherap\w*|irradiat\w*)\b",
                               re.IGNORECASE)


def primary_itself(text: str) -> re.Match[str] | None:
    """A mention of the primary tumour itself, named by its kind or organ ("an 8-cm gastric
    GIST", "a diagnosis of thyroid carcinoma", "carcinoma of the breast"), not as the origin of
    a metastasis ("GIST metastases", "metastatic adenocarcinoma", "metastasis from a renal cell
    carcinoma"), not as earlier history, and not a tumour that names no organ ("an invasive
    mass neoplasm at T3": the spinal lesion itself)."""
    organ = terms()["organ"]
    for m in terms()["primary_tumour"].finditer(text):
        if negated(text, m.start(), 6) or re.match(r"[\s-]*metasta", text[m.end():], re.IGNORECASE):
            continue
        if _OF_A_METASTASIS.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        if _UNNAMED_TUMOUR.fullmatch(m.group(0)) and not (
                organ.search(text[max(0, m.start() - 25) : m.start()])
                or re.match(r"\s+(?:of|in|from|arising\s+(?:from|in))\s+(?:the\s+)?(?:[\w-]+\s+)?" + organ.pattern,
                            text[m.end() : m.end() + 50], re.IGNORECASE)):
            continue
        return m
    return None


def known_primary(text: str) -> re.Match[str] | None:
    """A patient introduced with the primary ("A 64-year-old woman with breast cancer"), not
    with its absence ("a 46-year-old woman with no history of malignancy")."""
    for m in terms()["known_primary"].finditer(text):
        if not context()["negation"].search(m.group(0)):
            return m
    return None


def spinal_cue(text: str) -> bool:
    return bool(context()["spinal_site"].search(text))


def _durations(match: re.Match[str]) -> float | None:
    d = DURATION_RE.search(match.group(0))
    if not d:
        return None
    months = duration_months(d)
    return months if months is not None and months > 0 else None


_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|since|during|until|till|from|by|early|late|mid|spring|summer|autumn|fall|winter)[\s-]+|\(\s*)$",
    re.IGNORECASE)


def dates(text: str) -> list[re.Match[str]]:
    """Calendar dates in ``text``; a bare year only after "in", "since", "until" ... (not a
    count such as "PSA of 2000")."""
    return [m for m in DATE_RE.finditer(text)
            if not m.group("year_only") or _YEAR_CONTEXT.search(text[max(0, m.start() - 12) : m.start()])]


def relative_steps(text: str) -> list[tuple[float, int, int]]:
    """Steps of the clock in a sentence ("4 months later", "after 3 years of imatinib",
    "Eighteen months after that")."""
    out = []
    for m in terms()["relative"].finditer(text):
        if terms()["not_a_step_before"].search(text[max(0, m.start() - 60) : m.start()]):
            continue  # "stopped imatinib after 6 months": how long it lasted
        d = DURATION_RE.search(m.group(0))
        months = duration_months(d) if d else None
        if months is not None:
            out.append((months, m.start(), m.end()))
    return out


_AT_AGE = re.compile(
    r"\b(?:at\s+(?:the\s+)?age\s+(?:of\s+)?(?P<a1>\d{1,3})(?!\s*(?:months?|weeks?|days?))"
    r"|at\s+(?P<a2>\d{1,3})\s+(?:years?|yrs?)\s+(?:of\s+age|old)"
    r"|aged\s+(?P<a3>\d{1,3})(?!\s*(?:months?|weeks?|days?))"
    r"|when\s+(?:he|she|the\s+patient)\s+was\s+(?:aged\s+)?(?P<a4>\d{1,3})(?!\s*(?:months?|weeks?|days?))"
    r"|at\s+(?P<a5>\d{2})(?=,?\s+(?:he|she|the\s+patient)\s+(?:had|was|underwent|received|presented|developed|noticed|"
    r"reported|complained|experienced|suffered|began|started|sought|came|returned|\w+ed)\b))\b",
    re.IGNORECASE)


def age_then(text: str) -> re.Match[str] | None:
    """The patient's age at an earlier event ("at the age of 45", "At 49 years of age", "when
    she was 61")."""
    return _AT_AGE.search(text)


def _age_value(m: re.Match[str]) -> int:
    return int(m.group("a1") or m.group("a2") or m.group("a3") or m.group("a4") or m.group("a5"))


# -- the timeline -----------------------------------------------------------------------------------


_RESECTION = re.compile(r"\b\w+ectom(?:y|ies)\b|\b(?:low\s+anterior|abdominoperineal|anterior|wedge|segmental|"
                        r"partial|subtotal|total|radical|curative|complete|laparoscopic|transanal|en\s+bloc)\s+resection\b",
                        re.IGNORECASE)
_TUMOUR_REMOVED = re.compile(
    r"\b(?:tumou?r|mass|lesion|neoplasm|GISTs?|carcinoma|cancer|sarcoma|melanoma)\b[^.;]{0,120}?\b(?:resected|excised|removed|extirpated)\b"
    r"|\b(?:resection|excision|removal)\s+of\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?(?:tumou?r|mass|lesion|neoplasm|GISTs?|carcinoma|cancer|sarcoma|melanoma)\b",
    re.IGNORECASE)
_NOT_THE_PRIMARY = re.compile(
    r"\b(?:lamin\w*|hemilamin\w*|corp\w*|vertebr\w*|spondyl\w*|\w*disc\w*|facet\w*|costotransvers\w*|pedicul\w*"
    r"|lymphaden\w*|lymphnod\w*|metastas\w*|craniect\w*|cholecyst\w*|append\w*|tonsill\w*|adenoid\w*)ectom",
    re.IGNORECASE)


def resects_primary(text: str) -> bool:
    """An operation on the primary's organ ("underwent a distal gastrectomy", "low anterior
    resection", "a 15-cm tumour was found within the greater omentum and was excised"), not a
    spinal or nodal one ("laminectomy", "lymphadenectomy") nor a metastasectomy."""
    if any(not _NOT_THE_PRIMARY.match(m.group(0)) and not negated(text, m.start(), 4)
           for m in _RESECTION.finditer(text)):
        return True
    m = _TUMOUR_REMOVED.search(text)
    return bool(m) and not spinal_cue(text) and not re.search(r"metasta", text, re.IGNORECASE)


#: "synchronous liver metastases": the word dates another organ's metastases, not the spine's
_OTHER_ORGAN_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:liver|hepatic|lungs?|pulmonary|peritoneal|omental|nodal|lymph|adrenal|brain|cerebral|"
    r"skin|cutaneous|pleural|splenic|ovarian)\b", re.IGNORECASE)


def _spine_named_at(text: str) -> int | None:
    """Where ``text`` first names the spine or a vertebral level, or None."""
    found = [m.start() for m in (context()["spinal_site"].search(text), LEVEL_RE.search(text)) if m]
    return min(found) if found else None


def _spine_clause_end(text: str) -> int:
    """The end of the clause of ``text`` that first names the spine (the whole text when none)."""
    at = _spine_named_at(text)
    if at is None:
        return len(text)
    return next((hi for lo, hi in clause_bounds(text) if lo <= at < hi), len(text))


def _dates_other_organ(clause: str, at: int) -> bool:
    """The word before ``clause[at]`` dates another organ's metastases and not the spine's:
    "synchronous liver metastases", not "synchronous liver and L2 metastases"."""
    if not _OTHER_ORGAN_AFTER.match(clause, at):
        return False
    phrase = re.split(r"(?i)metasta\w*|[;.]", clause[at : at + 100], maxsplit=1)[0]
    return not (spinal_cue(phrase) or LEVEL_RE.search(phrase))


class Timeline:
    """The events of one patient's story, in the order the text tells them."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.sentences = story.sentences
        spinal = [s for s in story.spinal]
        treatments = spinal_treatments(story)
        treated = [t[1] for t in treatments]
        #: where the story first tells an operation on the spine (not a title's summary)
        self.first_operated = min((t[1].index for t in treatments if t[0] in _OPERATIONS and not t[1].summary),
                                  default=None)
        first_found: dict[int, int] = {}
        for s in spinal:
            if not s.summary:
                first_found.setdefault(s.block, s.index)
        first_treated: dict[int, int] = {}
        ctx = context()
        for x in sorted(treated, key=lambda x: x.index):
            # a title naming the treatment tells no order of events, and a treatment told
            # before the spinal finding (the primary's adjuvant chemotherapy) is not its own;
            # nor is one that tells no event of the patient ("the management of such metastases
            # has moved towards separation surgery followed by SBRT")
            if not (x.strong_patient or ctx["narrative"].search(x.text) or ctx["our_patient"].search(x.text)):
                continue
            if not x.summary and x.index >= first_found.get(x.block, x.index):
                first_treated.setdefault(x.block, x.index)
        #: The sentences stating the spinal metastasis up to the first naming its treatment in
        #: their block (later ones tell the post-operative course).
        self.spinal = [s for s in spinal if s.index <= first_treated.get(s.block, s.index)]

    # -- events ------------------------------------------------------------------------------

    def is_primary_event(self, x: Sentence) -> bool:
        """``x`` diagnoses, resects or treats the primary tumour."""
        if not x.kept or x.summary:
            return False
        t = terms()
        if primary_named(x.text) and t["primary_event"].search(x.text):
            return True
        if resects_primary(x.text):
            return not spinal_cue(x.text) or bool(prior_history(x.text))
        return False

    def primary_events_before(self, s: Sentence, same_block: bool = True) -> list[Sentence]:
        return [x for x in self.sentences[: s.index]
                if (not same_block or x.block == s.block) and self.is_primary_event(x)]

    def history_before(self, s: Sentence) -> bool:
        """An earlier illness of the cancer told before ``s`` in its block ("had undergone
        gastrectomy", "history of ..."), not an unrelated one ("an old disc herniation had been
        noted three years before")."""
        return any(x.kept and x.block == s.block and not x.summary and prior_history(x.text)
                   and (primary_named(x.text) or resects_primary(x.text) or context()["cancer"].search(x.text)
                        or _CANCER_TREATMENT.search(x.text))
                   for x in self.sentences[: s.index])

    def history_told_after(self, s: Sentence, window: int = 3) -> Sentence | None:
        """The primary's earlier history told right after the spinal finding: "On admission, MRI
        showed a metastasis of T10. He had undergone gastrectomy for a GIST 5 years earlier."."""
        following = [x for x in self.sentences[s.index + 1 :] if x.kept and x.block == s.block][:window]
        for x in following:
            if primary_named(x.text) and prior_history(x.text):
                return x
        return None

    # -- intervals -----------------------------------------------------------------------------

    def anchored(self, s: Sentence) -> Finding | None:
        """An interval tied to the primary within the sentence ("10 years after surgery", "a
        seven-year history of renal cell carcinoma", "gastrectomy 5 years earlier"); of several,
        the one in the clause that names the spine ("liver metastases two years after the
        operation, but three and a half years after the resection a collapse of T4")."""
        t = terms()
        found: list[tuple[float, int, int]] = []
        for key in ("after_anchor", "history_of_primary", "ago"):
            for m in t[key].finditer(s.text):
                months = _durations(m)
                if months is None:
                    continue
                if key == "ago":
                    # the primary's event in the clause the duration closes ("had been treated for
                    # breast cancer 8 years earlier"), not another event of its sentence ("..., and
                    # had been discharged from follow-up one year before")
                    clause = _clause_of(s.text, m.start(), m.end())
                    if not (primary_named(clause) or t["primary_event"].search(clause)) and _set_off(s.text, m):
                        # ", three years and four months before," set off by commas dates the
                        # main clause ("She had undergone resection of the tumour, which ...,")
                        first = _CLAUSE_START.search(s.text)
                        clause = s.text[: first.start() if first else m.start()]
                    if not (primary_named(clause) or t["primary_event"].search(clause)):
                        continue
                found.append((months, m.start(), m.end()))
        if not found:
            return None
        bounds = clause_bounds(s.text)
        spinal = [(a, b) for a, b in bounds if spinal_cue(s.text[a:b]) or LEVEL_RE.search(s.text[a:b])]
        if len(found) > 1 and spinal and len(spinal) < len(bounds):
            for a, b in spinal:
                inside = [f for f in found if a <= f[1] < b]
                if inside:
                    months, start, end = inside[0]
                    return Finding(months, False, s, start, end)
        months, start, end = min(found, key=lambda f: f[1])
        return Finding(months, False, s, start, end)

    def _anchored_before_operation(self, s: Sentence) -> Finding | None:
        """:meth:`anchored`, but not an interval after an unnamed operation once the story has told
        the operation on the spine ("One year after surgery she is ambulant"): that counts from
        the spinal operation, a follow-up."""
        found = self.anchored(s)
        return None if found and self._after_spinal_operation(found) else found

    def _after_spinal_operation(self, found: Finding) -> bool:
        s = found.sentence
        return self.first_operated is not None and self.first_operated < s.index \
            and bool(_UNNAMED_OPERATION.search(s.text, found.start, found.end))

    def clock(self, s: Sentence) -> Finding | None:
        """Walk from the sentence that first diagnoses or resects the primary to the spinal one:
        dated events, intervals anchored to the primary, relative steps, or the patient's age
        then and now. The clock is set by a date or an anchored interval and moved by steps."""
        anchors = self.primary_events_before(s) or self.primary_events_before(s, same_block=False)
        if not anchors and self.is_primary_event(s) and (len(dates(s.text)) > 1 or age_then(s.text) or self._step_after_event(s)):
            # the primary's date (or age) and the presentation's in the spinal sentence, or a step
            # after its event there ("a carcinoma removed; the T9 metastasis appeared 30 months later")
            anchors = [s]
        if not anchors:
            return None
        anchor = anchors[0]
        anchor_dates = dates(anchor.text)
        origin = date_months(anchor_dates[0]) if anchor_dates else None
        clock: float | None = None
        last: tuple[Sentence, int, int] | None = None
        dated_or_framed = False
        if len(anchor_dates) > 1 and origin:
            # "thyroidectomy for thyroid carcinoma in 2005 presented in 2016 with sacral pain"
            later = date_months(anchor_dates[-1])
            if later and months_between(origin, later) > 0:
                clock, last = months_between(origin, later), (anchor, anchor_dates[-1].start(), anchor_dates[-1].end())
                dated_or_framed = True
        # the sentences between, in the spinal sentence's block (an abstract's summary and the
        # case's narrative tell the same steps twice)
        walk = [anchor, *[x for x in self.sentences[anchor.index + 1 : s.index + 1] if x.block == s.block]]
        for x in walk:
            if not x.kept or x.summary:
                continue
            if x is not anchor:
                # "negative until early 2020": the end of a quiet spell bounds the finding, it is
                # no event of its own ("... until December 2002, when a foot drop developed" is)
                dated = [(date_months(m), m) for m in dates(x.text)
                         if not (_UNTIL.search(x.text, 0, m.start()) and not _WHEN.match(x.text, m.end()))]
                if origin and dated and dated[0][0]:
                    delta = months_between(origin, dated[0][0])  # type: ignore[arg-type]
                    if delta >= 0:
                        clock, last = delta, (x, dated[0][1].start(), dated[0][1].end())
                        dated_or_framed = True
                        continue
            framed = self.anchored(x)
            if framed is not None:  # "2 years after surgery, liver metastases", "diagnosed 18 months earlier"
                clock, last = framed.months, (x, framed.start, framed.end)
                dated_or_framed = True
                continue
            # in the primary's own sentence, only the steps after its event ("underwent
            # gastrectomy; two years later ...")
            event = terms()["primary_event"].search(x.text) if x is anchor else None
            # in the spinal sentence, only the steps up to the clause that names the spine ("... had
            # a T7 metastasis found at diagnosis; ... alive 14 months later" tells the follow-up)
            spine_clause_end = _spine_clause_end(x.text) if x is s or x is anchor else len(x.text)
            for months, a, b in relative_steps(x.text):
                if a >= spine_clause_end:
                    continue
                if event is None or a > event.start():
                    clock = (clock or 0.0) + months
                    last = (x, a, b)
        if origin and anchor is not s and prior_history(anchor.text) and (clock is None or dated_or_framed):
            # a flashback: the presentation, dated, is told before the primary's history ("was
            # referred in 2020 with back pain. In 2013 she had undergone resection ..."); the
            # history's own later dates ("the last CT, in 06/2013") come before it
            for x in reversed(self.sentences[: anchor.index]):
                if x.block != anchor.block:
                    break
                if not x.kept or x.summary:
                    continue
                told_later = [(months_between(origin, d), m) for m in dates(x.text)
                              if (d := date_months(m)) and months_between(origin, d) > 0]
                if told_later:
                    presented, m = told_later[-1]
                    if clock is None or clock <= presented:
                        clock, last = presented, (x, m.start(), m.end())
                        dated_or_framed = True
                    break
        then = age_then(anchor.text)
        # the age now: the last age told on the way to the spinal sentence, with no step of the
        # clock after it ("At 63 she reported lumbar pain. MRI showed ..."; "At the age of 47 she
        # developed ..."), else the patient's at the presentation
        now_then = None
        if then and s is not anchor:
            for x in reversed(walk[1:]):
                if not x.kept or x.summary:
                    continue
                if (now_then := age_then(x.text)) is not None or relative_steps(x.text) or dates(x.text):
                    break
        now = float(_age_value(now_then)) if now_then else self._age_now() if then else None
        if then and now is not None and now > _age_value(then) and not dated_or_framed:
            # the patient's age then and now frame the whole interval ("at the age of 49" in a
            # now 57-year-old): steps between are parts of it
            clock, last = (now - _age_value(then)) * 12.0, (anchor, then.start(), then.end())
        if clock is None or last is None:
            return None
        return Finding(round(clock, 1), clock == 0, last[0], last[1], last[2])

    def _step_after_event(self, s: Sentence) -> bool:
        event = terms()["primary_event"].search(s.text)
        return event is not None and any(a > event.start() for _, a, _ in relative_steps(s.text))

    def _age_now(self) -> float | None:
        """The patient's age at the presentation the report is about ("A 57-year-old woman")."""
        for x in self.sentences:
            if not x.kept:
                continue
            for m in age_mentions(x.text):
                if m.kind == "adjective":
                    return m.value
        return None

    # -- first signs ---------------------------------------------------------------------------

    def first_sign(self, s: Sentence) -> Finding | None:
        """The spinal metastasis found at the initial presentation, said so in the clause that
        names the spine ("at initial presentation", "synchronous", "staging CT"), or the primary
        found in the same presentation ("It was later discovered that he was suffering from lung
        cancer", "biopsy-confirmed prostate cancer")."""
        t = terms()
        # an earlier illness, or a "later", up to the clause that names the spine (what follows
        # it tells the treatment and the follow-up: "...; she was alive 14 months later")
        if prior_history(s.text[: _spine_clause_end(s.text)]):
            return None
        clauses = spinal_clauses(s.text)
        if not t["later_event"].search(s.text):
            # "Back pain was the first symptom of metastatic prostate cancer; MRI showed ... L2"
            clauses.append((0, s.text))
        for a, clause in clauses:
            m = next((x for x in t["synchronous"].finditer(clause) if not _dates_other_organ(clause, x.end())), None) \
                or t["primary_found_with"].search(clause) or t["at_diagnosis"].search(clause)
            if m is None and not self.primary_events_before(s) and self.history_told_after(s) is None:
                # "at presentation" is the initial one only for a patient with no earlier history
                m = t["at_presentation"].search(clause)
            if m:
                return Finding(0.0, True, s, a + m.start(), a + m.end())
        following = [x for x in self.sentences[s.index + 1 : s.index + 3] if x.kept]
        for x in [s, *following]:
            m = t["primary_found_later"].search(x.text)
            if m and not prior_history(x.text):
                return Finding(0.0, True, x, m.start(), m.end())
        # the metastases of one work-up said to be found at diagnosis, the spine named in the
        # sentence before or after ("diagnosed with a gastric GIST with synchronous bone
        # metastases. MRI showed lesions of T12 and L3.")
        if not t["later_than_presentation"].search(s.text):
            near = [x for x in self.sentences[max(0, s.index - 2) : s.index + 2]
                    if x is not s and x.kept and not x.summary and x.block == s.block]
            for x in near:
                if not re.search(r"metasta|disease", x.text, re.IGNORECASE) or prior_history(x.text):
                    continue
                m = t["synchronous"].search(x.text) or t["at_diagnosis"].search(x.text)
                if m:
                    return Finding(0.0, True, x, m.start(), m.end())
        return None

    def found_at_presentation(self, s: Sentence) -> Finding | None:
        """A patient with no earlier history of the primary, whose spinal lesion is told with
        the primary itself ("presented with an 8-cm gastric GIST, liver metastases and a lytic
        lesion at T7", "CT showed a gastric mass and osteolytic metastases of Th12 and L1"), or
        whose work-up for the spinal lesion then finds the primary ("Biopsy of the gastric mass
        confirmed GIST", "Further evaluation led to the diagnosis of a gastric GIST", "a
        subsequent CT of the chest identified a lung mass") -> 0."""
        t = terms()
        if self.primary_events_before(s) or prior_history(s.text) or self.history_before(s) or self.history_told_after(s):
            return None
        if t["later_than_presentation"].search(s.text):
            return None
        window = [s]  # the work-up: the rest of the block, up to a sentence telling earlier history
        for x in self.sentences[s.index + 1 :]:
            if x.block != s.block or prior_history(x.text):
                break
            if x.kept and not x.summary:
                window.append(x)
        # the primary's own mass seen in the same work-up ("CT revealed a renal mass and ...")
        primary_seen = any(t["primary_mass_found"].search(x.text) for x in window)
        same_scan = t["primary_mass_found"].search(s.text)
        if same_scan:
            return Finding(0.0, True, s, same_scan.start(), same_scan.end())
        for x in window:
            m = t["primary_confirmed"].search(x.text)
            if m is not None:
                # "biopsy confirmed metastatic carcinoma" names the primary only if its organ is
                # named or its mass was seen
                named = m.group(0) + x.text[m.end() : m.end() + 30]
                if not re.search(r"metasta", m.group(0), re.IGNORECASE) or primary_seen or t["organ"].search(named):
                    return Finding(0.0, True, x, m.start(), m.end())
            if x is s:
                continue
            found = t["primary_mass_found"].search(x.text)
            if found is None and t["diagnosis"].search(x.text):
                found = primary_itself(x.text)
            if found is not None:
                return Finding(0.0, True, x, found.start(), found.end())
        return None

    # -- the answer -------------------------------------------------------------------------------

    def time_to_spinal(self) -> Finding | None:
        """The interval to the first spinal metastasis, or 0 when it was the first sign.

        Each spinal sentence is read in text order; what a sentence states outright (an interval
        tied to the primary, a clock that moved from the primary's event, a first-sign cue such
        as "at initial presentation") wins over what is inferred from the order of the work-up
        (the primary found after the spinal lesion), which counts only when no sentence tells an
        earlier history of the primary."""
        inferred: Finding | None = None
        rounded: Finding | None = None
        for s in self.spinal:
            found = self._anchored_before_operation(s)
            if found and _APPROXIMATE.search(s.text[max(0, found.start - 25) : found.start]) and not rounded:
                rounded = found  # "more than five years after": a later exact figure wins
                continue
            if found:
                return found
            if s.summary:  # the title states an interval or a first sign, never a timeline
                found = self.first_sign(s)
                if found:
                    return found
                continue
            told_after = self.history_told_after(s)
            found = self._anchored_before_operation(told_after) if told_after is not None and not self.primary_events_before(s) else None
            if found:  # "... 5 years earlier" frames this presentation
                return found
            # a clock that moved from an earlier primary comes first: a "staging CT" years after
            # the mastectomy is a restaging
            clock = self.clock(s)
            if clock is not None and self._after_spinal_operation(clock):
                clock = None
            if clock is not None and clock.months:
                return clock
            found = self.first_sign(s) or clock
            if found:
                return found
            inferred = inferred or self.found_at_presentation(s)
        if rounded is not None:
            return rounded
        if inferred is not None and not self.history_anywhere():
            return inferred
        return self._presented_with_it()

    def _presented_with_it(self) -> Finding | None:
        """No cancer told before the spine: no earlier history of a primary anywhere, no event of
        the primary before the first spinal statement, and that statement names the vertebral
        level ("A 58-year-old man presented with back pain. MRI showed a destructive lesion of T9
        ..."): the spinal metastasis is how the cancer presented (FIELDS.md: 0, synchronous)."""
        first = next((x for x in self.spinal if not x.summary), None)
        if first is None or self.history_anywhere() or self.primary_events_before(first, same_block=False):
            return None
        if any(self.history_before(x) or prior_history(x.text) for x in self.spinal):
            return None
        if not any(lm.sentence is first for lm in self.story.levels):
            return None
        if self.order_known() is not None or primary_named(first.text):
            return None
        return Finding(0.0, True, first, 0, len(first.text))

    def history_anywhere(self) -> bool:
        """Some sentence of the story tells the primary as earlier history ("He had undergone
        gastrectomy for a GIST 5 years earlier")."""
        return any(x.kept and not x.summary and primary_named(x.text) and prior_history(x.text)
                   for x in self.sentences)

    def order_known(self) -> Sentence | None:
        """A sentence showing the spinal metastasis came after the primary (no interval given)."""
        t = terms()
        for s in self.spinal:
            if not s.summary and (t["later_event"].search(s.text) or prior_history(s.text)):
                return s
        narrative = [s for s in self.spinal if not s.summary]
        if not narrative:
            return None
        first = narrative[0]
        told_after = self.history_told_after(first)
        if told_after is not None:
            return told_after
        for x in self.primary_events_before(first):  # "had received chemotherapy for breast cancer 2 years earlier"
            if prior_history(x.text) or t["ago"].search(x.text) or resects_primary(x.text):
                return x  # ... or "underwent hysterectomy for endometrial carcinoma", then the spine
        # "A 64-year-old woman with breast cancer presented with back pain"
        for x in self.sentences[: first.index + 1]:
            if x.kept and not x.summary and known_primary(x.text) and not t["synchronous"].search(x.text):
                return x
        return None


_CLAUSE_START = re.compile(r"[;:,(]|\band\s+(?=(?:had|has|was|were|is|then|later|he|she)\b)", re.IGNORECASE)

#: before a duration: a rounded figure ("more than five years after the resection")
_APPROXIMATE = re.compile(r"\b(?:more\s+than|over|nearly|almost|about|approximately|around|roughly|at\s+least|some|>)\s*+$",
                          re.IGNORECASE)


_UNTIL = re.compile(r"(?i)\b(?:until|till|up\s+to)\s+(?:(?:early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+)?$")
_WHEN = re.compile(r"(?i)\s*,?\s*(?:when|at\s+which\s+(?:time|point))\b")  # "... until December 2002, when he developed"
_OPERATIONS = frozenset({"en bloc corpectomy", "total en bloc spondylectomy", "corpectomy", "tumor resection",
                         "decompression", "instrumentation", "vertebroplasty", "kyphoplasty"})
#: an interval after an operation the words do not name ("after surgery", "postoperatively")
_UNNAMED_OPERATION = re.compile(r"(?i)\b(?:after|following|since|from)\s+(?:the\s+|his\s+|her\s+)?(?:surgery|operation|procedure)\b"
                                r"|\bpost-?operative(?:ly)?\b")


def _set_off(text: str, m: re.Match[str]) -> bool:
    """``m`` stands between commas, an adverbial of the sentence's main clause."""
    return bool(re.search(r",\s*$", text[: m.start()]) and re.match(r"\s*,", text[m.end() :]))


def _clause_of(text: str, start: int, end: int) -> str:
    """The clause of ``text`` holding ``text[start:end]``; a fronted phrase ("Two years prior to
    presentation, he was diagnosed ...") takes the clause after it."""
    cuts = [m.start() for m in _CLAUSE_START.finditer(text)]
    lo = max((c for c in cuts if c <= start), default=0)
    later = [c for c in cuts if c >= end]
    hi = later[0] if later else len(text)
    if not text[lo:start].strip(" ,;:("):
        semi = text.find(";", end)
        hi = semi if semi >= 0 else len(text)
    return text[lo:hi]


_LATER_CLAUSE = re.compile(
    r";|\b(?:but|whereas)\b|,?\s+\band\s+(?:then\s+|had\s+)?(?:later|subsequently|eventually|thereafter)\b"
    r"|,\s+(?:later|subsequently|eventually|thereafter)\b", re.IGNORECASE)


def clause_bounds(text: str) -> list[tuple[int, int]]:
    """The clauses of ``text``, split where a later event begins ("with synchronous liver
    metastases and later developed an L2 metastasis")."""
    bounds = [0, *[m.start() for m in _LATER_CLAUSE.finditer(text)], len(text)]
    return [(a, b) for a, b in pairwise(bounds) if text[a:b].strip()]


def spinal_clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) of the clauses of ``text`` that name the spine; the whole text when no
    clause names it."""
    clauses = [(a, text[a:b]) for a, b in clause_bounds(text)]
    spinal = [(a, c) for a, c in clauses if spinal_cue(c) or LEVEL_RE.search(c)]
    return spinal or [(0, text)]


def timeline_of(story: Story) -> Timeline:
    """The patient's timeline, built once per story."""
    return story.memo("timeline", lambda: Timeline(story))
