"""Age and sex of a patient (FIELDS.md ``age_years``, ``sex``).

Age: the first statement of the patient's age in the case presentation ("A 51-year-old",
"aged 45", "45 years old", "45-yr-old", "sixty-year-old", "8-month-old" -> 0.67), else in
the title and abstract, else anywhere in the patient's text; never from a sentence that
cites the literature, a relative's age ("her 3-year-old son"), a range or a statistic
("patients aged 50 years and over"), and a decade ("in his fifties") is not an age.
Age in years with two decimals: months / 12, weeks / 52.18, days / 365.25.

Sex: the sex noun of the age statement ("A 51-year-old Japanese man", "Mr. S, a
23-year-old"), else the first sex noun of the patient ("a male patient"), else the
patient's pronouns when one sex clearly dominates, else words only one sex has
("pregnancy", "prostate"). With the NLP pipeline, MACCROBAT ``Age``/``Sex`` entities fill in
what the rules miss. Patterns live in ``resources/demographics.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extract.fields import FieldValue, PatientText, make_evidence
from extract.fields.patients import (
    case_sections,
    front_matter_end,
    is_literature_sentence,
    own_patient_cues,
    sentence_around,
)

RESOURCES = Path(__file__).parent / "resources"


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return json.loads((RESOURCES / "demographics.json").read_text("utf-8"))


def _num_regex() -> str:
    words = sorted(_rules()["number_words"], key=len, reverse=True)
    w = "|".join(words)
    half = r"(?:\s+and\s+(?:a\s+)?half)?"
    return (rf"(?P<num>(?<![\d.,])\d{{1,3}}(?:[.,]\d{{1,2}})?{half}"
            rf"|\b(?:{w})(?:[\s‐‑–—-]+(?:{w}))?{half})")


_UNIT = r"(?P<unit>years?|yrs?|y|months?|mos?|mths?|weeks?|wks?|days?|d)"


@dataclass(frozen=True)
class AgeMention:
    value: float
    start: int
    end: int
    kind: str  # "adjective" (the patient's age) or "history" ("at the age of 40")


@lru_cache(maxsize=1)
def _age_patterns() -> list[tuple[str, re.Pattern[str]]]:
    num = _num_regex()
    return [(p["kind"], re.compile(p["regex"].replace("{num}", num).replace("{unit}", _UNIT), re.IGNORECASE))
            for p in _rules()["age_patterns"]]


def _parse_number(raw: str) -> float | None:
    t = raw.lower().strip()
    half = 0.0
    m = re.search(r"\s+and\s+(?:a\s+)?half$", t)
    if m:
        half, t = 0.5, t[: m.start()]
    t = t.replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t) + half
    words = _rules()["number_words"]
    parts = [p for p in re.split(r"[\s‐‑–—-]+", t) if p]
    if not parts or any(p not in words for p in parts):
        return None
    if len(parts) == 2 and parts[1] == "hundred":
        return float(words[parts[0]] * 100) + half
    if len(parts) == 2 and not (words[parts[0]] >= 20 and words[parts[1]] < 10):
        return None
    return float(sum(words[p] for p in parts)) + half


def age_in_years(amount: float, unit: str | None) -> float | None:
    """``age_in_years(8, "month")`` -> 0.67; two decimals; None for an unknown unit."""
    u = (unit or "year").lower().rstrip(".")
    per_year = _rules()["units_per_year"]
    if u not in per_year and u.endswith("s"):
        u = u[:-1]
    if u not in per_year:
        return None
    return round(amount / per_year[u], 2)


def parse_age(text: str) -> float | None:
    """The age a phrase states ("51-year-old", "aged 45", "8-month-old"), or None."""
    for _kind, pat in _age_patterns():
        m = pat.search(text)
        if m:
            return _mention_value(m)
    return None


def _mention_value(m: re.Match[str]) -> float | None:
    amount = _parse_number(m.group("num"))
    if amount is None:
        return None
    unit = m.groupdict().get("unit")
    value = age_in_years(amount, unit)
    if value is None or not (0 < value <= 120):
        return None
    return value


def age_mentions(text: str, start: int = 0, end: int | None = None) -> list[AgeMention]:
    """Statements of a person's own age in ``text[start:end]`` that could be the patient's."""
    end = len(text) if end is None else end
    rules = _rules()
    before_re = re.compile(rules["age_not_the_patient"]["before"], re.IGNORECASE)
    after_re = re.compile(rules["age_not_the_patient"]["after"], re.IGNORECASE)
    history_re = re.compile(rules["history_before"], re.IGNORECASE)
    out: dict[int, AgeMention] = {}
    for kind, pat in _age_patterns():
        for m in pat.finditer(text, start, end):
            value = _mention_value(m)
            if value is None:
                continue
            s = m.start("num") if kind == "adjective" else m.start()
            if before_re.search(text[max(start, s - 50):s]) or after_re.search(text[m.end():m.end() + 40]):
                continue
            if m.start() in out or any(o.start <= m.start() < o.end for o in out.values()):
                continue
            told_as = kind
            if kind == "adjective" and history_re.search(text[max(start, m.start() - 40):m.start()]):
                told_as = "history"
            out[m.start()] = AgeMention(value, m.start(), m.end(), told_as)
    return sorted(out.values(), key=lambda a: a.start)


def _usable(text: str, mention: AgeMention, in_case_section: bool = False) -> bool:
    s, e = sentence_around(text, mention.start)
    article = re.search(r"(?<![A-Za-z])(?:A|An)\s+$", text[max(s, mention.start - 6):mention.start])
    if article:
        # A capital "A 35-year-old" mid-sentence starts a sentence the PDF reader ran into
        # the line before (often a line of the other column).
        s = max(s, mention.start - 6) + article.start()
    sentence = text[s:e]
    introduces = (in_case_section and article is not None) or bool(
        re.search(own_patient_cues(), text[max(s, mention.start - 200):mention.start], re.IGNORECASE))
    if is_literature_sentence(sentence) and not introduces:
        return False
    if re.search(_rules()["relatives"], text[max(s, mention.start - 80):mention.start], re.IGNORECASE):
        return False  # "A female sibling died at 3 months of age"
    window = text[max(s, mention.start - 80):min(e, mention.end + 80)]
    return not re.search(_rules()["not_an_age_statement"], window, re.IGNORECASE)


def _intersect(ranges: list[tuple[int, int]], within: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in ranges:
        for c, d in within:
            lo, hi = max(a, c), min(b, d)
            if lo < hi:
                out.append((lo, hi))
    return sorted(out)


def _regions(patient: PatientText) -> list[list[tuple[int, int]]]:
    """Where to look first: the case presentation, then title and abstract, then anywhere."""
    document = patient.document
    ranges = patient.ranges or [(0, len(document.text))]
    return [
        _intersect(ranges, case_sections(document)),
        _intersect(ranges, [(0, front_matter_end(document))]),
        ranges,
    ]


_NOT_THE_PATIENT = ("is_family", "is_other_patient", "is_hypothetical")


def _context_says_other(patient: PatientText, start: int, end: int) -> bool:
    """With the NLP pipeline: ConText marks an entity here as a relative's, another
    patient's or hypothetical ("her mother, aged 60"; "a 33-year-old reported by ...")."""
    doc = patient.doc
    if doc is None:
        return False
    return any(
        ent.start_char < end and start < ent.end_char
        and any(getattr(ent._, name, False) for name in _NOT_THE_PATIENT)
        for ent in doc.ents
    )


def find_age(patient: PatientText) -> AgeMention | None:
    text = patient.document.text
    regions = _regions(patient)
    for kinds in (("adjective",), ("history",)):
        for i, region in enumerate(regions):
            for a, b in region:
                for mention in age_mentions(text, a, b):
                    if (mention.kind in kinds and _usable(text, mention, in_case_section=i == 0)
                            and not _context_says_other(patient, mention.start, mention.end)):
                        return mention
    return _age_from_entities(patient)


def _age_from_entities(patient: PatientText) -> AgeMention | None:
    """An NER ``Age`` entity the rules did not read (with the NLP pipeline only)."""
    doc = patient.doc
    if doc is None:
        return None
    text = patient.document.text
    for ent in doc.ents:
        if ent.label_ != "Age" or not patient.contains(ent.start_char, ent.end_char):
            continue
        lo, hi = max(0, ent.start_char - 12), min(len(text), ent.end_char + 12)
        for mention in age_mentions(text, lo, hi):
            if (mention.start < ent.end_char and ent.start_char < mention.end and _usable(text, mention)
                    and not _context_says_other(patient, mention.start, mention.end)):
                return mention
    return None


# -- sex --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SexMention:
    value: str
    start: int
    end: int


def _sex_of(word: str) -> str | None:
    return _rules()["sex_words"].get(word.lower().rstrip("."))


def _sex_noun_near_age(text: str, age: AgeMention) -> SexMention | None:
    s, e = sentence_around(text, age.start)
    nouns = re.compile(_rules()["sex_nouns"])
    after = [m for m in nouns.finditer(text, age.end, min(e, age.end + 80))]
    for m in after:
        value = _sex_of(m.group(0))
        if value:
            return SexMention(value, m.start(), m.end())
    before = [m for m in nouns.finditer(text, max(s, age.start - 60), age.start)]
    for m in reversed(before):
        value = _sex_of(m.group(0))
        if value:
            return SexMention(value, m.start(), m.end())
    return None


def _first_sex_noun(text: str, region: list[tuple[int, int]]) -> SexMention | None:
    rules = _rules()
    nouns = re.compile(rules["sex_nouns"])
    relatives = re.compile(rules["relatives"], re.IGNORECASE)
    for a, b in region:
        for m in nouns.finditer(text, a, b):
            value = _sex_of(m.group(0))
            if not value:
                continue
            following = text[m.end():m.end() + 30]
            if re.match(r"\s*(?:[-/]|and|or|to|predominance|preponderance|ratio|patients|individuals|subjects|gender|sex)\b",
                        following, re.IGNORECASE):
                continue
            s, e = sentence_around(text, m.start())
            sentence = text[s:e]
            if is_literature_sentence(sentence):
                continue
            if relatives.search(text[max(s, m.start() - 40):m.start()]):
                continue
            return SexMention(value, m.start(), m.end())
    return None


def _pronoun_sex(text: str, region: list[tuple[int, int]]) -> SexMention | None:
    """The sex of the pronouns that tell the patient, when one sex clearly dominates."""
    rules = _rules()
    male = re.compile(rules["pronouns_male"], re.IGNORECASE)
    female = re.compile(rules["pronouns_female"], re.IGNORECASE)
    counts = {"male": 0, "female": 0}
    first: dict[str, tuple[int, int]] = {}
    for a, b in region:
        for s, e in _sentences_in(text, a, b):
            sentence = text[s:e]
            if is_literature_sentence(sentence):
                continue
            for value, pat in (("male", male), ("female", female)):
                for m in pat.finditer(text, s, e):
                    counts[value] += 1
                    first.setdefault(value, (m.start(), m.end()))
    for value, other in (("male", "female"), ("female", "male")):
        if counts[value] >= 2 and counts[value] >= 3 * counts[other]:
            a, b = first[value]
            return SexMention(value, a, b)
    return None


def _sentences_in(text: str, a: int, b: int) -> list[tuple[int, int]]:
    from extract.fields.patients import sentences

    return sentences(text, a, b)


def _one_sex_words(text: str, region: list[tuple[int, int]]) -> SexMention | None:
    rules = _rules()
    hits: dict[str, tuple[int, int]] = {}
    for value, key in (("female", "female_only_words"), ("male", "male_only_words")):
        pat = re.compile(rules[key], re.IGNORECASE)
        for a, b in region:
            m = pat.search(text, a, b)
            if m:
                hits[value] = (m.start(), m.end())
                break
    if len(hits) == 1:
        value, (a, b) = next(iter(hits.items()))
        return SexMention(value, a, b)
    return None


def _sex_from_entities(patient: PatientText) -> SexMention | None:
    doc = patient.doc
    if doc is None:
        return None
    for ent in doc.ents:
        if ent.label_ == "Sex" and patient.contains(ent.start_char, ent.end_char):
            if any(getattr(ent._, name, False) for name in _NOT_THE_PATIENT):
                continue
            value = _sex_of(ent.text.strip())
            if value:
                return SexMention(value, ent.start_char, ent.end_char)
    return None


def find_sex(patient: PatientText, age: AgeMention | None = None) -> SexMention | None:
    text = patient.document.text
    if age is not None:
        near = _sex_noun_near_age(text, age)
        if near:
            return near
    regions = [r for r in _regions(patient) if r]
    for region in regions:
        noun = _first_sex_noun(text, region)
        if noun:
            return noun
    for region in regions:
        by_pronoun = _pronoun_sex(text, region)
        if by_pronoun:
            return by_pronoun
    return _sex_from_entities(patient) or (_one_sex_words(text, regions[-1]) if regions else None)


def extract(patient: PatientText) -> list[FieldValue]:
    """``age_years`` and ``sex`` of one patient, each with its words. When the sex noun is
    part of the age statement ("51-year-old Japanese man"), both share that phrase."""
    document = patient.document
    age = find_age(patient)
    sex = find_sex(patient, age)
    age_span = (age.start, age.end) if age else None
    sex_span = (sex.start, sex.end) if sex else None
    if age and sex and abs(age.start - sex.start) <= 80:
        phrase = (min(age.start, sex.start), max(age.end, sex.end))
        age_span = sex_span = phrase
    out: list[FieldValue] = []
    if age is not None and age_span:
        out.append(FieldValue("age_years", age.value, make_evidence(document, *age_span)))
    if sex is not None and sex_span:
        out.append(FieldValue("sex", sex.value, make_evidence(document, *sex_span)))
    return out
