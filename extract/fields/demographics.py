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

import re

from extract.fields import FieldValue, PatientText, make_evidence
from extract.fields.patients import (
    case_sections,
    front_matter_end,
    is_literature_sentence,
    own_patient_cues,
    sentence_around,
)
from extract.fields.patients import (
    load_rules as load_patient_rules,
)
from extract.fields.persons import (
    AgeMention,
    SexMention,
    age_mentions,
    load_rules,
    sex_noun_near,
    sex_of,
)


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
    if re.search(load_rules()["relatives"], text[max(s, mention.start - 80):mention.start], re.IGNORECASE):
        return False  # "A female sibling died at 3 months of age"
    window = text[max(s, mention.start - 80):min(e, mention.end + 80)]
    return not re.search(load_rules()["not_an_age_statement"], window, re.IGNORECASE)


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
    ranges = patient.ranges
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
    # a patient cut out of a series: the age that opens one of its own stretches introduces this
    # patient, whatever ConText makes of a series told in one paragraph ("...; a 39-year-old
    # woman, treated by ..., was found ...")
    split = min(r0 for r0, _ in patient.ranges) > 0
    later = _later_age_of_the_summary(patient, regions)
    if later is not None:
        return later
    for kinds in (("adjective",), ("history",)):
        for i, region in enumerate(regions):
            for a, b in region:
                for mention in age_mentions(text, a, b):
                    if mention.kind == "history" and _LATER_STEP.search(text, mention.end, min(b, mention.end + 800)):
                        continue  # "resection at the age of 57 ... Nine years after the surgery": an earlier event's age
                    opens = split and any(r0 <= mention.start < r0 + 40 for r0, _ in patient.ranges)
                    if (mention.kind in kinds and _usable(text, mention, in_case_section=i == 0)
                            and (opens or not _context_says_other(patient, mention.start, mention.end))):
                        return mention
    return _age_from_entities(patient)


def _first_introduction(patient: PatientText, region: list[tuple[int, int]]) -> AgeMention | None:
    text = patient.document.text
    for a, b in region:
        for mention in age_mentions(text, a, b):
            if mention.kind == "adjective" and _usable(text, mention) \
                    and not _context_says_other(patient, mention.start, mention.end):
                return mention
    return None


def _later_age_of_the_summary(patient: PatientText, regions: list[list[tuple[int, int]]]) -> AgeMention | None:
    """The abstract introduces the patient at the presentation the report is about ("A
    71-year-old man developed a sacral metastasis five years after ..."), the case presentation
    at the start of the story, years younger ("A 66-year-old man came with rectal tenesmus"):
    the abstract's age is the presentation's."""
    case, front = regions[0], regions[1]
    if not case or not front:
        return None
    told = _first_introduction(patient, case)
    summary = _first_introduction(patient, [r for r in front if not any(c <= r[0] < d for c, d in case)])
    if told is None or summary is None or summary.start >= told.start:
        return None
    return summary if 1 < summary.value - told.value <= 25 else None


_LATER_STEP = re.compile(r"\b[\w-]+\s+(?:years?|months?)\s+(?:later|after|afterwards|thereafter)\b", re.IGNORECASE)


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


def _sex_noun_near_age(text: str, age: AgeMention) -> SexMention | None:
    s, e = sentence_around(text, age.start)
    return sex_noun_near(text, age, s, e)


def _first_sex_noun(text: str, region: list[tuple[int, int]]) -> SexMention | None:
    rules = load_rules()
    nouns = re.compile(rules["sex_nouns"])
    relatives = re.compile(rules["relatives"], re.IGNORECASE)
    for a, b in region:
        for m in nouns.finditer(text, a, b):
            value = sex_of(m.group(0))
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
    rules = load_rules()
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
    rules = load_rules()
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
            value = sex_of(ent.text.strip())
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


def _relative(patient: PatientText) -> tuple[AgeMention | None, SexMention | None]:
    """A relative told as a patient ("Her brother, aged 12, had a gastric GIST resected"): the
    age stated with the relation's word and the sex the word gives."""
    text = patient.document.text
    relation = re.compile(rf"\b{re.escape(patient.relation or '')}\b", re.IGNORECASE)
    words: dict[str, str] = load_patient_rules()["relative_sex"]
    for a, b in patient.ranges:
        m = relation.search(text, a, b)
        if not m:
            continue
        stop = re.search(r"[.;](?:\s|$)", text[m.end() : min(b, m.end() + 200)])
        hi = m.end() + (stop.start() if stop else min(b, m.end() + 200) - m.end())
        ages = age_mentions(text, max(a, m.start() - 40), max(min(b, m.end() + 60), hi), of_relatives=True)
        age = min(ages, key=lambda x: abs(x.start - m.end())) if ages else None
        value = words.get(m.group(0).lower())
        return age, (SexMention(value, m.start(), m.end()) if value else None)
    return None, None


_ALL_OF_ONE_SEX = re.compile(
    r"\b(?:both|all|two|three|four|five|six|twin|the)\s+(?:[\w-]+\s+){0,2}?"
    r"(?P<noun>women|men|girls|boys|sisters|brothers|daughters|sons|females|males|ladies|gentlemen)\b", re.IGNORECASE)
_PLURAL_SEX = {"women": "female", "girls": "female", "sisters": "female", "daughters": "female", "females": "female",
               "ladies": "female", "men": "male", "boys": "male", "brothers": "male", "sons": "male", "males": "male",
               "gentlemen": "male"}


def _sex_of_all(patient: PatientText) -> SexMention | None:
    """The sex a series gives all its patients ("two young women", "Both were men", "twin
    sisters") in its shared title or lead, or in the group's text."""
    text = patient.document.text
    where = [*patient.shared, *(patient.ranges if patient.group else [])]
    found: dict[str, SexMention] = {}
    for a, b in where:
        for m in _ALL_OF_ONE_SEX.finditer(text, a, b):
            value = _PLURAL_SEX[m.group("noun").lower()]
            found.setdefault(value, SexMention(value, m.start("noun"), m.end("noun")))
    return next(iter(found.values())) if len(found) == 1 else None


def extract(patient: PatientText) -> list[FieldValue]:
    """``age_years`` and ``sex`` of one patient, each with its words. When the sex noun is
    part of the age statement ("51-year-old Japanese man"), both share that phrase."""
    document = patient.document
    if patient.relation:
        age, sex = _relative(patient)
    elif patient.group:
        age, sex = None, None
    else:
        age = find_age(patient)
        sex = find_sex(patient, age)
    if sex is None:
        sex = _sex_of_all(patient)
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
