"""One patient's story: the sentences that tell it, the mentions in them, the events they order.

Every field module reads a patient through :func:`story_of`, which is built once per
:class:`~extract.fields.PatientText` and kept on it:

- **sentences** (:class:`Sentence`): the patient's text flattened (PDF line breaks and
  hyphenation undone, offsets kept) and split once; each sentence knows its section ("case" or
  "other"), its block (the top-level heading it sits under) and whether it speaks of this patient
  (``kept``: not the literature, not medicine in general, not another patient);
- **mentions**: the vertebral levels named as the patient's metastasis (:attr:`Story.levels`), the
  sentences stating the spinal metastasis (:attr:`Story.spinal`);
- **events**: the timeline of :mod:`extract.fields.timeline` (primary diagnosed or resected,
  spinal metastasis found), kept in :meth:`Story.memo` like any derived model.

Context words live in ``resources/context_terms.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, TypeVar

from extract.fields import PatientText, make_evidence
from extract.fields.levels import (
    COCCYX_RE,
    DASHES,
    LEVEL_RE,
    MRI_RE,
    ORDINAL_LEVEL_RE,
    SACRUM_RE,
    WHOLE_REGION_RE,
    levels_of_match,
    ordinal_levels,
    region_levels,
)
from extract.fields.patients import title_end
from extract.fields.units import FlatText

T = TypeVar("T")


@lru_cache(maxsize=1)
def context() -> dict[str, re.Pattern[str]]:
    """The compiled patterns of ``resources/context_terms.json``."""
    data: dict[str, str] = json.loads(
        resources.files("extract.fields").joinpath("resources", "context_terms.json").read_text(encoding="utf-8")
    )
    return {k: re.compile(v, re.IGNORECASE) for k, v in data.items() if not k.startswith("_")}


_ABBREV = re.compile(r"(?:\b(?:fig|figs|et al|e\.g|i\.e|dr|vs|no|approx|ca|mr|mrs|ms|st|ref|refs|resp|vol|pp|cf)|\b[A-Z])\.$", re.IGNORECASE)
_HEADING_WORDS = r"(?:Abstract|ABSTRACT|Background|BACKGROUND|Introduction|INTRODUCTION|Case\s+(?:presentation|report|description)|CASE\s+(?:PRESENTATION|REPORT)|Conclusions?|CONCLUSIONS?|Discussion|DISCUSSION)"
#: Sentence ends; also before a heading run into the line by a reader ("... a case report Abstract
#: Introduction Paragangliomas are rare ...").
_SPLIT = re.compile(r"\n+|(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])|(?<=[a-z,:;)])\s+(?=" + _HEADING_WORDS + r"\s+[A-Z])")
_TOP_HEADING = re.compile(
    r"(?:abstract|summary|case\s+(?:report|presentation|description|history|summary|details?|study|\d+)|"
    r"presentation\s+of\s+(?:the\s+)?case|patient\s+\d+|introduction|background|discussion|conclusions?|"
    r"methods?|results?)\b", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([A-Z][A-Za-z ]{2,40}?)\s*:\s*|^\s*(" + _HEADING_WORDS + r")\s+(?=[A-Z])")


_OUR_CASE = re.compile(r"\b(?:our|the\s+present|this)\s+(?:patient|case)\b|\bwe\s+(?:present|report|describe)", re.IGNORECASE)
_LITERATURE = re.compile(r"\b(?:reported|described|published|reports|literature|series|for\s+instance|"
                         r"among\s+them|authors?)\b", re.IGNORECASE)
_CITATION = re.compile(r"\[\s*\d|\(\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\)|\bet\s+al\b|\bref(?:erence)?s?\.?\s*\d", re.IGNORECASE)


@dataclass
class Sentence:
    """A sentence of the patient's text: ``text`` is flat (one line); ``flat_start`` its
    position in :attr:`Story.flat`."""

    text: str
    flat_start: int
    section: str  # "case" or "other"
    kept: bool  # about this patient (not the literature, not medicine in general)
    strong_patient: bool
    index: int = 0
    block: int = 0  # sentences under the same top-level heading (abstract, case presentation ...)
    start: int = 0  # where the sentence starts in ``document.text``
    #: In the title (or the lines around it): a summary of the report, not an event of its story.
    summary: bool = False


@dataclass(eq=False)
class Story:
    """One patient's sentences (and, computed once when first asked, the mentions and events
    in them). Build it with :func:`story_of`."""

    patient: PatientText
    flat: FlatText
    sentences: list[Sentence] = field(default_factory=list)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``build()`` once per story: a derived model (the treatments, the timeline) that
        several field modules read."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    @cached_property
    def levels(self) -> list[LevelMention]:
        """Vertebral levels named as involved by this patient's metastasis."""
        return level_mentions(self)

    @cached_property
    def spinal(self) -> list[Sentence]:
        """The sentences that state this patient's spinal metastasis, in text order."""
        return spinal_sentences(self, self.levels)

    def evidence_span(self, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
        """Source offsets of ``sentence.text[start:end]``."""
        return self.flat.span(sentence.flat_start + start, sentence.flat_start + end)

    def evidence(self, sentence: Sentence, start: int = 0, end: int | None = None) -> Any:
        a, b = self.evidence_span(sentence, start, len(sentence.text) if end is None else end)
        return make_evidence(self.patient.document, a, b)


def _ranges(patient: PatientText) -> list[tuple[int, int]]:
    return sorted(patient.ranges)


_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+(?=[A-Z])")


def _section_kind(text: str) -> tuple[str | None, bool]:
    """("case"|"other"|"stop"|None, whether the sentence is only a heading)."""
    ctx = context()
    head = _NUMBERING.sub("", text.strip(), count=1)  # "3 Case presentation", "2.1. Imaging"
    m = _LABEL.match(head)
    candidate = (m.group(1) or m.group(2)) if m else head
    only_heading = not m and len(head.split()) <= 7 and not head.endswith(".")
    if not m and not only_heading:
        return None, False
    if ctx["section_stop"].match(candidate):
        return "stop", only_heading
    if ctx["section_other"].match(candidate):
        return "other", only_heading
    if ctx["section_case"].match(candidate):
        return "case", only_heading
    return None, False


def story_of(patient: PatientText) -> Story:
    """The patient's story, built once and kept on ``patient``."""
    story = patient.cache.get("story")
    if story is None:
        story = patient.cache["story"] = _tell(patient)
    assert isinstance(story, Story)
    return story


def _tell(patient: PatientText) -> Story:
    """Split the patient's text into sentences and mark those about this patient."""
    ctx = context()
    flat = FlatText(patient.document.text, _ranges(patient))
    out = Story(patient, flat)
    title = title_end(patient.document)
    kind = "case"
    block = 0
    pieces: list[tuple[int, str]] = []
    start = 0
    for m in _SPLIT.finditer(flat.text):
        chunk = flat.text[start : m.start()]
        if m.group(0).strip() == "" and "\n" not in m.group(0) and _ABBREV.search(chunk):
            continue
        pieces.append((start, chunk))
        start = m.end()
    pieces.append((start, flat.text[start:]))
    # the title ends a sentence even where the reader ran it into the next line
    cut = next((i for i in range(len(flat.text)) if flat.offset(i) >= title), len(flat.text)) if title else 0
    pieces = [part for pos, chunk in pieces for part in (
        [(pos, chunk[: cut - pos]), (cut, chunk[cut - pos :])] if pos < cut < pos + len(chunk) else [(pos, chunk)])]
    for pos, chunk in pieces:
        if not chunk.strip():
            continue
        sec, only_heading = _section_kind(chunk)
        if sec == "stop":
            break
        if sec:
            kind = sec
            if _TOP_HEADING.match(_NUMBERING.sub("", chunk.strip(), count=1)):
                block += 1
        if only_heading:
            continue
        strong = bool(re.search(
            r"\b(?:our\s+(?:patient|case)|we\s+(?:present|report|describe|herein)|(?:the|this|present)\s+patient|(?:this|the\s+present)\s+case|"
            r"an?\s+\d+[-\s](?:year|month)[-\s]old|(?:first|second|third|fourth)\s+patient)\b", chunk, re.IGNORECASE))
        others = bool(ctx["other_patient"].search(chunk)) and not (
            # "Among previously reported cases, ... ; our patient, by contrast, had ...": the
            # patient's own clause keeps the sentence (its other clause is left out clause by clause)
            _OUR_CASE.search(chunk) and any(_OUR_CASE.search(c) and not ctx["other_patient"].search(c)
                                            for _, c in clauses(chunk)))
        generic = (bool(ctx["generic"].search(chunk)) and not strong) or others
        if kind == "other" and strong and not _OUR_CASE.search(chunk) and (_CITATION.search(chunk) or _LITERATURE.search(chunk)):
            # Discussion: "A 55-year-old woman developed a T8 metastasis ... [5].", "several
            # reports have described vertebral deposits, for instance in a 24-year-old man ..."
            generic = True
        start = flat.offset(pos)
        if kind == "other":
            narrative = bool(re.search(r"(?<!\bhas )(?<!\bhave )" + ctx["narrative"].pattern, chunk, re.IGNORECASE))
            patient_ref = strong or bool(ctx["our_patient"].search(chunk))
            kept = not generic and (patient_ref or narrative)
        elif start < title:  # a title speaks of this report ("... a case report and review of the literature")
            kept = not re.search(r"\bet\s+al\b|\[\s*\d", chunk)
        else:
            # in the story, a sentence that tells events ("He reported worsening back pain", "MRI
            # showed a rare metastasis") is the patient's; a general statement ("Spinal
            # metastases are rare") is not
            told = re.finditer(r"(?<!\bhas )(?<!\bhave )(?<!\bbeen )(?<!\bis )(?<!\bare )(?<!\bbe )"
                               + ctx["narrative"].pattern, chunk, re.IGNORECASE)
            narrative = any(m.group(0).lower() not in ("was", "were", "had") for m in told)
            patient_ref = bool(ctx["our_patient"].search(chunk))
            # in the case itself, a word of the literature ("as in previously reported cases") does
            # not make a sentence that tells an event someone else's, unless it cites
            kept = (not others or (narrative and not _CITATION.search(chunk))) and (not generic or narrative or patient_ref)
        if ctx["publication_metadata"].search(chunk) and not (
                ctx["our_patient"].search(chunk) and re.search(ctx["narrative"].pattern, chunk, re.IGNORECASE)):
            # "Received 22 May 2013; accepted 27 June 2013": no event of the story (a page's
            # footer run into a sentence that tells the patient's events keeps it)
            kept = False
        out.sentences.append(Sentence(chunk, pos, kind, kept, strong, len(out.sentences), block, start,
                                      summary=start < title))
    return out


def negated(text: str, pos: int, words: int = 6) -> bool:
    """A negation cue among the ``words`` words before ``text[pos]`` in the same clause."""
    before = re.split(r"[;:,]|\bbut\b|\bexcept\b|\bwhereas\b|\bhowever\b|\bwhich\b|\bwho\b", text[:pos])[-1]
    tail = " ".join(before.split()[-words:])
    return bool(context()["negation"].search(tail))


# -- spinal mentions ---------------------------------------------------------------------


@dataclass
class LevelMention:
    sentence: Sentence
    start: int
    end: int
    levels: list[str]


#: "laminectomy for an L2 metastasis": the level names the lesion a procedure treats, not the
#: procedure's extent ("laminectomy of T1-T4").
_FOR_THE_LESION = re.compile(r"\b(?:for|because\s+of|due\s+to|to\s+treat|to\s+remove)\W+(?:(?:the|an?|his|her|a\s+\w+)\W+)?$", re.IGNORECASE)
_LESION_AFTER = re.compile(r"\W*(?:vertebra\w*\s+)?(?:body\s+)?(?:metasta\w*|lesions?|tumou?rs?|mass|deposits?|fractures?|collapse)\b", re.IGNORECASE)


_CHEMOTHERAPY = re.compile(r"\b(?:chemotherapy|oxaliplatin|cisplatin|carboplatin|docetaxel|paclitaxel|capecitabine|"
                           r"gemcitabine|irinotecan|tegafur|SOX|XELOX|FOLFOX|regimen|oral\s+fluoropyrimidine)\b", re.IGNORECASE)
_RADIATED_TO = re.compile(r"\b(?:radiotherapy|radiation|irradiat\w*|RT|SBRT|EBRT|Gy|fractions?)\b[^.;]{0,50}?"
                          r"\b(?:to|at|over)\s+(?:the\s+|an?\s+)?(?:levels?\s+|segments?\s+|"
                          # "... to the entire thoracic spine (T1 to T12, 30 Gy)": the field restated
                          r"(?:entire\s+|whole\s+)?(?:(?:cervical|thoracic|dorsal|lumbar|sacral)\s+)?(?:spine|vertebrae)\s*\(\s*)?$",
                          re.IGNORECASE)


def _level_excluded(sentence: Sentence, m: re.Match[str]) -> bool:
    ctx = context()
    text = sentence.text
    after = text[m.end() : m.end() + 50]
    before = text[max(0, m.start() - 70) : m.start()]
    if ctx["level_exclude_after"].match(after):
        return True
    procedure = ctx["level_exclude_before"].search(before)
    if procedure and not (_FOR_THE_LESION.search(before[procedure.start():]) and _LESION_AFTER.match(after)):
        return True
    if re.search(r"(?:sensory\s+level|below|above|dermatome)\W+(?:(?:at|of|from|to|the)\W+){0,2}$", before, re.IGNORECASE):
        return True
    # the extent of the cord's signal change or oedema, not of the metastasis
    if re.search(r"\b(?:signal|o?edema|syrinx|myelomalacia|myelopathy)\b(?:\s+[\w-]+){0,4}?\s+(?:from|at|to|of|between)\s+(?:the\s+)?$",
                 before, re.IGNORECASE):
        return True
    if ctx["level_benign_before"].search(before):  # "a haemangioma of T7"
        return True
    if m.group("n2") and m.group("sep").lower() not in ("and", ",", "/") and _RADIATED_TO.search(before):
        return True  # "radiotherapy of 30 Gy was given to T3-T7": the field, not the metastasis
    p1 = m.group("p1")
    if p1 == "S" and _CHEMOTHERAPY.search(text) and not context()["spinal_site"].search(text):
        return True  # "oxaliplatin and S-1": the oral fluoropyrimidine, not a sacral segment
    if p1 == "T" and m.group("n1") in ("1", "2") and not m.group("n2") and MRI_RE.search(text) \
            and not re.match(r"\W*(?:vertebra|level|body|spinous|lesion|metast)", after, re.IGNORECASE):
        return True
    # "D2 lymph node dissection", "D1 resection": a D-level is a vertebra beside the spine's words,
    # or as a run of levels ("a metastatic lesion at D11-12")
    return p1 == "D" and not (
        context()["spinal_site"].search(text) or _SPINE_WORK.search(text)
        or re.match(r"\W*(?:vertebra|level)", after, re.IGNORECASE)
        or (m.group("n2") and m.group("sep") in DASHES))


#: A dorsal level ("D7") is a vertebra beside the cord or an operation on the spine.
_SPINE_WORK = re.compile(
    r"\b(?:(?:spinal\s+)?cord|myelopath\w*|vertebrectom\w*|corpectom\w*|spondylectom\w*|laminectom\w*|"
    r"laminotom\w*|vertebroplast\w*|kyphoplast\w*)\b", re.IGNORECASE)


def _primary_spinal_tumour(ps: Story) -> bool:
    """The patient's tumour of the spine is a primary one ("recurrent chordoma involving the
    lumbar spine", "a schwannoma at L2"), so a spinal lesion is not a metastasis unless the text
    says so."""
    ctx = context()
    return any(s.kept and ctx["primary_spinal_tumour"].search(s.text) and
               (ctx["spinal_site"].search(s.text) or LEVEL_RE.search(s.text)) for s in ps.sentences)


def _metastasis_named(text: str) -> bool:
    """A metastasis named in ``text`` other than the primary spinal tumour's own spread."""
    return bool(re.search(r"metasta", text, re.IGNORECASE)) and not context()["primary_spinal_tumour"].search(text)


_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b|,\s+(?:and\s+)?(?:by\s+contrast|in\s+contrast)\b", re.IGNORECASE)


def clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) of ``text`` split where one statement ends and another, possibly about
    something else, begins ("... two liver metastases; the L4 neurofibroma was unchanged")."""
    out, a = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        out.append((a, text[a : m.start()]))
        a = m.end()
    out.append((a, text[a:]))
    return [(o, c) for o, c in out if c.strip()]


def _about_others(clause: str) -> bool:
    """A clause about the literature or patients in general, in a sentence that is otherwise the
    patient's ("Among the previously reported cases, vertebral metastasis was the commonest
    pattern; our patient, by contrast, ...")."""
    ctx = context()
    return bool(ctx["other_patient"].search(clause) or (ctx["generic"].search(clause) and not ctx["our_patient"].search(clause)
                                                           and not re.search(r"\b(?:showed|revealed|demonstrated|was|were)\b", clause)))


def benign_verdict(text: str) -> re.Match[str] | None:
    """A benign or indeterminate verdict in ``text`` with no metastasis confirmed there."""
    ctx = context()
    if ctx["metastasis_confirmed"].search(text):
        return None
    return ctx["benign_verdict"].search(text)


def calls_back_benign(text: str) -> bool:
    """``text`` refers back to the lesion told just before and calls it benign or indeterminate
    ("It was reported as indeterminate, most likely a haemangioma")."""
    return bool(context()["refers_back"].search(text)) and benign_verdict(text) is not None


def _called_benign_next(ps: Story, s: Sentence) -> bool:
    """The next sentence of the story calls the lesion of ``s`` benign or indeterminate."""
    nxt = next((x for x in ps.sentences[s.index + 1 : s.index + 2] if x.kept), None)
    return nxt is not None and calls_back_benign(nxt.text)


def _benign_after(clause: str, pos: int, stops: list[int]) -> bool:
    """A benign verdict follows ``clause[pos]`` before the next lesion named at ``stops``."""
    m = benign_verdict(clause[pos:])
    return m is not None and not any(pos < p < pos + m.start() for p in stops)


def level_mentions(ps: Story) -> list[LevelMention]:
    """Vertebral levels named as involved by the patient's metastasis (not fixation ranges,
    nerve roots, sensory levels or MRI sequences; not negated), read clause by clause."""
    ctx = context()
    out: list[LevelMention] = []
    cancer = any(s.kept and ctx["cancer"].search(s.text) for s in ps.sentences)
    primary_spinal = _primary_spinal_tumour(ps)
    for s in ps.sentences:
        if not s.kept:
            continue
        # "fracture"/"compression" name a metastasis only in a cancer patient (not trauma)
        strong = any(not negated(s.text, m.start(), 3) for m in ctx["disease"].finditer(s.text))
        weak = cancer and (ctx["disease_weak"].search(s.text) or _level_vertebra(s.text)) \
            and not ctx["benign_cause"].search(s.text)
        # in a cancer patient's own case, a vertebra named by its level is the disease's even
        # in a sentence with no disease word ("Surgery at T 10 was performed"): the exclusions
        # (fixation, discs, roots, arteries, benign verdicts) say where it is not
        named = cancer and s.section == "case" and not ctx["benign_cause"].search(s.text) \
            and any(levels_of_match(m) for m in LEVEL_RE.finditer(s.text))
        if not (strong or weak or named):
            continue
        levels_only = not (strong or weak)
        for offset, clause in clauses(s.text):
            if primary_spinal and not re.search(r"metasta", clause, re.IGNORECASE):
                continue  # the levels of a chordoma of the spine are its own, not a metastasis
            if _about_others(clause):
                continue
            found = _levels_in(s, offset, offset + len(clause), out, levels_only)
            if found and _called_benign_next(ps, s):
                continue  # "... a lesion in the T10 vertebral body. It was reported as indeterminate"
            starts = [lm.start - offset for lm in found]
            out.extend(lm for lm in found if not _benign_after(clause, lm.end - offset, starts))
    return out


def _level_vertebra(text: str) -> bool:
    """"the T9 vertebra", "the L2-L3 vertebrae": in a cancer patient's story a vertebra named by
    its level is the disease's even without a disease word ("cementoplasty of the T9 vertebra")."""
    return any(re.match(r"\s+vertebra", text[m.end() : m.end() + 12]) for m in LEVEL_RE.finditer(text))


#: the region is what was imaged or irradiated, not what the disease involved
_EXAMINED_OR_RADIATED = re.compile(
    r"\b(?:MRI|MR|CT|PET|scan\w*|imag\w*|radiograph\w*|X-?rays?|films?|views?|examin\w*|screen\w*|survey|study|"
    r"radiotherapy|radiation|irradiat\w*|RT|Gy)\b(?:\s+[\w-]+){0,3}?\s+(?:of|to|covering|including|over|on)\s+$",
    re.IGNORECASE)


def _phrase_excluded(text: str, m: re.Match[str]) -> bool:
    """A level phrase in words ("the fourth lumbar vertebra", "all lumbar vertebrae") that is
    negated, a fixation's or root's, or followed by what makes it no metastasis."""
    ctx = context()
    return bool(negated(text, m.start()) or ctx["level_exclude_before"].search(text[max(0, m.start() - 70) : m.start()])
                or ctx["level_exclude_after"].match(text[m.end() : m.end() + 50]))


def _levels_in(s: Sentence, lo: int, hi: int, found: list[LevelMention], levels_only: bool = False) -> list[LevelMention]:
    """The level mentions of ``s.text[lo:hi]`` (offsets in the sentence); ``levels_only``: the
    named levels alone, not a sacrum or coccyx word (a focus "projecting over the sacrum")."""
    ctx = context()
    out: list[LevelMention] = []
    # "S6 segment of the right lung", "S1 and S2 heart sounds": an S-level beside a lung,
    # liver or heart word without a spinal word is no vertebra; "a C5 lesion and a lung
    # mass" keeps its C5
    segments = bool(ctx["not_spine_segment"].search(s.text)) and not ctx["spinal_site"].search(s.text)
    for m in LEVEL_RE.finditer(s.text, lo, hi):
        levels = levels_of_match(m)
        if segments and (m.group("p1").upper() == "S" or re.match(r"\W*(?:segment|lead|wave|sound)", s.text[m.end():], re.IGNORECASE)):
            continue
        if not levels or _level_excluded(s, m) or negated(s.text, m.start()):
            continue
        out.append(LevelMention(s, m.start(), m.end(), levels))
    if levels_only:
        return out
    for m in ORDINAL_LEVEL_RE.finditer(s.text, lo, hi):
        lvs = ordinal_levels(m)
        if lvs and not _phrase_excluded(s.text, m):
            out.append(LevelMention(s, m.start(), m.end(), lvs))
    for m in WHOLE_REGION_RE.finditer(s.text, lo, hi):
        if _phrase_excluded(s.text, m) or _EXAMINED_OR_RADIATED.search(s.text, max(0, m.start() - 70), m.start()):
            continue  # "MRI of the entire lumbar spine", "radiotherapy to the whole thoracic spine"
        out.append(LevelMention(s, m.start(), m.end(), region_levels(m)))
    has_s = any(lv.startswith("S") for lm in [*found, *out] if lm.sentence is s for lv in lm.levels)
    for pat, code in ((SACRUM_RE, "S"), (COCCYX_RE, "Co")):
        for m in pat.finditer(s.text, lo, hi):
            if code == "S" and has_s:
                continue
            if ctx["level_exclude_after"].match(s.text[m.end() : m.end() + 40]) or negated(s.text, m.start()):
                continue
            out.append(LevelMention(s, m.start(), m.end(), [code]))
    return out


def spinal_sentences(ps: Story, mentions: list[LevelMention] | None = None) -> list[Sentence]:
    """Sentences that state this patient's spinal metastasis (a level, or the spine, vertebrae,
    sacrum or epidural space with a disease word), in text order."""
    ctx = context()
    mentions = level_mentions(ps) if mentions is None else mentions
    with_level = {id(lm.sentence) for lm in mentions}
    cancer = any(s.kept and ctx["cancer"].search(s.text) for s in ps.sentences)
    primary_spinal = _primary_spinal_tumour(ps)
    out = []
    for s in ps.sentences:
        if not s.kept:
            continue
        if id(s) in with_level:
            out.append(s)
            continue
        for _, clause in clauses(s.text):
            if _about_others(clause):
                continue
            site = ctx["spinal_site"].search(clause)
            if not site or negated(clause, site.start(), 8):
                continue
            if ctx["hedge_before"].search(clause[max(0, site.start() - 80):site.start()]):
                continue  # "raised concern for spinal metastasis"
            if benign_verdict(clause[site.end():]) or _called_benign_next(ps, s):
                continue  # "a lesion in the vertebral body, typical of a haemangioma"
            if primary_spinal and not _metastasis_named(clause):
                continue
            weak_ok = cancer and not ctx["benign_cause"].search(clause)
            disease = list(ctx["disease"].finditer(clause)) + (list(ctx["disease_weak"].finditer(clause)) if weak_ok else [])
            if any(not negated(clause, m.start(), 8) and not ctx["hedge_before"].search(clause[max(0, m.start() - 80):m.start()])
                   and not benign_verdict(clause[m.end():m.end() + 100])  # "uptake ..., attributed to arthropathy"
                   for m in disease) and not re.search(
                    r"\b(?:MRI|CT|imaging|scan)\s+of\s+the\s+(?:\w+\s+)?spine\s+(?:was|were)\s+(?:normal|unremarkable|negative)",
                    clause, re.IGNORECASE):
                out.append(s)
                break
    return out
