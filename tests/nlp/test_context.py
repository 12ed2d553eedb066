"""case_context: negated, historical, hypothetical, family and other-patient mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.ingest import read
from extract.nlp import annotate

ROOT = Path(__file__).resolve().parents[2]


def flags(doc, text: str, label: str | None = None) -> dict[str, bool]:
    """Context flags of the first term span with this text (and label)."""
    span = next(
        s for s in doc.spans["terms"] if s.text == text and (label is None or s.label_ == label)
    )
    names = (
        "is_negated",
        "is_historical",
        "is_hypothetical",
        "is_family",
        "is_uncertain",
        "is_other_patient",
    )
    return {n[3:]: getattr(span._, n) for n in names if getattr(span._, n)}


def sentence_doc(nlp, corpus_file: Path, start: str):
    """The Doc of the one sentence of ``corpus_file`` that starts with ``start``."""
    text = corpus_file.read_text(encoding="utf-8")
    i = text.index(start)
    return nlp(text[i : text.index(".", i + len(start)) + 1])


@pytest.mark.parametrize(
    ("file", "start", "term"),
    [
        ("19860925.txt", "The initial CT scan of the thorax showed", "metastases"),
        ("21923918.txt", "A bone-marrow biopsy was negative for metastatic", "metastatic"),
        (
            "24957905.txt",
            "An initial workup revealed localized cancer with no evidence",
            "metastases",
        ),
        (
            "25853982.txt",
            "A positron emission tomography (PET) scan performed in 2012",
            "metastasis",
        ),
    ],
)
def test_negated_metastasis_in_maccrobat(nlp_no_ner, corpus, file, start, term):
    doc = sentence_doc(nlp_no_ner, corpus / "maccrobat" / file, start)
    assert flags(doc, term).get("negated"), doc.text


def test_affirmed_metastases_in_maccrobat(nlp_no_ner, corpus):
    doc = sentence_doc(
        nlp_no_ner, corpus / "maccrobat" / "21923918.txt", "Three months after the splenectomy"
    )
    assert flags(doc, "liver") == {} and flags(doc, "cutaneous") == {}


def test_negation_does_not_reach_a_later_clause(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    doc = nlp_no_ner(
        "As there were no metastases to vital\norgans, an en bloc corpectomy of the L3 vertebral "
        "body, using bilateral retroperitoneal approaches, was performed."
    )
    assert flags(doc, "metastases").get("negated")
    assert "negated" not in flags(doc, "en bloc corpectomy")
    assert "negated" not in flags(doc, "L3 vertebral body")


def test_ner_entities_get_context_too(nlp_with_ner, corpus):
    doc = sentence_doc(
        nlp_with_ner,
        corpus / "maccrobat" / "24957905.txt",
        "An initial workup revealed localized cancer with no evidence",
    )
    negated = [e for e in doc.ents if e._.is_negated]
    assert any("metastases" in e.text for e in negated), [(e.text, e.label_) for e in doc.ents]


def test_family_history(nlp_no_ner):
    # constructed on the seed's wording
    doc = nlp_no_ner("His mother had breast cancer.")
    assert flags(doc, "breast cancer").get("family")


def test_hypothetical(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt (Conclusions)
    doc = nlp_no_ner(
        "Spinal metastasectomy can be an effective treatment for solitary spinal metastases of "
        "gastrointestinal stromal tumors."
    )
    assert flags(doc, "metastases", "METASTASIS").get("hypothetical")


@pytest.mark.parametrize(
    "sentence",
    [
        "Four (33%) of 12 reported cases\nhad spinal metastases at initial presentation [2, 7, 8].",
        "All the\npreviously reported cases had spinal metastases associated with an uncontrollable primary tumor [8].",
        "Few data are available in the literature on the treatment of spinal metastases in GISTs.",
        "Bone metastases of GISTs, including the spine, are rare and only 12 cases with spinal metastases have been described.",
        "None of the patients had spinal metastases.",
        "Spinal metastases were reported by Suzuki in two patients.",
        "In previous reports, spinal metastases occurred early.",
        "Spinal metastases occur in 40% of patients with advanced disease.",
    ],
)
def test_other_patients(nlp_no_ner, sentence):
    doc = nlp_no_ner(sentence)
    span = next(s for s in doc.spans["terms"] if s.label_ == "METASTASIS")
    assert span._.is_other_patient, sentence


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        # corpus/seed/shimizu2018_extracted.txt (Discussion)
        (
            (
                "However, our patient,\nwho underwent complete resection of the primary\ntumor, developed "
                "solitary metastasis of the L3 verte-\nbral body 10 years after surgery, which was the "
                "latest\nspinal metastasis among past reports."
            ),
            "metastasis",
        ),
        ("Unlike past reports, this case\nwas a solitary metastasis.", "metastasis"),
        (
            "We describe a patient who underwent spinal metastasectomy; we further provide a review of all cases.",
            "metastasectomy",
        ),
    ],
)
def test_our_patient_is_not_other(nlp_no_ner, sentence, term):
    doc = nlp_no_ner(sentence)
    assert "other_patient" not in flags(doc, term), sentence


def test_other_patient_scope_goes_past_while(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    doc = nlp_no_ner(
        "Four (33%) of 12 reported cases\nhad spinal metastases at initial presentation [2, 7, 8],\n"
        "while the others showed metachronous metastases."
    )
    spans = [s for s in doc.spans["terms"] if s.label_ == "METASTASIS"]
    assert len(spans) == 2 and all(s._.is_other_patient for s in spans)


def test_context_over_a_whole_dev_report(nlp_no_ner, corpus):
    document = read(corpus / "dev" / "txt" / "rochigneux2017_cro.txt")
    doc = annotate(nlp_no_ner, document)
    # "Here, we present the unusual case of a 66-year-old man with a gastric GIST with
    # synchronous bone and liver metastases" is the patient's own
    sentence = next(s for s in doc.sents if "we present the unusual case" in s.text)
    own = [
        t
        for t in doc.spans["terms"]
        if sentence.start <= t.start < sentence.end and t.label_ == "METASTASIS_SITE"
    ]
    assert {t._.value for t in own} == {"B", "L"}
    assert not any(t._.is_other_patient or t._.is_negated for t in own)


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        # corpus/spinal/txt/alkhawaja2014_rcc_l3_tes.txt
        (
            "Total En Bloc Spondylectomy for Lumbar Renal Cell Carcinoma and Review of the Literature",
            "Total En Bloc Spondylectomy",
        ),
        (
            (
                "This case report and review of the literature presents a combined "
                "posterior-anterior lumbar en bloc spondylectomy for RCC involving L3 vertebra."
            ),
            "L3 vertebra",
        ),
        # corpus/spinal/txt/cureus2021_hcc_mscc_2cases.txt: a series of the report's own
        (
            "We present two cases of HCC where spinal cord compression was the initial presentation.",
            "spinal",
        ),
    ],
)
def test_the_paper_and_its_own_cases_are_not_other_patients(nlp_no_ner, sentence, term):
    assert "other_patient" not in flags(nlp_no_ner(sentence), term)


def test_history_of_reaches_only_its_own_phrase(nlp_no_ner):
    # corpus/spinal/txt/alkhawaja2014_rcc_l3_tes.txt
    doc = nlp_no_ner(
        "A 46-year-old male with a seven-year history of renal cell carcinoma resulting in a left "
        "nephrectomy presented with a metastatic lesion of the L3 vertebral body."
    )
    assert "historical" not in flags(doc, "L3 vertebral body")


def test_a_table_of_twelve_cases_is_other_patients(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt (Table 1 caption)
    doc = nlp_no_ner(
        "Table 1 Clinical data for 12 cases of gastrointestinal stromal tumor with spinal metastases"
    )
    assert flags(doc, "metastases").get("other_patient")


def test_with_or_without_is_no_negation(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    doc = nlp_no_ner(
        "Previously, most\ncases of spinal metastases were treated non-surgically\nwith TKIs with "
        "or without zoledronic acid."
    )
    assert "negated" not in flags(doc, "zoledronic acid")


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        # corpus/dev/pdf/kim2018_anndermatol_cutaneous.pdf
        (
            "This is the first reported case of a cutaneous metastasis from duodenal GIST.",
            "cutaneous",
        ),
        # corpus/dev/pdf/mandel2019_bmccancer_intracranial.pdf (title)
        (
            (
                "Gastrointestinal stromal tumor with intracranial metastasis: case presentation "
                "and systematic review of literature"
            ),
            "intracranial",
        ),
    ],
)
def test_first_reported_case_and_titles_are_ours(nlp_no_ner, sentence, term):
    assert "other_patient" not in flags(nlp_no_ner(sentence), term)


@pytest.mark.parametrize(
    ("sentence", "term", "other"),
    [
        # corpus/dev/pdf/sato2014_crionm_cerebellar.pdf
        ("GIST usually metastasizes to the lungs and liver.", "lungs", True),
        # corpus/dev/pdf/panafrmedj2019_rectal_rib.pdf
        (
            "They usually metastases to the liver (65%) and exceptionally to the bone (3%).",
            "liver",
            True,
        ),
        # constructed: a description of the patient's own tumour
        ("The tumor was mostly necrotic and located in the liver.", "liver", False),
    ],
)
def test_usually_marks_general_statements_only(nlp_no_ner, sentence, term, other):
    assert bool(flags(nlp_no_ner(sentence), term).get("other_patient")) is other


def test_is_very_is_not_a_general_statement(nlp_no_ner):
    # constructed: "are very" without "rare"/"common" speaks of the patient
    doc = nlp_no_ner("The liver lesions are very large.")
    assert "other_patient" not in flags(doc, "liver")
    # corpus/dev/pdf/kim2018_anndermatol_cutaneous.pdf
    doc = nlp_no_ner(
        "A skin metastasis from a duodenal gastrointestinal stromal tumor is extremely rare."
    )
    assert flags(doc, "skin").get("other_patient")


@pytest.mark.parametrize(
    ("sentence", "term", "other"),
    [
        # constructed: imaging studies of the patient, and the patient's own report
        ("Compared with previous studies, the liver lesion had grown.", "liver", False),
        ("Back pain at the L3 level was reported by the patient.", "L3 level", False),
        ("In previous studies, liver metastases occurred in 40% of patients.", "liver", True),
    ],
)
def test_studies_and_reports_of_the_patient(nlp_no_ner, sentence, term, other):
    assert bool(flags(nlp_no_ner(sentence), term).get("other_patient")) is other


@pytest.mark.parametrize(
    ("sentence", "term", "other"),
    [
        # constructed from case-narrative wording
        ("Review of systems was negative; the liver was not palpable.", "liver", False),
        ("He had a heart rate of 96 beats/min and a tender lumbar spine.", "lumbar spine", False),
        (
            "We further provide a review of all cases of GIST with spinal metastases.",
            "spinal",
            True,
        ),
        ("A literature review found 12 cases with spinal metastases.", "spinal", True),
    ],
)
def test_review_and_rate_cues(nlp_no_ner, sentence, term, other):
    assert bool(flags(nlp_no_ner(sentence), term).get("other_patient")) is other


def test_could_be_seen_is_a_finding(nlp_no_ner):
    # constructed from case-narrative wording
    doc = nlp_no_ner("An osteolytic lesion could be seen in the L3 vertebral body.")
    assert "hypothetical" not in flags(doc, "L3 vertebral body")
