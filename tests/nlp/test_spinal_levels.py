"""Spinal levels: codes, ranges and written-out levels -> FIELDS.md values."""

from __future__ import annotations

import pytest

from extract.nlp.spinal_levels import expand_range, find_spinal_levels, parse_levels


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("T12-L2", ["T12", "L1", "L2"]),
        ("Th12", ["T12"]),
        ("D12", ["T12"]),
        ("L3 vertebral body", ["L3"]),
        ("T6 to T8", ["T6", "T7", "T8"]),
        ("T6–T8", ["T6", "T7", "T8"]),
        ("C2-3", ["C2", "C3"]),
        ("L4/5", ["L4", "L5"]),
        ("L5-S1", ["L5", "S1"]),
        ("third lumbar vertebra", ["L3"]),
        ("12th thoracic vertebra", ["T12"]),
    ],
)
def test_parse_levels(text, levels):
    assert parse_levels(text) == levels


def test_ranges_in_real_sentences():
    # corpus/spinal/txt/maimone2013_lms_t3t4.txt and ijscr/alkhawaja reports
    text = (
        "The first operation consisted in a T1-T4 decompressive laminectomy with a sub-total "
        "tumor resection and pedicle fixation extending from C7 to T5."
    )
    found = [m.levels for m in find_spinal_levels(text)]
    assert found == [("T1", "T2", "T3", "T4"), ("C7", "T1", "T2", "T3", "T4", "T5")]
    text = "Results: A posterior-anterior TES and L2-L4 fusion was performed to remove a cancerous renal cell carcinoma of L3 with wide margins."
    assert [m.levels for m in find_spinal_levels(text)] == [("L2", "L3", "L4"), ("L3",)]


def test_not_levels():
    # MRI sequences, TNM stages and D2 lymph node dissection are not vertebrae
    for text in (
        "Sagittal T2-weighted images showed a mass.",
        "T1WI showed a hypointense lesion.",
        "The tumor was staged T2N0M0.",
        "pT3 adenocarcinoma",
        "Gastrectomy with D2 lymph node dissection was performed.",
    ):
        assert find_spinal_levels(text) == [], text


def test_reversed_range_is_ordered():
    assert expand_range("L2", "T12") == ["T12", "L1", "L2"]


def test_d_levels_need_spinal_words_nearby():
    # corpus/jats/PMC4738714.xml: D10 is an antibody there
    text = "Larger bile ducts may demonstrate D10 positivity in 22% of cases."
    assert find_spinal_levels(text) == []
    assert [m.levels for m in find_spinal_levels("Metastasis at D11-D12 was found.")] == [
        ("T11", "T12")
    ]


def test_supplementary_files_are_not_sacral_levels():
    # corpus/jats/mds526.nxml
    text = "See also supplementary file S1, for additional details on methods."
    assert find_spinal_levels(text) == []


def test_lab_values_and_ratios_are_not_levels():
    for text in (
        "Complement C3 and C4 levels were low.",  # constructed: lupus work-up wording
        "C4/0.12 and C4/13.5",  # corpus/jats/pone.0046493.nxml (substrate chain lengths)
    ):
        assert find_spinal_levels(text) == [], text
    # a disc level and a cervical range still are (corpus/maccrobat)
    text = "enhancement within the central aspect of C3–T2, disc protrusions at C3–4"
    assert [m.levels[0] for m in find_spinal_levels(text)] == ["C3", "C3"]
