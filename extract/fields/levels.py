"""Vertebral levels as case reports write them (FIELDS.md ``spinal_levels``): "L3", "Th12", "D7",
"T6-T8", "T12–L2", "C4-5", "T6 to T8", "the fourth lumbar vertebra", "sacrum", "coccyx".

The grammar of a level mention and its expansion into FIELDS.md values; which mentions name the
patient's metastasis is decided in :mod:`extract.fields.story`. :func:`normalise_levels` reads a
table cell or a phrase.
"""

from __future__ import annotations

import re
from itertools import pairwise

LEVELS: tuple[str, ...] = tuple(
    [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
LEVEL_ORDER = {lv: i for i, lv in enumerate(LEVELS)}
LEVEL_ORDER["S"] = len(LEVELS)
LEVEL_ORDER["Co"] = len(LEVELS) + 1
_PREFIX = {"c": "C", "t": "T", "th": "T", "d": "T", "l": "L", "s": "S"}

_LV = r"(?:C|Th|T|D|L|S)"
#: the dashes a range is printed with: hyphen, en and em dash, the Unicode hyphens and minus
#: (publishers' PDFs), and the tilde of "T10~T12"
DASHES = "-–—‐‑‒−~"
#: A vertebral level or a run of them: "L3", "Th12", "T6-T8", "T12–L2", "C2-3", "T6 to T8",
#: "T3 and T4", "from C7 to T5".
LEVEL_RE = re.compile(
    rf"(?<![A-Za-z0-9/.])(?<![A-Za-z]-)(?P<p1>{_LV})(?:\s|-(?=\d))?(?P<n1>\d{{1,2}})"
    rf"(?:\s*(?P<sep>[{DASHES}]|\b(?:extending|expanding|extended|continuing)\s+(?:down\s+|up\s+)?to\b|\bto\s+the\b|\bto\b|\bthrough\b|\bthru\b|\band\b|/|,)\s*(?:(?P<p2>{_LV})(?:\s|-(?=\d))?)?(?P<n2>\d{{1,2}}))?"
    r"(?![0-9A-Za-z])"
)
_ORDINALS = {w: i + 1 for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"])}
#: "the fourth lumbar vertebra", "12th thoracic vertebral body", "the atlas", "the odontoid"
_ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d{1,2}(?:st|nd|rd|th))"
_ORD_SEP = rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*(?:[{DASHES}]|\bto\b|\bthrough\b)\s*)(?:the\s+)?"
_REGION_WORD = r"(?:cervical|thoracic|dorsal|lumbar|sacral)"
#: an ordinal with its own region before the next ("the twelfth thoracic and first lumbar")
_ORD_OWN = rf"{_ORD}(?:\s+{_REGION_WORD}(?={_ORD_SEP}{_ORD}))?+"
ORDINAL_LEVEL_RE = re.compile(
    rf"\b(?P<ords>{_ORD_OWN}(?:{_ORD_SEP}{_ORD_OWN}){{0,11}})\s+"
    r"(?P<region>cervical|thoracic|dorsal|lumbar|sacral)\s+(?:vertebra\w*|vertebral|spine|spinous|level|segment)"
    r"|\b(?P<c1>atlas)\b|\b(?P<c2>odontoid|dens\s+axis)\b"
    # the region named before its numbers: "thoracic vertebrae 5 and 6", "lumbar vertebra 3"
    r"|\b(?P<nregion>cervical|thoracic|dorsal|lumbar|sacral)\s+(?:vertebra[el]?|vertebral\s+bod(?:y|ies))\s+"
    rf"(?P<nums>\d{{1,2}}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*(?:[{DASHES}]|\bto\b|\bthrough\b)\s*)\d{{1,2}}){{0,11}})"
    r"(?![0-9.,]?\d|\s*(?:%|(?:years?|yrs?|months?|weeks?|days?|hours?|cm|mm|ml|kg|g|gy|times)\b))",
    re.IGNORECASE,
)
_REGION = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}


def ordinal_levels(m: re.Match[str]) -> list[str]:
    """Levels of an :data:`ORDINAL_LEVEL_RE` match: "the 3rd and 4th lumbar vertebrae" ->
    L3, L4; "the 10th to the 12th thoracic vertebrae" -> T10, T11, T12; "the third, fourth and
    fifth lumbar vertebrae" -> L3, L4, L5."""
    if m.group("c1"):
        return ["C1"]
    if m.group("c2"):
        return ["C2"]
    if m.group("nums"):
        prefix = _REGION[m.group("nregion").lower()]
        nums = list(re.finditer(r"\d{1,2}", m.group("nums")))
        got: list[str] = []
        for k, num in enumerate(nums):
            named = f"{prefix}{int(num.group())}"
            if named not in LEVEL_ORDER:
                continue
            sep = m.group("nums")[nums[k - 1].end() : num.start()] if k else ""
            if got and re.search(rf"[{DASHES}]|\bto\b|\bthrough\b", sep, re.IGNORECASE):
                got.extend(x for x in expand_levels(got[-1], named) if x not in got)
            elif named not in got:
                got.append(named)
        return got
    region = _REGION[m.group("region").lower()]

    def level(word: str, own_region: str | None = None) -> str | None:
        word = word.lower()
        prefix = _REGION[own_region.lower()] if own_region else region
        lv = f"{prefix}{_ORDINALS.get(word) or int(re.sub(r'[^0-9]', '', word))}"
        return lv if lv in LEVEL_ORDER else None

    own = list(re.finditer(rf"(?P<o>{_ORD})(?:\s+(?P<r>{_REGION_WORD}))?", m.group("ords"), re.IGNORECASE))
    words = [x.group("o") for x in own]
    seps = [m.group("ords")[a.end() : b.start()] for a, b in pairwise(own)]
    out: list[str] = []
    for k, word in enumerate(words):
        lv = level(word, own[k].group("r"))
        if lv is None:
            continue
        if k and out and re.search(rf"[{DASHES}]|\bto\b|\bthrough\b", seps[k - 1], re.IGNORECASE):
            out.extend(x for x in expand_levels(out[-1], lv) if x not in out)
        elif lv not in out:
            out.append(lv)
    return out


_REGION_LEVELS = {"C": [f"C{i}" for i in range(1, 8)], "T": [f"T{i}" for i in range(1, 13)],
                  "L": [f"L{i}" for i in range(1, 6)], "S": ["S"]}
#: every vertebra of a region: "all lumbar vertebrae", "the entire thoracic and lumbar spine",
#: "each of the five lumbar vertebrae", "all thoracic vertebral bodies"
WHOLE_REGION_RE = re.compile(
    r"\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+|his\s+|her\s+)?(?:(?:five|seven|twelve|5|7|12)\s+)?"
    r"(?P<regions>(?:cervical|thoracic|dorsal|lumbar|sacral)(?:\s*(?:,|and|/)\s*(?:cervical|thoracic|dorsal|lumbar|sacral)){0,3})"
    r"\s+(?:vertebrae|vertebra|vertebral\s+bod(?:y|ies)|levels|segments)\b"
    r"|\b(?:the\s+|his\s+|her\s+)?(?:entire|whole)\s+"
    r"(?P<spine>(?:cervical|thoracic|dorsal|lumbar|sacral)(?:\s*(?:,|and|/)\s*(?:cervical|thoracic|dorsal|lumbar|sacral)){0,3})"
    r"\s+(?:spine|vertebrae|vertebral\s+column)\b",
    re.IGNORECASE,
)


def region_levels(m: re.Match[str]) -> list[str]:
    """Levels of a :data:`WHOLE_REGION_RE` match: every level of each region named ("all
    lumbar vertebrae" -> L1..L5; "the entire thoracic and lumbar spine" -> T1..L5; the sacrum
    as a whole -> S)."""
    words = re.findall(r"cervical|thoracic|dorsal|lumbar|sacral", m.group("regions") or m.group("spine"), re.IGNORECASE)
    return [lv for w in words for lv in _REGION_LEVELS[_REGION[w.lower()]]]


SACRUM_RE = re.compile(r"\b(?:sacrum|sacral|os\s+sacrum)\b(?!\s*-?\s*iliac)", re.IGNORECASE)
COCCYX_RE = re.compile(r"\b(?:coccyx|coccygeal)\b", re.IGNORECASE)
MRI_RE = re.compile(r"weighted|\bWI\b|MRI|magnetic|intens|signal|sequence|image|FLAIR|STIR", re.IGNORECASE)


def _level(prefix: str, number: str) -> str | None:
    p = _PREFIX.get(prefix.lower())
    if p is None:
        return None
    lv = f"{p}{int(number)}"
    return lv if lv in LEVEL_ORDER else None


def expand_levels(first: str, last: str) -> list[str]:
    a, b = LEVEL_ORDER[first], LEVEL_ORDER[last]
    if a > b:
        a, b = b, a
    if b - a > 25:  # not a plausible run of vertebrae
        return [first, last]
    return list(LEVELS[a : b + 1])


#: a range dash or word right after a listed level ("T2" of "C7, T2-T4")
_RANGE_AFTER_RE = re.compile(rf"\s*(?:[{DASHES}]|\bto\b|\bthrough\b)\s*(?P<p>{_LV})?(?:\s|-(?=\d))?(?P<n>\d{{1,2}})(?![0-9A-Za-z])")


#: bare numbers listed on after "L2, 3" ("L2, 3 and 4"), each right after the other
_BARE_MORE_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?P<n>\d{1,2})(?![0-9A-Za-z%]|[.,]\d)(?!\s*(?:years?|months?|weeks?|days?|cm|mm|Gy)\b)")


#: a further slashed level after "C3/C4" or "T10/11"
_SLASH_MORE_RE = re.compile(rf"\s*/\s*(?P<p>{_LV})?(?P<n>\d{{1,2}})(?![0-9A-Za-z])")


def _listed_on(m: re.Match[str], second: str, more_re: re.Pattern[str], window: int, prefix: str) -> list[str]:
    """``second`` and the levels listed on after the match, each within ``window`` characters
    of the one before ("L2, 3 and 4", "C3/C4/C5"); a listed number that is no level ends the list."""
    more, pos = [second], m.end()
    while (n := more_re.match(m.string, pos, min(len(m.string), pos + window))) is not None:
        lv = _level(n.groupdict().get("p") or prefix, n.group("n"))
        if lv is None:
            break
        more.append(lv)
        pos = n.end()
    return more


def levels_of_match(m: re.Match[str]) -> list[str]:
    first = _level(m.group("p1"), m.group("n1"))
    if first is None:
        return []
    if not m.group("n2"):
        return [first]
    second = _level(m.group("p2") or m.group("p1"), m.group("n2"))
    if second is None:
        return [first]
    if m.group("sep") == "/":
        # "C3/C4/C5", "T10/11/12": the slashed list goes on (a slash bars a level of its own)
        more = _listed_on(m, second, _SLASH_MORE_RE, 12, m.group("p2") or m.group("p1"))
        if len(more) > 1:
            return [first, *more]
    if m.group("sep").lower() in ("and", ",", "/") and not m.group("p2"):
        # "L2, 3 and 4": the bare numbers listed after the first go on
        more = _listed_on(m, second, _BARE_MORE_RE, 20, m.group("p1"))
        if len(more) > 1:
            return [first, *more]
    if m.group("sep").lower() in ("and", ",", "/"):
        # "C7, T2-T4": the listed level opens a range of its own
        run = _RANGE_AFTER_RE.match(m.string, m.end())
        if run:
            last = _level(run.group("p") or m.group("p2") or m.group("p1"), run.group("n"))
            if last is not None:
                return [first, *expand_levels(second, last)]
        return [first, second]
    return expand_levels(first, second)


def sort_levels(levels: set[str] | list[str]) -> list[str]:
    return sorted(set(levels), key=lambda lv: LEVEL_ORDER.get(lv, 99))


def normalise_levels(text: str) -> list[str]:
    """Vertebral levels named in ``text`` (a table cell or phrase), ranges expanded, in spinal
    order: ``"T6-T8"`` -> ``["T6", "T7", "T8"]``, ``"Th12"`` -> ``["T12"]``, ``"sacrum"`` -> ``["S"]``."""
    found: set[str] = set()
    for m in LEVEL_RE.finditer(text):
        found.update(levels_of_match(m))
    for m in ORDINAL_LEVEL_RE.finditer(text):
        found.update(ordinal_levels(m))
    for m in WHOLE_REGION_RE.finditer(text):
        found.update(region_levels(m))
    if SACRUM_RE.search(text) and not any(lv.startswith("S") for lv in found):
        found.add("S")
    if COCCYX_RE.search(text):
        found.add("Co")
    return sort_levels(found)
