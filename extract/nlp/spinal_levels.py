"""Vertebral levels named in text -> FIELDS.md ``spinal_levels`` values.

``find_spinal_levels(text)`` finds level mentions ("L3", "Th12", "D12", "T12-L2", "T6 to T8",
"C2-3", "L4/5", "third lumbar vertebra") and expands ranges in spinal order. What the
matcher must not take for a level (T2-weighted MRI, TNM stages, D2 lymph node dissection)
is listed in ``resources/spinal_levels.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).parent / "resources"

#: Levels in spinal order; ranges expand along this list.
SPINAL_ORDER: tuple[str, ...] = (
    tuple(f"C{i}" for i in range(1, 8))
    + tuple(f"T{i}" for i in range(1, 13))
    + tuple(f"L{i}" for i in range(1, 6))
    + tuple(f"S{i}" for i in range(1, 6))
)
_RANK = {level: i for i, level in enumerate(SPINAL_ORDER)}
_MAX_NUMBER = {"C": 7, "T": 12, "L": 5, "S": 5}
_REGION_PREFIX = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip

# "T12", "Th12", "D12", "L3" (a region letter and a number); the second end of a range may be
# a bare number ("C2-3", "T6-8", "L4/5").
_LEVEL = r"(?:Th|[CTDLS])\s?(?:1[0-2]|[1-9])"
_RANGE_SEP = r"\s?(?:-|–|—|/|to|through|until)\s?"
_LEVEL_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<first>{_LEVEL})(?:{_RANGE_SEP}(?P<second>{_LEVEL}|(?:1[0-2]|[1-9]))(?![0-9]))?"
    r"(?![0-9A-Za-z])",
)
_ORDINAL_RE = re.compile(
    r"(?i)\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|1st|2nd|3rd|[4-9]th|1[0-2]th)\s+(?P<region>cervical|thoracic|dorsal|lumbar|sacral)"
    r"\s+(?:vertebra|vertebrae|vertebral|spine|spinous|level|segment)",
)
# Words after a level that belong to the same mention ("L3 vertebral body").
_TAIL_RE = re.compile(
    r"(?i)\s(?:vertebral\s+body|vertebral\s+bodies|vertebrae|vertebra|level|levels)\b"
)


@dataclass(frozen=True)
class LevelMention:
    start: int
    end: int
    levels: tuple[str, ...]


@lru_cache(maxsize=1)
def _exclusions() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = json.loads((RESOURCES / "spinal_levels.json").read_text(encoding="utf-8"))
    after = re.compile(r"(?i)[\s\-]*(?:" + "|".join(data["not_followed_by"]) + r")")
    before = re.compile(r"(?i)\b(?:" + "|".join(data["not_preceded_by"]) + r")[\s\-]*$")
    spinal = re.compile(r"\b(?:" + "|".join(data["d_prefix_needs_nearby"]) + r")\b", re.IGNORECASE)
    return after, before, spinal


def normalise_level(raw: str) -> str | None:
    """'Th12' / 'D12' / 'T 12' -> 'T12'; None when the number is past the region's end."""
    raw = raw.replace(" ", "")
    prefix, number = (raw[:2], raw[2:]) if raw[:2].lower() == "th" else (raw[:1], raw[1:])
    region = "T" if prefix.upper() in ("TH", "D") else prefix.upper()
    n = int(number)
    if region not in _MAX_NUMBER or not 1 <= n <= _MAX_NUMBER[region]:
        return None
    return f"{region}{n}"


def expand_range(first: str, last: str) -> list[str]:
    """All levels from ``first`` to ``last`` inclusive, in spinal order ('T12','L2' -> T12,L1,L2)."""
    a, b = _RANK[first], _RANK[last]
    if a > b:
        a, b = b, a
    return list(SPINAL_ORDER[a : b + 1])


def parse_levels(text: str) -> list[str]:
    """The levels one mention names: 'T12-L2' -> ['T12', 'L1', 'L2']; '' when none."""
    found = find_spinal_levels(text, check_context=False)
    out: list[str] = []
    for mention in found:
        out.extend(level for level in mention.levels if level not in out)
    return out


def find_spinal_levels(text: str, *, check_context: bool = True) -> list[LevelMention]:
    """Level mentions in ``text`` with their expanded levels, in text order."""
    after_bad, before_bad, spinal_words = _exclusions()
    mentions: list[LevelMention] = []
    for m in _LEVEL_RE.finditer(text):
        first = normalise_level(m.group("first"))
        if first is None:
            continue
        end = m.end()
        if check_context and (
            after_bad.match(text, end, min(len(text), end + 40))
            or before_bad.search(text, max(0, m.start() - 40), m.start())
        ):
            continue
        if (
            check_context
            and m.group("first")[0] == "D"
            and not spinal_words.search(text, max(0, m.start() - 80), min(len(text), end + 80))
        ):
            continue
        second_raw = m.group("second")
        levels = [first]
        if second_raw:
            if second_raw[0].isdigit():
                second_raw = first[0] + second_raw
            second = normalise_level(second_raw)
            if second is None:
                end = m.end("first")
            else:
                levels = expand_range(first, second)
        tail = _TAIL_RE.match(text, end)
        if tail:
            end = tail.end()
        mentions.append(LevelMention(m.start(), end, tuple(levels)))
    for m in _ORDINAL_RE.finditer(text):
        raw = m.group("ord").lower()
        n = _ORDINALS.get(raw) or int(re.sub(r"\D", "", raw) or 0)
        level = normalise_level(f"{_REGION_PREFIX[m.group('region').lower()]}{n}")
        if level:
            end = m.end()
            tail = re.compile(r"(?i)\s+body\b").match(text, end)
            mentions.append(LevelMention(m.start(), tail.end() if tail else end, (level,)))
    mentions.sort(key=lambda x: x.start)
    return mentions
