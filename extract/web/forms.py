"""What a reviewer types or picks, turned into a field's value.

Each field gets the input its type asks for: a number box (``age_years`` and the times), a
choice from FIELDS.md's vocabulary (``sex``, ``primary_site``, ``outcome_status``, ``source``),
yes/no (``synchronous``), ticks from a vocabulary (``metastasis_sites``, ``spinal_treatment``,
``tki``), vertebral levels typed as a report writes them (``T10, T12-L2``) or free text
(``reference``). The vocabularies are the schema's (``case.schema.json``, FIELDS.md's), and
:func:`extract.review.check_value` checks every value against it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from extract.record import case_schema
from extract.review import NUMBER_FIELDS, ReviewError

CHOICE_FIELDS = frozenset({"sex", "primary_site", "outcome_status", "source"})
TICK_FIELDS = frozenset({"metastasis_sites", "spinal_treatment", "tki"})
_LEVEL_TOKEN = re.compile(r"[,;\s]+")
_DASHES = re.compile(r"[–—‐-]")  # noqa: RUF001 - the dashes reports put between two levels
_LEVEL = re.compile(r"^(C|T|TH|D|L|S)(\d{1,2})$")


def kind(name: str) -> str:
    """The input a field gets: number, choice, yesno, ticks, levels or text."""
    if name in NUMBER_FIELDS:
        return "number"
    if name in CHOICE_FIELDS:
        return "choice"
    if name == "synchronous":
        return "yesno"
    if name in TICK_FIELDS:
        return "ticks"
    if name == "spinal_levels":
        return "levels"
    return "text"


def choices(name: str) -> list[str]:
    """The vocabulary of a choice or tick field, in the schema's order."""
    prop = case_schema()["properties"][name]
    return [v for v in (prop.get("items") or prop).get("enum") or [] if v is not None]


def bounds(name: str) -> tuple[float | None, float | None]:
    """A number field's minimum and maximum in the schema."""
    prop = case_schema()["properties"][name]
    return prop.get("minimum"), prop.get("maximum")


def _level(token: str) -> str:
    from extract.fields.levels import LEVEL_ORDER

    upper = token.upper()
    if upper == "CO":
        return "Co"
    if upper == "S":
        return "S"
    m = _LEVEL.match(upper)
    level = f"{'T' if m.group(1) in ('TH', 'D') else m.group(1)}{int(m.group(2))}" if m else ""
    if level not in LEVEL_ORDER:
        raise ReviewError(f"spinal_levels: {token!r} is not a vertebral level (C1-C7, T1-T12, "
                          "L1-L5, S1-S5, S, Co)")
    return level


def parse_levels(text: str) -> list[str]:
    """``"T10, T12-L2"`` -> ``["T10", "T12", "L1", "L2"]`` (``Th``/``D`` read as ``T``)."""
    from extract.fields.levels import expand_levels

    out: list[str] = []
    for token in _LEVEL_TOKEN.split(_DASHES.sub("-", text.strip())):
        if not token:
            continue
        first, sep, last = token.partition("-")
        if sep:
            a, b = _level(first), _level(last)
            if a in ("S", "Co") or b in ("S", "Co"):
                raise ReviewError(f"spinal_levels: {token!r}: a range runs between numbered levels")
            out += expand_levels(a, b)
        else:
            out.append(_level(first))
    return list(dict.fromkeys(out))


def parse(name: str, values: Sequence[str]) -> Any:
    """The value of ``name`` from a form's ``value`` entries (one, or one per tick)."""
    raw = (values[0] if values else "").strip()
    how = kind(name)
    if how == "ticks":
        return [v for v in values if v]
    if how == "levels":
        return parse_levels(raw)
    if not raw:
        return None
    if how == "number":
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            raise ReviewError(f"{name}: {raw[:40]!r} is not a number") from None
        if not math.isfinite(number):
            raise ReviewError(f"{name}: {raw[:40]!r} is not a number")
        return number
    if how == "yesno":
        if raw in ("true", "false"):
            return raw == "true"
        raise ReviewError(f"{name}: yes, no or unknown")
    return raw


def shown(name: str, value: Any) -> str | list[str]:
    """A value as its input shows it (the form's prefill)."""
    how = kind(name)
    if how == "ticks":
        return list(value or [])
    if how == "levels":
        return ", ".join(value or [])
    if value is None:
        return ""
    if how == "yesno":
        return "true" if value else "false"
    if how == "number":
        return f"{float(value):g}"
    return str(value)
