"""case_abbreviations: scispaCy's detector plus the other number of each short form."""

from __future__ import annotations

from extract.nlp.abbreviations import number_variants


def long_forms(doc) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for short in doc._.abbreviations:
        out.setdefault(short.text, set()).add(short._.long_form.text.lower())
    return out


def test_number_variants():
    assert number_variants("GISTs") == ["GIST"]
    assert number_variants("TKI") == ["TKIs"]
    assert number_variants("c-kit") == []


def test_plural_definition_resolves_singular_mentions(nlp_no_ner):
    # corpus/seed/shimizu2018_extracted.txt
    text = (
        "Gastrointestinal stromal tumors (GISTs) are the most com-\nmon mesenchymal tumors of the "
        "digestive tract. Spinal metastases\nof GISTs are rare; however, their incidence has been "
        "increas-\ning since the introduction of tyrosine kinase inhibitors\n(TKIs), which have "
        "improved overall survival [2]. We de-\nscribe a case of L3 metastasis 10 years after "
        "rectal GIST re-\nsection. Similar delayed metastasis may become more prevalent as TKI ex-\ntends the survival time."
    )
    forms = long_forms(nlp_no_ner(text))
    assert forms["GISTs"] == {"gastrointestinal stromal tumors"}
    assert forms["GIST"] == {"gastrointestinal stromal tumors"}
    assert forms["TKIs"] == {"tyrosine kinase inhibitors"}
    assert forms["TKI"] == {"tyrosine kinase inhibitors"}


def test_singular_definition_resolves_plural(nlp_no_ner):
    # MACCROBAT-style definition with a singular short form (corpus/maccrobat)
    text = (
        "Gastrointestinal stromal tumors (GIST) arise from the interstitial cells of Cajal. "
        "Most GISTs express KIT."
    )
    forms = long_forms(nlp_no_ner(text))
    assert forms["GIST"] == forms["GISTs"] == {"gastrointestinal stromal tumors"}


def test_abbreviations_do_not_leak_between_documents(nlp_no_ner):
    nlp_no_ner("Computed tomography (CT) showed a mass.")
    assert nlp_no_ner("A mass was seen.")._.abbreviations == []


def test_maccrobat_reports(nlp_no_ner, corpus):
    doc = nlp_no_ner((corpus / "maccrobat" / "18258107.txt").read_text(encoding="utf-8"))
    assert long_forms(doc)["CSF"] == {"cerebrospinal fluid"}
    assert len([a for a in doc._.abbreviations if a.text == "CSF"]) >= 2
    doc = nlp_no_ner((corpus / "maccrobat" / "18561524.txt").read_text(encoding="utf-8"))
    assert long_forms(doc)["ADHD"] == {"attention-deficit hyperactivity disorder"}
