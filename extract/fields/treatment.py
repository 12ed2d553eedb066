"""Spinal levels, spinal treatment and tyrosine kinase inhibitors (FIELDS.md).

Reads the patient's text sentence by sentence (:func:`patient_sentences`): sentences about
other patients, the literature or medicine in general are left out, and a term counts only
where it is not negated or hypothetical. Vocabularies and context words live in
``resources/treatment_terms.json``, ``resources/tki_terms.json`` and
``resources/context_terms.json``.

Public normalisers for table cells: :func:`normalise_levels`, :func:`normalise_spinal_treatment`,
:func:`normalise_tki`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from extract.fields import FieldValue, PatientText, make_evidence
from extract.fields.units import FlatText

# -- data files ---------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("extract.fields").joinpath("resources", name).read_text(encoding="utf-8")
    )
    return data


@lru_cache(maxsize=1)
def _context() -> dict[str, re.Pattern[str]]:
    return {k: re.compile(v, re.IGNORECASE) for k, v in _load("context_terms.json").items() if not k.startswith("_")}


@dataclass(frozen=True)
class _Label:
    name: str
    spinal_only: bool
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def _treatment_terms() -> tuple[list[_Label], dict[str, list[str]], re.Pattern[str]]:
    data = _load("treatment_terms.json")
    labels = [
        _Label(name, bool(spec["spinal_only"]), re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.IGNORECASE))
        for name, spec in data["labels"].items()
    ]
    subsumed = {k: v for k, v in data["subsumed"].items() if not k.startswith("_")}
    return labels, subsumed, re.compile(data["not_spinal_targets"], re.IGNORECASE)


@lru_cache(maxsize=1)
def _primary_named_after_organ() -> re.Pattern[str]:
    """After an organ word: the primary's name leading to its spinal metastasis ("breast cancer
    metastasis to the spine"), so the organ is not the treatment's target."""
    return re.compile(_load("treatment_terms.json")["primary_named_after_organ"], re.IGNORECASE)


@lru_cache(maxsize=1)
def _tki_terms() -> list[tuple[str, re.Pattern[str]]]:
    data = _load("tki_terms.json")
    return [
        (name, re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE))
        for name, names in data.items() if not name.startswith("_")
    ]


TREATMENT_ORDER: tuple[str, ...] = (
    "en bloc corpectomy", "total en bloc spondylectomy", "corpectomy", "tumor resection", "decompression",
    "instrumentation", "vertebroplasty", "kyphoplasty", "radiotherapy", "zoledronic acid", "denosumab",
    "bisphosphonate", "chemotherapy",
)
TKI_ORDER: tuple[str, ...] = (
    "imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib", "nilotinib", "sorafenib",
    "dasatinib", "pazopanib", "masitinib",
)

# -- spinal levels ------------------------------------------------------------------

LEVELS: tuple[str, ...] = tuple(
    [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
_ORDER = {lv: i for i, lv in enumerate(LEVELS)}
_ORDER["S"] = len(LEVELS)
_ORDER["Co"] = len(LEVELS) + 1
_PREFIX = {"c": "C", "t": "T", "th": "T", "d": "T", "l": "L", "s": "S"}

_LV = r"(?:C|Th|T|D|L|S)"
#: A vertebral level or a run of them: "L3", "Th12", "T6-T8", "T12–L2", "C2-3", "T6 to T8",
#: "T3 and T4", "from C7 to T5".
LEVEL_RE = re.compile(
    rf"(?<![A-Za-z0-9/.])(?P<p1>{_LV})(?:\s|-(?=\d))?(?P<n1>\d{{1,2}})"
    rf"(?:\s*(?P<sep>-|–|—|‐|\b(?:extending|expanding|extended|continuing)\s+(?:down\s+|up\s+)?to\b|\bto\b|\bthrough\b|\bthru\b|\band\b|/|,)\s*(?:(?P<p2>{_LV})(?:\s|-(?=\d))?)?(?P<n2>\d{{1,2}}))?"
    r"(?![0-9A-Za-z])"
)
_ORDINALS = {w: i + 1 for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"])}
#: "the fourth lumbar vertebra", "12th thoracic vertebral body", "the atlas", "the odontoid"
_ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d{1,2}(?:st|nd|rd|th))"
ORDINAL_LEVEL_RE = re.compile(
    rf"\b(?P<ord>{_ORD})(?:\s*(?P<osep>,|-|–|\band\b|\bto\b|\bthrough\b)\s*(?:the\s+)?(?P<ord2>{_ORD}))?\s+"
    r"(?P<region>cervical|thoracic|dorsal|lumbar|sacral)\s+(?:vertebra\w*|vertebral|spine|spinous|level|segment)"
    r"|\b(?P<c1>atlas)\b|\b(?P<c2>odontoid|dens\s+axis)\b",
    re.IGNORECASE,
)
_REGION = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}


def _ordinal_levels(m: re.Match[str]) -> list[str]:
    """Levels of an :data:`ORDINAL_LEVEL_RE` match: "the 3rd and 4th lumbar vertebrae" ->
    L3, L4; "the 10th to the 12th thoracic vertebrae" -> T10, T11, T12."""
    if m.group("c1"):
        return ["C1"]
    if m.group("c2"):
        return ["C2"]
    region = _REGION[m.group("region").lower()]

    def level(word: str) -> str | None:
        word = word.lower()
        lv = f"{region}{_ORDINALS.get(word) or int(re.sub(r'[^0-9]', '', word))}"
        return lv if lv in _ORDER else None

    first = level(m.group("ord"))
    second = level(m.group("ord2")) if m.group("ord2") else None
    if first is None:
        return [second] if second else []
    if second is None:
        return [first]
    if m.group("osep").lower() in ("and", ","):
        return [first, second]
    return _expand(first, second)


_SACRUM_RE = re.compile(r"\b(?:sacrum|sacral|os\s+sacrum)\b(?!\s*-?\s*iliac)", re.IGNORECASE)
_COCCYX_RE = re.compile(r"\b(?:coccyx|coccygeal)\b", re.IGNORECASE)
_MRI_RE = re.compile(r"weighted|\bWI\b|MRI|magnetic|intensity|signal|sequence|image|FLAIR|STIR", re.IGNORECASE)


def _level(prefix: str, number: str) -> str | None:
    p = _PREFIX.get(prefix.lower())
    if p is None:
        return None
    lv = f"{p}{int(number)}"
    return lv if lv in _ORDER else None


def _expand(first: str, last: str) -> list[str]:
    a, b = _ORDER[first], _ORDER[last]
    if a > b:
        a, b = b, a
    if b - a > 25:  # not a plausible run of vertebrae
        return [first, last]
    return list(LEVELS[a : b + 1])


def _levels_of_match(m: re.Match[str]) -> list[str]:
    first = _level(m.group("p1"), m.group("n1"))
    if first is None:
        return []
    if not m.group("n2"):
        return [first]
    second = _level(m.group("p2") or m.group("p1"), m.group("n2"))
    if second is None:
        return [first]
    if m.group("sep").lower() in ("and", ",", "/"):
        return [first, second]
    return _expand(first, second)


def sort_levels(levels: set[str] | list[str]) -> list[str]:
    return sorted(set(levels), key=lambda lv: _ORDER.get(lv, 99))


def normalise_levels(text: str) -> list[str]:
    """Vertebral levels named in ``text`` (a table cell or phrase), ranges expanded, in spinal
    order: ``"T6-T8"`` -> ``["T6", "T7", "T8"]``, ``"Th12"`` -> ``["T12"]``, ``"sacrum"`` -> ``["S"]``."""
    found: set[str] = set()
    for m in LEVEL_RE.finditer(text):
        found.update(_levels_of_match(m))
    for m in ORDINAL_LEVEL_RE.finditer(text):
        found.update(_ordinal_levels(m))
    if _SACRUM_RE.search(text) and not any(lv.startswith("S") for lv in found):
        found.add("S")
    if _COCCYX_RE.search(text):
        found.add("Co")
    return sort_levels(found)


# -- treatment and TKI vocabularies for table cells ---------------------------------------


def _apply_subsumed(labels: set[str]) -> list[str]:
    _, subsumed, _ = _treatment_terms()
    out = set(labels)
    for key, dropped in subsumed.items():
        if key in labels:
            out -= set(dropped)
    return [t for t in TREATMENT_ORDER if t in out]


def normalise_spinal_treatment(text: str) -> list[str]:
    """Spinal-treatment vocabulary terms named in ``text`` (a table cell), with the
    reconstruction rule: ``"Posterior decompression and instrumentation"`` ->
    ``["decompression", "instrumentation"]``; ``"En bloc corpectomy + screws"`` ->
    ``["en bloc corpectomy"]``. ``"-"``, ``"N/A"`` or words outside the vocabulary -> ``[]``."""
    labels, _, _ = _treatment_terms()
    found = {lab.name for lab in labels if lab.pattern.search(text)}
    resection_like = {"tumor resection", "en bloc corpectomy", "total en bloc spondylectomy", "corpectomy"}
    if not found & resection_like and re.search(r"\b(?:resection|excision|removal|resected|excised)\b", text, re.IGNORECASE):
        found.add("tumor resection")  # a "Resection" cell of a spinal-treatment column
    return _apply_subsumed(found)


def normalise_tki(text: str) -> list[str]:
    """TKI vocabulary terms named in ``text``, brand names mapped: ``"Gleevec"`` -> ``["imatinib"]``."""
    return [name for name, pat in _tki_terms() if pat.search(text)]


# -- the patient's sentences ---------------------------------------------------------------

_ABBREV = re.compile(r"(?:\b(?:fig|figs|et al|e\.g|i\.e|dr|vs|no|approx|ca|mr|mrs|ms|st|ref|refs|resp|vol|pp|cf)|\b[A-Z])\.$", re.IGNORECASE)
_SPLIT = re.compile(r"\n+|(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_TOP_HEADING = re.compile(
    r"(?:abstract|summary|case\s+(?:report|presentation|description|history|summary|details?|study|\d+)|"
    r"presentation\s+of\s+(?:the\s+)?case|patient\s+\d+|introduction|background|discussion|conclusions?|"
    r"methods?|results?)\b", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([A-Z][A-Za-z ]{2,40}?)\s*:\s*")


_OUR_CASE = re.compile(r"\b(?:our|the\s+present|this)\s+(?:patient|case)\b|\bwe\s+(?:present|report|describe)", re.IGNORECASE)
_CITATION = re.compile(r"\[\s*\d|\(\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\)|\bet\s+al\b|\bref(?:erence)?s?\.?\s*\d", re.IGNORECASE)


@dataclass
class Sentence:
    """A sentence of the patient's text: ``text`` is flat (one line); ``flat_start`` its
    position in :attr:`PatientSentences.flat`."""

    text: str
    flat_start: int
    section: str  # "case" or "other"
    kept: bool  # about this patient (not the literature, not medicine in general)
    strong_patient: bool
    index: int = 0
    block: int = 0  # sentences under the same top-level heading (abstract, case presentation ...)


@dataclass
class PatientSentences:
    patient: PatientText
    flat: FlatText
    sentences: list[Sentence] = field(default_factory=list)

    def evidence_span(self, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
        """Source offsets of ``sentence.text[start:end]``."""
        return self.flat.span(sentence.flat_start + start, sentence.flat_start + end)

    def evidence(self, sentence: Sentence, start: int = 0, end: int | None = None) -> Any:
        a, b = self.evidence_span(sentence, start, len(sentence.text) if end is None else end)
        return make_evidence(self.patient.document, a, b)


def _ranges(patient: PatientText) -> list[tuple[int, int]]:
    return sorted(patient.ranges) if patient.ranges else [(0, len(patient.document.text))]


def _section_kind(text: str) -> tuple[str | None, bool]:
    """("case"|"other"|"stop"|None, whether the sentence is only a heading)."""
    ctx = _context()
    head = text.strip()
    m = _LABEL.match(head)
    candidate = m.group(1) if m else head
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


def patient_sentences(patient: PatientText) -> PatientSentences:
    """Split the patient's text into sentences and mark those about this patient."""
    ctx = _context()
    flat = FlatText(patient.document.text, _ranges(patient))
    out = PatientSentences(patient, flat)
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
    # join abbreviation splits
    for pos, chunk in pieces:
        if not chunk.strip():
            continue
        sec, only_heading = _section_kind(chunk)
        if sec == "stop":
            break
        if sec:
            kind = sec
            if _TOP_HEADING.match(chunk.strip()):
                block += 1
        if only_heading:
            continue
        strong = bool(re.search(
            r"\b(?:our\s+(?:patient|case)|we\s+(?:present|report|describe|herein)|(?:the|this|present)\s+patient|(?:this|the\s+present)\s+case|"
            r"an?\s+\d+[-\s](?:year|month)[-\s]old|(?:first|second|third|fourth)\s+patient)\b", chunk, re.IGNORECASE))
        generic = (bool(ctx["generic"].search(chunk)) and not strong) or bool(ctx["other_patient"].search(chunk))
        if kind == "other" and strong and not _OUR_CASE.search(chunk) and _CITATION.search(chunk):
            generic = True  # Discussion: "A 55-year-old woman developed a T8 metastasis ... [5]."
        if kind == "other":
            narrative = bool(re.search(r"(?<!\bhas )(?<!\bhave )" + ctx["narrative"].pattern, chunk, re.IGNORECASE))
            patient_ref = strong or bool(ctx["our_patient"].search(chunk))
            kept = not generic and (patient_ref or narrative)
        else:
            kept = not generic
        out.sentences.append(Sentence(chunk, pos, kind, kept, strong, len(out.sentences), block))
    return out


def negated(text: str, pos: int, words: int = 6) -> bool:
    """A negation cue among the ``words`` words before ``text[pos]`` in the same clause."""
    before = re.split(r"[;:,]|\bbut\b|\bexcept\b|\bwhereas\b|\bhowever\b|\bwhich\b|\bwho\b", text[:pos])[-1]
    tail = " ".join(before.split()[-words:])
    return bool(_context()["negation"].search(tail))


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


def _level_excluded(sentence: Sentence, m: re.Match[str]) -> bool:
    ctx = _context()
    text = sentence.text
    after = text[m.end() : m.end() + 50]
    before = text[max(0, m.start() - 70) : m.start()]
    if ctx["level_exclude_after"].match(after):
        return True
    procedure = ctx["level_exclude_before"].search(before)
    if procedure and not (_FOR_THE_LESION.search(before[procedure.start():]) and _LESION_AFTER.match(after)):
        return True
    if re.search(r"(?:sensory\s+level|below|above|dermatome)\W+(?:the\W+)?$", before, re.IGNORECASE):
        return True
    if ctx["level_benign_before"].search(before):  # "a haemangioma of T7"
        return True
    p1 = m.group("p1")
    if p1 == "T" and m.group("n1") in ("1", "2") and not m.group("n2") and _MRI_RE.search(text) \
            and not re.match(r"\W*(?:vertebra|level|body|spinous|lesion|metast)", after, re.IGNORECASE):
        return True
    return p1 == "D" and not (
        _context()["spinal_site"].search(text) or re.match(r"\W*(?:vertebra|level)", after, re.IGNORECASE))


def _primary_spinal_tumour(ps: PatientSentences) -> bool:
    """The patient's tumour of the spine is a primary one ("recurrent chordoma involving the
    lumbar spine", "a schwannoma at L2"), so a spinal lesion is not a metastasis unless the text
    says so."""
    ctx = _context()
    return any(s.kept and ctx["primary_spinal_tumour"].search(s.text) and
               (ctx["spinal_site"].search(s.text) or LEVEL_RE.search(s.text)) for s in ps.sentences)


def _metastasis_named(text: str) -> bool:
    """A metastasis named in ``text`` other than the primary spinal tumour's own spread."""
    return bool(re.search(r"metasta", text, re.IGNORECASE)) and not _context()["primary_spinal_tumour"].search(text)


def level_mentions(ps: PatientSentences) -> list[LevelMention]:
    """Vertebral levels named as involved by the patient's metastasis (not fixation ranges,
    nerve roots, sensory levels or MRI sequences; not negated)."""
    ctx = _context()
    out: list[LevelMention] = []
    cancer = any(s.kept and ctx["cancer"].search(s.text) for s in ps.sentences)
    primary_spinal = _primary_spinal_tumour(ps)
    for s in ps.sentences:
        if not s.kept:
            continue
        if primary_spinal and not re.search(r"metasta", s.text, re.IGNORECASE):
            continue  # the levels of a chordoma of the spine are its own, not a metastasis
        # "fracture"/"compression" name a metastasis only in a cancer patient (not trauma)
        strong = ctx["disease"].search(s.text)
        if not (strong or (cancer and ctx["disease_weak"].search(s.text) and not ctx["benign_cause"].search(s.text))):
            continue
        # "S6 segment of the right lung", "S1 and S2 heart sounds": an S-level beside a lung,
        # liver or heart word without a spinal word is no vertebra; "a C5 lesion and a lung
        # mass" keeps its C5
        segments = bool(ctx["not_spine_segment"].search(s.text)) and not ctx["spinal_site"].search(s.text)
        for m in LEVEL_RE.finditer(s.text):
            levels = _levels_of_match(m)
            if segments and (m.group("p1").upper() == "S" or re.match(r"\W*(?:segment|lead|wave|sound)", s.text[m.end():], re.IGNORECASE)):
                continue
            if not levels or _level_excluded(s, m) or negated(s.text, m.start()):
                continue
            out.append(LevelMention(s, m.start(), m.end(), levels))
        for m in ORDINAL_LEVEL_RE.finditer(s.text):
            lvs = _ordinal_levels(m)
            if lvs and not negated(s.text, m.start()) and not ctx["level_exclude_before"].search(s.text[max(0, m.start() - 70) : m.start()]):
                out.append(LevelMention(s, m.start(), m.end(), lvs))
        has_s = any(lv.startswith("S") for lm in out if lm.sentence is s for lv in lm.levels)
        for pat, code in ((_SACRUM_RE, "S"), (_COCCYX_RE, "Co")):
            for m in pat.finditer(s.text):
                if code == "S" and has_s:
                    continue
                if ctx["level_exclude_after"].match(s.text[m.end() : m.end() + 40]) or negated(s.text, m.start()):
                    continue
                out.append(LevelMention(s, m.start(), m.end(), [code]))
    return out


def spinal_sentences(ps: PatientSentences, mentions: list[LevelMention] | None = None) -> list[Sentence]:
    """Sentences that state this patient's spinal metastasis (a level, or the spine, vertebrae,
    sacrum or epidural space with a disease word), in text order."""
    ctx = _context()
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
        for clause in re.split(r";|\bbut\b|\bwhereas\b|\bwhile\b", s.text):
            site = ctx["spinal_site"].search(clause)
            if not site or negated(clause, site.start(), 8):
                continue
            if primary_spinal and not _metastasis_named(clause):
                continue
            weak_ok = cancer and not ctx["benign_cause"].search(clause)
            disease = list(ctx["disease"].finditer(clause)) + (list(ctx["disease_weak"].finditer(clause)) if weak_ok else [])
            if any(not negated(clause, m.start(), 8) for m in disease) and not re.search(
                    r"\b(?:MRI|CT|imaging|scan)\s+of\s+the\s+(?:\w+\s+)?spine\s+(?:was|were)\s+(?:normal|unremarkable|negative)",
                    clause, re.IGNORECASE):
                out.append(s)
                break
    return out


# -- treatments in the narrative ---------------------------------------------------------

_SPINAL_PROC = re.compile(r"\b(?:laminectom\w*|corpectom\w*|spondylectom\w*|vertebrectom\w*|vertebroplast\w*|kyphoplast\w*|pedicle|screws?|rods?|cage)\b", re.IGNORECASE)
_GENE = re.compile(r"\b(?:gene|genes|mutation\w*|transcript\w*|rearrangement\w*|translocation\w*|fusion\s+protein)\b", re.IGNORECASE)


def _spinal_context(text: str) -> bool:
    return bool(_context()["spinal_site"].search(text) or _SPINAL_PROC.search(text)
                or any(_levels_of_match(m) for m in LEVEL_RE.finditer(text)))


def _local_target(text: str, start: int, end: int) -> str | None:
    """"spinal" or "other" for the first site named just after a treatment term (its object),
    else None."""
    _, _, not_spinal = _treatment_terms()
    window = text[end : end + 70]
    spinal = [m.start() for m in (_context()["spinal_site"].search(window), LEVEL_RE.search(window)) if m]
    first_spinal = min(spinal) if spinal else None
    for other in not_spinal.finditer(window):
        if first_spinal is not None and other.start() > first_spinal:
            break
        if _primary_named_after_organ().match(window[other.end() :]):
            continue  # "radiotherapy for breast cancer metastasis to the spine"
        return "other"
    if first_spinal is not None:
        return "spinal"
    # "prostate radiotherapy", "whole-brain radiotherapy": the organ just before the term
    if re.search(r"(?:" + not_spinal.pattern + r")[\s-]*$", text[max(0, start - 30) : start], re.IGNORECASE):
        return "other"
    return None


def treatment_mentions(ps: PatientSentences, spinal: list[Sentence]) -> list[tuple[str, Sentence, int, int]]:
    """(label, sentence, start, end) for each spinal treatment the patient received."""
    if not spinal:
        return []
    ctx = _context()
    labels, _, not_spinal = _treatment_terms()
    first_spinal = spinal[0].index
    out = []
    for s in ps.sentences:
        if not s.kept:
            continue
        hypothetical = bool(ctx["hypothetical"].search(s.text))
        sentence_spinal = _spinal_context(s.text)
        sentence_other = bool(not_spinal.search(s.text))
        for lab in labels:
            for m in lab.pattern.finditer(s.text):
                if negated(s.text, m.start()) or ctx["generic_term_before"].search(s.text[max(0, m.start() - 50) : m.start()]):
                    continue
                if not_spinal.search(m.group(0)):
                    continue
                if hypothetical and re.search(ctx["hypothetical"].pattern, s.text[max(0, m.start() - 60) : m.end() + 40], re.IGNORECASE):
                    continue
                if lab.name == "instrumentation" and _GENE.search(s.text):
                    continue
                if lab.name == "chemotherapy" and _names_tki(s.text[max(0, m.start() - 25) : m.end() + 40]):
                    continue  # "chemotherapy with imatinib" is the TKI (FIELDS.md: aside from TKIs)
                target = _local_target(s.text, m.start(), m.end())
                if target == "other":
                    continue
                if not lab.spinal_only and ctx["treated_before"].search(s.text[max(0, m.start() - 60) : m.end() + 40]):
                    continue  # "he had received chemotherapy 2 years earlier": for the primary
                if target is None:
                    if lab.spinal_only:
                        ok = sentence_spinal or (s.index >= first_spinal and not sentence_other)
                    else:
                        ok = (sentence_spinal and not sentence_other) or (s.index >= first_spinal and not sentence_other)
                    if not ok:
                        continue
                out.append((lab.name, s, m.start(), m.end()))
                break
    return out


_TKI_NOT_GIVEN = re.compile(
    r"\b(?:refused|declined|unable\s+to\s+afford|could\s+not\s+afford|not\s+(?:available|affordable|reimbursed))\b",
    re.IGNORECASE)
_TKI_NOT_GIVEN_BEFORE = re.compile(
    r"\b(?:predict\w*|confer\w*|sensitiv\w*|susceptib\w*|candidates?|eligib\w*|such\s+as|e\.g\.)[^.;]{0,35}$",
    re.IGNORECASE)


def _names_tki(text: str) -> bool:
    return any(pat.search(text) for _, pat in _tki_terms()) or bool(
        re.search(r"\b(?:tyrosine\s+kinase\s+inhibitors?|TKIs?|targeted\s+therap\w*)\b", text, re.IGNORECASE))


def tki_mentions(ps: PatientSentences) -> list[tuple[str, Sentence, int, int]]:
    ctx = _context()
    out = []
    for s in ps.sentences:
        if not s.kept:
            continue
        for name, pat in _tki_terms():
            for m in pat.finditer(s.text):
                if negated(s.text, m.start(), 4):
                    continue
                if re.search(r"\b(?:refused|declined|considered|recommend\w*|should|would|could)\b",
                             s.text[max(0, m.start() - 50) : m.start()], re.IGNORECASE):
                    continue
                if _TKI_NOT_GIVEN.search(s.text[max(0, m.start() - 30) : m.end() + 50]) \
                        or _TKI_NOT_GIVEN_BEFORE.search(s.text[max(0, m.start() - 60) : m.start()]) \
                        or re.match(r"[\s-]*na[iï]ve\b|[\s-]+era\b", s.text[m.end() :], re.IGNORECASE):
                    continue  # "declined", "predicts sensitivity to imatinib", "TKIs such as sunitinib"
                if ctx["generic_present"].search(s.text) and not ctx["our_patient"].search(s.text) \
                        and not ctx["narrative"].search(s.text):
                    continue
                out.append((name, s, m.start(), m.end()))
                break
    return out


# -- the field extractor -----------------------------------------------------------------


def extract(patient: PatientText) -> list[FieldValue]:
    """``spinal_levels``, ``spinal_treatment`` and ``tki`` of one patient, each with evidence."""
    ps = patient_sentences(patient)
    out: list[FieldValue] = []
    mentions = level_mentions(ps)
    if mentions:
        levels = sort_levels({lv for lm in mentions for lv in lm.levels})
        if "S" in levels and any(lv.startswith("S") and lv != "S" for lv in levels):
            levels.remove("S")
        first = mentions[0]
        out.append(FieldValue("spinal_levels", levels, ps.evidence(first.sentence)))
    spinal = spinal_sentences(ps, mentions)
    treatments = treatment_mentions(ps, spinal)
    if treatments:
        names = _apply_subsumed({t[0] for t in treatments})
        first_t = next(t for t in treatments if t[0] in names)
        out.append(FieldValue("spinal_treatment", names, ps.evidence(first_t[1])))
    tkis = tki_mentions(ps)
    if tkis:
        names = [n for n in TKI_ORDER if n in {t[0] for t in tkis}]
        out.append(FieldValue("tki", names, ps.evidence(tkis[0][1])))
    return out
