"""Sections of a case report from its heading lines (shared by the PDF and text readers).

A heading is a short line of its own whose words are a section name from
``resources/sections.json`` (``Case presentation``, ``2. Case Report``, ``DISCUSSION:``), a
run-in label of a structured abstract (``Background: ...``), or a line that starts at an
offset the reader knows is a heading (bold, larger type). Levels: 1 for top-level sections,
2 for the labelled parts of a structured abstract and for the subsections of a section
(``Case 1``, ``Investigations``, ``Outcome and follow-up``); numbering (``2.1``) gives the
level when present. A section ends where the next one of the same or a higher level starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extract.document import Section

# Longer lines are prose, not headings (unless the reader says they are headings).
MAX_HEADING_CHARS = 80
# A structured abstract is short: a part label this far after "Abstract" is body text.
MAX_ABSTRACT_CHARS = 6000
# Words after "and" in a compound subsection heading ("History and clinical evaluation").
_MAX_JOINED_WORDS = 4

_NUMBERING = re.compile(
    r"^(?:(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})\.?|(?P<roman>[IVX]{1,5})\.|(?P<letter>[A-H])\.)\s+(?=\S)"
)
_RUN_IN = re.compile(r"^(?P<label>[A-Za-z][^:.]{0,60}?)\s*[:.]\s+(?=\S)")
_TRAILING = re.compile(r"\s*[:.]\s*$")

KIND_ABSTRACT = "abstract"
KIND_PART = "abstract_parts"
KIND_TOP = "top_level"
KIND_SUB = "subsections"
CASE_PRESENTATION = "case presentation"
# Sections that open an article: a "Case Report" line before them is the article type.
_FRONT = {KIND_ABSTRACT, "introduction"}
# Sections after which no subsections are looked for (reference lists, back matter).
_NO_SUBSECTIONS = {
    "references",
    "abstract",
    "keywords",
    "abbreviations",
    "acknowledgements",
    "declarations",
    "funding",
    "competing interests",
    "authors' contributions",
    "consent",
    "ethics",
    "data availability",
    "author information",
    "notes",
}


@dataclass(frozen=True)
class _Rules:
    kinds: dict[str, list[tuple[str, re.Pattern[str]]]]
    joined_sub: re.Pattern[str]
    run_in: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = json.loads(
        resources.files("extract.ingest").joinpath("resources/sections.json").read_text("utf-8")
    )
    kinds = {
        kind: [
            (entry["name"], re.compile(rf"(?:{entry['pattern']})", re.IGNORECASE))
            for entry in data[kind]
        ]
        for kind in (KIND_ABSTRACT, KIND_PART, KIND_TOP, KIND_SUB)
    }
    sub_alternatives = "|".join(f"(?:{entry['pattern']})" for entry in data[KIND_SUB])
    joined = re.compile(
        rf"(?:{sub_alternatives})\s*(?:{data['subsection_joiners']})\s*(?:[\w'-]+\s*){{1,{_MAX_JOINED_WORDS}}}",
        re.IGNORECASE,
    )
    return _Rules(kinds=kinds, joined_sub=joined, run_in=frozenset(data.get("run_in", [])))


def _clean(heading: str) -> tuple[str, int | None]:
    """The heading's words for matching, and the depth of its numbering (None if none)."""
    text = " ".join(heading.replace("\u2019", "'").replace("\u2018", "'").split())
    depth: int | None = None
    m = _NUMBERING.match(text)
    if m:
        depth = m.group("arabic").count(".") + 1 if m.group("arabic") else 1
        text = text[m.end() :]
    text = _TRAILING.sub("", text).replace("&", "and")
    return " ".join(text.split()), depth


def _match(words: str, kind: str) -> str | None:
    for name, pattern in _rules().kinds[kind]:
        if pattern.fullmatch(words):
            return name
    if kind == KIND_SUB and _rules().joined_sub.fullmatch(words):
        for name, pattern in _rules().kinds[KIND_SUB]:
            if pattern.match(words):
                return name
    return None


def section_name(title: str) -> str | None:
    """The canonical name of a heading (``"2. Case Report:"`` -> ``"case presentation"``),
    or None for a heading that is not a known section name."""
    words, _ = _clean(title)
    for kind in (KIND_ABSTRACT, KIND_TOP, KIND_SUB, KIND_PART):
        name = _match(words, kind)
        if name:
            return name
    return None


def abstract_part_name(label: str) -> str | None:
    """The canonical name of a structured-abstract label (``"Case Presentation."``), or None."""
    words, _ = _clean(label)
    return _match(words, KIND_PART) if words else None


@dataclass
class _Heading:
    start: int
    title: str
    level: int
    name: str | None


class _Finder:
    def __init__(self, text: str, heading_starts: set[int]) -> None:
        self.text = text
        self.heading_starts = heading_starts
        self.headings: list[_Heading] = []
        self.in_abstract = False
        self.abstract_start = 0
        self.structured: bool | None = None
        self.parts_seen: set[str] = set()
        self.body_started = False
        self.top: _Heading | None = None

    # -- lines ---------------------------------------------------------------------
    def run(self) -> list[_Heading]:
        pos = 0
        text = self.text
        starts = sorted(self.heading_starts)
        forced_in_line: dict[int, int] = {}
        for s in starts:
            if 0 <= s < len(text):
                line_start = text.rfind("\n", 0, s) + 1
                forced_in_line.setdefault(line_start, s)
        while pos <= len(text):
            nl = text.find("\n", pos)
            end = len(text) if nl < 0 else nl
            start = forced_in_line.get(pos, pos)
            self._line(start, text[start:end], forced=pos in forced_in_line)
            if nl < 0:
                break
            pos = nl + 1
        return self.headings

    def _line(self, start: int, line: str, *, forced: bool) -> None:
        stripped = line.strip()
        if not stripped:
            return
        start += len(line) - len(line.lstrip())
        if self.in_abstract and self.structured is None and not forced:
            # The first words after "Abstract" tell whether the abstract is structured.
            self.structured = self._abstract_part(start, stripped, probe=True)
            return
        if forced:
            self._forced(start, stripped)
            return
        if len(stripped) <= MAX_HEADING_CHARS and self._own_line(start, stripped):
            return
        if self.in_abstract and self.structured:
            self._abstract_part(start, stripped, run_in_only=True)
        else:
            self._run_in_anywhere(start, stripped)

    # -- kinds of heading -------------------------------------------------------------
    def _own_line(self, start: int, stripped: str) -> bool:
        words, depth = _clean(stripped)
        if not words:
            return False
        if self.in_abstract and self.structured and self._abstract_part(start, stripped):
            return True
        abstract = _match(words, KIND_ABSTRACT)
        if abstract and not self.body_started and depth is None:
            self._add(start, stripped, 1, abstract)
            self._enter_abstract(start)
            return True
        top = _match(words, KIND_TOP)
        if top:
            self._add(start, stripped, min(depth or 1, 3), top)
            return True
        sub = _match(words, KIND_SUB)
        if sub and self._may_have_subsections():
            self._add(start, stripped, max(2, min(depth or 2, 3)), sub)
            return True
        return False

    def _abstract_part(
        self, start: int, stripped: str, *, probe: bool = False, run_in_only: bool = False
    ) -> bool:
        """A labelled part of a structured abstract, own-line or run in ('Background: ...')."""
        if start - self.abstract_start > MAX_ABSTRACT_CHARS:
            self._leave_abstract()
            return False
        title: str | None = None
        name: str | None = None
        if not run_in_only and len(stripped) <= MAX_HEADING_CHARS:
            words, _ = _clean(stripped)
            name = _match(words, KIND_PART)
            title = _TRAILING.sub("", stripped) if name else None
        if name is None:
            m = _RUN_IN.match(stripped)
            if m:
                words, _ = _clean(m.group("label"))
                name = _match(words, KIND_PART)
                title = m.group("label").strip() if name else None
        if name is None or title is None:
            return False
        if name in self.parts_seen:
            # A part seen before: the body has started with the same name.
            self._leave_abstract()
            return False
        self.parts_seen.add(name)
        self._add(start, title, 2, name)
        return True

    def _run_in_anywhere(self, start: int, stripped: str) -> None:
        m = _RUN_IN.match(stripped)
        if not m:
            return
        if not self.headings and ":" in m.group(0):
            # "Background: ..." before any heading: an abstract printed without its title.
            self._enter_abstract(start)
            self.structured = True
            if self._abstract_part(start, stripped, run_in_only=True):
                return
            self._leave_abstract()
        words, _ = _clean(m.group("label"))
        name = _match(words, KIND_TOP)
        if name in _rules().run_in:
            self._add(start, m.group("label").strip(), 1, name)

    def _forced(self, start: int, stripped: str) -> None:
        """A line the reader marks as a heading: its level from its name, numbering or place."""
        title = stripped
        if len(stripped) > MAX_HEADING_CHARS:
            m = _RUN_IN.match(stripped)
            if m:
                title = m.group("label").strip()
        if self.in_abstract and self.structured is None:
            self.structured = self._abstract_part(start, title, probe=True)
            if self.structured:
                return
        if self.in_abstract and self.structured and self._abstract_part(start, title):
            return
        if self._own_line(start, title):
            return
        _, depth = _clean(title)
        if depth is not None:
            level = min(depth, 3)
        elif self._may_have_subsections():
            level = 2
        else:
            level = 1
        self._add(start, _TRAILING.sub("", title) or title, level, None)

    def _article_type_label(self, name: str | None) -> bool:
        """'Case Report' above the title is the article type, not a section: it comes before
        the abstract and the introduction (checked again once all headings are known)."""
        return name == CASE_PRESENTATION and all(h.name == CASE_PRESENTATION for h in self.headings)

    # -- state -------------------------------------------------------------------------
    def _may_have_subsections(self) -> bool:
        return self.top is not None and self.top.name not in _NO_SUBSECTIONS

    def _enter_abstract(self, start: int) -> None:
        self.in_abstract = True
        self.abstract_start = start
        self.structured = None
        self.parts_seen = set()

    def _leave_abstract(self) -> None:
        self.in_abstract = False

    def _add(self, start: int, title: str, level: int, name: str | None) -> None:
        title = _TRAILING.sub("", title.strip()) or title.strip()
        if self.headings and self.headings[-1].start == start:
            return
        heading = _Heading(start, title, level, name)
        if level == 1:
            if self.in_abstract and name != KIND_ABSTRACT:
                self._leave_abstract()
            if (
                name is not None
                and name not in (KIND_ABSTRACT, "keywords")
                and not self._article_type_label(name)
            ):
                self.body_started = True
            self.top = heading
        self.headings.append(heading)


def _drop_front_matter(headings: list[_Heading]) -> list[_Heading]:
    """Lines above the abstract or introduction are the article type ('Case Report') and the
    title (which a reader may mark as a heading for its type size): not sections."""
    first_front = next((i for i, h in enumerate(headings) if h.name in _FRONT), None)
    first_abstract = next((i for i, h in enumerate(headings) if h.name == KIND_ABSTRACT), None)
    if first_front is None:
        return headings
    return [
        h
        for i, h in enumerate(headings)
        if not (i < first_front and h.level == 1 and h.name == CASE_PRESENTATION)
        and not (first_abstract is not None and i < first_abstract and h.name is None)
    ]


def find_sections(text: str, heading_starts: Iterable[int] | None = None) -> list[Section]:
    """Sections of ``text``: headings are lines matching the section names (data file), or
    lines starting at ``heading_starts`` (offsets a reader knows are headings, e.g. bold)."""
    headings = _drop_front_matter(_Finder(text, set(heading_starts or ())).run())
    sections: list[Section] = []
    for i, h in enumerate(headings):
        end = len(text)
        for later in headings[i + 1 :]:
            if later.level <= h.level:
                end = later.start
                break
        sections.append(Section(title=h.title, level=h.level, start=h.start, end=end))
    return sections


__all__ = ["MAX_HEADING_CHARS", "abstract_part_name", "find_sections", "section_name"]
