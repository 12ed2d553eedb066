"""Ages as case reports state them: "A 51-year-old", "aged 45", "45 years old", "45-yr-old",
"sixty-year-old", "8-month-old" -> 0.67 (years, two decimals: months / 12, weeks / 52.18, days
/ 365.25). :func:`age_mentions` finds the statements of a person's own age in a text (not a
relative's, not a range or a statistic); the patient's age is chosen in
:mod:`extract.fields.demographics`, patients are told apart by them in
:mod:`extract.fields.patients`. Patterns live in ``resources/demographics.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).parent / "resources"


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Any]:
    """The patterns and words of ``resources/demographics.json``."""
    return json.loads((RESOURCES / "demographics.json").read_text("utf-8"))


def _num_regex() -> str:
    words = sorted(load_rules()["number_words"], key=len, reverse=True)
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
            for p in load_rules()["age_patterns"]]


def _parse_number(raw: str) -> float | None:
    t = raw.lower().strip()
    half = 0.0
    m = re.search(r"\s+and\s+(?:a\s+)?half$", t)
    if m:
        half, t = 0.5, t[: m.start()]
    t = t.replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t) + half
    words = load_rules()["number_words"]
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
    per_year = load_rules()["units_per_year"]
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


def age_mentions(text: str, start: int = 0, end: int | None = None, *,
                 of_relatives: bool = False) -> list[AgeMention]:
    """Statements of a person's own age in ``text[start:end]`` that could be the patient's;
    ``of_relatives`` keeps a relative's too ("her brother, aged 12")."""
    end = len(text) if end is None else end
    rules = load_rules()
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
            # the words before, in the same sentence ("... a sister and brother.\n\nA 15-year-old
            # girl" is no relative's age); a "presentation" pattern carries its own context ("Now
            # 57, she presented with ...")
            before = re.split(r"[.!?;]\s|\n", text[max(start, s - 50):s])[-1]
            if not of_relatives and kind != "presentation" and (
                    before_re.search(before) or after_re.search(text[m.end():m.end() + 40])):
                continue
            if kind == "presentation":
                kind = "adjective"
            if m.start() in out or any(o.start <= m.start() < o.end for o in out.values()):
                continue
            told_as = kind
            if kind == "adjective" and history_re.search(text[max(start, m.start() - 40):m.start()]):
                told_as = "history"
            out[m.start()] = AgeMention(value, m.start(), m.end(), told_as)
    return sorted(out.values(), key=lambda a: a.start)


# -- sex ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SexMention:
    value: str
    start: int
    end: int


def sex_of(word: str) -> str | None:
    """"woman" -> "female", "Mr." -> "male"; None for a word that tells no sex."""
    value = load_rules()["sex_words"].get(word.lower().rstrip("."))
    return str(value) if value else None


def sex_noun_near(text: str, age: AgeMention, lo: int, hi: int) -> SexMention | None:
    """The sex noun of an age statement ("A 51-year-old Japanese man", "Mr. S, a 23-year-old"):
    the first after the age within 80 characters, else the nearest before it within 60, inside
    ``text[lo:hi]`` (its sentence)."""
    nouns = re.compile(load_rules()["sex_nouns"])
    for m in nouns.finditer(text, age.end, min(hi, age.end + 80)):
        value = sex_of(m.group(0))
        if value:
            return SexMention(value, m.start(), m.end())
    for m in reversed(list(nouns.finditer(text, max(lo, age.start - 60), age.start))):
        value = sex_of(m.group(0))
        if value:
            return SexMention(value, m.start(), m.end())
    return None
