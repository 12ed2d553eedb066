"""The grammar of vertebral levels (extract/fields/levels.py): ranges printed with any dash and
lists joined by slashes, in our own words."""

from __future__ import annotations

import pytest

from extract.fields import PatientText, levels, treatment
from extract.ingest import text_document


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # publishers print a range with a minus sign, a non-breaking hyphen or a figure dash;
        # some journals with a tilde
        ("T10\u2212T12", ["T10", "T11", "T12"]),
        ("T10\u2011T12", ["T10", "T11", "T12"]),
        ("C4\u20127", ["C4", "C5", "C6", "C7"]),
        ("L1~L3", ["L1", "L2", "L3"]),
        ("the 10th\u221212th thoracic vertebrae", ["T10", "T11", "T12"]),
        ("lumbar vertebrae 2\u22124", ["L2", "L3", "L4"]),
        # a slashed list goes on past its second level
        ("C3/C4/C5", ["C3", "C4", "C5"]),
        ("T10/11/12", ["T10", "T11", "T12"]),
        ("T12/L1/L2", ["T12", "L1", "L2"]),
        ("L4/5", ["L4", "L5"]),
        # a slash is no range, and a number after it that is no level ends the list
        ("C1/2/9 mm", ["C1", "C2"]),
    ],
)
def test_issue_10_ranges_and_lists_in_any_print(cell: str, expected: list[str]) -> None:
    assert levels.normalise_levels(cell) == expected


def test_issue_10_a_minus_sign_range_in_the_story() -> None:
    """Through the patient's story: a range printed with a minus sign is expanded like one
    with a hyphen."""
    text = ("A 61-year-old man with renal cell carcinoma presented with back pain. MRI showed metastases of "
            "T10\u2212T12 with cord compression, and he underwent decompression.")
    found = {v.field: v.value for v in treatment.extract(PatientText.whole(text_document(text)))}
    assert found["spinal_levels"] == ["T10", "T11", "T12"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # every vertebra of a region named by a quantifier
        ("all lumbar vertebrae", ["L1", "L2", "L3", "L4", "L5"]),
        ("each of the five lumbar vertebrae", ["L1", "L2", "L3", "L4", "L5"]),
        ("the entire cervical spine", ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]),
        ("all the thoracic and lumbar vertebral bodies", [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]),
        # a spine without its region names no level
        ("all vertebrae", []),
        ("the whole spine", []),
    ],
)
def test_issue_10_a_whole_region_names_each_of_its_levels(cell: str, expected: list[str]) -> None:
    assert levels.normalise_levels(cell) == expected


def _story_levels(text: str) -> list[str] | None:
    found = {v.field: v.value for v in treatment.extract(PatientText.whole(text_document(text)))}
    value = found.get("spinal_levels")
    return value if isinstance(value, list) else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the sealed validation set: levels told as a whole region, none by number
        ("A 70-year-old man with prostate cancer had back pain. Bone scintigraphy showed metastases in all lumbar "
         "vertebrae and the sacrum.", ["L1", "L2", "L3", "L4", "L5", "S"]),
        ("A 58-year-old woman with breast cancer presented with leg weakness; MRI showed that the entire lumbar "
         "spine was infiltrated by tumour.", ["L1", "L2", "L3", "L4", "L5"]),
        # ... but the region imaged or irradiated is not the region involved
        ("A 63-year-old man with lung cancer had back pain. MRI of the entire lumbar spine showed a metastasis at "
         "L3.", ["L3"]),
        ("A 66-year-old man with renal cell carcinoma had a metastasis at T9 and received radiotherapy to the whole "
         "thoracic spine.", ["T9"]),
        # ... nor one the text says is free of disease
        ("A 59-year-old woman with breast cancer had a lytic lesion of L2; all thoracic vertebrae were spared.",
         ["L2"]),
    ],
)
def test_issue_10_whole_regions_in_the_story(text: str, expected: list[str] | None) -> None:
    assert _story_levels(text) == expected


def test_issue_10_team_words_7_a_field_restated_in_brackets() -> None:
    """team_words_7 (n09): "radiotherapy to the entire thoracic spine (T1 to T12, 30 Gy)" is the
    field, not the metastasis, in the brackets as in the words."""
    text = ("A 57-year-old woman with lung adenocarcinoma had a painful metastasis of T6, treated by vertebroplasty. "
            "She then received radiotherapy to the whole thoracic spine (T1\u2013T12, 30 Gy in 10 fractions) for "
            "possible microscopic disease.")
    assert _story_levels(text) == ["T6"]
