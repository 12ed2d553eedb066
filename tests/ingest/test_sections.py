"""Section headings of case reports: the seed text, the dev texts and the common variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Section
from extract.ingest.normalize import normalize_text
from extract.ingest.sections import find_sections, section_name

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _read(path: Path) -> str:
    return normalize_text(path.read_text(encoding="utf-8"))


def _outline(sections: list[Section]) -> list[tuple[str, int]]:
    return [(s.title, s.level) for s in sections]


def test_shimizu2018_extracted_text() -> None:
    text = _read(CORPUS / "seed" / "shimizu2018_extracted.txt")
    sections = find_sections(text)
    assert _outline(sections) == [
        ("Abstract", 1),
        ("Background", 2),
        ("Case presentation", 2),
        ("Conclusions", 2),
        ("Background", 1),
        ("Case presentation", 1),
        ("History and clinical evaluation", 2),
        ("Surgery", 2),
        ("Postoperative course", 2),
        ("Discussion and conclusions", 1),
    ]
    by_title = {(s.title, s.level): s for s in sections}
    case = by_title[("Case presentation", 1)]
    discussion = by_title[("Discussion and conclusions", 1)]
    # A section runs to the next one of the same or a higher level.
    assert case.end == discussion.start
    assert by_title[("Postoperative course", 2)].end == discussion.start
    assert discussion.end == len(text)
    assert "en bloc corpectomy of the L3" in text[case.start : case.end]
    # The run-in abstract labels: "Case presentation: A 51-year-old ..."
    part = by_title[("Case presentation", 2)]
    assert text[part.start :].startswith("Case presentation: A 51-year-old")
    assert by_title[("Abstract", 1)].end == by_title[("Background", 1)].start


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "suzuki2014_jmcr_skeletal_muscle.txt",
            [("Abstract", 1), ("Introduction", 2), ("Case presentation", 2), ("Conclusions", 2)],
        ),
        (
            "kim2018_anndermatol_cutaneous.txt",
            [("Abstract", 1), ("INTRODUCTION", 1), ("CASE REPORT", 1)],
        ),
        ("sato2014_crionm_cerebellar.txt", [("Abstract", 1), ("1. Introduction", 1)]),
        (
            "mandel2019_bmccancer_intracranial.txt",
            [("Background", 2), ("Case Presentation", 2), ("Conclusions", 2)],
        ),
        # the "Case Reports" article-type lines of a PubMed page are not sections
        ("rochigneux2017_cro.txt", [("Abstract", 1), ("Keywords", 1)]),
        ("savvidou2016_crisurg_muscle.txt", [("1. Introduction", 1)]),
    ],
)
def test_dev_texts(name: str, expected: list[tuple[str, int]]) -> None:
    assert _outline(find_sections(_read(CORPUS / "dev" / "txt" / name))) == expected


def test_spinal_ijscr2012_capitals_and_presentation_of_case() -> None:
    text = _read(CORPUS / "spinal" / "txt" / "ijscr2012_nsclc_egfr_l2.txt")
    assert _outline(find_sections(text)) == [
        ("Abstract", 1),
        ("INTRODUCTION", 2),
        ("PRESENTATION OF CASE", 2),
        ("DISCUSSION", 2),
        ("CONCLUSION", 2),
        ("Keywords", 1),
    ]


VARIANTS = """\
Case Report
A Rare Tumour of the Spine
Abstract
A 60-year-old woman presented with back pain. She was treated.
Keywords: spine; metastasis
1. Introduction
Spinal metastases are common.
2 CASE PRESENTATION:
2.1. Clinical History
She had pain.
Treatment and outcome
She improved.
Case 2
A man.
3. Discussion
This is rare, and the discussion of it
is long.
Conclusions.
It works.
Acknowledgments
We thank.
Conflict of Interests
None.
Authors’ contributions
All.
References
1. Smith J. Discussion of things. 2001.
"""


def test_numbered_capitalised_and_punctuated_headings() -> None:
    sections = find_sections(VARIANTS)
    assert _outline(sections) == [
        ("Abstract", 1),
        ("Keywords", 1),
        ("1. Introduction", 1),
        ("2 CASE PRESENTATION", 1),
        ("2.1. Clinical History", 2),
        ("Treatment and outcome", 2),
        ("Case 2", 2),
        ("3. Discussion", 1),
        ("Conclusions", 1),
        ("Acknowledgments", 1),
        ("Conflict of Interests", 1),
        ("Authors’ contributions", 1),
        ("References", 1),
    ]
    case = sections[3]
    assert VARIANTS[case.start : case.end].startswith("2 CASE PRESENTATION:\n")
    assert case.end == sections[7].start  # subsections do not end it
    assert sections[-1].end == len(VARIANTS)


def test_unstructured_abstract_ends_at_the_first_heading() -> None:
    text = "Abstract\nA man had a tumour.\nBackground\nTumours are rare.\nCase presentation\nHe was 50.\n"
    assert _outline(find_sections(text)) == [
        ("Abstract", 1),
        ("Background", 1),
        ("Case presentation", 1),
    ]


def test_prose_lines_are_not_headings() -> None:
    text = (
        "The discussion with the family was long.\nTreatment of the patient\n"
        "was continued and the case presentation was typical of the disease.\n"
    )
    assert find_sections(text) == []


def test_heading_starts_from_the_reader() -> None:
    text = "Case presentation\nA man.\nImaging findings on admission\nCT showed a mass.\nDiscussion\nRare.\n"
    bold = text.index("Imaging findings")
    sections = find_sections(text, [bold])
    assert _outline(sections) == [
        ("Case presentation", 1),
        ("Imaging findings on admission", 2),
        ("Discussion", 1),
    ]
    # a bold line of unknown words before any section is a top-level heading
    other = "Clinical vignette\nA man.\n"
    assert _outline(find_sections(other, [0])) == [("Clinical vignette", 1)]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("2. Case Report:", "case presentation"),
        ("CASE DESCRIPTION", "case presentation"),
        ("Discussion and Conclusions", "discussion and conclusions"),
        ("Outcome and follow-up", "outcome"),
        ("Competing interests", "competing interests"),
        ("Authors’ contributions", "authors' contributions"),
        ("Ethics approval and consent to participate", "ethics"),
        ("Case 1", "case"),
        ("IV. Conclusion", "conclusions"),
        ("A man with pain", None),
    ],
)
def test_section_name(title: str, name: str | None) -> None:
    assert section_name(title) == name
