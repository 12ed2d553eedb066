"""Which patients a document holds (extract/fields/patients.py), on real files."""

from __future__ import annotations

from pathlib import Path

from extract import ingest
from extract.document import Document, Page
from extract.fields import demographics
from extract.fields.patients import body_end, find_patients, sentences

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_PMC4745277_report_of_two_cases() -> None:
    """"Report of Two Cases": "The first case was ... The second case was ..." -> two patients,
    each told by its own stretch of the text; the shared abstract stays out."""
    document = ingest.read(CORPUS / "pdfs" / "PMC4745277.pdf")
    first, second = find_patients(document)
    text = document.text
    assert "first case was a sixty-year-old male" in " ".join(text[a:b] for a, b in first.ranges)
    assert "second case was a sixty-year-old female" in " ".join(text[a:b] for a, b in second.ranges)
    assert not any(a <= text.index("second case was") < b for a, b in first.ranges)
    abstract = text.index("Wereporttwocases") if "Wereporttwocases" in text else text.index("two cases")
    assert not first.contains(abstract) and not second.contains(abstract)
    sexes = [{v.field: v.value for v in demographics.extract(p)}["sex"] for p in (first, second)]
    assert sexes == ["male", "female"]


def test_cureus2021_two_patients_told_in_the_abstract() -> None:
    """spinal/cureus2021_hcc_mscc_2cases: "Our first patient ... Our second patient ..."."""
    document = ingest.read(CORPUS / "spinal" / "txt" / "cureus2021_hcc_mscc_2cases.txt")
    first, second = find_patients(document)
    text = document.text
    one = " ".join(text[a:b] for a, b in first.ranges)
    two = " ".join(text[a:b] for a, b in second.ranges)
    assert "T11 vertebra with kyphoplasty" in one and "T11" not in two
    assert "young man" in two and "Keywords" not in two


def test_PMC4738733_is_one_patient_without_references() -> None:
    document = ingest.read(CORPUS / "pdfs" / "PMC4738733.pdf")
    (patient,) = find_patients(document)
    ((start, end),) = patient.ranges
    assert start == 0 and end == body_end(document) < len(document.text)
    assert "References" in document.text[end:]
    assert "A 64-year-old female" in document.text[start:end]


def test_single_reports_stay_single() -> None:
    """Figure captions ("case 1 showing ...") and cited series do not make a case series."""
    for path in sorted((CORPUS / "dev" / "txt").glob("*.txt")):
        assert len(find_patients(ingest.read(path))) == 1, path.name


def test_text_without_a_patient_of_its_own_gives_none() -> None:
    # The seed's background paragraph: literature only, no patient.
    text = ("Gastrointestinal stromal tumors (GISTs) are the most common mesenchymal tumors of the "
            "digestive tract and are derived from the interstitial cells of Cajal [1]. Spinal "
            "metastases of GISTs are rare; however, their incidence has been increasing since the "
            "introduction of tyrosine kinase inhibitors (TKIs), which have improved overall survival [2].")
    assert find_patients(Document("bg", "bg.txt", text, [Page(1, 0, len(text))])) == []


def test_sentences_keep_abbreviations() -> None:
    text = "Mr. S, a 23-year-old male, was seen. Akiyama et al. reported seven cases. He was well."
    assert [text[a:b] for a, b in sentences(text)] == [
        "Mr. S, a 23-year-old male, was seen.", "Akiyama et al. reported seven cases.", "He was well."]


def test_research_articles_hold_no_patient_of_their_own() -> None:
    """A systematic review and a registry study ("our patients", "in this case, the analysis")
    are not case reports: no narrative case."""
    for path in (CORPUS / "pdfs" / "cermine_test1.pdf", CORPUS / "jats" / "mds526.nxml",
                 CORPUS / "pdfs" / "norma_s13054-014-0721-8.pdf"):
        assert find_patients(ingest.read(path)) == [], path.name


def test_series_marker_layouts() -> None:
    """Heading variants of a series ("Case 1 (...)", "Case 2 – ..."); a marker in the
    discussion ("In case 1, ...") refers back and starts no patient."""
    text = ("Abstract\nWe report two patients with spinal metastases of GIST.\n"
            "Case presentation\nCase 1 (a 45-year-old man)\n"
            "A 45-year-old man presented with back pain. He underwent surgery.\n"
            "Case 2 – A 62-year-old woman presented with leg weakness. She received radiotherapy.\n"
            "Discussion\nIn case 1, the tumor was large. Case 2 shows that radiotherapy helps.\n"
            "References\n")
    patients = find_patients(Document("s", "s.txt", text, [Page(1, 0, len(text))]))
    got = [{v.field: v.value for v in demographics.extract(p)} for p in patients]
    assert got == [{"age_years": 45, "sex": "male"}, {"age_years": 62, "sex": "female"}]
    assert all(b <= text.index("Discussion") for p in patients for _, b in p.ranges)


def test_table_rows_in_running_text_are_not_a_series() -> None:
    # A literature table left in the text of a .txt input (seed Table 1 rows) is no series.
    text = ("A 51-year-old Japanese man presented with a rectal mass. He underwent colectomy.\n"
            "Case 1: Stomach, L, V, Radiotherapy\nCase 2: Stomach, V, Decompression\n"
            "Case 3: Rectum, V, En bloc corpectomy\n")
    (patient,) = find_patients(Document("t", "t.txt", text, [Page(1, 0, len(text))]))
    assert patient.ranges == [(0, len(text))]


# -- issue 10: every patient, numbered or not (sentences written in our own words) ------------


def _patients(text: str) -> list[dict[str, object]]:
    document = ingest.text_document(text)
    return [{v.field: v.value for v in demographics.extract(p)} for p in find_patients(document)]


def _told(text: str) -> list[str]:
    document = ingest.text_document(text)
    return [" ".join(document.text[a:b] for a, b in p.ranges) for p in find_patients(document)]


def test_issue_10_enumeration_in_an_abstract() -> None:
    """"We describe three patients: a 70-year-old woman with ..., a 48-year-old man ..." gives
    three patients, each with its part of the sentence."""
    text = ("Spinal metastases of GIST: three cases\n\nAbstract\nWe describe three patients: a 70-year-old "
            "woman with a T12 lesion found 5 years after gastrectomy, a 48-year-old man whose L2 "
            "metastasis was present at diagnosis, and an 81-year-old man with sacral metastasis.")
    assert _patients(text) == [{"age_years": 70, "sex": "female"}, {"age_years": 48, "sex": "male"},
                               {"age_years": 81, "sex": "male"}]
    told = _told(text)
    assert "T12" in told[0] and "T12" not in told[1] and "sacral" in told[2] and "L2" not in told[2]


def test_issue_10_people_told_one_after_the_other_without_headings() -> None:
    """Introduced one after the other, then named again ("The woman ...", "In the younger
    man ...", "The third patient ..."): each sentence goes to the person it names."""
    text = ("Abstract\nWe report three patients with vertebral deposits: a 66-year-old woman with breast "
            "cancer, a 45-year-old man with a renal tumour and a 71-year-old man with lung cancer.\n"
            "The woman had a mastectomy nine years earlier; MRI now showed a T7 metastasis.\n"
            "In the younger man, CT at diagnosis found an L1 lesion. He underwent laminectomy.\n"
            "The third patient presented with a C5 fracture and received radiotherapy.")
    told = _told(text)
    assert len(told) == 3
    assert "T7" in told[0] and "L1" in told[1] and "laminectomy" in told[1] and "C5" in told[2]
    assert "L1" not in told[0] + told[2]


def test_issue_10_a_pair_told_together() -> None:
    """"Both were young women; the first, aged 29, ..., and the second, aged 33, ..." in a report
    of two sisters: two patients, and the sentence about both is told of each."""
    text = ("Familial gastrointestinal stromal tumours in two sisters\n\nBoth were young women with several "
            "small-bowel GISTs; the first, aged 29, developed liver metastases, and the second, aged 33, "
            "had a metastasis of the L1 vertebra four years after surgery.")
    assert [p.get("age_years") for p in _patients(text)] == [29, 33]
    told = _told(text)
    assert "L1" in told[1] and "L1" not in told[0].split("the second")[0]


def test_issue_10_a_relative_with_the_same_disease() -> None:
    """"Her brother, aged 12, had a gastric GIST resected": a patient of its own, whose sentence
    is not his sister's; a relative's other illness ("his mother had a skin cancer removed") is
    family history, not a patient."""
    text = ("A 15-year-old girl was found to have a gastric GIST with liver metastases. "
            "Her brother, aged 12, had a gastric GIST resected the year before.")
    assert _patients(text) == [{"age_years": 15, "sex": "female"}, {"age_years": 12, "sex": "male"}]
    assert "brother" not in _told(text)[0]
    history = ("A 57-year-old man presented with many skin cancers. He also revealed that his mother "
               "had one skin cancer lesion removed.")
    assert len(_patients(history)) == 1


def test_issue_10_heading_glued_to_the_next_word() -> None:
    """PDF extraction joins "Patient 2" and "A 64-year-old": still a heading."""
    text = ("Patient 1A 72-year-old man with prostate cancer diagnosed 6 years earlier presented with an L1 "
            "fracture. He underwent vertebroplasty.\nPatient 2A 64-year-old woman treated for breast cancer "
            "presented with a painful T12 collapse. Kyphoplasty was performed.")
    assert _patients(text) == [{"age_years": 72, "sex": "male"}, {"age_years": 64, "sex": "female"}]


def test_issue_10_a_patient_announced_but_not_described() -> None:
    """"We present two cases ..." and the excerpt ends after the first: two rows, the second with
    only what is told of both."""
    text = ("Sacral metastasis of rectal GIST: a report of two cases\n\nAbstract\nWe present two cases of "
            "rectal GIST that recurred in the sacrum. The first patient, a 61-year-old man, had an "
            "abdominoperineal resection in 2010 and presented with sacral pain in 2016.")
    document = ingest.text_document(text)
    patients = find_patients(document)
    assert len(patients) == 2 and patients[1].ranges == []
    assert "two cases" in " ".join(document.text[a:b] for a, b in patients[1].shared)


def test_issue_10_structured_abstract_background_heads_its_paragraph_only() -> None:
    """"Background: ..." (a run-in heading) covers its paragraph; the patients told under the
    unnamed "Patients:" label after it are found."""
    text = ("Abstract\nBackground: Skeletal metastases of GIST are rare.\nPatients: A 64-year-old man had a "
            "femoral fracture. A 57-year-old woman presented with sacral pain.\nConclusions: They vary.")
    assert _patients(text) == [{"age_years": 64, "sex": "male"}, {"age_years": 57, "sex": "female"}]


def test_issue_10_a_later_mention_of_the_same_person_is_no_new_patient() -> None:
    """The abstract's "a 63-year-old man" and the case's "A 63-year-old Japanese man" are one
    patient; "the 73-year-old man" ten years later is the same one, not a new introduction."""
    text = ("Abstract\nWe report a 63-year-old man with a late spinal metastasis of GIST.\nCase presentation\n"
            "A 63-year-old Japanese man underwent gastrectomy for GIST. Ten years later, the 73-year-old man "
            "presented with back pain.")
    assert len(_patients(text)) == 1


def test_maccrobat_reports_each_tell_one_patient() -> None:
    """The 160 MACCROBAT case reports are single-patient reports: relatives, ages at earlier
    events and family history never make a second patient."""
    counts = {p.name: len(find_patients(ingest.read(p))) for p in sorted((CORPUS / "maccrobat").glob("*.txt"))}
    assert len(counts) == 160
    assert {name: n for name, n in counts.items() if n != 1} == {}


def test_issue_10_patients_told_only_as_a_group() -> None:
    """"Three patients ... underwent ..." with no patient told apart: each patient has what is
    said of the group (its treatment, its sites), none takes one person's age."""
    from extract.cases import extract_cases

    text = ("Spinal metastases of follicular thyroid carcinoma: three cases\n\nAbstract\nWe report three patients "
            "with solitary thoracic vertebral metastases of follicular thyroid carcinoma found years after "
            "thyroidectomy. All underwent total en bloc spondylectomy followed by radioiodine.")
    rows = extract_cases(ingest.text_document(text))
    assert len(rows) == 3
    assert all(r.spinal_treatment == ["total en bloc spondylectomy"] and "V" in r.metastasis_sites for r in rows)
    assert all(r.age_years is None and r.spinal_levels == [] for r in rows[1:])


def test_issue_10_the_sex_a_series_gives_all() -> None:
    """"... in two young women": each patient is female where her own text says no sex."""
    text = ("Sacral metastases of duodenal GIST in two young women\n\nThe first, aged 31, had a duodenal resection in "
            "2010. The second, aged 28, had a duodenal resection in 2012.")
    assert [p.get("sex") for p in _patients(text)] == ["female", "female"]


def test_issue_10_one_patient_introduced_at_two_ages() -> None:
    """team_words_3 c01/c04/c13/c15: the abstract introduces the patient at the spinal
    presentation ("A 47-year-old woman presented with neck pain ..."), the case presentation
    starts the story years earlier ("In 2014 a 43-year-old woman was admitted ..."): one
    patient, whose age is the abstract's. Two persons of other sexes, or both introduced under the
    case heading, stay two."""
    from extract.cases import extract_cases

    one = ("Abstract\nCase presentation: A 47-year-old woman presented with neck pain four years after "
           "resection of a GIST of the stomach.\n\nCase presentation\nIn October 2014 a 43-year-old woman "
           "was admitted with abdominal fullness. A gastric GIST was resected. In 2018 MRI showed a C5 "
           "metastasis.")
    rows = extract_cases(ingest.text_document(one))
    assert [r.age_years for r in rows] == [47]
    other_sex = one.replace("a 43-year-old woman", "a 43-year-old man")
    assert len(_patients(other_sex)) == 2
    both_under = ("Abstract\nWe report two patients with spinal metastases.\n\nCase presentation\nA 47-year-old "
                  "woman presented with neck pain. A 43-year-old woman was admitted with back pain.")
    assert len(_patients(both_under)) == 2


def test_issue_10_a_relative_told_in_the_case_not_in_the_abstract_sentence(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    """team_words_4 d03: the abstract names the patient and "her father, operated for a gastric
    GIST" in one sentence; the case tells the father in his own paragraph ("Her father had had
    a 6-cm gastric GIST removed ... when he was 66 years old"). The abstract sentence stays the
    patient's (her spinal metastases are not his), the father's paragraph is his."""
    from extract.cases import extract_cases

    text = ("Abstract\nWe describe a 46-year-old woman with jejunal GISTs who later developed metastases of the "
            "second lumbar vertebra, and her father, operated for a gastric GIST, who carries the same variant.\n\n"
            "Case presentation\nThe proband, a 46-year-old woman, had a jejunal GIST resected in 2013. In 2020 MRI "
            "showed a metastasis of L2, treated by vertebroplasty.\n\nHer father had had a 6-cm gastric GIST "
            "removed by wedge resection when he was 66 years old. He remains free of recurrence five years after "
            "the operation.")
    # with the NLP pipeline too: ConText's "family" mark does not hide the relative's own GIST
    for nlp in (None, nlp_with_ner):
        daughter, father = extract_cases(ingest.text_document(text), nlp)
        assert (daughter.age_years, daughter.spinal_levels, daughter.primary_site) == (46, ["L2"], "jejunum")
        assert (father.age_years, father.sex, father.primary_site) == (66, "male", "stomach")
        assert father.spinal_levels == [] and father.spinal_treatment == []


def test_issue_10_a_series_abstract_tells_each_patient_apart() -> None:
    """team_words_5 e10: "We report two patients: a 58-year-old man in whom ... L1 ..., and a
    71-year-old woman ... The man received SBRT and is alive with disease 12 months after SBRT.
    The woman ... died 5 months later." then "The first patient, a 58-year-old man ...", "The
    second patient, a 71-year-old woman ...": each patient has the abstract's words about him."""
    from extract.cases import extract_cases

    text = ("Abstract\nWe report two patients: a 58-year-old man in whom a metastasis of the first lumbar vertebra "
            "was found three years after resection of a rectal cancer, and a 71-year-old woman with sigmoid cancer "
            "whose staging CT showed metastases in several thoracic vertebrae. The man received stereotactic "
            "radiotherapy and is alive with disease 12 months after SBRT. The woman was treated with denosumab and "
            "died 5 months later.\n\nKeywords: colorectal cancer; spine\n\nCase presentation\nThe first patient, a "
            "58-year-old man, had a rectal cancer resected in 2018. In 2021 MRI showed a lesion of L1.\n\nThe second "
            "patient, a 71-year-old woman, was referred to the oncology clinic in")
    man, woman = extract_cases(ingest.text_document(text))
    assert (man.outcome_status, man.follow_up_months, man.spinal_levels) == ("alive with disease", 12, ["L1"])
    assert (woman.outcome_status, woman.follow_up_months, woman.sex) == ("died", 5, "female")
    assert "radiotherapy" in man.spinal_treatment and "denosumab" in woman.spinal_treatment
    assert "denosumab" not in man.spinal_treatment


def test_issue_10_a_series_goes_on_below_the_abstracts_run_in_conclusion() -> None:
    """team_words_6 f08: "Patient 1, ... Patient 2, ... Patient 3, ..." in a structured abstract
    whose "Conclusion:" and "Keywords:" follow, then "Case presentations / Patient 1 / Patient 2"
    below: each patient's case section is his too (the abstract's run-in headings end nothing)."""
    text = ("Abstract\nBackground: Separation surgery is common.\nCases: Patient 1, a 59-year-old woman with lung "
            "cancer, had a T7 metastasis. Patient 2, a 66-year-old woman, had an L2 fracture. Patient 3, a "
            "72-year-old man, had C5 metastases.\nConclusion: It works.\nKeywords: spine\n\nIntroduction\nThe spine "
            "is a common site.\n\nCase presentations\nPatient 1\nA 59-year-old woman presented with back pain. "
            "She underwent a T7 laminectomy.\n\nPatient 2\nA 66-year-old woman had an endometrial carcinoma "
            "resected two years earlier.")
    first, second, third = find_patients(ingest.text_document(text))
    told = [" ".join(text[a:b] for a, b in p.ranges) for p in (first, second, third)]
    assert "T7 laminectomy" in told[0] and "endometrial carcinoma resected" in told[1]
    assert "laminectomy" not in told[1] + told[2]
