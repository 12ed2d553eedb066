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
from extract.fields.ages import age_mentions

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

RESOURCES = Path(__file__).parent / "resources"


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return json.loads((RESOURCES / "patients.json").read_text("utf-8"))


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
    for kind, names in _rules()["headings"].items():
        alt = "|".join(names)
        # whole line: "2. Case Presentation", "REFERENCES", "Case report:"
        line = re.compile(rf"^[ \t]*{numbering}(?P<title>{alt})[ \t]*[:.]?[ \t]*$", re.IGNORECASE | re.MULTILINE)
        # run-in: "Case Presentation. A 41-year-old ...", "Background: Spinal ..."
        run_in = re.compile(rf"^[ \t]*{numbering}(?P<title>{alt})[ \t]*[:.][ \t]+(?=[A-Z0-9])", re.IGNORECASE | re.MULTILINE)
        out.append((kind, line, run_in))
    return out


def _kind_of_title(title: str) -> str | None:
    t = " ".join(title.split())
    for kind, names in _rules()["headings"].items():
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
            found[s.start] = Heading(kind, s.start, s.start + len(s.title), s.title)
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
    return re.compile(_rules()["literature_cues"], re.IGNORECASE)


def is_literature_sentence(sentence: str) -> bool:
    """True when a sentence cites other work ("[4]", "et al.", "reported by")."""
    return bool(_literature_re().search(sentence))


# -- patients -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Marker:
    number: int
    start: int


_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=\n))[ \t]*")


def _markers(document: Document, lo: int, hi: int) -> list[_Marker]:
    rules = _rules()
    text = document.text
    ordinals: dict[str, int] = rules["ordinals"]
    pats = [re.compile(r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=\n))[ \t]*(?:\d{1,2}(?:\.\d{1,2})*\.?\s*)?(?P<m>"
                       + rules[key] + ")", re.IGNORECASE | re.MULTILINE)
            for key in ("series_number_marker", "series_ordinal_marker")]
    found: list[_Marker] = []
    for pat in pats:
        for m in pat.finditer(text, lo, hi):
            raw = (m.groupdict().get("num") or m.groupdict().get("ord") or m.groupdict().get("ord2") or "")
            raw = raw.lower()
            number = int(raw) if raw.isdigit() else ordinals.get(raw)
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


def _series(document: Document) -> list[list[tuple[int, int]]]:
    """Ranges of each patient of a case series, or [] when the document is not one."""
    end = body_end(document)
    headings = find_headings(document)
    markers = _markers(document, 0, end)
    if not markers:
        return []
    # Markers in the discussion refer back to patients already told.
    first = markers[0].start
    for h in headings:
        if h.kind in ("discussion", "back_matter") and h.start > first:
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
        if len(re.findall(r"\b[a-z]{3,}\b", prose)) < 8:
            return []
    return ranges


def own_patient_cues() -> str:
    """Regex of words that speak of the report's own patient ("we report", "our patient")."""
    return str(_rules()["own_patient_cues"])


def has_own_patient(document: Document) -> bool:
    """False only for a text that clearly tells no patient of its own: no age statement, no
    "case report" / "we report a" / "our patient" wording, no "the patient presented ..."."""
    text = document.text[: body_end(document)]
    if re.search(_rules()["own_patient_cues"], text, re.IGNORECASE):
        return True
    if re.search(r"\bthe patient (?:was|is|had|has|presented|underwent|received|developed|complained|"
                 r"reported|denied|died|recovered)\b", text, re.IGNORECASE):
        return True
    return bool(age_mentions(text))


def find_patients(document: Document, doc: Doc | None = None) -> list[PatientText]:
    """The patients the document reports as its own, each with the text that tells it."""
    series = _series(document)
    if series:
        return [PatientText(document, doc, ranges) for ranges in series]
    if not has_own_patient(document):
        return []
    return [PatientText(document, doc, [(0, body_end(document))])]
