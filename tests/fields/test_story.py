"""One patient's story (extract/fields/story.py): sentences, clauses and the spinal mentions in
them, issue 10 (sentences written in our own words)."""

from __future__ import annotations

import pytest

from extract.fields import PatientText
from extract.fields.story import clauses, story_of
from extract.ingest import text_document


def _levels(text: str) -> list[str]:
    story = story_of(PatientText.whole(text_document(text)))
    return sorted({lv for lm in story.levels for lv in lm.levels})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a level said to be spared is not involved
        ("A 57-year-old woman with GIST: MRI showed metastases in Th12 and L2, while the L1 body was spared.",
         ["L2", "T12"]),
        # a disc operation names no metastasis
        ("A 57-year-old woman with GIST had an L4-L5 microdiscectomy years ago. MRI showed a metastasis of L2.",
         ["L2"]),
        # a benign spinal tumour beside a metastasis elsewhere in the same sentence
        ("A 50-year-old woman with GIST had two liver metastases; the L4 neurofibroma was unchanged.", []),
        # the cord's signal change and a sensory level are no metastasis levels
        ("A 62-year-old man with lung cancer had a T8 metastasis causing cord compression with signal change "
         "extending from T6 to T9.", ["T8"]),
        ("A 70-year-old man with prostate cancer had a sensory level at T10; MRI showed a metastasis at T12.", ["T12"]),
        # a list of ordinals
        ("A 66-year-old woman with breast cancer had metastases in the third, fourth and fifth lumbar vertebrae.",
         ["L3", "L4", "L5"]),
        ("MRI of a 60-year-old man with GIST showed metastases from the tenth to the twelfth thoracic vertebrae.",
         ["T10", "T11", "T12"]),
        # the literature's pattern in a clause of the patient's sentence
        ("Among previously reported cases, T10 metastasis was the commonest; our patient, by contrast, had an L3 "
         "metastasis.", ["L3"]),
    ],
)
def test_issue_10_levels_read_clause_by_clause(text: str, expected: list[str]) -> None:
    assert _levels(text) == expected


def test_clauses_split_where_another_statement_begins() -> None:
    text = "CT showed liver metastases; the L4 neurofibroma was unchanged, but the spine was normal"
    assert [c.strip() for _, c in clauses(text)] == [
        "CT showed liver metastases", "the L4 neurofibroma was unchanged,", "the spine was normal"]


def test_the_story_is_built_once_per_patient() -> None:
    patient = PatientText.whole(text_document("A 60-year-old man had a T10 metastasis."))
    assert story_of(patient) is story_of(patient)


def test_issue_10_numbered_and_run_in_headings_end_a_block() -> None:
    """"2 Background" (a typeset PDF numbers its headings) is a heading, and a heading a reader ran
    into the line ("... a case report Abstract Introduction Paragangliomas are rare ...") starts
    a sentence: the background's statements stay out of the patient's story."""
    text = ("Late sacral recurrence of rectal cancer: a case report\n\n1 Abstract\n\n2 Background\n\nLocal control of "
            "skeletal metastasis is important for systemic chemotherapy.\n\n3 Case presentation\n\nA man had a low "
            "anterior resection for rectal cancer. Nine years after the surgery PET showed a sacral metastasis.")
    story = story_of(PatientText.whole(text_document(text)))
    kept = [s.text for s in story.sentences if s.kept and not s.summary]
    assert not any("Local control" in t for t in kept)
    run_on = story_of(PatientText.whole(text_document(
        "Long-term follow-up after en bloc resection of a metastasis in the first lumbar vertebral body: a case "
        "report Abstract Introduction Paragangliomas are rare tumors. Case presentation We report a 16-year-old "
        "girl with an L1 metastasis.")))
    assert any(s.text.startswith("Introduction Paragangliomas") and not s.kept for s in run_on.sentences)
    assert any(s.text.startswith("Case presentation We report") and s.kept for s in run_on.sentences)


@pytest.mark.parametrize(
    "sentence",
    [
        # a sentence of the case that tells an event stays the patient's despite a general word
        "Histopathology confirmed a rare metastasis of follicular thyroid carcinoma.",
        "As in previously reported cases, biopsy confirmed metastatic renal cell carcinoma.",
        # a page footer run into a sentence of the patient's events
        "He underwent decompression at T10 (Cureus 14: e30064. DOI 10.7759/cureus.30064).",
    ],
)
def test_issue_10_a_case_sentence_that_tells_an_event_is_kept(sentence: str) -> None:
    text = "Case presentation\nA 60-year-old man presented with back pain. " + sentence
    story = story_of(PatientText.whole(text_document(text)))
    assert story.sentences[-1].kept


@pytest.mark.parametrize(
    "sentence",
    ["Spinal metastases of thyroid carcinoma are rare.",
     "Smith et al. reported a 55-year-old woman whose biopsy confirmed renal cell carcinoma [4].",
     "Received 22 May 2013; revised 20 June 2013; accepted 27 June 2013"],
)
def test_general_cited_and_journal_sentences_are_not_the_patients(sentence: str) -> None:
    text = "Case presentation\nA 60-year-old man presented with back pain. " + sentence
    story = story_of(PatientText.whole(text_document(text)))
    assert not story.sentences[-1].kept


def _spinal(text: str) -> int:
    return len(story_of(PatientText.whole(text_document(text))).spinal)


@pytest.mark.parametrize(
    ("text", "levels", "spinal"),
    [
        # a spinal lesion the sentence itself calls benign or indeterminate (own words, beside the
        # fresh team-written reports that motivated it)
        ("A 48-year-old woman with breast cancer had an orbital metastasis. Spine MRI showed a round lesion in the "
         "T9 vertebral body, characteristic of a haemangioma.", [], 0),
        ("A 66-year-old woman with cervical cancer had lung metastases. A small dense spot in the L2 vertebral body "
         "was reported as indeterminate; it did not take up tracer.", [], 0),
        # ... or the next sentence that refers back to it
        ("A 59-year-old man with colon cancer had liver metastases. MRI found a 6-mm lesion in the T11 vertebral "
         "body. It was considered a bone island.", [], 0),
        # a metastasis confirmed despite the doubt stays
        ("A 61-year-old man with lung cancer had a lesion in the T5 vertebral body that was equivocal on CT. Biopsy "
         "of T5 confirmed a metastasis of adenocarcinoma.", ["T5"], 1),
        # the benign verdict is the other lesion's: the first level stays
        ("A 70-year-old man with prostate cancer had a metastasis at T8 and a lesion at L3 typical of a "
         "haemangioma.", ["T8"], 1),
    ],
)
def test_issue_10_a_spinal_lesion_called_benign_is_no_metastasis(text: str, levels: list[str], spinal: int) -> None:
    assert _levels(text) == levels
    assert (_spinal(text) > 0) == (spinal > 0)


@pytest.mark.parametrize(
    "text",
    [
        # a spinal metastasis asked about, not found
        "A 57-year-old man with a jejunal GIST had liver metastases. His back pain raised the suspicion of spinal "
        "metastasis in GIST, but MRI showed only a disc protrusion.",
        # a general statement of rarity in other words than 'rare'
        "A 60-year-old man with a GIST had a femoral metastasis. Bone metastases of GIST are uncommon, and "
        "vertebral disease is rarer still.",
    ],
)
def test_issue_10_a_question_or_a_general_statement_is_no_spinal_metastasis(text: str) -> None:
    assert _spinal(text) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a radiation field and the discs an en bloc resection cut through are no levels
        ("A 63-year-old man with lung cancer had a T9 metastasis; radiotherapy was given to a field covering T8 to "
         "T10.", ["T9"]),
        ("A 55-year-old woman with a gastric GIST had metastases of T4 and T5, which were removed en bloc between "
         "the T3/4 and T5/6 discs.", ["T4", "T5"]),
    ],
)
def test_issue_10_radiation_fields_and_cut_discs_are_no_levels(text: str, expected: list[str]) -> None:
    assert _levels(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the literature's patients told with an indefinite age in the discussion (own words, beside
        # the second team-written set)
        ("A 40-year-old man with a testicular tumour had an L1 metastasis.\nDiscussion\nSpinal deposits of germ cell "
         "tumours are unusual; published examples include a 29-year-old man with T11 and T12 metastases.", ["L1"]),
        ("A 52-year-old woman with ovarian cancer had a C5 metastasis.\nDiscussion\nMorrow and Pike reported a "
         "64-year-old woman with L2 metastases.", ["C5"]),
        # a lesion with the look of a haemangioma, an MRI weighting, degenerate discs in a list, levels
        # said free of disease, and the arteries of a level are no metastasis levels
        ("A 45-year-old man with lung cancer had a T9 metastasis. A T1- and T2-hyperintense focus in the T4 "
         "vertebral body had the appearance of a haemangioma.", ["T9"]),
        ("A 57-year-old woman with breast cancer had an L1 metastasis; disc degeneration was seen at L3–L4 and "
         "L4–L5.", ["L1"]),
        ("A 66-year-old man with renal cancer had a T7 metastasis; the T6 and T8 vertebrae were free of disease, and "
         "the feeders from the left T7 and T8 segmental arteries were embolised.", ["T7"]),
    ],
)
def test_issue_10_literature_patients_and_benign_levels_in_other_words(text: str, expected: list[str]) -> None:
    assert _levels(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # uptake projecting over the sacrum, later explained by physiology
        "A 44-year-old woman with thyroid cancer had lung metastases. The scan showed a focus projecting over the "
        "sacrum. MRI showed that the focus was due to physiological bowel activity.",
        # uptake at degenerate facet joints
        "A 61-year-old man with a tonsil carcinoma had a rib metastasis. Bone scintigraphy showed moderate uptake at "
        "the L4–L5 facet joints.",
    ],
)
def test_issue_10_uptake_over_the_spine_or_at_its_joints_is_no_metastasis(text: str) -> None:
    assert _spinal(text) == 0 and _levels(text) == []
