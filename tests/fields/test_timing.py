"""Time to spinal metastasis and synchronous (extract/fields/timing.py): one test per way case
reports state the interval, on real reports where the corpus has one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.fields import PatientText, timing
from extract.fields.patients import find_patients
from extract.fields.story import story_of
from extract.fields.timeline import Timeline, relative_steps
from extract.ingest import read, text_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def timing_of(patient: PatientText) -> tuple[object, object]:
    got = {v.field: v.value for v in timing.extract(patient)}
    return got.get("time_to_spinal_metastasis_months"), got.get("synchronous")


# -- real reports ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pdf", "txt"])
def test_seed_10_years_after_surgery(kind: str) -> None:
    """"was diagnosed with L3 vertebral metastasis 10 years after surgery"; the Discussion's
    "Four (33%) of 12 reported cases had spinal metastases at initial presentation" is about
    other patients."""
    path = CORPUS / "seed" / ("shimizu2018.pdf" if kind == "pdf" else "shimizu2018_extracted.txt")
    assert timing_of(PatientText.whole(read(path))) == (120.0, False)


def test_alkhawaja2014_years_history_of_the_primary() -> None:
    """"A 46-year-old male with a seven-year history of renal cell carcinoma resulting in a left
    nephrectomy presented with a lytic lesion involving the L3 vertebral body"."""
    assert timing_of(PatientText.whole(read(CORPUS / "spinal" / "pdf" / "alkhawaja2014_rcc_l3_tes.pdf"))) == (84.0, False)


def test_ijscr2012_primary_discovered_later() -> None:
    """"weakness corresponding to an L2 lesion. It was later discovered that he was suffering
    from non small cell lung cancer"."""
    assert timing_of(PatientText.whole(read(CORPUS / "spinal" / "pdf" / "ijscr2012_nsclc_egfr_l2.pdf"))) == (0.0, True)


def test_nguyen2015_primary_confirmed_at_the_same_presentation() -> None:
    """"He was found to have a metastatic spinal cord compression (MSCC), a PSA exceeding
    27,000, and biopsy-confirmed prostate cancer."; "survived for more than 7.5 years" is not
    the interval."""
    assert timing_of(PatientText.whole(read(CORPUS / "spinal" / "pdf" / "nguyen2015_prostate_mscc_rt.pdf"))) == (0.0, True)


def test_cureus2021_series_initial_presentation_applies_to_each_patient() -> None:
    """"We present two cases of HCC where spinal cord compression was the initial presentation
    before the diagnosis of HCC." stands outside each patient's own paragraph: it is their
    shared lead."""
    patients = find_patients(read(CORPUS / "spinal" / "txt" / "cureus2021_hcc_mscc_2cases.txt"))
    assert len(patients) == 2
    for patient in patients:
        assert timing_of(patient) == (0.0, True)


def test_karger2025_no_primary_history_no_time() -> None:
    """The excerpt never says when the GIST was found: time and synchronous stay null."""
    assert timing_of(PatientText.whole(read(CORPUS / "dev" / "pdf" / "karger2025_spinal_gist_figshare.pdf"))) == (None, None)


def test_maimone2013_symptom_history_is_not_the_interval() -> None:
    """"presented with an 8 weeks' history of gradually worsening myelopathy"."""
    assert timing_of(PatientText.whole(read(CORPUS / "spinal" / "pdf" / "maimone2013_lms_t3t4.pdf"))) == (None, None)


def test_no_spinal_metastasis_gives_nothing() -> None:
    """rochigneux2017: "GIST with Synchronous Bone Metastases" (bone, not spine)."""
    assert timing_of(PatientText.whole(read(CORPUS / "dev" / "pdf" / "rochigneux2017_cro.pdf"))) == (None, None)


@pytest.mark.parametrize(
    ("path", "event", "months"),
    [
        # "resected in 2013 and treated during the following 3 years with imatinib ... In 2018,
        # she developed a single humeral bone lesion"
        ("dev/txt/braunstein2021_jmcr_humerus.txt", "humeral", 60.0),
        # "presented in July 1999 with a jejunal GIST ... until December 2002 when the patient
        # developed a right-sided foot drop. MRI scan showed a left parasagittal tumor"
        ("dev/pdf/bmccancer2004_cerebral_relapse.pdf", "parasagittal", 41.0),
    ],
)
def test_dated_events_on_real_reports(path: str, event: str, months: float) -> None:
    """The timeline walk over dated events, pointed at a non-spinal metastasis of a real report."""
    story = story_of(PatientText.whole(read(CORPUS / path)))
    event_sentence = next(s for s in story.sentences if s.kept and event in s.text)
    found = Timeline(story).clock(event_sentence)
    assert found is not None and found.months == months and found.synchronous is False


def test_maccrobat_relative_phrases() -> None:
    """MACCROBAT Date entities that are relative intervals ("One year later", "after 3 months",
    "Two days later", "seven months after") are read as such."""
    phrases = []
    for ann in sorted((CORPUS / "maccrobat").glob("*.ann")):
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[1].startswith("Date ") and re.fullmatch(
                    r"(?i:after )?(?:\d+|(?i:one|two|three|four|five|six|seven|eight|nine|ten|a))[ -]"
                    r"(?:years?|months?|weeks?|days?)(?: later| after)?", parts[2]) \
                    and re.search(r"later|after", parts[2], re.IGNORECASE) \
                    and not re.search(r"several|few|many|some", parts[2], re.IGNORECASE):
                phrases.append(parts[2])
    assert len(phrases) >= 20
    for phrase in phrases:
        assert relative_steps(phrase + " the operation") or relative_steps(phrase), phrase


# -- each temporal pattern (sentences written as case reports write them) ----------------------


@pytest.mark.parametrize(
    ("text", "months", "synchronous"),
    [
        # dated events, years
        (("A 62-year-old man underwent gastrectomy for a gastric GIST in 2009. He received adjuvant imatinib. "
         "In 2015, he presented with back pain and MRI showed a metastasis at T10."), 72.0, False),
        # dated events, month and year
        (("In March 2010, a 50-year-old man underwent surgery for a duodenal GIST. "
         "In June 2012, MRI demonstrated a sacral metastasis."), 27.0, False),
        # a chain of relative intervals
        (("A 55-year-old woman underwent resection of a jejunal GIST. Four months later, CT revealed liver "
         "metastases. Eight months later, a lytic lesion was found in the L2 vertebral body."), 12.0, False),
        # after N years of imatinib
        (("A 48-year-old man was treated with imatinib after resection of a gastric GIST. After 3 years of "
         "imatinib, he developed back pain and MRI revealed metastases at T6-T8."), 36.0, False),
        # relapse N years later, the level in the next sentence
        (("A 60-year-old man had a rectal GIST resected. He relapsed 5 years later with back pain. "
         "MRI showed a T10 metastasis with cord compression."), 60.0, False),
        # primary resected N years ago
        (("A 45-year-old woman with a history of gastric GIST resected 7 years ago presented with neck pain. "
         "MRI revealed a C5 vertebral metastasis."), 84.0, False),
        # N months after the initial diagnosis
        (("A 53-year-old female developed a spinal metastasis at the T7 level 24 months after the initial "
         "diagnosis of an ileal GIST."), 24.0, False),
        # disease-free interval
        (("After a disease-free interval of 4 years, a 70-year-old man with a resected gastric GIST presented "
         "with an L1 vertebral metastasis."), 48.0, False),
        # synchronous, said so
        ("A 66-year-old man was diagnosed with a gastric GIST with synchronous liver and spinal metastases.",
         0.0, True),
        # at initial presentation
        ("At initial presentation, CT showed a gastric GIST with osteolytic metastases of the T9 vertebra.",
         0.0, True),
        # the spinal lesion leads to the primary
        (("A 70-year-old woman presented with back pain. CT showed a gastric mass and osteolytic metastases "
         "of Th12 and L1. Biopsy of the gastric mass confirmed GIST."), 0.0, True),
        # N years after an -ectomy, other primaries
        (("Eight years after nephrectomy for renal cell carcinoma, a 60-year-old man presented with progressive "
          "paraparesis. MRI showed a T12 metastasis compressing the spinal cord."), 96.0, False),
        # the presentation framed by the primary, the level in the next sentence
        (("A 59-year-old woman presented with lumbar pain 4 years after mastectomy for breast cancer. "
          "MRI revealed an L2 metastasis."), 48.0, False),
        # first manifestation
        (("We report a case of spinal metastasis as the first manifestation of hepatocellular carcinoma in a "
          "66-year-old man. CT showed an osteolytic lesion of the L-1 vertebral body."), 0.0, True),
        # the biopsy of the spinal lesion names the primary whose mass the same CT showed
        (("A 73-year-old man presented with back pain. Whole-body CT revealed a renal mass and multiple bone "
          "metastases including L3 and the sacrum. Histological examination of the L3 lesion confirmed "
          "metastatic clear cell renal cell carcinoma."), 0.0, True),
        # diagnosed N months before
        (("Metastatic spinal tumors are common. Radiotherapy is the standard treatment [3]. A 61-year-old man "
          "presented with a T9 metastasis from colon cancer diagnosed 18 months before."), 18.0, False),
        # the primary at an earlier age
        (("A 52-year-old woman underwent resection of a gastric GIST at the age of 45. She now presented with back "
          "pain and MRI revealed an L4 metastasis."), 84.0, False),
        # the primary found by the work-up of the spinal mass
        (("A 71-year-old man presented with back pain. MRI showed a mass involving the T11 vertebral body with "
          "epidural extension. CT-guided biopsy revealed metastatic adenocarcinoma. Further work-up revealed a "
          "primary lung tumor."), 0.0, True),
        # order known, no interval
        ("A 58-year-old man had undergone gastrectomy for GIST. He later developed a spinal metastasis at L4.",
         None, False),
    ],
)
def test_temporal_patterns(text: str, months: float | None, synchronous: bool) -> None:
    assert timing_of(PatientText.whole(text_document(text))) == (months, synchronous)


def test_postoperative_course_is_not_the_interval() -> None:
    assert timing_of(PatientText.whole(text_document(
        "A 56-year-old female with back pain was found to have lytic lesions of the thoracic spine. She underwent "
        "decompression of T6-T8. Six weeks after surgery, MRI of T6 showed no residual tumor but a new lesion at "
        "T10."))) == (None, None)


def test_a_count_is_not_a_year() -> None:
    assert timing_of(PatientText.whole(text_document(
        "A 60-year-old man with a PSA of 2000 ng/mL and prostate cancer diagnosed in 2010. "
        "MRI showed T10 metastasis in 2013."))) == (36.0, False)


def test_negated_spinal_metastasis_is_no_spinal_metastasis() -> None:
    assert timing_of(PatientText.whole(text_document(
        "A 50-year-old man underwent gastrectomy for GIST. Two years later, liver metastases were found; "
        "MRI of the spine showed no metastasis."))) == (None, None)


@pytest.mark.parametrize(
    ("cell", "months"),
    [("84", 84.0), ("7 years", 84.0), ("10 yr", 120.0), ("18 mo", 18.0), ("At presentation", 0.0),
     ("Synchronous", 0.0), ("N/A", None), ("–", None), ("", None), ("6 weeks", 1.4)],
)
def test_parse_interval_months(cell: str, months: float | None) -> None:
    assert timing.parse_interval_months(cell) == months


def test_evidence_offsets_are_verbatim() -> None:
    for path in [CORPUS / "seed" / "shimizu2018.pdf", *sorted((CORPUS / "spinal" / "pdf").glob("*.pdf"))]:
        patient = PatientText.whole(read(path))
        for value in timing.extract(patient):
            ev = value.evidence
            assert patient.document.text[ev.start : ev.end] == ev.text, (path.name, value.field)


def test_issue_4_seed_narrative_patient_through_the_assembly() -> None:
    """Issue 4: the seed's own patient is L3, 120 months, not synchronous, en bloc corpectomy,
    imatinib (rows assembled by extract.cases from the real PDF)."""
    from extract.cases import extract_cases

    document = read(CORPUS / "seed" / "shimizu2018.pdf")
    narrative = [r for r in extract_cases(document) if r.source == "narrative"]
    assert len(narrative) == 1
    row = narrative[0]
    assert row.spinal_levels == ["L3"]
    assert row.time_to_spinal_metastasis_months == 120.0
    assert row.synchronous is False
    assert row.spinal_treatment == ["en bloc corpectomy"]
    assert row.tki == ["imatinib"]
    for name in ("spinal_levels", "time_to_spinal_metastasis_months", "spinal_treatment", "tki"):
        ev = row.evidence[name]
        assert document.text[ev.start : ev.end] == ev.text
