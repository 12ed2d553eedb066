"""Which patients a document tells of, and the stretches of text that tell each one.

A case report tells one index patient: its ranges are the whole text before the references.
A case series ("Case 1 ... Case 2", "Patient 1", "The first case was ... The second case
was ...", "Our first patient ... Our second patient") gives one :class:`PatientText` per
patient, each with the stretches that follow its marker up to the next marker or the next
heading (Discussion, References ...); the shared title, abstract and introduction stay out.
A document with no patient of its own (a review whose cases are all in tables) gives none.

Headings come from ``Document.sections`` when the reader found them, else from heading-like
lines (names in ``resources/patients.json``). The helpers here (headings, sentences,
literature sentences) are shared by the field modules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.document import Document
from extract.fields import PatientText
from extract.fields.persons import age_mentions, sex_noun_near

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

RESOURCES = Path(__file__).parent / "resources"


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Any]:
    """The patterns and words of ``resources/patients.json``."""
    data: dict[str, Any] = json.loads((RESOURCES / "patients.json").read_text("utf-8"))
    return data


@dataclass(frozen=True)
class Heading:
    """A heading of the text: ``kind`` is case, abstract, background, discussion, back_matter
    or other (a top-level section of the reader's with a name not in the lists)."""

    kind: str
    start: int
    end: int  # end of the heading words (a run-in heading's text follows)
    title: str
    run_in: bool = False  # "Background: ..." inside a structured abstract


@lru_cache(maxsize=1)
def _heading_patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    numbering = r"(?:(?:\d{1,2}|[IVX]{1,4}|[A-H])(?:\.\d{1,2})*\.?\s*)?"
    out = []
    for kind, names in load_rules()["headings"].items():
        alt = "|".join(names)
        # whole line: "2. Case Presentation", "REFERENCES", "Case report:"
        line = re.compile(rf"^[ \t]*{numbering}(?P<title>{alt})[ \t]*[:.]?[ \t]*$", re.IGNORECASE | re.MULTILINE)
        # run-in: "Case Presentation. A 41-year-old ...", "Background: Spinal ..."
        run_in = re.compile(rf"^[ \t]*{numbering}(?P<title>{alt})[ \t]*[:.][ \t]+(?=[A-Z0-9])", re.IGNORECASE | re.MULTILINE)
        out.append((kind, line, run_in))
    return out


def _kind_of_title(title: str) -> str | None:
    t = " ".join(title.split())
    for kind, names in load_rules()["headings"].items():
        if re.fullmatch(rf"(?:(?:\d{{1,2}}|[IVX]{{1,4}})(?:\.\d{{1,2}})*\.?\s*)?(?:{'|'.join(names)})\s*[:.]?",
                        t, re.IGNORECASE):
            return kind
    return None


def find_headings(document: Document) -> list[Heading]:
    """Known headings in text order (from the reader's sections, else heading-like lines)."""
    return _find_headings_cached(id(document), document)


_HEADINGS_CACHE: dict[int, tuple[Document, list[Heading]]] = {}


def _find_headings_cached(key: int, document: Document) -> list[Heading]:
    hit = _HEADINGS_CACHE.get(key)
    if hit is not None and hit[0] is document:
        return hit[1]
    found: dict[int, Heading] = {}
    for s in document.sections:
        # A top-level section the names do not know still ends the one before it.
        kind = _kind_of_title(s.title) or ("other" if s.level <= 1 else None)
        if kind:
            end = s.start + len(s.title)
            line_end = document.text.find("\n", end)
            rest = document.text[end: line_end if line_end >= 0 else len(document.text)]
            # "Background: Skeletal metastases ..." heads its paragraph only
            found[s.start] = Heading(kind, s.start, end, s.title, run_in=bool(rest.strip(" \t:.")))
    text = document.text
    for kind, line, run_in in _heading_patterns():
        for pat, is_run_in in ((line, False), (run_in, True)):
            for m in pat.finditer(text):
                start = m.start("title")
                if start not in found:
                    found[start] = Heading(kind, start, m.end(), m.group("title"), is_run_in)
    headings = sorted(found.values(), key=lambda h: h.start)
    if len(_HEADINGS_CACHE) > 64:
        _HEADINGS_CACHE.clear()
    _HEADINGS_CACHE[key] = (document, headings)
    return headings


def body_end(document: Document) -> int:
    """Where the back matter (references, acknowledgements ...) starts, or the text's end.

    The first back-matter heading in the last two thirds of the text counts, so that
    "Keywords" under an abstract does not cut the report short.
    """
    n = len(document.text)
    for h in find_headings(document):
        if h.kind == "back_matter" and h.start > n / 3 and not re.match(r"key", h.title, re.IGNORECASE):
            return h.start
    return n


def case_sections(document: Document) -> list[tuple[int, int]]:
    """Ranges under a case heading ("Case presentation", "Case report" ...) up to the next
    heading of another kind."""
    headings = find_headings(document)
    end_of_body = body_end(document)
    out: list[tuple[int, int]] = []
    for i, h in enumerate(headings):
        if h.kind != "case" or h.start >= end_of_body:
            continue
        stop = end_of_body
        for nxt in headings[i + 1:]:
            if nxt.kind != "case":
                stop = min(stop, nxt.start)
                break
        if stop > h.end and (h.end, stop) not in out:
            out.append((h.end, stop))
    return out


def front_matter_end(document: Document) -> int:
    """End of the title and abstract: the first heading line (not a run-in heading of a
    structured abstract) of the introduction or discussion, else the first 2,500 characters."""
    headings = find_headings(document)
    for h in headings:
        if h.kind in ("background", "discussion") and h.start > 200 and not h.run_in:
            return h.start
    return min(len(document.text), 2500)


# -- sentences ------------------------------------------------------------------------
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|(?<=[a-z0-9,;)])\s*\n(?=\s*[A-Z][a-z]*\s*\n)")
_ABBREV = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|Fig|Figs|No|vs|al|e\.g|i\.e|approx|ca|St|Jr|Sr)|\b[A-Z])\.$")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence ranges of ``text[start:end]`` (a light rule splitter: case-report prose, not
    general English; abbreviations such as "Mr." and "et al." do not end a sentence)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    a = start
    for m in _SENT_END.finditer(text, start, end):
        if _ABBREV.search(text, max(a, m.start() - 6), m.start()):
            continue
        if m.start() > a:
            out.append((a, m.start()))
        a = m.end()
    if a < end:
        out.append((a, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def sentence_around(text: str, offset: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The sentence holding ``offset`` (searching no further than ``lo``..``hi``)."""
    hi = len(text) if hi is None else hi
    a = max(lo, offset - 600)
    for s, e in sentences(text, a, min(hi, offset + 600)):
        if s <= offset < e or (offset == e):
            return s, e
    return offset, offset


@lru_cache(maxsize=1)
def _literature_re() -> re.Pattern[str]:
    return re.compile(load_rules()["literature_cues"], re.IGNORECASE)


def is_literature_sentence(sentence: str) -> bool:
    """True when a sentence cites other work ("[4]", "et al.", "reported by")."""
    return bool(_literature_re().search(sentence))


# -- patients -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Marker:
    number: int
    start: int


_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=\n))[ \t]*")


def _markers(document: Document, lo: int, hi: int, several: bool = False) -> list[_Marker]:
    """Markers of the patients of a series in ``text[lo:hi]``; with ``several`` (the report
    announces several patients) also ordinals inside a sentence ("the first, aged 29, ...")."""
    rules = load_rules()
    text = document.text
    ordinals: dict[str, int] = rules["ordinals"]
    pats = [re.compile(r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=\n))[ \t]*(?:\d{1,2}(?:\.\d{1,2})*\.?\s*)?(?P<m>"
                       + rules[key] + ")", re.IGNORECASE | re.MULTILINE)
            for key in ("series_number_marker", "series_ordinal_marker")]
    if several:
        pats.append(re.compile(r"(?P<m>" + rules["series_inline_ordinal_marker"] + ")", re.IGNORECASE))
    found: list[_Marker] = []
    for pat in pats:
        for m in pat.finditer(text, lo, hi):
            raw = (m.groupdict().get("num") or m.groupdict().get("ord") or m.groupdict().get("ord2") or "")
            raw = raw.lower()
            number = int(raw) if raw.isdigit() else ordinals.get(raw)
            if m.groupdict().get("next"):  # "another patient", "the other case": the one after the last
                number = max((k.number for k in found if k.start < m.start()), default=1) + 1
            if not number:
                continue
            line_start = text.rfind("\n", 0, m.start("m")) + 1
            if re.search(r"\b(?:fig(?:ure)?s?|tables?)\b", text[max(line_start, m.start("m") - 40):m.start("m")], re.IGNORECASE):
                continue  # a caption or a table note, not the story
            s, e = sentence_around(text, m.start("m"), lo, hi)
            if is_literature_sentence(text[s:e]):
                continue
            found.append(_Marker(number, m.start("m")))
    found.sort(key=lambda k: k.start)
    return found


def _series(document: Document, several: bool = False) -> list[list[tuple[int, int]]]:
    """Ranges of each patient of a case series, or [] when the document is not one."""
    end = body_end(document)
    headings = find_headings(document)
    markers = _markers(document, 0, end, several)
    if not markers:
        return []
    # Markers in the discussion refer back to patients already told.
    first = markers[0].start
    for h in headings:
        # (not the run-in "Conclusion:" or "Keywords:" of an abstract: the series goes on below it)
        if h.kind in ("discussion", "back_matter") and h.start > first and not h.run_in and not (
                h.kind == "back_matter" and re.match(r"key", h.title, re.IGNORECASE)):
            end = min(end, h.start)
            break
    markers = [k for k in markers if k.start < end]
    numbers = sorted({k.number for k in markers})
    if len(numbers) < 2 or numbers != list(range(1, len(numbers) + 1)):
        return []
    stops = sorted({h.start for h in headings if h.kind != "case"} | {end})
    ranges: list[list[tuple[int, int]]] = [[] for _ in numbers]
    for i, k in enumerate(markers):
        nxt = markers[i + 1].start if i + 1 < len(markers) else end
        stop = min([nxt, end] + [s for s in stops if s > k.start])
        if stop - k.start >= 20:
            ranges[k.number - 1].append((k.start, stop))
    if any(not r for r in ranges):
        return []
    # A patient is told in sentences; "Case 1: 45 F stomach L, V" rows of a table are not.
    for patient_ranges in ranges:
        prose = " ".join(document.text[a:b] for a, b in patient_ranges)
        if len(re.findall(r"\b[a-z]{3,}\b", prose)) < 5:
            return []
    return ranges


def own_patient_cues() -> str:
    """Regex of words that speak of the report's own patient ("we report", "our patient")."""
    return str(load_rules()["own_patient_cues"])


def has_own_patient(document: Document) -> bool:
    """False only for a text that clearly tells no patient of its own: no age statement, no
    "case report" / "we report a" / "our patient" wording, no "the patient presented ..."."""
    text = document.text[: body_end(document)]
    if re.search(load_rules()["own_patient_cues"], text, re.IGNORECASE):
        return True
    if re.search(r"\bthe patient (?:was|is|had|has|presented|underwent|received|developed|complained|"
                 r"reported|denied|died|recovered)\b", text, re.IGNORECASE):
        return True
    return bool(age_mentions(text))


# -- people introduced by their age and sex --------------------------------------------------


@dataclass(frozen=True)
class Introduction:
    """A patient brought into the story with an indefinite phrase: "a 70-year-old woman", "an
    81-year-old man", "a woman aged 45" (not "the 60-year-old man", who is already known)."""

    start: int  # the age statement
    end: int
    sentence: tuple[int, int]
    age: float | None
    sex: str | None


_DETERMINERS = {"a": True, "an": True, "another": True, "one": True, "the": False, "this": False,
                "that": False, "our": False, "his": False, "her": False, "their": False, "its": False,
                "same": False}


def _indefinite_before(prefix: str) -> bool:
    """The last determiner of the words before an age statement is indefinite ("a", "an",
    "another"), or the statement opens its sentence or a list ("Patients: 70-year-old woman")."""
    words = re.findall(r"[A-Za-z]+|[:;]", prefix)
    if not words or words[-1] in (":", ";"):
        return True
    for w in reversed(words[-6:]):
        if w in (":", ";"):
            return True
        if w.lower() in _DETERMINERS:
            return _DETERMINERS[w.lower()]
    return False


def _story_regions(document: Document, end: int) -> list[tuple[int, int]]:
    """Where the report tells its own patients: the text before ``end`` without its
    introduction and discussion sections (whose people are the literature's). A run-in heading
    of a structured abstract ("Background: ...") covers its paragraph only."""
    text = document.text
    skip: list[tuple[int, int]] = []
    headings = [h for h in find_headings(document) if h.start < end]
    for n, h in enumerate(headings):
        if h.kind not in ("background", "discussion", "back_matter"):
            continue
        stop = next((x.start for x in headings[n + 1:] if not x.run_in or h.run_in), end)
        if h.run_in:
            line_end = text.find("\n", h.end)
            stop = min(stop, line_end if line_end >= 0 else end)
        skip.append((h.start, stop))
    return [(a, b) for a, b in _subtract([(0, end)], skip) if b > a]


def introductions(document: Document, end: int | None = None) -> list[Introduction]:
    """The indefinite introductions of people with an age in the report's own story, in text
    order (literature sentences, relatives and ranges of ages left out)."""
    text = document.text
    end = body_end(document) if end is None else end
    out: list[Introduction] = []
    for lo, hi in _story_regions(document, end):
        for mention in age_mentions(text, lo, hi):
            if mention.kind != "adjective":
                continue
            s, e = sentence_around(text, mention.start, lo, hi)
            if is_literature_sentence(text[s:e]):
                continue
            if not _indefinite_before(text[max(s, mention.start - 80):mention.start]):
                continue
            sex = sex_noun_near(text, mention, s, e)
            out.append(Introduction(mention.start, mention.end, (s, e), mention.value, sex.value if sex else None))
    return out


def _same_person(a: Introduction, b: Introduction) -> bool:
    if a.sex and b.sex and a.sex != b.sex:
        return False
    return a.age is None or b.age is None or abs(a.age - b.age) <= 1


def _people(intros: list[Introduction]) -> list[list[Introduction]]:
    """Introductions grouped by person: the abstract's "a 63-year-old man" and the case's "A
    63-year-old Japanese man" are one; a 70-year-old woman and a 48-year-old man are two."""
    people: list[list[Introduction]] = []
    for intro in intros:
        for person in people:
            if _same_person(person[0], intro):
                person.append(intro)
                break
        else:
            people.append([intro])
    return people


def _with_their_lead(document: Document, stories: list[list[tuple[int, int]]], first: int) -> list[list[tuple[int, int]]]:
    """A series whose abstract tells each patient apart ("We report two patients: a 58-year-old
    man ..., and a 71-year-old woman .... The man received SBRT and is alive ... The woman ...
    died 5 months later"): each patient of the series also gets the abstract's words about him,
    matched by the age and sex that introduce him in his own section."""
    lead_people = _people(introductions(document, first))
    if len(lead_people) != len(stories) or len(stories) < 2:
        return stories
    own = []
    for ranges in stories:
        intros = [i for a, b in ranges for i in introductions(document, b) if a <= i.start < b]
        own.append(intros[0] if intros else None)
    match: dict[int, int] = {}
    for k, person in enumerate(lead_people):
        hits = [n for n, i in enumerate(own) if i is not None and _same_person(person[0], i)
                and i.age is not None and person[0].age is not None]
        if len(hits) != 1 or hits[0] in match.values():
            return stories
        match[k] = hits[0]
    start = min(i.start for person in lead_people for i in person)
    stop = min([first, *(h.start for h in find_headings(document)
                         if h.start > start and (not h.run_in or h.kind in ("back_matter", "discussion")))])
    told, _ = _told_by_introductions(document, lead_people, stop)
    out = [list(r) for r in stories]
    for k, ranges in enumerate(told):
        out[match[k]] = _merge(out[match[k]] + ranges)
    return out


def _told_twice(document: Document, people: list[list[Introduction]]) -> bool:
    """One patient introduced twice at two ages: the abstract's "A 47-year-old woman presented
    with neck pain three years after ..." and the case presentation's "In 2014 a 43-year-old
    woman was admitted with ...", which starts the story at the first diagnosis. The first
    person is introduced only before the case presentation's heading, the second only under
    it, of the same sex, the ages a lifetime's part apart."""
    heading = next((h for h in find_headings(document) if h.kind == "case" and not h.run_in), None)
    if heading is None:
        return False
    first, second = people
    if not (all(i.start < heading.start for i in first) and all(i.start > heading.start for i in second)):
        return False
    a, b = first[0], second[0]
    if a.sex and b.sex and a.sex != b.sex:
        return False
    return a.age is not None and b.age is not None and abs(a.age - b.age) <= 25


def _stops(document: Document, end: int) -> list[int]:
    return sorted({h.start for h in find_headings(document) if h.kind != "case" and h.start < end} | {end})


_SEX_NOUNS = {"woman": "female", "lady": "female", "girl": "female", "female": "female", "sister": "female",
              "daughter": "female", "mother": "female", "man": "male", "gentleman": "male", "boy": "male",
              "male": "male", "brother": "male", "son": "male", "father": "male"}
_ORDINAL = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "former": 0}


def _referred(sentence: str, people: list[list[Introduction]]) -> int | None:
    """The person a sentence opens by naming ("The woman had ...", "In the younger man, ...",
    "The third patient ...", "The 70-year-old ...", "The latter ..."), or None."""
    m = re.compile(load_rules()["person_reference"], re.IGNORECASE).match(sentence)
    if not m:
        return None
    noun = (m.group("noun") or "").lower()
    sex = _SEX_NOUNS.get(noun)
    candidates = list(range(len(people)))
    if sex:
        candidates = [k for k in candidates if people[k][0].sex == sex]
    if m.group("ord"):
        if not (noun or m.group("after")):
            return None  # "the first operation"
        word = m.group("ord").lower()
        k = len(people) - 1 if word == "latter" else _ORDINAL[word]
        if sex and len(candidates) > 1:  # "the second man": the second of the men
            return candidates[k] if k < len(candidates) else None
        return k if k < len(people) else None
    if m.group("age"):
        age = float(m.group("age"))
        match = [k for k in candidates if abs((people[k][0].age or -99.0) - age) <= 0.5]
        return match[0] if len(match) == 1 else None
    if m.group("cmp"):
        aged = [k for k in candidates if people[k][0].age is not None]
        if len(aged) < 2:
            return None
        young = m.group("cmp").lower().startswith("young")
        return min(aged, key=lambda k: people[k][0].age or 0.0) if young else max(aged, key=lambda k: people[k][0].age or 0.0)
    if sex and len(candidates) == 1:
        return candidates[0]
    return None


def _told_by_introductions(document: Document, people: list[list[Introduction]],
                           end: int) -> tuple[list[list[tuple[int, int]]], list[tuple[int, int]]]:
    """Each person's stretches, and the shared lead before the first introduction.

    The sentences of the story are walked in order; a sentence belongs to the person it
    introduces, else to the person it opens by naming ("The woman had ...", "In the younger
    man ...", "The third patient ..."), else to the person of the sentence before. An
    enumeration in one sentence ("We describe three patients: a 70-year-old woman with ..., a
    48-year-old man ...") gives each person its part, and its words before the first
    introduction are told of all of them, as is the text before it. Sentences told of every
    patient ("Both ...") are added later (:func:`_shared_statements`).
    """
    text = document.text
    owner = {i.start: k for k, person in enumerate(people) for i in person}
    intros = sorted((i for person in people for i in person), key=lambda i: i.start)
    first = intros[0].sentence[0]
    ranges: list[list[tuple[int, int]]] = [[] for _ in people]
    lead: list[tuple[int, int]] = [(0, first)] if first > 0 else []
    current: int | None = None
    for lo, hi in _story_regions(document, end):
        for s, e in sentences(text, max(lo, first), hi):
            inside = [i for i in intros if s <= i.start < e]
            persons = list(dict.fromkeys(owner[i.start] for i in inside))
            if len(persons) >= 2:
                lead.append((s, inside[0].start))
                for n, i in enumerate(inside):
                    stop = inside[n + 1].start if n + 1 < len(inside) else e
                    if stop > i.start:
                        ranges[owner[i.start]].append((i.start, stop))
                current = persons[-1]
                continue
            if persons:
                current = persons[0]
            else:
                named = _referred(text[s:e], people)
                if named is not None:
                    current = named
            if current is not None:
                ranges[current].append((s, e))
    return [_merge(r) for r in ranges], lead


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges joined where they touch or only whitespace lies between."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 2:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _subtract(ranges: list[tuple[int, int]], cut: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = list(ranges)
    for c, d in cut:
        nxt: list[tuple[int, int]] = []
        for a, b in out:
            if d <= a or b <= c:
                nxt.append((a, b))
                continue
            if a < c:
                nxt.append((a, c))
            if d < b:
                nxt.append((d, b))
        out = nxt
    return out


def _shared_statements(document: Document, patients: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Sentences of the patients' stretches told of all of them ("Both were young women",
    "All received imatinib")."""
    text = document.text
    pattern = re.compile(load_rules()["shared_statement"], re.IGNORECASE)
    out: list[tuple[int, int]] = []
    for ranges in patients:
        for a, b in ranges:
            for s, e in sentences(text, a, b):
                if pattern.search(text[s:e]) and (s, e) not in out:
                    out.append((s, e))
    return out


@lru_cache(maxsize=1)
def _announced_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    r = load_rules()
    return re.compile(r["announced_count"], re.IGNORECASE), re.compile(r["announcing_sentence"], re.IGNORECASE)


def title_end(document: Document) -> int:
    """End of the title and the lines around it (journal, authors, dates) before the story:
    the leading lines that do not read as prose (a line ending with a full stop after a dozen
    words is prose), up to the first heading, within the first 800 characters."""
    text = document.text
    limit = min(800, next((h.start for h in find_headings(document) if h.start > 0 and not h.run_in), len(text)))
    end = 0
    for m in re.finditer(r"[^\n]*\n?", text[:limit]):
        line = m.group(0).strip()
        if not line:
            end = m.end()
            continue
        words = line.split()
        if len(words) > 30 or (line.endswith(".") and len(words) > 12):
            break
        end = m.end()
    return limit if end >= limit else end


def announced_count(document: Document) -> int:
    """How many patients the report says it tells ("We present two cases", "Report of three
    patients", "twin sisters"), or 0 when it does not say."""
    text = document.text
    count_re, announcing = _announced_re()
    ordinals: dict[str, int] = load_rules()["ordinals"]
    title = title_end(document)
    best = 0
    end = front_matter_end(document)
    for s, e in sentences(text, 0, min(end, body_end(document))):
        sentence = text[s:e]
        for m in count_re.finditer(sentence):
            in_title = s < title
            if not (in_title or announcing.search(sentence[: m.start()])) or is_literature_sentence(sentence):
                continue
            raw = (m.group("n") or "").lower()
            n = int(raw) if raw.isdigit() else ordinals.get(raw, 2)
            best = max(best, n)
    return best


def _relatives(document: Document, told: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int]]]:
    """Relatives told as patients in ``told`` ("Her brother, aged 12, had a gastric GIST
    resected the year before"): (relation, the sentence)."""
    rules = load_rules()
    text = document.text
    relative = re.compile(rules["relative_patient"], re.IGNORECASE)
    disease = re.compile(rules["relative_disease"], re.IGNORECASE)
    event = re.compile(rules["relative_event"], re.IGNORECASE)
    gist = bool(_GIST_WORD.search(text[: min(len(text), 3000)]))
    out: list[tuple[str, tuple[int, int], bool]] = []
    for a, b in told:
        for m in relative.finditer(text, a, b):
            s, e = sentence_around(text, m.start(), a, b)
            sentence, after = text[s:e], text[m.end():e]
            if is_literature_sentence(sentence) or re.search(r"\b(?:no|without|negative)\b[^.]{0,30}$", text[s:m.start()], re.IGNORECASE):
                continue
            paragraph = text[m.end():_paragraph_end(text, e, b)]  # the relative's sentence and the rest of its paragraph
            aged = re.match(r"\s*(?:,\s*|\(\s*)(?:an?\s+|who\s+was\s+|aged\s+)?\d{1,3}", after) or re.search(r"\d[-\s](?:year|yr)s?[-\s]old\s+\w+$", text[s:m.end()]) \
                or (_RELATIVE_AGE.search(after) and gist and _GIST_WORD.search(after))  # "Her father had a gastric GIST removed when he was 66"
            # told as a patient: with an age, or with the same disease ("was also diagnosed
            # with GIST"); "his mother had a skin cancer removed" is family history
            if not (aged or (re.search(r"\b(?:also|same|similar|likewise|too)\b", after, re.IGNORECASE)
                             and disease.search(after) and event.search(after))):
                continue
            if not (disease.search(sentence) or (aged and disease.search(paragraph) and event.search(paragraph))):
                continue  # a relative's age alone ("her 3-year-old son") tells no patient
            # the sentence that introduces the patient too ("We describe a 46-year-old woman ...
            # and her father, operated for a gastric GIST") is hers; the relative's own telling
            # comes later
            with_patient = any(x.kind == "adjective" and x.start < m.start() for x in age_mentions(text, s, m.start()))
            if not any(sp == (s, e) for _, sp, _ in out):
                out.append((m.group("rel").lower(), (s, _paragraph_end(text, e, b)), with_patient))
    kept = []
    for rel, span, with_patient in out:
        if with_patient and any(r == rel and not w for r, _, w in out):
            continue
        kept.append((rel, span))
    return kept


_RELATIVE_AGE = re.compile(r"\b(?:when\s+(?:he|she)\s+was|at\s+(?:the\s+)?age\s+of|aged)\s+\d{1,3}\b", re.IGNORECASE)
#: a GIST named: the one pattern of ``resources/sites.json`` (read as data; the sites module
#: imports this one)
_GIST_WORD = re.compile(json.loads((RESOURCES / "sites.json").read_text("utf-8"))["gist"], re.IGNORECASE)


def _paragraph_end(text: str, at: int, limit: int) -> int:
    """Where the paragraph holding ``at`` ends: a relative's story goes on to it ("Her brother,
    aged 12, was screened. A 3-cm gastric GIST was found and removed. He is well ...")."""
    end = text.find("\n", at)
    return min(limit, end if end >= 0 else len(text))


def find_patients(document: Document, doc: Doc | None = None) -> list[PatientText]:
    """The patients the document reports as its own, each with the text that tells it.

    1. A series with markers ("Case 1", "Patient 2", "our second patient", "the first, aged
       29, ... the second, aged 33") gives one patient per number.
    2. Else people introduced by their age and sex ("a 70-year-old woman ..., a 48-year-old
       man ...") who are clearly different persons give one patient each.
    3. Else the whole text is the one patient's (if it tells a patient at all).
    4. Relatives told as patients with the same disease are added, their sentences taken out
       of the patient who tells them.
    5. Patients the report announces ("two cases") but does not describe get a patient with
       only the text told of all of them.
    Sentences told of every patient ("Both were ...", "All received ...") are in each one's
    ranges; the title and lead are kept as ``shared`` for the fields that read them.
    """
    end = body_end(document)
    announced = announced_count(document)
    series = _series(document, several=announced >= 2)
    lead: list[tuple[int, int]] = []
    stories: list[list[tuple[int, int]]]
    if series:
        stories = series
        first = min(a for ranges in series for a, _ in ranges)
        lead = [(0, first)]
        stories = _with_their_lead(document, stories, first)
    else:
        people = _people(introductions(document, end))
        if len(people) == 2 and announced <= 1 and _told_twice(document, people):
            people = [people[0] + people[1]]
        if len(people) >= 2:
            stories, lead = _told_by_introductions(document, people, end)
            stories = [r for r in stories if r]
        elif has_own_patient(document):
            stories = [[(0, end)]]
        else:
            stories = []
    if len(stories) >= 2 or announced >= 2:
        shared = _shared_statements(document, stories)
        stories = [sorted(set(_subtract(r, shared)) | set(shared)) for r in stories]
    patients = [PatientText(document, doc, ranges) for ranges in stories]
    for relation, span in _relatives(document, [r for p in patients for r in p.ranges]):
        for p in patients:
            p.ranges = _subtract(p.ranges, [span])
        patients.append(PatientText(document, doc, [span], relation=relation))
    # patients announced but not told one by one: where the text tells no patient apart (no
    # markers, no introductions), what it says is said of the group, so each has its text; the
    # fields of one person (age, sex, levels, outcome) are not read for the others
    group = len(patients) == 1 and not series and not patients[0].relation and announced >= 2 \
        and not introductions(document, end)
    while patients and len(patients) < announced:
        patients.append(PatientText(document, doc, list(patients[0].ranges) if group else [], group=group))
    if len(patients) > 1:
        shared = lead or [(0, title_end(document))]
        for p in patients:
            p.shared = list(shared)
    return patients
