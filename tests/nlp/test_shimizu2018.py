"""Issue 3's done-when checks on the seed report (corpus/seed/shimizu2018), as read from the
PDF by extract.ingest and from the extracted text."""

from __future__ import annotations

import pytest

from extract.ingest import read
from extract.nlp import annotate


@pytest.fixture(
    scope="module",
    params=[
        ("shimizu2018.pdf", "nlp_no_ner"),
        ("shimizu2018_extracted.txt", "nlp_no_ner"),
        ("shimizu2018.pdf", "nlp_with_ner"),  # NER entities are ConText targets too
    ],
    ids=["pdf", "txt", "pdf-with-ner"],
)
def seed_doc(request, corpus):
    name, pipeline = request.param
    nlp = request.getfixturevalue(pipeline)
    document = read(corpus / "seed" / name)
    doc = annotate(nlp, document)
    assert doc.text == document.text
    return doc


def sentence_with(doc, words: str):
    """The sentence holding ``words`` (line breaks in the text count as spaces)."""
    for sent in doc.sents:
        if words in " ".join(sent.text.split()):
            return sent
    raise AssertionError(f"no sentence with {words!r}")


def terms_in(doc, sent, label: str):
    return [t for t in doc.spans["terms"] if t.label_ == label and sent.start <= t.start < sent.end]


def test_gists_resolves_to_its_long_form(seed_doc):
    forms = {a.text: a._.long_form.text.lower() for a in seed_doc._.abbreviations}
    assert forms["GISTs"] == "gastrointestinal stromal tumors"
    assert forms["GIST"] == "gastrointestinal stromal tumors"
    assert forms["TKIs"] == "tyrosine kinase inhibitors"


def test_no_new_metastases_is_negated(seed_doc):
    sent = sentence_with(
        seed_doc, "A 3-year follow-up showed no local recurrence or new metastases"
    )
    mentions = terms_in(seed_doc, sent, "METASTASIS")
    assert mentions and all(m._.is_negated for m in mentions)


def test_l3_vertebral_body_is_a_spinal_level(seed_doc):
    levels = [t for t in seed_doc.spans["terms"] if t.label_ == "SPINAL_LEVEL"]
    body = [t for t in levels if " ".join(t.text.split()) == "L3 vertebral body"]
    assert body and all(t._.value == ["L3"] for t in body)
    assert {tuple(t._.value) for t in levels} == {("L3",)}


def test_imatinib_is_a_tki(seed_doc):
    tkis = [t for t in seed_doc.spans["terms"] if t.label_ == "TKI"]
    assert tkis and {t._.value for t in tkis} == {"imatinib"}


def test_four_of_twelve_reported_cases_are_other_patients(seed_doc):
    sent = sentence_with(
        seed_doc, "Four (33%) of 12 reported cases had spinal metastases at initial presentation"
    )
    spans = terms_in(seed_doc, sent, "METASTASIS") + terms_in(seed_doc, sent, "METASTASIS_SITE")
    assert spans and all(s._.is_other_patient for s in spans)


def test_the_patients_own_metastasis_is_not_other(seed_doc):
    sent = sentence_with(
        seed_doc, "was diagnosed with L3 vertebral metastasis 10 years after surgery"
    )
    spans = terms_in(seed_doc, sent, "METASTASIS") + terms_in(seed_doc, sent, "SPINAL_LEVEL")
    assert spans and not any(s._.is_other_patient or s._.is_negated for s in spans)


def test_en_bloc_corpectomy_is_the_spinal_treatment(seed_doc):
    sent = sentence_with(seed_doc, "En bloc corpectomy via bilateral anterolateral")
    assert [t._.value for t in terms_in(seed_doc, sent, "SPINAL_TREATMENT")] == [
        "en bloc corpectomy"
    ]


# Not in the seed's text: the other examples, on constructed sentences.
def test_t12_l2_range(nlp_no_ner):
    doc = nlp_no_ner("MRI showed metastases at T12-L2 with cord compression.")
    assert [t._.value for t in doc.spans["terms"] if t.label_ == "SPINAL_LEVEL"] == [
        ["T12", "L1", "L2"]
    ]


def test_glivec_is_imatinib(nlp_no_ner):
    doc = nlp_no_ner("He was treated with Glivec (imatinib mesylate) 400 mg/day.")
    assert [(t.text, t._.value) for t in doc.spans["terms"] if t.label_ == "TKI"] == [
        ("Glivec", "imatinib"),
        ("imatinib mesylate", "imatinib"),
    ]


def test_sections_come_from_the_document(seed_doc):
    sent = sentence_with(seed_doc, "En bloc corpectomy via bilateral anterolateral")
    assert sent[0]._.section == "Surgery"
    sent = sentence_with(seed_doc, "Four (33%) of 12 reported cases")
    assert sent[0]._.section == "Discussion and conclusions"
