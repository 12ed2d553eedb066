"""Durations, dates and the flat text view (extract/fields/units.py), on real phrases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.fields.units import (
    DATE_RE,
    DURATION_RE,
    FlatText,
    add_months,
    date_months,
    duration_months,
    months_between,
    parse_duration,
    to_months,
)

MACCROBAT = Path(__file__).resolve().parents[2] / "corpus" / "maccrobat"


def _entities(label: str) -> list[str]:
    out = []
    for ann in sorted(MACCROBAT.glob("*.ann")):
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[0].startswith("T") and parts[1].split(" ")[0] == label:
                out.append(parts[2])
    return out


@pytest.mark.parametrize(
    ("phrase", "months"),
    [
        ("10 years after surgery", 120.0),
        ("a seven-year history of renal cell carcinoma", 84.0),
        ("an 8 weeks' history of gradually worsening myelopathy", 1.8),
        ("48 hours prior to admission", None),  # hours are not a unit of this field
        ("for 22 mo with stable disease", 22.0),
        ("two and a half years", 30.0),
        ("a year and a half later", 18.0),
        ("1.5 years", 18.0),
        ("6 weeks post-operatively", 1.4),
        ("3 days after the surgery", 0.1),
        ("twenty-four months", 24.0),
        # invented, common: a compound interval counts whole
        ("2 years and 4 months after surgery", 28.0),
        ("1 year, 6 months later", 18.0),
        ("two years and three months", 27.0),
        ("18 mths after the operation", 18.0),
    ],
)
def test_parse_duration(phrase: str, months: float | None) -> None:
    assert parse_duration(phrase) == months


def test_maccrobat_durations_with_a_number_and_unit_all_parse() -> None:
    """Every MACCROBAT Duration entity written as number + unit ("4 year", "two day",
    "1-month", "three-month") converts as FIELDS.md says."""
    simple = re.compile(r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)[\s-](year|month|week|day)s?", re.IGNORECASE)
    phrases = [p for p in _entities("Duration") if simple.fullmatch(p)]
    assert len(phrases) >= 50
    for phrase in phrases:
        m = DURATION_RE.search(phrase)
        assert m, phrase
        number = re.split(r"[\s-]", phrase)[0]
        from extract.fields.units import parse_number

        expected = to_months(parse_number(number) or 0, simple.fullmatch(phrase).group(1))  # type: ignore[union-attr]
        assert duration_months(m) == expected, phrase


def test_maccrobat_dates_with_month_and_year() -> None:
    """MACCROBAT Date entities such as "January 2014", "November 18, 2015", "May 2008"."""
    month = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    phrases = [p for p in _entities("Date") if re.fullmatch(month + r" (?:\d{1,2}, )?(?:19|20)\d\d", p)]
    assert len(phrases) >= 10
    for phrase in phrases:
        m = DATE_RE.search(phrase)
        assert m, phrase
        year, month = date_months(m)  # type: ignore[misc]
        assert str(year) in phrase and month is not None, phrase


def test_months_between_dates() -> None:
    assert months_between((2009, None), (2015, None)) == 72
    assert months_between((2010, 3), (2012, 6)) == 27
    assert months_between((1999, 7), (2002, 12)) == 41


def test_flat_text_undoes_pdf_line_breaks_and_maps_offsets() -> None:
    # the seed's extracted text: "de-\nscribe" hyphenation and a sentence cut by a blank line
    source = "We de-\nscribe a case of L3 metastasis 10 years after rectal GIST re-\nsection.\nCase presentation\nA 51-year-old"
    flat = FlatText(source, [(0, len(source))])
    assert "We describe a case of L3 metastasis 10 years after rectal GIST resection." in flat.text
    assert "\nCase presentation\nA 51-year-old" in flat.text
    i = flat.text.index("10 years")
    a, b = flat.span(i, i + len("10 years after"))
    assert source[a:b] == "10 years after"
    j = flat.text.index("describe")
    a, b = flat.span(j, j + len("describe"))
    assert source[a:b] == "de-\nscribe"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRI on 2021-04-20 showed", (2021, 4)),  # ISO, with or without the day
        ("surgery in 2010-03 was", (2010, 3)),
        ("admitted on 12.03.2018 with", (2018, 3)),  # day first where dots separate
        ("a PSA of 2.4 ng/mL", None),
    ],
)
def test_issue_10_iso_and_dotted_dates(text: str, expected: tuple[int, int] | None) -> None:
    found = [date_months(m) for m in DATE_RE.finditer(text)]
    assert (found[0] if found else None) == expected


def test_add_months_moves_a_date_on() -> None:
    """Outcome's dated follow-up moves a date by a step ("Four months later ...")."""
    assert add_months((2014, 11), 4) == (2015, 3)
    assert add_months((2014, None), 4) == (2014, 5)
    assert add_months((2020, 12), 0) == (2020, 12)
    assert add_months((2019, 6), 2.6) == (2019, 9)
