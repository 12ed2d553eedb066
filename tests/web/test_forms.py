"""What a reviewer types, turned into values (extract/web/forms.py)."""

from __future__ import annotations

import pytest

from extract.review import ReviewError
from extract.web import forms


def test_each_field_gets_the_input_its_type_asks_for():
    assert [forms.kind(f) for f in ("age_years", "sex", "synchronous", "tki", "spinal_levels", "reference")] == [
        "number", "choice", "yesno", "ticks", "levels", "text"]
    assert forms.choices("sex") == ["male", "female"]
    assert forms.choices("metastasis_sites")[:3] == ["L", "V", "B"]
    assert forms.bounds("age_years") == (0, 120)


@pytest.mark.parametrize(("field", "values", "expected"), [
    ("age_years", ["51"], 51.0),
    ("age_years", [" 0,67 "], 0.67),
    ("age_years", [""], None),
    ("sex", ["female"], "female"),
    ("sex", [""], None),
    ("synchronous", ["true"], True),
    ("synchronous", ["false"], False),
    ("synchronous", [""], None),
    ("tki", ["imatinib", "sunitinib"], ["imatinib", "sunitinib"]),
    ("tki", [], []),
    ("spinal_levels", ["T10, T12-L2"], ["T10", "T12", "L1", "L2"]),
    ("spinal_levels", ["th12 d7; S Co"], ["T12", "T7", "S", "Co"]),
    ("spinal_levels", ["T6–T8"], ["T6", "T7", "T8"]),  # noqa: RUF001 - an en dash, as reports write it
    ("spinal_levels", [""], []),
    ("reference", ["[3]"], "[3]"),
])
def test_form_values_become_field_values(field, values, expected):
    assert forms.parse(field, values) == expected


@pytest.mark.parametrize(("field", "values", "message"), [
    ("age_years", ["fifty"], "not a number"),
    ("age_years", ["nan"], "not a number"),
    ("age_years", ["inf"], "not a number"),
    ("synchronous", ["maybe"], "yes, no or unknown"),
    ("spinal_levels", ["T13"], "not a vertebral level"),
    ("spinal_levels", ["X1"], "not a vertebral level"),
    ("spinal_levels", ["S-L1"], "a range runs between numbered levels"),
])
def test_bad_input_is_a_one_line_error(field, values, message):
    with pytest.raises(ReviewError, match=message) as err:
        forms.parse(field, values)
    assert "\n" not in str(err.value)


def test_values_are_shown_back_in_their_inputs():
    assert forms.shown("age_years", 51.0) == "51"
    assert forms.shown("spinal_levels", ["T10", "T11"]) == "T10, T11"
    assert forms.shown("synchronous", False) == "false"
    assert forms.shown("tki", ["imatinib"]) == ["imatinib"]
    assert forms.shown("sex", None) == ""
