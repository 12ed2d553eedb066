"""Primary site and metastasis sites of one patient (FIELDS.md ``primary_site``,
``metastasis_sites``).

Without a dependency parse, relations are read from token windows inside a sentence:

- a *metastasis site* is a site word ("hepatic", "L3 vertebral body", "scalp") joined to a
  metastasis trigger ("metastases", "lesion", "involvement", "secondary", "spread") in the
  same clause: before it ("hepatic metastases", "liver and bone secondary locations") or
  after it through a preposition ("metastasis to the liver", "lesion in the L3 vertebral
  body"); sites listed together ("penis, scrotum, myocardium, and soft tissues") share the
  trigger. A site word that names a tumour's organ of origin ("lung cancer", "rectal GIST")
  is not a metastasis site, nor is the patient's primary organ.
- a *primary site* is a digestive organ joined to a GIST term ("rectal GIST", "GIST of the
  stomach", "GIST arising from the jejunum"), else to a tumour noun in a GIST report ("a tumor
  located in the small intestine", "a rectal mass"); only in reports about a GIST.

Sentences about GISTs in general ("the most common sites of metastasis are the liver and the
peritoneum"), about other patients ("previously reported cases", "Suzuki et al."), negated
("no metastases to vital organs") or hypothetical statements give nothing. When the spaCy
pipeline ran, its ConText flags on the term spans veto a candidate too.

The words and patterns are in ``resources/sites.json``.
"""

from __future__ import annotations

import json
import re
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.fields import FieldValue, PatientText, make_evidence
from extract.fields.levels import LEVEL_RE
from extract.fields.patients import title_end
from extract.fields.story import benign_verdict, calls_back_benign, context, story_of

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


RESOURCES = Path(__file__).parent / "resources" / "sites.json"
METASTASIS_CODES: tuple[str, ...] = ("L", "V", "B", "S", "ST", "LN", "P", "M", "LU", "BR", "SK", "O")
PRIMARY_SITES: tuple[str, ...] = (
    "stomach", "esophagus", "small intestine", "duodenum", "jejunum", "ileum", "colon",
    "sigmoid colon", "rectum", "appendix", "mesentery", "omentum", "retroperitoneum",
    "peritoneum", "unknown", "other",
)  # fmt: skip
# The metastasis code of a primary organ that is itself a metastasis site.
_PRIMARY_ORGAN_CODE = {"mesentery": "P", "omentum": "P", "peritoneum": "P"}
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n+")
_ABBREVIATIONS = {"fig", "figs", "al", "e.g", "i.e", "vs", "dr", "approx", "no", "ref", "refs",
                  "mr", "mrs", "ms", "st", "etc", "eg", "ie", "cf", "resp", "table"}
_LIST_SEPARATORS = {",", "and", "or", "/", "&", "as", "well", "including", "such", "both",
                    "either", "also", "the", "in", "of", "to"}


# -- rules ---------------------------------------------------------------------------------


def _alternation(pattern: str) -> str:
    """Alternatives of ``a|b|c`` sorted longest first, so the regex prefers the longer phrase."""
    parts = _split_top_level(pattern)
    return "|".join(sorted(parts, key=len, reverse=True))


def _split_top_level(pattern: str) -> list[str]:
    parts, depth, current, escaped = [], 0, "", False
    for ch in pattern:
        if escaped:
            current += ch
            escaped = False
            continue
        if ch == "\\":
            current += ch
            escaped = True
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in parts if p]


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(pattern)})(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class SiteTerm:
    pattern: re.Pattern[str]
    value: str  # metastasis code or primary_site value
    organ: str
    extragastrointestinal_only: bool = False


@dataclass(frozen=True)
class SiteRules:
    gist: re.Pattern[str]
    gist_doubt: re.Pattern[str]
    metastasis_sites: tuple[SiteTerm, ...]
    primary_sites: tuple[SiteTerm, ...]
    primary_operations: tuple[tuple[re.Pattern[str], str], ...]
    not_a_site_after: re.Pattern[str]
    not_a_site_before: re.Pattern[str]
    tumour_nouns: re.Pattern[str]
    origin_of: re.Pattern[str]
    origin_connectors: str
    other_cancers: re.Pattern[str]
    location_organs: frozenset[str]
    organ_named_tumours: re.Pattern[str]
    strong_triggers: re.Pattern[str]
    weak_triggers: re.Pattern[str]
    spread_words: re.Pattern[str]
    non_tumour_conditions: re.Pattern[str]
    examination_nouns: re.Pattern[str]
    barriers: frozenset[str]
    list_joiners: frozenset[str]
    negation_before: frozenset[str]
    negation_after: re.Pattern[str]
    hypothetical: re.Pattern[str]
    generic_cues: re.Pattern[str]
    other_patient_cues: re.Pattern[str]
    other_patient_weak_cues: re.Pattern[str]
    patient_strong_cues: re.Pattern[str]
    patient_weak_cues: re.Pattern[str]
    primary_parent: dict[str, str]
    primary_strong_connectors: str
    primary_weak_nouns: str
    primary_weak_connectors: str
    primary_adjectives: str
    unknown_primary: re.Pattern[str]
    extragastrointestinal: re.Pattern[str]
    biopsy_trigger: str
    biopsy_result: re.Pattern[str]
    bone_region_words: re.Pattern[str]
    egist_organs: str
    bone_context: re.Pattern[str]


def _word_set(pattern: str) -> frozenset[str]:
    return frozenset(w.lower() for w in pattern.split("|"))


@lru_cache(maxsize=4)
def load_rules(path: str | Path = RESOURCES) -> SiteRules:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return SiteRules(
        gist=re.compile(data["gist"], re.IGNORECASE),
        gist_doubt=re.compile(data["gist_doubt"], re.IGNORECASE),
        metastasis_sites=tuple(
            SiteTerm(_words(t["pattern"]), t["code"], t.get("organ", t["code"]))
            for t in data["metastasis_sites"]
        ),
        primary_sites=tuple(
            SiteTerm(_words(t["pattern"]), t["value"], t["value"], bool(t.get("extragastrointestinal_only")))
            for t in data["primary_sites"]
        ),
        primary_operations=tuple((re.compile(rf"\b(?:{t['pattern']})", re.IGNORECASE), t["value"])
                                 for t in data["primary_operations"]),
        not_a_site_after=re.compile(data["not_a_site_after"], re.IGNORECASE),
        not_a_site_before=re.compile(data["not_a_site_before"], re.IGNORECASE),
        tumour_nouns=re.compile(rf"(?:{_alternation(data['tumour_nouns'])})(?![\w])", re.IGNORECASE),
        origin_connectors=data["origin_connectors"],
        other_cancers=re.compile(rf"^(?:{data['other_cancers']})$", re.IGNORECASE),
        location_organs=frozenset(data["location_organs"]),
        organ_named_tumours=re.compile(rf"^(?:{data['organ_named_tumours']})$", re.IGNORECASE),
        origin_of=re.compile(rf"(?<![\w-])(?:{_alternation(data['tumour_nouns'])})\s*(?:\([^()]{{1,15}}\)\s*)?"
                             rf"(?:{data['origin_connectors']})\s+(?:the\s+)?(?:(?:left|right|upper|lower|uterine)\s+)?$", re.IGNORECASE),
        strong_triggers=re.compile(rf"^(?:{data['strong_triggers']})$", re.IGNORECASE),
        weak_triggers=re.compile(rf"^(?:{data['weak_triggers']})$", re.IGNORECASE),
        spread_words=re.compile(rf"^(?:{data['spread_words']})$", re.IGNORECASE),
        non_tumour_conditions=re.compile(rf"^(?:{data['non_tumour_conditions']})$", re.IGNORECASE),
        examination_nouns=re.compile(rf"^(?:{data['examination_nouns']})$", re.IGNORECASE),
        barriers=_word_set(data["barriers"]),
        list_joiners=_word_set(data["list_joiners"]),
        negation_before=_word_set(data["negation_before"]),
        negation_after=re.compile(data["negation_after"], re.IGNORECASE),
        hypothetical=re.compile(rf"\b(?:{data['hypothetical']})\b", re.IGNORECASE),
        generic_cues=re.compile(data["generic_cues"], re.IGNORECASE),
        other_patient_cues=re.compile(data["other_patient_cues"], re.IGNORECASE),
        other_patient_weak_cues=re.compile(data["other_patient_weak_cues"], re.IGNORECASE),
        patient_strong_cues=re.compile(data["patient_strong_cues"], re.IGNORECASE),
        patient_weak_cues=re.compile(data["patient_weak_cues"], re.IGNORECASE),
        primary_parent=dict(data["primary_parent"]),
        primary_strong_connectors=data["primary_strong_connectors"],
        primary_weak_nouns=data["primary_weak_nouns"],
        primary_weak_connectors=data["primary_weak_connectors"],
        primary_adjectives=data["primary_adjectives"],
        unknown_primary=re.compile(data["unknown_primary"], re.IGNORECASE),
        extragastrointestinal=re.compile(data["extragastrointestinal"], re.IGNORECASE),
        biopsy_trigger=data["biopsy_trigger"],
        biopsy_result=re.compile(data["biopsy_result"], re.IGNORECASE),
        bone_region_words=re.compile(data["bone_region_words"], re.IGNORECASE),
        egist_organs=data["egist_organs"],
        bone_context=re.compile(data["bone_context"], re.IGNORECASE),
    )


# -- sentences and tokens ----------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offsets into document.text
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]
    section: str | None = None

    def token_at(self, offset: int) -> int:
        """Index of the token holding (or first after) character ``offset``."""
        return bisect_right(self._token_ends, offset)

    @cached_property
    def _token_ends(self) -> list[int]:
        return [t.end for t in self.tokens]  # in text order: a binary search, not a scan


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    a = start
    chunk = text[start:end]
    for m in _SENTENCE_END.finditer(chunk):
        cut = start + m.start()
        before = text[a:cut].rstrip()
        last = re.search(r"([A-Za-z.]+)\.?$", before)
        if m.group(0).strip() == "" and "\n\n" not in m.group(0) and last and last.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if cut > a:
            out.append((a, cut))
        a = start + m.end()
    if a < end:
        out.append((a, end))
    # Heading lines ("Case presentation", "Abstract") and a line ending in ":" stand alone.
    refined: list[tuple[int, int]] = []
    for s, e in out:
        pos = s
        for m in re.finditer(r"\n", text[s:e]):
            nl = s + m.start()
            line = text[pos:nl].strip()
            if line and (line.endswith(":") or (len(line) < 60 and not re.search(r"[.,;]$", line)
                                                and text[nl + 1:nl + 2].isupper()
                                                and line[:1].isupper() and len(line.split()) <= 8)):
                refined.append((pos, nl))
                pos = nl + 1
        refined.append((pos, e))
    return [(s, e) for s, e in refined if text[s:e].strip()]


_REFERENCES_HEADING = re.compile(r"\n[ \t]*(?:\d+\.?[ \t]*)?(?:References|REFERENCES|Bibliography|BIBLIOGRAPHY|"
                                 r"Literature cited|Works cited)[ \t]*:?[ \t]*\n")


_INLINE_LABEL = re.compile(r"\s*((?:case\s+(?:report|presentation|description|summary|details?)|presentation\s+of\s+(?:the\s+)?case|"
                           r"methods?|results?|introduction|background|discussion|conclusions?)\b[\w ]{0,20}?)\s*:", re.IGNORECASE)


def sentences(patient: PatientText) -> list[Sentence]:
    """The patient's sentences, without References and back matter.

    Our own splitter, not ``doc.sents``: the relation windows need short sentences, and a
    sentence run on across a column break would join one patient's statement to another's."""
    document = patient.document
    text = document.text
    ranges = patient.ranges
    # The reference list ends the story even where no section was detected for it.
    heading = _REFERENCES_HEADING.search(text, len(text) // 3)
    stop = heading.start() if heading else len(text)
    bounds: list[tuple[int, int]] = []
    for a, b in ranges:
        if a < stop:
            bounds.extend(_split_sentences(text, a, min(b, stop)))
    out: list[Sentence] = []
    label: str | None = None  # an inline label of a structured abstract ("Case presentation: ...")
    last_section: object = None
    paragraph = -1
    for s, e in bounds:
        section = document.section_of(s)
        if section is not last_section:
            label, last_section = None, section
        start_of_paragraph = text.rfind("\n", 0, s)
        if start_of_paragraph != paragraph:  # a run-in label heads its paragraph only
            label, paragraph = None, start_of_paragraph
        inline = _INLINE_LABEL.match(text[s:e])
        if inline:
            label = inline.group(1)
        section_title = section.title if section and not _run_in_elsewhere(text, section, s) else None
        title = label or section_title
        if title and re.match(r"(?i)\s*(references?|bibliography|acknowledge?ments?|funding|"
                              r"conflicts? of interest|competing interests?|authors?'? contributions?)",
                              title):
            continue
        tokens = tuple(Token(m.group(0), s + m.start(), s + m.end()) for m in _TOKEN_RE.finditer(text[s:e]))
        if tokens:
            out.append(Sentence(s, e, text[s:e], tokens, title))
    return out


def _run_in_elsewhere(text: str, section: Any, at: int) -> bool:
    """The section's heading runs into its first paragraph ("Background: Skeletal metastases ...")
    and ``at`` lies in a later paragraph, which the heading does not head."""
    line_end = text.find("\n", section.start + len(section.title))
    if line_end < 0 or not text[section.start + len(section.title):line_end].strip(" \t:.-"):
        return False
    return at > line_end


# -- whose statement ---------------------------------------------------------------------------


def statement_kind(sentence_text: str, rules: SiteRules | None = None) -> str:
    """'patient' (this patient), 'other' (other patients, the literature), 'generic' (GISTs in
    general) or 'plain' (no cue either way; read as the patient's)."""
    rules = rules or load_rules()
    strong = bool(rules.patient_strong_cues.search(sentence_text))
    weak = bool(rules.patient_weak_cues.search(sentence_text))
    if rules.other_patient_cues.search(sentence_text):
        return "other"
    if rules.other_patient_weak_cues.search(sentence_text):
        return "patient" if strong else "other"
    if any(not _definite_plural(sentence_text, m) for m in rules.generic_cues.finditer(sentence_text)):
        return "patient" if (strong or weak) else "generic"
    return "patient" if (strong or weak) else "plain"


_OWN_PLURAL = re.compile(r"(?i)(?:tumou?rs|GISTs)")
_DEFINITE_BEFORE = re.compile(r"(?i)\b(?:the|both|her|his|its|their|these\s+two|two|three|four|five|multiple|several)\s+(?:[\w-]+\s+){0,2}$")


def _definite_plural(text: str, m: re.Match[str]) -> bool:
    """A plural tumour noun that counts the patient's own tumours ("confirming that the ovarian
    tumours were metastases", "both tumours"), not tumours in general."""
    return bool(_OWN_PLURAL.fullmatch(m.group())) and bool(_DEFINITE_BEFORE.search(text, 0, m.start()))


_KEYWORDS = re.compile(r"(?i)\s*key[\s-]*words?\b")
_DISCUSSION = re.compile(r"(?i)^\s*(?:\d+(?:\.\d+)*\.?\s*)?(?:introduction|background|discussion|conclusions?|"
                         r"review|literature)\b")


def is_own_statement(sentence: Sentence, rules: SiteRules | None = None) -> bool:
    """The sentence speaks of this patient: no generic or other-patient statement; in an
    introduction or a discussion, where most sentences speak of GISTs in general, only a
    sentence with a cue of the patient ("our patient", "he", "the present case") counts."""
    rules = rules or load_rules()
    kind = statement_kind(sentence.text, rules)
    if kind in ("generic", "other"):
        return False
    if not (sentence.section and _DISCUSSION.match(sentence.section)):
        return True
    # A discussion tells other patients in the words of a case ("a 25-year-old male who
    # presented with ..."): only "our patient", "the present case" or a pronoun of the
    # patient mark the report's own patient there.
    # An introduction that announces the report's own case ("Herein we describe a 58-year-old
    # woman with ...", "We present the case of a man whose ...") speaks of the patient too.
    return bool(rules.patient_strong_cues.search(sentence.text) or _PRONOUN.search(sentence.text)
                or _ANNOUNCES_CASE.search(sentence.text))


_PRONOUN = re.compile(r"\b(?:he|she|his|her|him)\b", re.IGNORECASE)
_ANNOUNCES_CASE = re.compile(r"(?i)\bwe\s+(?:(?:here|herein|now)\s+)?(?:report|present|describe)\b")


# -- metastasis sites ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteMention:
    value: str
    organ: str
    start: int  # token indices, inclusive
    end: int
    char_start: int
    char_end: int


def _site_mentions(sentence: Sentence, terms: tuple[SiteTerm, ...], rules: SiteRules,
                   *, metastasis: bool) -> list[SiteMention]:
    found: list[tuple[int, int, SiteTerm]] = []
    for term in terms:
        for m in term.pattern.finditer(sentence.text):
            found.append((m.start(), m.end(), term))
    # Longest match wins where matches overlap; at equal length, the earlier term in the file.
    found.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    taken = _Spans()
    out: list[SiteMention] = []
    levels: _Covered | None = None  # the sentence's level mentions, found once
    for a, b, term in found:
        if taken.overlaps(a, b):
            continue
        if metastasis:
            if rules.not_a_site_after.match(sentence.text, b):
                continue
            # the words just before it ("history of"): a window, so a long sentence costs no more per site
            if rules.not_a_site_before.search(sentence.text[max(0, a - 200) : a]):
                continue
            if term.value == "B" and rules.bone_region_words.fullmatch(sentence.text[a:b]) \
                    and not rules.bone_context.search(sentence.text) \
                    and not any(t.value in ("B", "V") and not rules.bone_region_words.fullmatch(sentence.text[x:y])
                                for x, y, t in found):
                continue  # "a large mass in the pelvis": the region, not its bones
            if term.value == "V" and re.fullmatch(r"[A-Za-z]+\d.*", sentence.text[a:b]):
                if levels is None:
                    levels = _level_spans(sentence.text)
                if not _level_ok(sentence.text, a, b, levels):
                    continue
        taken.add(a, b)
        s_char, e_char = sentence.start + a, sentence.start + b
        ti = sentence.token_at(s_char)
        tj = max(ti, sentence.token_at(e_char - 1))
        out.append(SiteMention(term.value, term.organ, ti, tj, s_char, e_char))
    out.sort(key=lambda m: m.start)
    return out


class _Spans:
    """Disjoint character spans, kept sorted: whether a new span overlaps one, in log time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect_left(self.starts, b)  # the spans starting before b: the last one ends last
        return i > 0 and self.ends[i - 1] > a

    def add(self, a: int, b: int) -> None:
        i = bisect_left(self.starts, a)
        self.starts.insert(i, a)
        self.ends.insert(i, b)


class _Covered:
    """Character spans that may overlap: whether one of them holds an offset, in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach: list[int] = []  # the furthest end of the spans up to each one
        for _, b in spans:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def holds(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset)
        return i > 0 and self.reach[i - 1] > offset


def _level_spans(text: str) -> _Covered | None:
    """The spinal level mentions of ``text``; None without the level finder."""
    try:
        from extract.nlp.spinal_levels import find_spinal_levels
    except ImportError:  # pragma: no cover - the level finder is optional here
        return None
    return _Covered([(m.start, m.end) for m in find_spinal_levels(text)])


def _level_ok(text: str, a: int, b: int, levels: _Covered | None) -> bool:
    """A bare level code ("L3", "T2") is a vertebra unless it is MRI weighting, TNM or a lab:
    unless it starts within one of the text's level mentions (:func:`_level_spans`; None: the
    level finder is not there)."""
    if levels is None:
        return not re.match(r"[\s-]*(?:weighted|w\b|sequence|image|N\d|M\d)", text[b:b + 12], re.IGNORECASE)
    return levels.holds(a)


#: organs that seldom receive metastases: a carcinoma "of" them arose there
_ORIGIN_ORGANS = frozenset({"prostate", "breast", "thyroid", "bladder", "genital", "gynaecological", "head and neck"})


def _is_origin_descriptor(sentence: Sentence, mention: SiteMention, rules: SiteRules) -> bool:
    """'lung cancer', 'rectal GIST', 'renal cell carcinoma': the site names where a tumour arose."""
    tail = sentence.text[mention.char_end - sentence.start:]
    # "SCC of the cervix", "adenocarcinoma arising from the lung" (not "metastatic carcinoma of
    # the liver", which reads either way)
    head = sentence.text[: mention.char_start - sentence.start]
    # carcinomas seldom arise in bone, nodes or the brain: "carcinoma of the spine" is where it is
    of = rules.origin_of.search(head) if mention.organ not in rules.location_organs else None
    # "metastatic carcinoma of the liver" reads either way; of an organ that seldom receives
    # metastases ("metastatic adenocarcinoma of prostate") it names the origin
    if of and (mention.organ in _ORIGIN_ORGANS or not re.search(
            r"(?i)\b(?:metastatic|secondary|recurrent)\s+(?!from\b|to\b)(?:[\w-]+\s+){0,2}$", head[:of.start()])) \
            and not _names_own_origin(head[:of.end()], rules):
        return True
    # Allow other site adjectives in between ("cutaneous duodenal GIST").
    probe = tail
    for _ in range(3):
        n = rules.tumour_nouns.match(probe.lstrip(" -"))
        if n:
            before = sentence.text[: mention.char_start - sentence.start]
            # "metastatic liver tumor" is a metastasis; "metastatic lung cancer" is not
            return not (re.search(r"(?i)\b(?:metastatic|secondary)\s+$", before)
                        and re.match(r"(?i)tumou?r|lesion|mass|nodule", n.group(0)))
        w = re.match(r"[\s-]*([A-Za-z]+)", probe)
        if not w or not _is_site_word(w.group(1), rules):
            return False
        probe = probe[w.end():]
    return False


def _names_own_origin(phrase: str, rules: SiteRules) -> bool:
    """The tumour of "<tumour> of the <site>" already names its organ ("RCC of the lumbar spine",
    "renal cell carcinoma of the sternum", "gastric GIST of the ..."): the site is where it is."""
    m = re.search(r"(?<![\w-])([\w-]+(?:\s+[\w-]+){0,3})\s*(?:\([^()]{1,15}\)\s*)?\s+(?:" + rules.origin_connectors + r")\s+(?:the\s+)?\S*\s*$",
                  phrase, re.IGNORECASE)
    if not m:
        return False
    words = m.group(1).split()
    if rules.organ_named_tumours.match(words[-1]):
        return True  # "RCC", "cholangiocarcinoma", "GIST"
    # the words right before the tumour noun: "renal cell carcinoma", "hepatocellular carcinoma"
    for w in reversed(words[:-1]):
        if w.lower() in ("cell", "small", "non-small", "squamous", "clear"):
            continue
        return _is_site_word(w, rules)
    return False


def _is_site_word(word: str, rules: SiteRules) -> bool:
    return any(t.pattern.fullmatch(word) for t in rules.primary_sites + rules.metastasis_sites)


def _negated(sentence: Sentence, first: int, last: int, rules: SiteRules) -> bool:
    toks = sentence.tokens
    i = first - 1
    steps = 0
    while i >= 0 and steps < 8:
        w = toks[i].lower
        if w in (";", ":") or w in rules.barriers or w in ("however",):
            break
        if w in rules.negation_before:
            # "not only ... but" does not negate the site
            return not (w == "not" and i + 1 < len(toks) and toks[i + 1].lower == "only")
        i -= 1
        steps += 1
    after = sentence.text[toks[last].end - sentence.start:]
    return bool(re.match(r"[\s,]*" + rules.negation_after.pattern, after[:60], re.IGNORECASE))


def _hypothetical(sentence: Sentence, first: int, rules: SiteRules) -> bool:
    """A hedge ("may", "suspected", "suspicious for", "to exclude") among the six tokens
    before the statement, in the same clause."""
    toks = sentence.tokens
    lo = max(0, first - 6)
    for j in range(first - 1, lo - 1, -1):
        if toks[j].lower in rules.barriers or toks[j].text in (";", ","):
            lo = j + 1
            break
    if lo >= first:
        return False
    window = sentence.text[toks[lo].start - sentence.start:toks[first].start - sentence.start]
    return bool(rules.hypothetical.search(window))


def _hedged_between(sentence: Sentence, a: int, b: int, rules: SiteRules) -> bool:
    """A hedge stands between the site (ending at token ``a``) and its trigger (token ``b``):
    "an adrenal nodule suspicious for metastasis", "liver lesions possibly metastatic"."""
    if b - a <= 1:
        return False
    toks = sentence.tokens
    window = sentence.text[toks[a].end - sentence.start:toks[b].start - sentence.start]
    return bool(rules.hypothetical.search(window))


_HEDGE_AFTER = re.compile(r"[\s,(]*+(?:suspicious|suspected|concerning|worrisome|possibly|probably|likely|questionable|"
                          r"equivocal|indeterminate|presumed|presumably)\b", re.IGNORECASE)


def _hedged_after(sentence: Sentence, last: int) -> bool:
    """A hedge right after the statement qualifies it: "liver lesions suspicious for metastases",
    "lung nodules, possibly metastatic"."""
    return bool(_HEDGE_AFTER.match(sentence.text, sentence.tokens[last].end - sentence.start))


#: after a weak trigger, in its clause: the lesions are called metastases (the lookahead on the
#: first letters keeps a search over a long text without full stops fast)
_CALLED_METASTASES = re.compile(
    r"[^.;]{0,60}?\b(?=[cistrp])(?:consistent\s+with|suggestive\s+of|compatible\s+with|in\s+keeping\s+with|typical\s+of|"
    r"representing|confirmed\s+as|proven\s+to\s+be)\s+(?:(?:multiple|pulmonary|hepatic|distant|bone|nodal)\s+)?metasta",
    re.IGNORECASE)


_ARTICLES = frozenset({"a", "an", "another", "the"})


def _new_noun_phrase(sentence: Sentence, a: int, b: int) -> bool:
    """An article between a site word and the trigger after it starts another noun phrase: the
    trigger is not the site's ("a mass compressing the bladder and a lesion in T12")."""
    return any(sentence.tokens[k].lower in _ARTICLES for k in range(a + 1, b))


def _connected(sentence: Sentence, a: int, b: int, rules: SiteRules, max_gap: int) -> bool:
    """Tokens strictly between ``a`` and ``b`` hold no barrier and are at most ``max_gap``."""
    if b - a - 1 > max_gap:
        return False
    for k in range(a + 1, b):
        w = sentence.tokens[k].lower
        if w in (";", ":", ".", "(", ")") or w in rules.barriers or w in rules.negation_before:
            return False
    return True


def _trigger_indices(sentence: Sentence, rules: SiteRules) -> tuple[list[int], list[int]]:
    strong, weak = [], []
    for i, t in enumerate(sentence.tokens):
        if t.lower == "secondary" and i + 1 < len(sentence.tokens) and sentence.tokens[i + 1].lower == "to":
            continue  # "compression secondary to haemorrhage": caused by, not a secondary
        if i + 1 < len(sentence.tokens) and rules.examination_nouns.match(sentence.tokens[i + 1].text):
            continue  # "metastatic work-up", "metastatic survey": an examination
        if rules.strong_triggers.match(t.text):
            if rules.spread_words.match(t.text) and _condition_spreads(sentence, i, rules):
                continue  # "a rash that has spread to his scalp", "cellulitis involving the thigh"
            strong.append(i)
        elif rules.weak_triggers.match(t.text):
            weak.append(i)
    return strong, weak


def _condition_spreads(sentence: Sentence, i: int, rules: SiteRules) -> bool:
    """The nearest noun before the spread word ``i`` in its clause names a condition that is no
    tumour (a rash, an infection, oedema): its spread or extent is no metastasis."""
    for j in range(i - 1, max(-1, i - 9), -1):
        w = sentence.tokens[j].text
        if w in (";", ":", ".", ",") or w.lower() == "and" or w.lower() in rules.barriers - {"that", "which"}:
            return False
        if rules.non_tumour_conditions.match(w):
            return True
        if rules.tumour_nouns.fullmatch(w) or rules.weak_triggers.match(w) or re.match(r"(?i)metasta|lesion|disease|deposit", w):
            return False
    return False


def _metastasis_in_sentence(sentence: Sentence, rules: SiteRules, excluded_organs: set[str],
                            weak_ok: bool = True) -> list[tuple[SiteMention, int, int]]:
    """(mention, evidence start token, evidence end token) for each site stated as metastasis."""
    mentions = [m for m in _site_mentions(sentence, rules.metastasis_sites, rules, metastasis=True)
                if m.organ not in excluded_organs and not _is_origin_descriptor(sentence, m, rules)]
    if not mentions:
        return []
    # Adjacent words of one site are one mention ("subcutaneous gluteal", "L3 vertebral body").
    merged: list[SiteMention] = []
    for m in mentions:
        prev = merged[-1] if merged else None
        if prev is not None and prev.value == m.value and m.start - prev.end <= 1:
            merged[-1] = SiteMention(prev.value, prev.organ, prev.start, m.end, prev.char_start, m.char_end)
        else:
            merged.append(m)
    mentions = merged
    # A site word right before another site names a part of it ("hepatic hilar lymph nodes").
    mentions = [m for i, m in enumerate(mentions)
                if not (i + 1 < len(mentions) and mentions[i + 1].value != m.value
                        and 0 <= mentions[i + 1].start - m.end - 1 <= 1
                        and not any(sentence.tokens[k].lower in (",", "and", "or", "/", "&")
                                    for k in range(m.end + 1, mentions[i + 1].start)))]
    # Site adjectives listed before the nodes they place are the nodes ("mediastinal and hilar
    # lymph node metastases": LN, not M).
    mentions = [m for m in mentions if m.value == "LN" or not _places_the_nodes(sentence, m)]
    strong, weak = _trigger_indices(sentence, rules)
    if not weak_ok:
        weak = []
    accepted: dict[int, tuple[int, int]] = {}
    for idx, m in enumerate(mentions):
        pair: tuple[int, int] | None = None
        # site ... trigger: "hepatic metastases", "liver and bone secondary locations"
        for t in strong:
            if t > m.end and _connected(sentence, m.end, t, rules, 6) and not _new_noun_phrase(sentence, m.end, t):
                pair = (m.start, t)
                break
        if pair is None:
            for t in weak:
                if t > m.end and _connected(sentence, m.end, t, rules, 2) and not _new_noun_phrase(sentence, m.end, t):
                    pair = (m.start, t)
                    break
        # trigger ... site: "metastasis to the liver", "lesion in the L3 vertebral body"
        if pair is None:
            for t in reversed(strong):
                if t < m.start and _connected(sentence, t, m.start, rules, 8):
                    pair = (t, m.end)
                    break
        if pair is None:
            for t in reversed(weak):
                if t < m.start and _connected(sentence, t, m.start, rules, 4) and \
                        any(sentence.tokens[k].lower in ("in", "of", "at", "on", "within") for k in range(t + 1, m.start)):
                    pair = (t, m.end)
                    break
        # "pulmonary nodules up to 9 mm, consistent with metastases": a weak trigger the clause
        # then calls metastatic, in any report
        if pair is None and not weak_ok:
            for t in _trigger_indices(sentence, rules)[1]:
                if t > m.end and _connected(sentence, m.end, t, rules, 2) and not _new_noun_phrase(sentence, m.end, t) \
                        and _CALLED_METASTASES.match(sentence.text, sentence.tokens[t].end - sentence.start):
                    pair = (m.start, t)
                    break
        # "one of the seven lymph nodes contained cancer", "3/12 positive lymph nodes"
        if pair is None and m.value == "LN" and _nodes_held_tumour(sentence, m):
            pair = (m.start, m.end)
        # "The biopsy of the chest wall showed HCC": tissue from the site proved the tumour
        if pair is None and _biopsy_proved(sentence, m, rules):
            pair = (m.start, m.end)
        if pair is not None:
            accepted[idx] = pair
    # Sites listed with an accepted site share its trigger ("penis, scrotum, and soft tissues").
    changed = True
    while changed:
        changed = False
        for idx, m in enumerate(mentions):
            if idx in accepted:
                continue
            for jdx in (idx - 1, idx + 1):
                if jdx in accepted and 0 <= jdx < len(mentions):
                    n = mentions[jdx]
                    lo, hi = (n.end, m.start) if jdx < idx else (m.end, n.start)
                    between = [sentence.tokens[k].lower for k in range(lo + 1, hi)]
                    if len(between) <= 5 and all(w in _LIST_SEPARATORS or w in rules.list_joiners or _is_adjective_like(w) for w in between) \
                            and any(w in (",", "and", "or", "/", "&") for w in between):
                        a, b = accepted[jdx]
                        accepted[idx] = (min(a, m.start), max(b, m.end))
                        changed = True
                        break
    out = []
    for idx, (a, b) in sorted(accepted.items()):
        m = mentions[idx]
        first = min(a, m.start)
        if _negated(sentence, first, max(b, m.end), rules) or _hypothetical(sentence, first, rules):
            continue
        if _hedged_between(sentence, m.end, b, rules) or _hedged_between(sentence, a, m.start, rules) \
                or _hedged_after(sentence, max(b, m.end)):
            continue  # "an adrenal nodule suspicious for metastasis", "liver lesions possibly metastatic"
        if _proved_benign(sentence, max(b, m.end)):
            continue
        out.append((m, min(a, b), max(a, b)))
    return out


def _proved_benign(sentence: Sentence, last: int) -> bool:
    """The words after a site's statement, in its clause, call its lesion benign ("... was found
    to be a haemangioma", "... consistent with a simple cyst", "... too small to characterise"),
    with no metastasis named there: the story's verdict (story.benign_verdict)."""
    after = sentence.text[sentence.tokens[min(last, len(sentence.tokens) - 1)].end - sentence.start:]
    clause, _, rest = re.split(r"\.", after, maxsplit=1)[0].partition(";")
    if rest and calls_back_benign(rest):
        return True  # "... was noted; it was too small to characterise"
    m = benign_verdict(clause)
    return m is not None and m.start() <= 60 and not re.search(r"(?i)metasta|malignan|carcinom", clause[:m.end()])


_NODE_RESULT = re.compile(
    r"(?i)[\w-]*+\s*+(?:\([^()]{0,20}\)\s*+)?(?:(?:was|were)\s+(?:found\s+to\s+be\s+|also\s+)?(?:positive\b|involved\b|infiltrated\b|invaded\b)"
    r"|(?:contained|containing|harbou?red|harbou?ring|showed|revealed)\s+(?:metastatic\s+)?(?:cancer|carcinoma|tumou?r|malignan\w+|neoplastic|\w*oma\b))")
_NODE_POSITIVE_BEFORE = re.compile(r"(?i)\b(?:positive|tumou?r-(?:positive|bearing)|involved)\s+(?:[\w-]+\s+){0,1}$")


def _nodes_held_tumour(sentence: Sentence, m: SiteMention) -> bool:
    """Lymph nodes the text finds holding the tumour ("one of the seven resected lymph nodes
    contained cancer", "two nodes were positive", "3/14 positive lymph nodes"), not negated."""
    rel_start, rel_end = m.char_start - sentence.start, m.char_end - sentence.start
    if _NODE_RESULT.match(sentence.text, rel_end):
        return True
    return bool(_NODE_POSITIVE_BEFORE.search(sentence.text, max(0, rel_start - 40), rel_start))


def _biopsy_proved(sentence: Sentence, m: SiteMention, rules: SiteRules) -> bool:
    rel_start = m.char_start - sentence.start
    before = sentence.text[max(0, rel_start - 60):rel_start]
    if not re.search(rf"(?:{rules.biopsy_trigger})$", before, re.IGNORECASE):
        return False
    after = sentence.text[m.char_end - sentence.start:]
    r = re.match(r"(?:\s+[\w-]+){0,3}?\s+" + rules.biopsy_result.pattern, after, re.IGNORECASE)
    if not r:
        return False
    rest = after[r.end():r.end() + 80]
    # a tumour word, or a cancer's acronym ("showed HCC"; not "showed normal LFTs")
    return bool(rules.tumour_nouns.search(rest) or re.search(r"(?i)metasta", rest)
                or re.search(r"\b[A-Z]{0,4}C\b|\bGISTs?\b", rest))


_PRIMARY_HERE = re.compile(r"(?i)\b(?:primary(?!\s+(?:care|physician|team|endpoint|outcome))|"
                           r"(?:site|organ)\s+of\s+origin|proved\s+to\s+be\s+the\s+(?:primary|origin))\b")


_NODES = re.compile(r"(?i)(?:\s*+(?:[,/&]\s*+)?[a-z-]++){0,4}?\s*+(?:lymph[\s-]+nod(?:e|es|al)|nodes|nodal|lymphadenopathy)\b")


def _places_the_nodes(sentence: Sentence, m: SiteMention) -> bool:
    """The site word is an adjective of lymph nodes that follow it in a list ("mediastinal and
    hilar lymph node metastases", "para-aortic, mediastinal lymphadenopathy")."""
    word = sentence.text[m.char_start - sentence.start:m.char_end - sentence.start]
    if not re.search(r"(?i)(?:al|ic|ary|ar)$", word):
        return False
    return bool(_NODES.match(sentence.text, m.char_end - sentence.start))


def _origin_organs(patient_sentences: list[Sentence], rules: SiteRules) -> set[str]:
    """Organs a non-GIST primary tumour of the patient arose in ("renal cell carcinoma",
    "lung cancer", "a lesion in the breast, establishing the primary diagnosis"): in a report
    about another cancer they are not metastasis sites."""
    organs: set[str] = set()
    for sentence in patient_sentences:
        mentions = _site_mentions(sentence, rules.metastasis_sites, rules, metastasis=True)
        for m in mentions:
            if _is_origin_descriptor(sentence, m, rules):
                organs.add(m.organ)
            elif not re.search(r"(?i)metasta", sentence.text) and _primary_word_near(sentence, m, mentions):
                organs.add(m.organ)  # "a metabolically active lesion in the breast, establishing the primary"
    return organs


def _primary_word_near(sentence: Sentence, m: SiteMention, mentions: list[SiteMention]) -> bool:
    """A "primary" word within 60 characters of the organ with no other organ between them:
    "the primary renal tumour and the liver tumour" makes the kidney the origin, not the liver."""
    lo = max(0, m.char_start - sentence.start - 60)
    for p in _PRIMARY_HERE.finditer(sentence.text, lo, m.char_end - sentence.start + 60):
        a, b = sorted((p.start() + sentence.start, m.char_start))
        if not any(o.organ != m.organ and a <= o.char_start < b for o in mentions):
            return True
    return False


def _is_adjective_like(word: str) -> bool:
    return word in {"left", "right", "bilateral", "multiple", "several", "numerous", "distant",
                    "regional", "local", "loco-regional", "locoregional", "single", "solitary",
                    "synchronous", "metachronous", "upper", "lower", "small", "large", "new"}


# -- primary site ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrimaryCandidate:
    value: str
    priority: int  # 0 strongest
    start: int  # chars into document.text
    end: int


def _primary_in_sentence(sentence: Sentence, rules: SiteRules, gist_doc: bool) -> list[PrimaryCandidate]:
    text = sentence.text
    out: list[PrimaryCandidate] = []
    egist = bool(rules.extragastrointestinal.search(text))
    gist = rules.gist.pattern
    for term in rules.primary_sites:
        organ = f"(?:{term.pattern.pattern})"
        if term.extragastrointestinal_only and not egist:
            # an organ outside the gut named as the GIST's origin is an extragastrointestinal GIST
            # even where the word is not used ("a GIST arising from the pancreas", "a primary GIST
            # of the liver"); a GIST merely "in" or "of" the liver or pelvis may be a metastasis
            origin = (rf"(?:{gist})[\s,]+(?:(?:which|that)\s+)?(?:(?:had|has)\s+)?(?:arising|arose|arisen|originating|originated|derived|developing|developed|stemming)\s+"
                      rf"(?:from|in|within)\s+(?:the\s+)?{organ}|\bprimary\s+(?:(?:[\w-]+\s+){{0,2}})?(?:{gist})\s+(?:of|in)\s+(?:the\s+)?{organ}|"
                      rf"(?:{gist})\s+(?:of|in)\s+(?:the\s+)?(?:{rules.egist_organs})\b")
            for m in re.finditer(origin, text, re.IGNORECASE):
                out.append(PrimaryCandidate(term.value, 0, sentence.start + m.start(), sentence.start + m.end()))
            continue
        # "rectal GIST", "jejunal gastrointestinal stromal tumor", "small intestine GIST"
        for m in re.finditer(rf"{organ}[\s-]+(?:(?:primary|malignant|high[- ]risk|low[- ]risk|intermediate[- ]risk|large|giant|huge|recurrent|metastatic)[\s-]+)*(?:{gist})", text, re.IGNORECASE):
            out.append(PrimaryCandidate(term.value, 0, sentence.start + m.start(), sentence.start + m.end()))
        # "GIST of the stomach", "GIST arising from the small intestine"
        for m in re.finditer(rf"(?:{gist})(?:[\s,()]+[\w-]+){{0,7}}?[\s,()]+(?:{rules.primary_strong_connectors}){organ}", text, re.IGNORECASE):
            if re.search(r"(?i)\b(?:metasta\w*|to)\s+(?:the\s+)?" + organ + r"\W*$", m.group(0)):
                continue  # "GIST metastatic to the liver"
            lead = rules.gist.match(m.group(0))
            after = _ABBREVIATION.sub("", m.group(0)[lead.end():], count=1) if lead else ""
            if rules.gist.search(after):
                continue  # "a GIST, and ... GISTs in the colon": the organ is the nearer GIST's
            out.append(PrimaryCandidate(term.value, 0, sentence.start + m.start(), sentence.start + m.end()))
        # "a high-risk GIST (stomach, 12 cm)"
        for m in re.finditer(rf"(?:{gist})\s*+\(\s*+{organ}\b", text, re.IGNORECASE):
            out.append(PrimaryCandidate(term.value, 0, sentence.start + m.start(), sentence.start + m.end()))
        if not gist_doc:
            continue
        # "the stomach was the primary site", "the jejunum was its origin"
        for m in re.finditer(rf"{organ}\s+(?:was|is)\s+(?:the|its)\s+(?:(?:primary|original)\s+(?:site|tumou?r|lesion|focus)|"
                             rf"primary|origin|site\s+of\s+origin)\b", text, re.IGNORECASE):
            out.append(PrimaryCandidate(term.value, 0, sentence.start + m.start(), sentence.start + m.end()))
        # "the jejunal primary", "primary tumor of the stomach"
        for m in re.finditer(rf"{organ}\s+primary\b|primary\s+(?:tumou?r|lesion|site)?\s*(?:of|in|at)\s+(?:the\s+)?{organ}", text, re.IGNORECASE):
            out.append(PrimaryCandidate(term.value, 0, sentence.start + m.start(), sentence.start + m.end()))
        # "a rectal mass", "a tumor located in the small intestine", "coming from the wall of the rectum"
        for m in re.finditer(rf"{organ}\s+(?:(?:{rules.primary_adjectives})[\s,]+){{0,2}}(?:{rules.primary_weak_nouns})\b|(?:{rules.primary_weak_nouns})(?:\s*,[^,.;]{{1,40}},)?\s+(?:{rules.primary_weak_connectors}){organ}", text, re.IGNORECASE):
            out.append(PrimaryCandidate(term.value, 1, sentence.start + m.start(), sentence.start + m.end()))
    for m in rules.unknown_primary.finditer(text):
        if gist_doc:
            out.append(PrimaryCandidate("unknown", 0, sentence.start + m.start(), sentence.start + m.end()))
    if gist_doc and not re.search(r"(?i)metasta\w*\s+(?:was|were)\s+(?:resected|excised)|"
                                  r"(?:resection|excision)\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}metasta", text):
        # "underwent a distal gastrectomy; histology showed a GIST": the operation names the organ
        for pattern, value in rules.primary_operations:
            for m in pattern.finditer(text):
                out.append(PrimaryCandidate(value, 2, sentence.start + m.start(), sentence.start + m.end()))
    return out


def _term_span_flags(doc: Doc | None, start: int, end: int, relative: bool = False) -> bool:
    """True when the pipeline's ConText marks a term span over these characters negated or a
    family member's (unless the patient is that relative). Only within sentences of ordinary
    length: a scope that ran on across a column or page break is not trusted."""
    if doc is None or "terms" not in doc.spans:
        return False
    for span in _site_term_spans(doc).overlapping(start, end):
        try:
            sentence_length = len(span.sent)
        except ValueError:
            sentence_length = 0
        if not 0 < sentence_length <= 60:
            continue
        for flag in ("is_negated",) if relative else ("is_negated", "is_family"):
            if span.has_extension(flag) and getattr(span._, flag, False):
                return True
    return False


class _SpanIndex:
    """spaCy spans by character offset: those overlapping a range, without a scan of all."""

    def __init__(self, spans: list[Any]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start_char)
        self.starts = [s.start_char for s in self.spans]
        self.longest = max((s.end_char - s.start_char for s in self.spans), default=0)

    def overlapping(self, start: int, end: int) -> list[Any]:
        lo = bisect_left(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return [s for s in self.spans[lo:hi] if start < s.end_char]


_TERM_SPANS: weakref.WeakKeyDictionary[Any, _SpanIndex] = weakref.WeakKeyDictionary()


def _site_term_spans(doc: Doc) -> _SpanIndex:
    """The doc's METASTASIS_SITE and PRIMARY_SITE term spans, indexed once per doc (each site
    candidate asks for its own: a scan of all of them each time made the fields stage grow with
    the square of a document's length)."""
    index = _TERM_SPANS.get(doc)
    if index is None:
        index = _SpanIndex([s for s in doc.spans["terms"] if s.label_ in ("METASTASIS_SITE", "PRIMARY_SITE")])
        _TERM_SPANS[doc] = index
    return index


# -- the field extractor ---------------------------------------------------------------------------


# one item of a list of alternatives: a short noun phrase ("malignant lymphoma", "leiomyoma (LMS)")
_ITEM = r"(?!(?:and|which|who|that|was|were|is|are|had|has|with|then|but)\b)[\w-]+(?:\s+[\w-]+){0,3}(?:\s*\([^()]{0,20}\))?"
_ALTERNATIVE_AFTER = re.compile(rf"\s*(?:\([^()]{{0,20}}\))?\)?\s*,(?:\s*{_ITEM}\s*,)*\s*(?:{_ITEM}\s+)?(?:and/)?or\b"
                                r"|\s*(?:\([^()]{0,20}\))?\s*or\s+(?:an?\s+)?\w", re.IGNORECASE)
_ALTERNATIVE_BEFORE = re.compile(r"\b(?:or|and/or)\s+(?:an?\s+)?(?:\w+\s+)?$", re.IGNORECASE)


_DISCUSSION_HEADING = re.compile(r"^[ \t]*(?:\d{1,2}\.?[ \t]*)?(?:discussion|comments?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_ROUGH_SENTENCE_END = re.compile(r"(?<!\bal)(?<!\bFig)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bDr)\.\s|\n")


def gist_told(text: str, rules: SiteRules | None = None) -> bool:
    """The text speaks of a GIST as a diagnosis: some mention of a GIST before the references is
    neither one of the alternatives of a differential diagnosis ("a small bowel tumor, GIST,
    malignant lymphoma, or cancer"), nor in a sentence that doubts it ("suspected GIST", "GIST was
    ruled out"), nor in a statement about GISTs in general or other patients."""
    rules = rules or load_rules()
    heading = _REFERENCES_HEADING.search(text, len(text) // 3)
    stop = heading.start() if heading else len(text)
    later = _DISCUSSION_HEADING.search(text)
    discussion = later.start() if later else len(text)
    for m in rules.gist.finditer(text, 0, stop):
        lo = max(0, m.start() - 600)
        cuts = [c.end() for c in _ROUGH_SENTENCE_END.finditer(text, lo, m.start())]
        a = cuts[-1] if cuts else lo
        end = _ROUGH_SENTENCE_END.search(text, m.end(), m.end() + 600)
        sentence = text[a:end.start() if end else m.end() + 600]
        if rules.gist_doubt.search(sentence):
            continue
        # "Smith et al. reported a GIST ...": the literature, not this report's tumour; a statement
        # about GISTs in general says what the report is about where it opens the report (title,
        # abstract, introduction: "duodenal GISTs rarely spread to bone"), not in its discussion
        # of other tumours ("spinal metastases from GISTs are rare")
        kind = statement_kind(sentence, rules)
        if kind == "other" or (kind == "generic" and m.start() >= discussion):
            continue
        if _ALTERNATIVE_AFTER.match(text, m.end()) or _ALTERNATIVE_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        return True
    return False


_ABBREVIATION = re.compile(r"^\s*\([^()]{0,12}\)")  # "gastrointestinal stromal tumour (GIST)"
_PLURAL_GIST = re.compile(r"(?i)(?:E?GISTs|gastro-?intestinal\s+stromal\s+(?:cell\s+)?(?:tumou?rs|sarcomas|neoplasms)|stromal\s+tumou?rs)\b")


def primary_site(patient: PatientText, rules: SiteRules | None = None) -> FieldValue | None:
    rules = rules or load_rules()
    document = patient.document
    gist_doc = gist_told(document.text, rules)
    if not gist_doc:
        return None
    best: PrimaryCandidate | None = None
    told = sentences(patient)
    if patient.shared:  # a series' title or lead names the organ of every patient's GIST
        told += sentences(PatientText(document, patient.doc, patient.shared))
    title = title_end(document)
    for sentence in told:
        title_or_lead = not patient.contains(sentence.start, sentence.start)
        # the title or lead of a series ("Sacral metastases of rectal GIST: two cases") may use a
        # general word; only the literature's statements are not the patients'; the report's
        # own title ("Oesophageal GIST ...: a case report and review of the literature") is its own
        own_title = sentence.start < title and not re.search(r"\bet\s+al\b|\[\s*\d", sentence.text)
        # "No primary tumour could be identified": the patient's, though "could" reads as general
        unknown_told = bool(rules.unknown_primary.search(sentence.text)) and statement_kind(sentence.text, rules) != "other" \
            and not (sentence.section and _DISCUSSION.match(sentence.section))
        if not (is_own_statement(sentence, rules) or own_title or unknown_told
                or (title_or_lead and statement_kind(sentence.text, rules) != "other")):
            continue
        for cand in _primary_in_sentence(sentence, rules, gist_doc):
            if _term_span_flags(patient.doc, cand.start, cand.end, relative=bool(patient.relation)):
                continue
            if _PLURAL_GIST.match(document.text, cand.start, cand.end):
                # "GISTs in the colon" speaks of several tumours or of GISTs in general; the
                # patient's own tumour, its mass or the operation that removed it says more
                cand = PrimaryCandidate(cand.value, 3, cand.start, cand.end)
            rel = sentence.token_at(cand.start)
            if cand.value != "unknown" and _negated(sentence, rel, rel, rules):  # "no primary tumour was found" is the value
                continue
            shared = not patient.contains(cand.start, cand.end)
            if best is None or (shared, cand.priority, cand.start) < (not patient.contains(best.start, best.end),
                                                                      best.priority, best.start):
                best = cand
    if best is None:
        return None
    return FieldValue("primary_site", best.value, make_evidence(document, best.start, best.end),
                      1.0 if best.priority == 0 else 0.7)


def metastasis_sites(patient: PatientText, rules: SiteRules | None = None,
                     primary: str | None = None, primary_words: str = "") -> list[FieldValue]:
    """One FieldValue per code (first evidence of each), codes in order of first mention.
    ``primary_words``: the words that name the primary ("a GIST of the pancreas"): the organs
    they name are its own, no metastasis sites."""
    rules = rules or load_rules()
    document = patient.document
    excluded = {_PRIMARY_ORGAN_CODE_ORGAN[primary]} if primary in _PRIMARY_ORGAN_CODE_ORGAN else set()
    if primary == "other":  # an extragastrointestinal GIST's organ
        excluded |= {t.organ for t in rules.metastasis_sites if t.value == "O" and t.pattern.search(primary_words)}
    seen: dict[str, FieldValue] = {}
    # "a mass in the buttock" reads as a metastasis only in a report about a GIST; elsewhere
    # an organ's mass is as likely the primary tumour.
    weak_ok = gist_told(document.text, rules)
    told = sentences(patient)
    # the patient's spinal metastasis, as the story of the spinal fields reads it ("a
    # destructive lesion of T9", "cord compression from a vertebral mass"); in a GIST report
    # not one told with another cancer ("lung cancer with a single metastasis to the spine")
    story = story_of(patient)
    spinal = next((x for x in story.spinal
                   if not (weak_ok and any(rules.other_cancers.match(w) for w in re.findall(r"[\w-]+", x.text)))), None)
    if not weak_ok and spinal is None and not any(_spread_stated(s, rules) for s in told):
        return []  # a report about no cancer (an infection, a benign lesion) has no sites
    own = [s for s in told if is_own_statement(s, rules)]
    if not weak_ok:
        # the report's own cancer: named in the patient's statements or in the title, whatever
        # else the title says ("... as the initial presentation of breast cancer: a case report
        # and literature review")
        title = title_end(document)
        excluded |= _origin_organs([s for s in told if s in own or s.start < title], rules)
    following = {id(a): b for a, b in zip(told, told[1:])}
    named_bone = False  # a B mention that names a bone other than the vertebrae ("rib", "ilium")
    for sentence in own:
        if _KEYWORDS.match(sentence.text) or (sentence.section and _KEYWORDS.match(sentence.section)):
            continue  # "Keywords: GIST; sacrum; bone metastasis" index the article (its primary, its topic), not sites
        found = _metastasis_in_sentence(sentence, rules, excluded, weak_ok)
        nxt = following.get(id(sentence))
        if found and nxt is not None and calls_back_benign(nxt.text):
            found = found[:-1]  # "... a lesion in the T10 vertebral body. It was reported as indeterminate"
        for mention, a, b in found:
            if mention.value in seen and (mention.value != "B" or named_bone):
                continue
            if _part_of_spinal_lesion(sentence, mention, [m for m, _, _ in found]):
                continue  # "bone metastases in the thoracic spine", "a soft tissue mass in the cervical spine"
            if weak_ok and _other_cancer_in_clause(sentence, min(a, mention.start), max(b, mention.end), rules):
                continue  # a GIST report: "prostate cancer with bone metastases" is the other cancer's
            if _term_span_flags(patient.doc, mention.char_start, mention.char_end, relative=bool(patient.relation)):
                continue
            if mention.value == "B" and (not _GENERIC_BONE.fullmatch(document.text[mention.char_start:mention.char_end])
                                         or _listed_apart(sentence, mention, [m for m, _, _ in found if m.value == "V"])):
                named_bone = True  # a bone named, or "bone" listed apart from the spine ("liver, bone and spinal metastases")
            if mention.value in seen:
                continue
            start = min(sentence.tokens[a].start, mention.char_start)
            end = max(sentence.tokens[b].end, mention.char_end)
            seen[mention.value] = FieldValue("metastasis_sites", mention.value, make_evidence(document, start, end))
    if "V" not in seen and spinal is not None:
        seen["V"] = FieldValue("metastasis_sites", "V", story.evidence(spinal))
    if "B" in seen and "V" in seen and not named_bone:
        # "bone metastases" whose bones the report names are the vertebrae: V, not B (FIELDS.md's
        # B is bone other than the vertebrae, or bone metastases that name no bone)
        seen.pop("B")
    return list(seen.values())


def _listed_apart(sentence: Sentence, mention: SiteMention, spinal: list[SiteMention]) -> bool:
    """``mention`` and a spinal mention are items of one list ("bone and spinal metastases",
    "bone, liver and spine"): the text tells the bones apart from the spine."""
    toks = sentence.tokens
    for other in spinal:
        lo, hi = (mention.end + 1, other.start) if other.start > mention.end else (other.end + 1, mention.start)
        between = [toks[k].lower for k in range(lo, hi)]
        if 0 < len(between) <= 4 and any(w in (",", "and", "or", "/", "&") for w in between) \
                and all(w in _LISTING or w == "," or _is_adjective_like(w) for w in between):
            return True
    return False


_GENERIC_BONE = re.compile(r"(?i)bones?|bony|osseous|ossei|skeletal|skeleton")
_LOCAL_EXTENSION = re.compile(r"(?i)\b(?:extension|extending|extended|component|invading|invasion|infiltrating)\b")
_PLACING = {"in", "of", "at", "to", "into", "involving", "including", "within", "from", "affecting", "on"}
_LISTING = {"and", "or", "&", "/", ";", "(", ")", "but", "whereas", "while", "as", "well"}


def _part_of_spinal_lesion(sentence: Sentence, mention: SiteMention, mentions: list[SiteMention]) -> bool:
    """A bone or soft-tissue word that places or extends the spinal metastasis itself: "bone
    metastases in the thoracic spine", "osseous metastasis at L3", "multiple bone metastases,
    including the T8 and L2 vertebrae" (V, not B: FIELDS.md's B is bone other than the
    vertebrae), "a soft tissue mass in the cervical spine", "paraspinal extension of the L2
    lesion" (the vertebral tumour's own extension, not a soft-tissue metastasis). A list ("liver,
    bone and spine metastases") keeps both."""
    if mention.value == "B":
        if not _GENERIC_BONE.fullmatch(sentence.text[mention.char_start - sentence.start:mention.char_end - sentence.start]):
            return False
    elif mention.value != "ST":
        return False
    toks = sentence.tokens
    for other in mentions:
        if other.value != "V":
            continue
        lo, hi = (mention.end + 1, other.start) if other.start > mention.end else (other.end + 1, mention.start)
        between = [toks[k].lower for k in range(lo, hi)]
        if len(between) > 8 or not _PLACING & set(between):
            continue
        listed = any(w in _LISTING or (w == "," and (k + 1 >= len(between) or between[k + 1] not in
                                                     ("including", "involving", "in", "at", "particularly", "mainly",
                                                      "especially", "notably", "predominantly")))
                     for k, w in enumerate(between))
        if not listed:
            return True
    if mention.value == "ST" and _LOCAL_EXTENSION.search(sentence.text) and any(m.value in ("V", "B") for m in mentions):
        return True  # "a lesion of the seventh rib with a soft-tissue component": the bone lesion's own
    if mention.value == "ST" and _NEXT_TO_THE_SPINE.search(sentence.text[mention.char_start - sentence.start:mention.char_end - sentence.start]) \
            and (LEVEL_RE.search(sentence.text) or context()["spinal_site"].search(sentence.text)) \
            and _EXTENDS_NEAR.search(sentence.text[max(0, mention.char_start - sentence.start - 60):mention.char_end - sentence.start + 40]):
        return True  # "an L3 metastasis with a paraspinal soft tissue mass", "extending into the psoas"
    return False


#: soft tissue beside the spine, where a vertebral tumour grows out (not a distant muscle)
_NEXT_TO_THE_SPINE = re.compile(r"(?i)paraspinal|paravertebral|prevertebral|psoas|iliopsoas|soft[\s-]+tissues?")
_EXTENDS_NEAR = re.compile(r"(?i)\b(?:extension|extending|extended|extends|component|into|invad\w*|invasion|infiltrat\w*|mass|involv\w*)\b")


_PRIMARY_ORGAN_CODE_ORGAN = {k: "peritoneum" for k in _PRIMARY_ORGAN_CODE}
# Tumour spread, or a cancer the patient already had (a new lesion in a patient with a
# "seven-year history of renal cell carcinoma" is its metastasis even where the word is not used).
_SPREAD = re.compile(r"(?i)\bmetasta\w*|\bsecondar(?:y|ies)\s+(?:deposit|lesion|tumou?r|location)|"
                     # a tumour's invasion of its neighbours, nodes found to hold the tumour
                     r"\b(?:tumou?r|carcinoma|cancer|neoplastic|malignant)\s+(?:[\w-]+\s+){0,6}?(?:invasion|invading|invaded|infiltrating|infiltrated)\b|"
                     r"\bnodes?\s+(?:[\w-]+\s+){0,2}?(?:was|were|being)\s+positive\b|\b(?:positive|involved)\s+(?:lymph\s+)?nodes\b|"
                     r"\bnodes?\s+(?:contained|containing|harbou?red|showed|revealed)\s+(?:metastatic\s+)?(?:cancer|carcinoma|tumou?r|malignant)|"
                     r"\b(?:history\s+of|known|previously\s+(?:treated|resected|diagnosed|operated))\s+(?:[\w-]+\s+){0,4}?"
                     r"(?:\w*carcinoma|\w*sarcoma|cancer|malignan\w+|myeloma|lymphoma|melanoma)s?\b")


def _other_cancer_in_clause(sentence: Sentence, first: int, last: int, rules: SiteRules) -> bool:
    """A cancer other than a GIST is named within six tokens of the statement, in its clause."""
    toks = sentence.tokens
    for step, rng in ((-1, range(first - 1, max(-1, first - 7), -1)), (1, range(last + 1, min(len(toks), last + 7)))):
        for j in rng:
            w = toks[j].text
            if w in (";", ":", ".") or w.lower() in ("but", "whereas", "while", "although", "however", "and") and step > 0:
                break
            if rules.other_cancers.match(w):
                return True
    return False


def _spread_stated(sentence: Sentence, rules: SiteRules) -> bool:
    """The sentence states tumour spread or an earlier cancer, not negated ("no metastatic
    disease", "a negative metastatic work-up")."""
    for m in _SPREAD.finditer(sentence.text):
        i = sentence.token_at(sentence.start + m.start())
        if i < len(sentence.tokens) and not _negated(sentence, i, i, rules):
            return True
    return False


def extract(patient: PatientText) -> list[FieldValue]:
    """``primary_site`` (at most one value) and ``metastasis_sites`` (one FieldValue per code)."""
    rules = load_rules()
    out: list[FieldValue] = []
    primary = primary_site(patient, rules)
    if primary is not None:
        out.append(primary)
    out.extend(metastasis_sites(patient, rules, primary.value if primary else None,
                                primary.evidence.text if primary and primary.evidence else ""))
    return out


# -- normalisers for table cells and other callers ---------------------------------------------------


def normalise_primary(text: str) -> str | None:
    """A table cell or phrase naming an organ -> primary_site value ('Small intestine' ->
    'small intestine', 'Gastric' -> 'stomach'); 'unknown' for an unknown primary; None when no
    organ of the vocabulary is named."""
    rules = load_rules()
    t = " ".join(text.split())
    if not t:
        return None
    low = t.lower()
    if low in PRIMARY_SITES:
        return low
    if re.fullmatch(r"(?i)unknown|unknown primary|cup|occult", t) or rules.unknown_primary.search(t):
        return "unknown"
    best: tuple[int, int, str] | None = None
    for term in rules.primary_sites:
        for m in term.pattern.finditer(t):
            key = (m.start(), -(m.end() - m.start()), term.value)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def normalise_site(text: str) -> str | None:
    """A phrase naming a site ('liver', 'bone metastases aside from vertebrae', 'soft tissue')
    -> metastasis code of its first site word; the code itself when ``text`` is a code."""
    t = " ".join(text.split())
    if t.upper() in METASTASIS_CODES and (t.isupper() or len(t) > 1):
        return t.upper()
    rules = load_rules()
    best: tuple[int, int, str] | None = None
    for term in rules.metastasis_sites:
        for m in term.pattern.finditer(t):
            if term.value == "V" and re.fullmatch(r"[A-Za-z]+\d.*", m.group(0)):
                continue
            key = (m.start(), -(m.end() - m.start()), term.value)
            if best is None or key < best:
                best = key
    return best[2] if best else None
