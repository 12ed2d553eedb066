"""case_terms: doc.spans["terms"] with FIELDS.md values, patterns from data files."""

from __future__ import annotations

import json

import pytest
import spacy

from extract.nlp import load
from extract.nlp.terms import DEFAULT_TERMS_DIR, LABELS, read_term_patterns


def terms(doc, label: str) -> list[tuple[str, object]]:
    return [(s.text, s._.value) for s in doc.spans["terms"] if s.label_ == label]


def test_every_shipped_pattern_is_valid_and_labelled():
    patterns = read_term_patterns(DEFAULT_TERMS_DIR)
    assert len(patterns) > 300
    assert {p.label for p in patterns} <= set(LABELS)
    tki = {p.value for p in patterns if p.label == "TKI"}
    assert tki == {
        "imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib",
        "nilotinib", "sorafenib", "dasatinib", "pazopanib", "masitinib",
    }  # fmt: skip
    codes = {p.value for p in patterns if p.label == "METASTASIS_SITE"}
    assert codes == {"L", "V", "B", "S", "ST", "LN", "P", "M", "LU", "BR", "SK", "O"}


def test_tki_brand_names(nlp_no_ner):
    # corpus/dev/txt/rochigneux2017_cro.txt style: generic and brand names
    doc = nlp_no_ner(
        "After 9 months of imatinib, the scanner showed a 33% partial response. He then received "
        "Glivec 400 mg daily, later Sutent, Stivarga and finally Qinlock."
    )
    assert terms(doc, "TKI") == [
        ("imatinib", "imatinib"),
        ("Glivec", "imatinib"),
        ("Sutent", "sunitinib"),
        ("Stivarga", "regorafenib"),
        ("Qinlock", "ripretinib"),
    ]


def test_sites_and_treatments_in_a_spinal_report(nlp_no_ner):
    # corpus/spinal/txt/maimone2013_lms_t3t4.txt
    doc = nlp_no_ner(
        "The first operation consisted in a T1-T4 decompressive laminectomy with a sub-total "
        "tumor resection and pedicle fixation extending from C7 to T5."
    )
    levels = terms(doc, "SPINAL_LEVEL")
    assert levels == [
        ("T1-T4", ["T1", "T2", "T3", "T4"]),
        ("C7 to T5", ["C7", "T1", "T2", "T3", "T4", "T5"]),
    ]
    treatments = {v for _, v in terms(doc, "SPINAL_TREATMENT")}
    assert treatments == {"decompression", "tumor resection", "instrumentation"}


def test_primary_and_metastasis_sites(nlp_no_ner):
    # corpus/dev/txt/rochigneux2017_cro.txt
    doc = nlp_no_ner(
        "Here, we present the unusual case of a 66-year-old man with a gastric GIST with "
        "synchronous bone and liver metastases."
    )
    assert terms(doc, "PRIMARY_SITE") == [("gastric", "stomach")]
    assert {v for _, v in terms(doc, "METASTASIS_SITE")} == {"B", "L"}
    assert terms(doc, "GIST") == [("GIST", "GIST")]
    assert terms(doc, "METASTASIS") == [("metastases", "metastasis")]


def test_one_word_can_carry_two_labels_with_their_own_values(nlp_no_ner):
    doc = nlp_no_ner("Peritoneal dissemination was found.")
    assert ("Peritoneal", "peritoneum") in terms(doc, "PRIMARY_SITE")
    assert ("Peritoneal dissemination", "P") in terms(doc, "METASTASIS_SITE")


def test_phrases_match_across_line_breaks(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    doc = nlp_no_ner(
        "In this case, en\nbloc corpectomy was performed as the tumor was\nconfined to the vertebral body."
    )
    assert terms(doc, "SPINAL_TREATMENT") == [("en\nbloc corpectomy", "en bloc corpectomy")]


def test_sacrum_and_coccyx(nlp_no_ner):
    doc = nlp_no_ner("MRI showed metastases to the sacrum and the coccyx.")
    assert terms(doc, "SPINAL_LEVEL") == [("sacrum", ["S"]), ("coccyx", ["Co"])]


def test_a_helper_can_add_a_pattern_file(tmp_path):
    (tmp_path / "extra.jsonl").write_text(
        json.dumps({"label": "TKI", "pattern": "STI571", "value": "imatinib"}) + "\n"
        "# a comment\n\n"
        + json.dumps(
            {
                "label": "METASTASIS_SITE",
                "pattern": [{"LOWER": "parapharyngeal"}, {"LOWER": "space"}],
                "value": "O",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    nlp = load(ner=False)
    nlp.replace_pipe("case_terms", "case_terms", config={"terms_dir": str(tmp_path)})
    doc = nlp("A mass in the parapharyngeal\nspace; STI571 was started.")
    assert terms(doc, "METASTASIS_SITE") == [("parapharyngeal\nspace", "O")]
    assert terms(doc, "TKI") == [("STI571", "imatinib")]


def test_a_bad_pattern_line_names_its_file_and_line(tmp_path):
    (tmp_path / "bad.jsonl").write_text(
        '{"label": "TKI", "pattern": "x"}\n{"label": "TKI"}\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        read_term_patterns(tmp_path)


def test_terms_on_a_maccrobat_report(nlp_no_ner, corpus):
    # "Three months after the splenectomy, multiple liver metastases were seen on the CT scan,
    # and cutaneous metastases were also present."
    doc = nlp_no_ner((corpus / "maccrobat" / "21923918.txt").read_text(encoding="utf-8"))
    for span in doc.spans["terms"]:
        assert span.label_ in LABELS and span._.value is not None
    sentence = next(s for s in doc.sents if s.text.startswith("Three months after the splenectomy"))
    sites = [
        (t.text, t._.value)
        for t in doc.spans["terms"]
        if t.label_ == "METASTASIS_SITE" and t.start >= sentence.start and t.end <= sentence.end
    ]
    assert sites == [("liver", "L"), ("cutaneous", "SK")]


def test_spacy_version_keys_span_attributes_by_offsets():
    # why span._.value is a getter over (start, end, label): if spaCy starts keying span
    # extensions by label, this test tells us the workaround can go
    assert spacy.__version__.startswith("3.7")


def test_a_short_form_takes_its_long_forms_term(nlp_no_ner):
    doc = nlp_no_ner(
        "He underwent percutaneous vertebroplasty (PVP) at L1. After PVP, the pain resolved. "
        "Spinal cord compression (SCC) was absent."
    )
    assert ("PVP", "vertebroplasty") in terms(doc, "SPINAL_TREATMENT")
    assert [t for t, _ in terms(doc, "SPINAL_TREATMENT")].count("PVP") == 2
    assert not any(t == "SCC" for t, _ in terms(doc, "METASTASIS_SITE"))


def test_words_hyphenated_at_a_line_end(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    doc = nlp_no_ner(
        "Spinal me-\ntastases of GISTs cause neurological deficit. The spinal metasta-\n\nsis was "
        "treated by en bloc corpec-\ntomy; no re-\ncurrence."
    )
    assert [t for t, _ in terms(doc, "METASTASIS")] == ["me-\ntastases", "metasta-\n\nsis"]
    assert terms(doc, "SPINAL_TREATMENT") == [("en bloc corpec-\ntomy", "en bloc corpectomy")]


def test_nodes_named_by_region_and_radiation_doses(nlp_no_ner):
    doc = nlp_no_ner(
        "CT showed mediastinal lymph nodes and bony lesions; he received 30 Gy in 10 fractions."
    )
    assert ("mediastinal lymph nodes", "LN") in terms(doc, "METASTASIS_SITE")
    assert ("bony", "B") in terms(doc, "METASTASIS_SITE")
    assert terms(doc, "SPINAL_TREATMENT") == [("30 Gy", "radiotherapy")]
