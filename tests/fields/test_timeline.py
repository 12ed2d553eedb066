"""The order of a patient's events (extract/fields/timeline.py), issue 10: each rule on sentences
written in our own words, saying what case reports say in other wordings; the dev document that
motivated a rule is named where there is one."""

from __future__ import annotations

import pytest

from extract.fields import PatientText, timing
from extract.fields.patients import find_patients
from extract.fields.story import story_of
from extract.fields.timeline import primary_itself, primary_named, relative_steps
from extract.ingest import text_document


def timing_of(text: str) -> tuple[object, object]:
    got = {v.field: v.value for v in timing.extract(PatientText.whole(text_document(text)))}
    return got.get("time_to_spinal_metastasis_months"), got.get("synchronous")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the patient's age then and now ("At 49 years of age ..." in a 57-year-old)
        ("A 64-year-old woman attended with buttock pain. When she was 61 she had undergone a sigmoid colectomy "
         "for adenocarcinoma. MRI now showed a lytic metastasis in S1.", (36.0, False)),
        ("A 70-year-old man had back pain. He had been operated on at 62 years of age for a rectal GIST. CT showed "
         "an L2 metastasis.", (96.0, False)),
        # an interval anchored to the primary in the clause that names the spine, not the one before
        ("A 40-year-old woman underwent resection of a duodenal GIST; liver metastases appeared 24 months after the "
         "operation, whereas 42 months after the resection a collapse of the T4 vertebra was found.", (42.0, False)),
        # years without disease
        ("A 69-year-old man had a 15-cm omental tumour excised at laparotomy; it was a GIST. After two years free "
         "of disease he reported diffuse bone pain. MRI revealed metastases in the lumbar vertebrae.", (24.0, False)),
        ("After 8 years of follow-up without recurrence, a T6 vertebral metastasis was detected in a 60-year-old man "
         "who had undergone resection of a jejunal GIST.", (96.0, False)),
        # an interval anchored to the treatment of the primary
        ("Three years after chemoradiation for nasopharyngeal carcinoma, a 45-year-old man presented with neck pain; "
         "MRI showed a C3 metastasis.", (36.0, False)),
        # a chain of steps: "Two years later ... Eighteen months after that ..." (own words of a relative chain)
        ("A 58-year-old woman had a melanoma excised from her back. Two years later an axillary node metastasis was "
         "removed. Eighteen months after that, MRI showed a metastasis of T12.", (42.0, False)),
        # a restaging years after the primary is no first sign
        ("A 47-year-old woman had a mastectomy for breast carcinoma in March 2012. In December 2013 she presented "
         "with neck pain; MRI showed collapse of C5 and staging CT showed liver metastases.", (21.0, False)),
    ],
)
def test_issue_10_the_clock_from_the_primary(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # dev: own-words battery own31 ("She had stopped adjuvant imatinib after 6 months")
        ("A 50-year-old woman had a gastric GIST resected in May 2010. She discontinued adjuvant imatinib after "
         "6 months. In November 2013 MRI showed a metastasis of T11."),
        ("A 50-year-old woman had a gastric GIST resected in May 2010, and took imatinib for one year after that "
         "operation. In November 2013 MRI showed a metastasis of T11."),
    ],
)
def test_issue_10_how_long_a_treatment_lasted_is_no_step(text: str) -> None:
    assert timing_of(text) == (42.0, False)


def test_issue_10_a_title_naming_the_treatment_ends_no_story() -> None:
    """The title "... managed with decompression and fixation" names the spinal treatment before
    the story tells anything: the narrative's spinal sentence still counts."""
    text = ("Lumbar metastasis of a renal carcinoma managed with decompression and fixation\n\n"
            "A 66-year-old man presented with sciatica. He had undergone nephrectomy for renal cell carcinoma "
            "5 years earlier. MRI showed a metastasis of L4. Decompression and fixation were performed.")
    assert timing_of(text) == (60.0, False)


def test_issue_10_publication_dates_are_no_events() -> None:
    """kaloostian2013, taga2013: "Received 22 May 2013; revised 20 June 2013" are the journal's."""
    text = ("Journal of Spine Cases\nReceived March 3, 2015; revised April 9, 2015; accepted May 1, 2015\n\n"
            "A 61-year-old woman underwent hysterectomy for endometrial carcinoma. She presented with back pain "
            "and MRI showed a T8 metastasis.")
    assert timing_of(text) == (None, False)


@pytest.mark.parametrize(
    "text",
    [
        # the vertebral biopsy first, the primary's organ found later in the work-up
        ("A 62-year-old man was admitted with weakness of both legs. MRI revealed a destructive lesion of T9. He "
         "underwent emergency decompression. Histopathology showed metastatic adenocarcinoma, and a CT scan of the "
         "chest identified a lung mass."),
        ("A 58-year-old man presented with low back pain and was found to have a pathological fracture of L1. "
         "Further evaluation led to the diagnosis of a gastric GIST with liver metastases."),
        ("A 72-year-old woman presented with a painful mass of the sacrum. CT showed a tumour destroying S1-S3. "
         "She was referred to surgery. Endoscopy and CT then found a small-bowel mass, and its resection confirmed "
         "a GIST."),
        # the metastases said to be found at diagnosis in the sentence beside the spinal one
        ("A 71-year-old man was diagnosed with a gastric GIST with synchronous bone metastases. MRI showed lesions "
         "of T12 and L3."),
    ],
)
def test_issue_10_the_spinal_lesion_as_the_first_sign(text: str) -> None:
    assert timing_of(text) == (0.0, True)


@pytest.mark.parametrize(
    "text",
    [
        "A 64-year-old woman with breast cancer presented with back pain. MRI showed a T6 metastasis.",
        "A 76-year-old man suffering from prostate cancer was admitted with paraplegia due to a T10 metastasis.",
        ("A 45-year-old woman receiving chemotherapy for breast carcinoma developed paraparesis. MRI showed a "
         "T8 metastasis."),
        ("A 67-year-old man was followed after nephrectomy for renal cell carcinoma. A follow-up CT revealed a "
         "lytic lesion of L1."),
    ],
)
def test_issue_10_the_primary_known_before(text: str) -> None:
    """The primary told as an existing illness at the presentation: the order is known, not the
    interval."""
    assert timing_of(text) == (None, False)


def test_issue_10_the_work_up_stops_at_earlier_history() -> None:
    """The primary found "after" the spinal lesion in the text, but told as earlier history: no
    first sign."""
    text = ("A 55-year-old woman presented with neck pain. MRI showed a C4 metastasis. Biopsy showed breast "
            "carcinoma. She had undergone mastectomy for breast carcinoma years before.")
    assert timing_of(text)[0] != 0.0


def test_issue_10_a_tumour_naming_no_organ_is_the_spinal_lesion() -> None:
    """maimone2013: "an invasive mass neoplasm at T3 and T4 levels" is the spinal lesion, not a
    primary found with it."""
    text = ("A 52-year-old woman presented with myelopathy. MRI showed an invasive mass neoplasm at T3 and T4 "
            "levels with cord compression. She underwent laminectomy.")
    assert timing_of(text) == (None, None)
    assert primary_itself("MRI showed an invasive mass neoplasm at T3") is None
    assert primary_itself("CT found a renal tumour and a lytic lesion of L2") is not None
    assert primary_itself("biopsy showed metastatic adenocarcinoma") is None


@pytest.mark.parametrize("name", ["cholangiocarcinoma", "paraganglioma", "pheochromocytoma", "mesothelioma",
                                  "thymoma", "osteosarcoma", "nasopharyngeal carcinoma", "seminoma"])
def test_issue_10_tumour_kinds_name_a_primary(name: str) -> None:
    assert primary_named(f"She had been treated for {name} in 2010.")


def test_issue_10_a_narrative_sentence_with_a_general_word_is_the_patients() -> None:
    """"reported", "rare", "study" in a sentence that tells an event: still the patient's."""
    text = ("A 60-year-old man reported worsening back pain. An imaging study showed a rare metastasis of T10. "
            "Spinal metastases are usually multiple.")
    story = story_of(PatientText.whole(text_document(text)))
    kept = [s.text for s in story.sentences if s.kept]
    assert kept == ["A 60-year-old man reported worsening back pain.", "An imaging study showed a rare metastasis of T10."]


def test_issue_10_one_day_later_is_a_step() -> None:
    assert relative_steps("1 day later") and relative_steps("Eighteen months after that, MRI showed")


def test_issue_10_an_undescribed_patient_shares_the_series_first_sign() -> None:
    """"two cases ... as the initial presentation": the second patient, cut from the excerpt, has
    the first sign the title gives both."""
    text = ("Spinal cord compression as the initial presentation of lung cancer: two cases\n\n"
            "Patient 1: A 59-year-old man presented with leg weakness. MRI showed a T4 metastasis.")
    patients = find_patients(text_document(text))
    assert len(patients) == 2
    got = {v.field: v.value for v in timing.extract(patients[1])}
    assert got == {"time_to_spinal_metastasis_months": 0.0, "synchronous": True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a patient introduced without a malignancy is no known primary; the vertebral biopsy
        # (its finding in a comma list of adjectives) and then the primary's work-up: first sign
        ("A 58-year-old man with no previous history of cancer presented with weakness of both legs. A back injury "
         "had been treated four years before. MRI revealed a collapsed T9 with an epidural mass. Decompression was "
         "performed and histology showed a moderately differentiated, TTF-1 positive adenocarcinoma of the lung.",
         (0.0, True)),
        # the primary's adjuvant chemotherapy, told before the spinal finding, is not its treatment:
        # the finding after it is still read (own18 of the own-words battery, in other words)
        ("A 59-year-old woman presented with sciatica. At 55 she had undergone a right hemicolectomy for "
         "adenocarcinoma, followed by adjuvant chemotherapy. MRI showed a metastasis of L5. She received "
         "radiotherapy.", (48.0, False)),
        ("A 52-year-old man reported thoracic pain. At 48, he underwent a nephrectomy for renal cell carcinoma. CT "
         "now showed a lytic lesion of T7.", (48.0, False)),
    ],
)
def test_issue_10_history_that_is_absent_or_told_before_the_finding(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A 66-year-old man with a history of a primary tumour of the parotid gland presented with neck pain; MRI "
        "showed a metastasis of C4.",
        "A 52-year-old woman with a history of malignancy was admitted with paraparesis. MRI showed a metastatic "
        "lesion at T8 compressing the cord.",
        "A 70-year-old man with a known history of metastatic disease developed back pain; CT revealed a lytic L3 "
        "metastasis.",
        "A 59-year-old woman presented with neck pain. MRI showed a metastasis of C5. Her past history included a "
        "left mastectomy for breast carcinoma.",
    ],
)
def test_issue_10_a_history_of_a_tumour_named_by_no_organ_orders_the_events(text: str) -> None:
    """An earlier tumour named in general words ("a history of a primary tumour", "of
    malignancy") is earlier history: the spinal metastasis came later (synchronous false)."""
    assert timing_of(text) == (None, False)


def test_issue_10_no_history_of_malignancy_is_no_history() -> None:
    text = ("A 49-year-old man with no history of malignancy presented with back pain. MRI showed a metastasis of "
            "L2. Biopsy showed adenocarcinoma, and CT then revealed a mass in the left lung.")
    assert timing_of(text)[1] is not False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an interval "post-" the operation
        ("A 60-year-old man underwent nephrectomy for renal cell carcinoma. Six years post-nephrectomy, MRI "
         "showed a T10 metastasis.", (72.0, False)),
        # a follow-up visit counted from the primary's operation
        ("A 62-year-old man had a rectal GIST resected. At the 3-year follow-up, MRI detected a metastasis at T8.",
         (36.0, False)),
    ],
)
def test_issue_10_intervals_post_an_operation_and_at_a_follow_up(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two ages, the later one in the spinal sentence itself
        ("A woman was diagnosed with breast cancer at age 41 and treated with mastectomy. At the age of 47 she "
         "developed a metastasis at L1.", (72.0, False)),
        # the interval named as a noun, however long the events between its ends
        ("The time from the resection of the primary lung adenocarcinoma to the detection of the T5 vertebral "
         "metastasis was 26 months. The patient was a 64-year-old man.", (26.0, False)),
    ],
)
def test_issue_10_ages_at_both_ends_and_a_named_interval(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


def test_issue_10_the_time_to_death_is_no_interval_to_the_spine() -> None:
    text = ("A 58-year-old man underwent lobectomy for lung cancer. The time from the decompression of his T9 "
            "metastasis to his death was 7 months.")
    assert timing_of(text)[0] != 7.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a staging scan named with its tracer is still the staging
        ("A 47-year-old woman was diagnosed with a duodenal GIST. Staging FDG-PET/CT showed two liver metastases "
         "and a lytic lesion of the C6 vertebral body. After eight months the C6 lesion enlarged.", (0.0, True)),
        # 'N years before' closes the clause of its own event: a discharge from follow-up is no primary
        ("A 50-year-old woman had been treated for breast cancer 9 years earlier: mastectomy and chemotherapy "
         "were given, and she had been discharged from oncological follow-up two years before. MRI now showed "
         "an L3 metastasis.", (108.0, False)),
        # ... and a fronted one takes the clause after it, past a date in commas
        ("A 64-year-old man had sacral pain. Six years earlier, in 2011, he had undergone a low anterior resection "
         "for a rectal GIST. MRI showed a sacral metastasis.", (72.0, False)),
    ],
)
def test_issue_10_staging_named_with_its_tracer_and_earlier_events_in_their_clause(
        text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a latency, and a GIST named as what was resected (not 'tumour')
        ("A 62-year-old man had a gastric GIST resected. After a latency of 3 years, MRI showed a metastasis at "
         "L2.", (36.0, False)),
        # the step after the primary's event in the spinal sentence itself
        ("A 64-year-old man had a renal cell carcinoma removed; the spinal metastasis at T9 appeared 30 months "
         "later.", (30.0, False)),
    ],
)
def test_issue_10_a_latency_and_a_step_in_the_primarys_own_sentence(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


def test_issue_10_a_rounded_interval_gives_way_to_exact_dates() -> None:
    text = ("Sacral metastasis more than five years after resection of a gastric GIST\n"
            "A 58-year-old man underwent gastrectomy for a GIST in March 2014. In November 2019 MRI showed a "
            "metastasis of the sacrum.")
    assert timing_of(text) == (68.0, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # team_words_7 (g06): once the spinal operation is told, "after surgery" counts from it
        ("Abstract\nCase: A 53-year-old woman with a GIST resected years before had neck pain; MRI showed a "
         "metastasis at C7. She underwent posterior decompression and fixation.\nConclusion: One year after surgery "
         "she is walking, with stable spinal disease.", (None, False)),
        ("A 60-year-old man with prostate cancer had a T9 metastasis and underwent vertebroplasty. Postoperatively, "
         "at six months, his spinal lesion was stable.", (None, False)),
        # ... while before any spinal operation "after surgery" is the primary's
        ("A 49-year-old man underwent gastrectomy for a GIST. Four years after surgery, MRI showed a metastasis "
         "at L2.", (48.0, False)),
    ],
)
def test_issue_10_after_the_spinal_operation_is_follow_up(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # team_words_7 (g06): a dated presentation, then the primary "had been excised" years
        # before, then scans "negative until" a date: the interval runs to the presentation
        ("A 53-year-old woman presented in March 2020 with neck pain. In September 2017 a GIST had been excised "
         "from the retroperitoneum. Follow-up CT was negative until early 2020. MRI showed metastases at C6 and "
         "C7.", (30.0, False)),
        # the same in other words: a removal told in the pluperfect, a quiet spell "up to" a date
        ("In June 2019 a 64-year-old man was admitted with lumbar pain. His renal cell carcinoma had been removed "
         "in June 2014, and surveillance imaging was clear up to the end of 2018. CT showed a lytic lesion of "
         "L3.", (60.0, False)),
        # ... but a spell that ends "when" something happened dates that event
        ("A 58-year-old man had a gastrectomy for a GIST in May 2010. He was well until March 2014, when MRI "
         "showed a metastasis at T11.", (46.0, False)),
    ],
)
def test_issue_10_a_quiet_spell_until_a_date_is_no_event(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # team_words_7 (g05): a duration set off by commas dates the main clause's operation
        ("A 55-year-old woman had back pain. She had undergone segmental resection of the tumour, which measured "
         "9 cm, three years and four months before, and had been taking imatinib since then. MRI showed a "
         "metastasis of the third lumbar vertebra.", (40.0, False)),
        ("A 70-year-old man had had a nephrectomy for renal cell carcinoma, with clear margins, six years earlier, "
         "and presented with neck pain; MRI showed a C5 metastasis.", (72.0, False)),
        # ... not a duration in a clause of its own about something else
        ("A 61-year-old man with lung cancer presented with back pain, which had begun two weeks before, and MRI "
         "showed a T7 metastasis.", (None, False)),
    ],
)
def test_issue_10_a_duration_set_off_by_commas_dates_the_main_clause(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # team_words_7 (n10): an opening statement about how spinal metastases are managed names
        # treatments but tells no event of the patient; the story's spinal statements go on
        ("Dear Editor,\nThe management of spinal metastases from renal cell carcinoma has moved towards separation "
         "surgery followed by stereotactic radiotherapy. A 66-year-old man underwent nephrectomy for renal cell "
         "carcinoma four years before he presented with back pain. MRI showed a metastasis of T10.", (48.0, False)),
        # ... while the patient's own spinal operation still ends the spinal story: a later interval
        # is the post-operative course
        ("A 66-year-old man with renal cell carcinoma had back pain. MRI showed a metastasis of T10, and he "
         "underwent separation surgery followed by stereotactic radiotherapy. Two years after the nephrectomy a "
         "new lesion of the T4 vertebra appeared.", (None, False)),
    ],
)
def test_issue_10_a_general_statement_of_treatment_ends_no_spinal_story(text: str, expected: tuple[object, object]) -> None:
    assert timing_of(text) == expected
