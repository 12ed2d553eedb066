"""Durations to months, as FIELDS.md says: years x 12, weeks / 4.345, days / 30.44; one decimal."""

from __future__ import annotations

import re

_UNIT_FACTORS: dict[str, float] = {
    "year": 12.0, "yr": 12.0, "y": 12.0,
    "month": 1.0, "mo": 1.0, "mon": 1.0, "mth": 1.0, "m": 1.0,
    "week": 1 / 4.345, "wk": 1 / 4.345, "w": 1 / 4.345,
    "day": 1 / 30.44, "d": 1 / 30.44,
}

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a": 1, "an": 1, "half": 0.5, "several": None, "few": None,  # type: ignore[dict-item]
}


def unit_factor(unit: str) -> float | None:
    """Months per ``unit`` ("years", "mo", "weeks" ...), or None for an unknown unit."""
    u = unit.lower().rstrip(".")
    if u.endswith("s") and u[:-1] in _UNIT_FACTORS:
        u = u[:-1]
    return _UNIT_FACTORS.get(u)


def parse_number(text: str) -> float | None:
    """``"10"`` -> 10, ``"2.5"`` -> 2.5, ``"ten"`` -> 10, ``"twenty-four"`` -> 24, ``"1½"`` -> 1.5."""
    t = text.strip().lower().replace("½", ".5").replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    if t in _WORDS:
        return _WORDS[t]
    parts = re.split(r"[- ]", t)
    if len(parts) == 2 and all(p in _WORDS and _WORDS[p] is not None for p in parts):
        return float(_WORDS[parts[0]] + _WORDS[parts[1]])  # type: ignore[operator]
    return None


def to_months(amount: float, unit: str) -> float | None:
    """``to_months(10, "years")`` -> 120.0; one decimal; None for an unknown unit."""
    factor = unit_factor(unit)
    if factor is None:
        return None
    return round(amount * factor, 1)


# -- durations and dates in running text ------------------------------------------------

_NUM = (r"(?:\d+(?:[.,]\d+)?|\d+\s*½|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
        r"sixty|(?:twenty|thirty|forty|fifty)[- ](?:one|two|three|four|five|six|seven|eight|nine)|an?|half)")
_UNIT = r"(?:years?|yrs?|months?|mos?|mths?|weeks?|wks?|days?)"
#: A duration as case reports write it: "10 years", "ten-year", "1.5 yr", "two and a half years",
#: "a year and a half", "18 mo", "2 years and 4 months". Group ``num``/``unit`` (``half`` for "and a
#: half", ``num2``/``unit2`` for the smaller unit that follows).
_SMALL_UNIT = r"(?:months?|mos?|mths?|weeks?|wks?|days?)"
DURATION_RE = re.compile(
    rf"(?<![\w.])(?P<num>{_NUM})(?P<half>\s+and\s+a\s+half)?[\s-]+(?P<unit>{_UNIT})(?![a-z])"
    rf"(?P<half2>\s+and\s+a\s+half)?"
    rf"(?:,?\s+(?:and\s+)?(?P<num2>{_NUM})[\s-]+(?P<unit2>{_SMALL_UNIT})(?![a-z]))?",
    re.IGNORECASE,
)

#: The same without named groups, for building larger patterns (timing_terms.json ``{DUR}``).
DURATION_PATTERN = (rf"(?<![\w.]){_NUM}(?:\s+and\s+a\s+half)?[\s-]+{_UNIT}(?![a-z])(?:\s+and\s+a\s+half)?"
                    rf"(?:,?\s+(?:and\s+)?{_NUM}[\s-]+{_SMALL_UNIT}(?![a-z]))?")

MONTHS: dict[str, int] = {
    m: i + 1 for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"])
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
#: A calendar date of the precision case reports use: "March 2010", "Mar. 2010", "2009",
#: "03/2010", ISO "2010-03" or "2010-03-20", and day-first "20.03.2010" (never ambiguous with
#: dots). Groups ``month``/``year``, ``mm``/``yy``, ``iso_y``/``iso_m`` or ``dot_m``/``dot_y``.
DATE_RE = re.compile(
    r"(?<![\w/.-])(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)"
    r"[a-z]*\.?)\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?P<year>(?:19|20)\d\d)"
    r"|(?P<mm>0?[1-9]|1[0-2])/(?P<yy>(?:19|20)\d\d)"
    r"|(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"
    r"|(?:0?[1-9]|[12]\d|3[01])\.(?P<dot_m>0?[1-9]|1[0-2])\.(?P<dot_y>(?:19|20)\d\d)"
    r"|(?P<year_only>(?:19|20)\d\d))(?![\w/-])",
    re.IGNORECASE,
)


def duration_months(match: re.Match[str]) -> float | None:
    """Months of a :data:`DURATION_RE` match, one decimal; None for "several"/"few"."""
    amount = parse_number(match.group("num"))
    if amount is None:
        if match.group("num").lower() in ("a", "an"):
            amount = 1.0
        else:
            return None
    if match.group("half") or match.group("half2"):
        amount += 0.5
    months = to_months(amount, match.group("unit"))
    extra = parse_number(match.group("num2")) if match.group("num2") else None
    if months is not None and extra is not None and (factor := unit_factor(match.group("unit2"))) is not None \
            and factor < (unit_factor(match.group("unit")) or 0):
        months = round(months + extra * factor, 1)  # "2 years and 4 months" -> 28
    return months


def parse_duration(text: str) -> float | None:
    """The first duration in ``text`` in months: ``"10 years after surgery"`` -> 120.0."""
    m = DURATION_RE.search(text)
    return duration_months(m) if m else None


def date_months(match: re.Match[str]) -> tuple[int, int | None] | None:
    """(year, month or None) of a :data:`DATE_RE` match."""
    if match.group("year"):
        word = match.group("month").lower().rstrip(".")
        month = MONTHS.get(word) or MONTHS.get(word[:3])
        return int(match.group("year")), month
    if match.group("yy"):
        return int(match.group("yy")), int(match.group("mm"))
    if match.group("iso_y"):
        return int(match.group("iso_y")), int(match.group("iso_m"))
    if match.group("dot_y"):
        return int(match.group("dot_y")), int(match.group("dot_m"))
    if match.group("year_only"):
        return int(match.group("year_only")), None
    return None


def months_between(a: tuple[int, int | None], b: tuple[int, int | None]) -> float:
    """Months from date ``a`` to date ``b``; whole years when either lacks a month."""
    if a[1] is None or b[1] is None:
        return float((b[0] - a[0]) * 12)
    return float((b[0] - a[0]) * 12 + (b[1] - a[1]))


def add_months(date: tuple[int, int | None], months: float) -> tuple[int, int]:
    """``date`` moved on by ``months`` (rounded to whole months); a date without a month is read
    as its January ("in 2014 ... four months later" -> May 2014)."""
    total = date[0] * 12 + (date[1] or 1) - 1 + round(months)
    return total // 12, total % 12 + 1


# -- a flat view of text with offsets back to the source --------------------------------

class FlatText:
    """Text with PDF line breaks and hyphenation undone, mapping every character back.

    ``text`` has single spaces for runs of whitespace, "-\\n" hyphenation within a word removed,
    and "\\n" kept only where a line ends a heading or paragraph (a sentence boundary).
    ``offset(i)`` is the source offset of ``text[i]``.
    """

    _HEADING_LINE = re.compile(r"[A-Z][^.!?]{0,60}")

    def __init__(self, source: str, ranges: list[tuple[int, int]]):
        chars: list[str] = []
        offsets: list[int] = []
        for a, b in ranges:
            if chars and chars[-1] != "\n":
                chars.append("\n")
                offsets.append(a)
            lines = source[a:b].split("\n")
            pos = a
            for k, line in enumerate(lines):
                nxt = lines[k + 1].strip() if k + 1 < len(lines) else ""
                self._add_line(chars, offsets, line, pos)
                pos += len(line) + 1
                stripped = line.strip()
                if k + 1 == len(lines):
                    break
                if not stripped or not nxt:
                    boundary = True  # blank line: paragraph end
                elif stripped.endswith(("-", "‐")) and nxt[:1].islower() and len(stripped) > 1 and stripped[-2].isalpha():
                    # "de-\ncompression": undo the hyphenation
                    while chars and chars[-1] in "-‐":
                        chars.pop()
                        offsets.pop()
                    continue
                else:
                    boundary = (stripped.endswith((".", "!", "?", ":")) and nxt[:1].isupper()) or (
                        bool(self._HEADING_LINE.fullmatch(stripped))
                        and not stripped.endswith((",", ";", "-", "and", "of", "the", "with", "to"))
                        and nxt[:1].isupper() and len(stripped) < 60
                        and len(stripped.split()) <= 7
                    )
                sep = "\n" if boundary else " "
                if chars and chars[-1] in " \n":
                    if sep == "\n":
                        chars[-1] = "\n"
                    continue
                chars.append(sep)
                offsets.append(pos - 1)
        self.text = "".join(chars)
        self._offsets = offsets
        self._end = ranges[-1][1] if ranges else 0

    @staticmethod
    def _add_line(chars: list[str], offsets: list[int], line: str, pos: int) -> None:
        for i, ch in enumerate(line):
            if ch.isspace():
                if chars and chars[-1] in " \n":
                    continue
                ch = " "
            chars.append(ch)
            offsets.append(pos + i)

    def offset(self, i: int) -> int:
        """Source offset of flat position ``i`` (``len(text)`` maps past the last character)."""
        if i >= len(self._offsets):
            return self._end
        return self._offsets[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the flat span ``text[start:end]``."""
        end = max(end, start + 1)
        return self.offset(start), self.offset(end - 1) + 1
