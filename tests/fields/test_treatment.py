"""Spinal levels, spinal treatment and TKIs (extract/fields/treatment.py) on real reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.fields import PatientText, levels, treatment
from extract.ingest import read, text_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def values(patient: PatientText) -> dict[str, object]:
    return {v.field: v.value for v in treatment.extract(patient)}


# -- table cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("T6-T8", ["T6", "T7", "T8"]),
        ("T12-L2", ["T12", "L1", "L2"]),
        ("T12–L2", ["T12", "L1", "L2"]),
        ("T6 to T8", ["T6", "T7", "T8"]),
        ("C2-3", ["C2", "C3"]),
        ("Th12", ["T12"]),
        ("D12", ["T12"]),
        ("L3", ["L3"]),
        ("T3 and T4", ["T3", "T4"]),
        ("L5-S1", ["L5", "S1"]),
        ("sacrum", ["S"]),
        ("S2, coccyx", ["S2", "Co"]),
        ("C7, T2-T4", ["C7", "T2", "T3", "T4"]),
        ("thoracic vertebrae 5 and 6", ["T5", "T6"]),
        ("lumbar vertebra 3 years ago", []),
        ("from the T10 to the L2 vertebrae", ["T10", "T11", "T12", "L1", "L2"]),
        ("L2, 3 and 4", ["L2", "L3", "L4"]),
        ("L2, 3 and 4 years", ["L2", "L3"]),
        ("N/A", []),
    ],
)
def test_normalise_levels(cell: str, expected: list[str]) -> None:
    assert levels.normalise_levels(cell) == expected


@pytest.mark.parametrize(
    ("cell", "labels"),
    [
        # the seed's Table 1 column "Spinal metastases treatment (aside from TKIs)"
        ("Radiotherapy + zoledronic acid", ["radiotherapy", "zoledronic acid"]),
        ("Zoledronic acid", ["zoledronic acid"]),
        ("Posterior decompression and instrumentation", ["decompression", "instrumentation"]),
        ("En bloc corpectomy", ["en bloc corpectomy"]),
        ("–", []),
        ("N/A", []),
        # reconstruction after an en bloc procedure is part of it (FIELDS.md)
        ("En bloc corpectomy, cage, screws and rods", ["en bloc corpectomy"]),
        ("TES + posterior fixation", ["total en bloc spondylectomy"]),
        ("SBRT 24 Gy", ["radiotherapy"]),
        ("Proton therapy", ["radiotherapy"]),
        ("Denosumab", ["denosumab"]),
        ("Pamidronate", ["bisphosphonate"]),
        ("Vertebroplasty", ["vertebroplasty"]),
        ("Balloon kyphoplasty", ["kyphoplasty"]),
        ("Laminectomy, tumor resection, fusion", ["tumor resection", "decompression", "instrumentation"]),
    ],
)
def test_normalise_spinal_treatment(cell: str, labels: list[str]) -> None:
    assert treatment.normalise_spinal_treatment(cell) == labels


@pytest.mark.parametrize(
    ("cell", "tkis"),
    [("Gleevec", ["imatinib"]), ("Glivec, then Sutent", ["imatinib", "sunitinib"]), ("Stivarga", ["regorafenib"]),
     ("Qinlock", ["ripretinib"]), ("Ayvakit", ["avapritinib"]), ("imatinib mesylate 400 mg/day", ["imatinib"]),
     ("-", [])],
)
def test_normalise_tki(cell: str, tkis: list[str]) -> None:
    assert treatment.normalise_tki(cell) == tkis


# -- narratives ------------------------------------------------------------------------------


def test_seed_narrative_levels_treatment_tki() -> None:
    """shimizu2018: L3, en bloc corpectomy (its cage, screws and rods are reconstruction),
    imatinib; the Discussion's "role of radiotherapy and chemotherapy in GISTs" and "Suzuki et
    al. reported ... resection of bone metastases" are not the patient's treatment."""
    got = values(PatientText.whole(read(CORPUS / "seed" / "shimizu2018.pdf")))
    assert got["spinal_levels"] == ["L3"]
    assert got["spinal_treatment"] == ["en bloc corpectomy"]
    assert got["tki"] == ["imatinib"]


def test_karger2025_levels_not_the_laminectomy_range() -> None:
    """"a dorsal epidural enhancing mass spanning the T6-T8 levels" is the metastasis;
    "T5-T8 decompressive laminectomy" is the approach; "We recommend that patients undergo
    surgical resection with adjuvant tyrosine kinase inhibitor (TKI) therapy" is advice."""
    got = values(PatientText.whole(read(CORPUS / "dev" / "pdf" / "karger2025_spinal_gist_figshare.pdf")))
    assert got["spinal_levels"] == ["T6", "T7", "T8"]
    assert got["spinal_treatment"] == ["tumor resection", "decompression"]
    assert "tki" not in got


def test_maimone2013_fixation_range_and_laminectomy_are_not_levels() -> None:
    """"an invasive mass neoplasm at T3 and T4 levels"; "T1-T4 decompressive laminectomy ...
    pedicle fixation extending from C7 to T5" are procedures."""
    got = values(PatientText.whole(read(CORPUS / "spinal" / "pdf" / "maimone2013_lms_t3t4.pdf")))
    assert got["spinal_levels"] == ["T3", "T4"]
    assert got["spinal_treatment"] == ["tumor resection", "decompression", "instrumentation"]


def test_alkhawaja2014_nerve_roots_fusion_and_tes() -> None:
    """"compressing the cauda equina and left L3 and L4 nerve roots" and "L2-L4 fusion" name no
    metastasis; the fusion is the reconstruction of the spondylectomy; the Introduction's
    "resistant to radiological and chemotherapeautic intervention" is not treatment given."""
    got = values(PatientText.whole(read(CORPUS / "spinal" / "pdf" / "alkhawaja2014_rcc_l3_tes.pdf")))
    assert got["spinal_levels"] == ["L3"]
    assert got["spinal_treatment"] == ["total en bloc spondylectomy"]


def test_ijscr2012_radiotherapy_after_the_spinal_diagnosis() -> None:
    """"This included an EGFR inhibitor, surgical treatment, and radiotherapy thereafter." (an
    EGFR inhibitor is not in the TKI vocabulary)."""
    got = values(PatientText.whole(read(CORPUS / "spinal" / "txt" / "ijscr2012_nsclc_egfr_l2.txt")))
    assert got["spinal_levels"] == ["L2"]
    assert got["spinal_treatment"] == ["radiotherapy"]
    assert "tki" not in got


def test_cureus2021_tumor_decompression_with_kyphoplasty() -> None:
    patient = PatientText.whole(read(CORPUS / "spinal" / "txt" / "cureus2021_hcc_mscc_2cases.txt"))
    text = patient.document.text
    first = text.index("Our first patient")
    second = text.index("Our second patient")
    one = PatientText(patient.document, None, [(first, second)])
    two = PatientText(patient.document, None, [(second, text.index("Keywords"))])
    assert values(one)["spinal_treatment"] == ["decompression", "kyphoplasty"]
    assert values(one)["spinal_levels"] == ["T11"]
    got = values(two)
    assert got["spinal_treatment"] == ["decompression", "radiotherapy"]
    assert "spinal_levels" not in got  # "the lumbar spine" names no level


def test_no_spinal_metastasis_no_spinal_treatment() -> None:
    """sato2014: "Postoperative radiotherapy was administered" for a cerebellar metastasis."""
    got = values(PatientText.whole(read(CORPUS / "dev" / "pdf" / "sato2014_crionm_cerebellar.pdf")))
    assert "spinal_treatment" not in got and "spinal_levels" not in got


def test_trauma_and_lung_segments_are_not_metastatic_levels() -> None:
    """MACCROBAT 26664317 ("fracture of the L3 vertebral body" after a fall) and 28321071
    ("bronchiectasis in right S4"): no cancer, no metastatic level."""
    for name in ("26664317", "28321071"):
        assert "spinal_levels" not in values(PatientText.whole(read(CORPUS / "maccrobat" / f"{name}.txt"))), name


def test_maccrobat_28250304_laminectomy_and_radiation_for_cord_compression() -> None:
    """"the patient underwent laminectomy and radiation therapy for spinal cord compression,
    which had been caused by a metastatic spinal tumor"; the earlier chemotherapy with cisplatin
    was for the thymic primary."""
    got = values(PatientText.whole(read(CORPUS / "maccrobat" / "28250304.txt")))
    assert got["spinal_treatment"] == ["decompression", "radiotherapy"]


def test_negated_terms_are_not_the_patients() -> None:
    # the seed: "no local recurrence, new metastasis, or instrumentation failure was observed"
    got = values(PatientText.whole(text_document(
        "A 60-year-old man had an L2 vertebral metastasis of a gastric GIST. He underwent vertebroplasty. "
        "At the 36-month follow-up, no local recurrence, new metastasis, or instrumentation failure was observed. "
        "MRI showed no lesion at T5. Radiotherapy was not performed.")))
    assert got["spinal_levels"] == ["L2"]
    assert got["spinal_treatment"] == ["vertebroplasty"]


def test_other_patients_in_the_literature_are_left_out() -> None:
    # the seed's Discussion: "Four (33%) of 12 reported cases had spinal metastases at initial
    # presentation [2, 7, 8]"; "Suzuki et al. reported the case of two patients who underwent
    # complete resection of bone metastases"
    got = values(PatientText.whole(text_document(
        "A 51-year-old man had an L3 vertebral metastasis of a rectal GIST. He received radiotherapy. "
        "Suzuki et al. reported the case of two patients who underwent complete resection of bone metastases. "
        "In previous cases, metastases at T7 and T8 were treated with vertebroplasty [9].")))
    assert got["spinal_levels"] == ["L3"]
    assert got["spinal_treatment"] == ["radiotherapy"]


def test_evidence_offsets_are_verbatim() -> None:
    for path in [CORPUS / "seed" / "shimizu2018.pdf", *sorted((CORPUS / "spinal" / "pdf").glob("*.pdf"))]:
        patient = PatientText.whole(read(path))
        for value in treatment.extract(patient):
            ev = value.evidence
            assert ev.start is not None and ev.end is not None
            assert patient.document.text[ev.start : ev.end] == ev.text, (path.name, value.field)
            assert ev.page is not None


@pytest.mark.parametrize(
    ("text", "levels", "labels"),
    [
        (("A 45-year-old man presented with back pain; imaging revealed a destructive lesion of the fourth lumbar "
          "vertebra and a lung mass. Biopsy revealed adenocarcinoma. He underwent vertebroplasty followed by "
          "chemotherapy."), ["L4"], ["vertebroplasty", "chemotherapy"]),
        (("A 70-year-old man had been diagnosed with thyroid carcinoma in 2005 and underwent total thyroidectomy. "
          "In 2012, he developed neck pain and MRI showed a C3 metastasis. He underwent C3 corpectomy with anterior "
          "plate fixation."), ["C3"], ["corpectomy", "instrumentation"]),
        (("A 52-year-old woman with metastatic breast cancer had received chemotherapy 2 years earlier. She "
          "presented with a pathological fracture of T8. Kyphoplasty was performed."), ["T8"], ["kyphoplasty"]),
        (("A 67-year-old man with prostate cancer presented with acute paraplegia. MRI demonstrated epidural "
          "spinal cord compression at T5-T6. Emergency laminectomy was performed, followed by stereotactic body "
          "radiotherapy."), ["T5", "T6"], ["decompression", "radiotherapy"]),
        (("A 48-year-old woman with breast cancer diagnosed in March 2015 developed back pain in October 2016, and "
          "MRI showed metastases at T11 and L1. She was treated with zoledronic acid and radiotherapy."),
         ["T11", "L1"], ["radiotherapy", "zoledronic acid"]),
    ],
)
def test_other_primaries(text: str, levels: list[str], labels: list[str]) -> None:
    got = values(PatientText.whole(text_document(text)))
    assert got["spinal_levels"] == levels
    assert got["spinal_treatment"] == labels


@pytest.mark.parametrize(
    ("sentence", "labels"),
    [
        ("The tumor was removed piecemeal and the spine was stabilized with rods.", ["tumor resection", "instrumentation"]),
        ("Gross total resection was achieved.", ["tumor resection"]),
        ("A piecemeal corpectomy with anterior column reconstruction using a titanium mesh cage was performed.",
         ["corpectomy", "instrumentation"]),
        ("The patient received 8 Gy in a single fraction.", ["radiotherapy"]),
        ("She underwent radiofrequency ablation and cementoplasty.", ["vertebroplasty"]),
        ("Hormone therapy and bisphosphonates were administered.", ["bisphosphonate"]),
        ("He was given zoledronate monthly.", ["zoledronic acid"]),
        ("He had received nephrectomy and adjuvant chemotherapy 5 years earlier.", []),
        ("Radiotherapy was recommended but the patient refused.", []),
    ],
)
def test_treatment_phrasings(sentence: str, labels: list[str]) -> None:
    got = values(PatientText.whole(text_document("A 60-year-old man with renal cell carcinoma had a T11 vertebral metastasis. " + sentence)))
    assert got.get("spinal_treatment", []) == labels


@pytest.mark.parametrize(
    ("cell", "labels"),
    [
        # issue 10: cytotoxic drugs named instead of the word (metastasis dev set: "After docetaxel for four
        # months, ..."); our own wordings
        ("paclitaxel and carboplatin", ["chemotherapy"]),
        ("capecitabine with oxaliplatin (XELOX)", ["chemotherapy"]),
        # a spondylectomy that is not en bloc is a piecemeal corpectomy
        ("piecemeal spondylectomy of L2", ["corpectomy"]),
        ("total en bloc spondylectomy", ["total en bloc spondylectomy"]),
    ],
)
def test_issue_10_treatment_wordings(cell: str, labels: list[str]) -> None:
    assert treatment.normalise_spinal_treatment(cell) == labels


@pytest.mark.parametrize(
    "text",
    [
        # a hedge or another organ in another clause does not undo the treatment given
        ("A 62-year-old man with HCC had a T8 metastasis. Because surgery was considered too risky, radiotherapy "
         "was chosen."),
        ("A 50-year-old woman had a sacral metastasis from rectal cancer. Conventional radiotherapy was excluded "
         "because of previous pelvic irradiation; carbon ion therapy was given."),
    ],
)
def test_issue_10_the_clause_of_the_treatment_decides(text: str) -> None:
    got = {v.field: v.value for v in treatment.extract(PatientText.whole(text_document(text)))}
    assert got.get("spinal_treatment") == ["radiotherapy"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what imaging showed is no procedure (metastasis dev set: "MRI revealed spinal cord decompression")
        ("A 71-year-old woman had a C7 metastasis and underwent posterior fixation. MRI later revealed spinal cord "
         "decompression.", ["instrumentation"]),
        # an en bloc resection of the vertebra is the en bloc corpectomy (FIELDS.md; seed Table 1 row 13)
        ("A 16-year-old girl had a solitary metastasis in the first lumbar vertebral body, removed by en bloc "
         "resection of L1 and reconstruction.", ["en bloc corpectomy"]),
        # a treatment of the skull base is not the spine's
        ("A 43-year-old woman had a C4 fracture from metastatic uterine carcinoma and underwent corpectomy. She "
         "received radiation therapy for the unresectable clival mass.", ["corpectomy"]),
    ],
)
def test_issue_10_treatment_of_the_spine_only(text: str, expected: list[str]) -> None:
    got = {v.field: v.value for v in treatment.extract(PatientText.whole(text_document(text)))}
    assert got.get("spinal_treatment") == expected


@pytest.mark.parametrize(
    "text",
    [
        "MRI showed a metastasis of L2 compressing the cauda equina. Laminectomy was performed. Adjuvant "
        "radiotherapy was planned, but he died of pneumonia before it could start.",
        "MRI showed a metastasis of L2 compressing the cauda equina. Laminectomy was performed. Radiotherapy to "
        "the operated levels and restarting chemotherapy were offered, but the patient declined both.",
        "MRI showed a metastasis of L2 compressing the cauda equina. Laminectomy was performed. Postoperative "
        "radiotherapy was postponed because the wound broke down, and it was never given.",
    ],
)
def test_issue_10_a_treatment_planned_but_not_given_is_not_the_patients(text: str) -> None:
    got = values(PatientText.whole(text_document(text)))
    assert got["spinal_treatment"] == ["decompression"]


def _treated(text: str) -> dict[str, object]:
    return {v.field: v.value for v in treatment.extract(PatientText.whole(text_document(text)))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # planned in other words and never given (own words, beside the team-written reports)
        ("A 55-year-old man with renal cell carcinoma had an L3 metastasis removed by corpectomy. Stereotactic "
         "radiotherapy had been planned for a positive margin, but the margin was clear and it was not "
         "administered.", ["corpectomy"]),
        # what is 'often' done is no treatment of this patient
        ("A 68-year-old woman with lung cancer had a painful T12 metastasis treated with kyphoplasty; radiotherapy "
         "was not needed, although it is often combined with cement augmentation.", ["kyphoplasty"]),
        # radiotherapy to another bone is not the spine's
        ("A 41-year-old woman with an extragastrointestinal GIST had a metastasis of T6 removed by en bloc "
         "corpectomy. The lesion of the sternum was treated with radiotherapy of 30 Gy.", ["en bloc corpectomy"]),
        # a piecemeal corpectomy removes the tumour and decompresses the canal
        ("A 60-year-old man with a GIST had a C5 metastasis. Through an anterior approach the C5 body was removed "
         "by corpectomy with excision of the tumour and decompression of the cord, and plate fixation was added.",
         ["corpectomy", "instrumentation"]),
        # the epidural part of the tumour removed is a tumour resection
        ("A 57-year-old woman with breast cancer had an L1 metastasis. A laminectomy of L1 with removal of the "
         "epidural component was performed.", ["tumor resection", "decompression"]),
    ],
)
def test_issue_10_treatments_not_given_elsewhere_or_part_of_another(text: str, expected: list[str]) -> None:
    assert _treated(text).get("spinal_treatment") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 62-year-old woman with a gastric GIST on imatinib had a T9 metastasis. Sunitinib was discussed, but she "
         "chose supportive care.", ["imatinib"]),
        ("A 58-year-old man with a rectal GIST had an S1 metastasis on imatinib. Regorafenib was unavailable to "
         "him, and sunitinib was started.", ["imatinib", "sunitinib"]),
        ("A 66-year-old man with a jejunal GIST took imatinib and sunitinib; a switch to regorafenib was being "
         "planned.", ["imatinib", "sunitinib"]),
    ],
)
def test_issue_10_a_tki_discussed_unavailable_or_planned_is_not_given(text: str, expected: list[str]) -> None:
    assert _treated(text).get("tki") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # other words for the same procedures (own words)
        ("A 60-year-old man with a rectal GIST had a sacral metastasis. He underwent partial sacrectomy.",
         ["tumor resection"]),
        ("A 62-year-old man with renal cancer had a T11 metastasis; somatectomy of T11 was performed.", ["corpectomy"]),
        ("A 49-year-old man with a GIST had an L1 metastasis. Percutaneous cementation was performed.",
         ["vertebroplasty"]),
        ("A 57-year-old woman with a GIST had a T8 metastasis that was surgically removed.", ["tumor resection"]),
        # the primary's organ named as the spine's disease is no other target of the treatment
        ("A 58-year-old woman with thyroid cancer had a T6 metastasis treated with EBRT.", ["radiotherapy"]),
    ],
)
def test_issue_10_procedures_in_other_words(text: str, expected: list[str]) -> None:
    assert _treated(text).get("spinal_treatment") == expected
