"""Durations to months, as FIELDS.md says: years x 12, weeks / 4.345, days / 30.44; one decimal."""

from __future__ import annotations

import re

_UNIT_FACTORS: dict[str, float] = {
    "year": 12.0, "yr": 12.0, "y": 12.0,
    "month": 1.0, "mo": 1.0, "mon": 1.0, "m": 1.0,
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
