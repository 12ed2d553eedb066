"""Age and sex rules (extract/fields/demographics.py) on real sentences and real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import ingest
from extract.document import Document, Page
from extract.fields import PatientText, demographics, persons
from extract.fields.patients import find_patients
from extract.ingest import text_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def patient_of(text: str) -> PatientText:
    return PatientText.whole(text_document(text))


def values(text: str) -> dict[str, object]:
    return {v.field: v.value for v in demographics.extract(patient_of(text))}


# Each sentence is from the bundled corpus (file in the comment).
@pytest.mark.parametrize(
    ("sentence", "age", "sex"),
    [
        # shimizu2018 (seed)
        ("A 51-year-old Japanese man who had undergone resection for a rectal gastrointestinal stromal tumor was diagnosed with L3 vertebral metastasis 10 years after surgery.", 51, "male"),
        # PMC4745277: a number word
        ("The first case was a sixty-year-old male, with an American Society of Anesthesiology (ASA) score of 2", 60, "male"),
        # PMC4738698: a decimal age and "boy"
        ("We report on a 3.5-year-old Caucasian boy who was bitten by a coyote", 3.5, "male"),
        # PMC4745294: days -> years, two decimals
        ("We present the case of a 14-day-old baby girl who presented to the emergency department", 0.04, "female"),
        # PMC4745305: "Mr." before the age
        ("Mr. S, a 23-year-old African American male with the diagnosis of schizophrenia", 23, "male"),
        # PMC4745306: "Mrs." and "60-year old"
        ("Mrs. XX, a 60-year-old woman was hospitalised with 5-day history of vomiting", 60, "female"),
        # PMC4736312: "22-year," opening the case summary; sex from her pregnancy
        ("2. Case Summary\n22-year, booked patient in her second pregnancy (previous vaginal delivery) presented to gynaecology emergency. She was previously admitted with us.", 22, "female"),
        # MACCROBAT 26405496 ("aged 31 years")
        ("A woman aged 31 years, G2P2, without any pathological past history, presented with pain.", 31, "female"),
        # MACCROBAT ("36-yr-old")
        ("A 36-yr-old previously healthy Sri Lankan male who takes care of a horse presented with fever.", 36, "male"),
        # MACCROBAT ("4 and a half years old")
        ("A 4 and a half years old male child presented to our hospital for abdominal distension.", 4.5, "male"),
        # MACCROBAT ("14-month-old" -> 1.17)
        ("A 14-month-old boy was referred to our hospital from another hospital because of fever.", 1.17, "male"),
        # MACCROBAT ("3-month-old" -> 0.25; sex unknown)
        ("A 3-month-old infant from the UAE with a genetically-confirmed diagnosis was admitted.", 0.25, None),
        # MACCROBAT ("33 - year old", "75–year–old", "lady")
        ("A 33 - year old woman presented to our cardiology service with signs of heart failure.", 33, "female"),
        ("A 75–year–old female presented in the Emergency Department.", 75, "female"),
        ("A 45-year-old lady sought dermatology consultation for severely tender erythema.", 45, "female"),
        # MACCROBAT ("65 years of age"); one pronoun alone does not settle the sex
        ("At 65 years of age, she suffered from HCC with BCLC early stage A.", 65, None),
        # A decade is not an age (MACCROBAT: "in her 60s", "in her early 70s")
        ("A woman in her 60s was found to have screen detected invasive lobular breast cancer.", None, "female"),
        ("A woman in her early 70s presented to our emergency room 30 min after her husband called.", None, "female"),
    ],
)
def test_age_and_sex_from_real_sentences(sentence: str, age: float | None, sex: str | None) -> None:
    got = values(sentence)
    assert got.get("age_years") == pytest.approx(age) if age is not None else "age_years" not in got
    assert got.get("sex") == sex


def test_relatives_and_later_ages_are_not_the_patients() -> None:
    # PMC4745294 (JATS): the sibling's age and the child's age today come after the index age.
    text = ("We present the case of a 14-day-old baby girl who presented to the ED in shock. "
            "There was a family history of sudden infant death, her sister who was diagnosed "
            "with CAH and passed away at 3 months of age. The child is now 7 years old and has "
            "normal growth and development.")
    assert values(text)["age_years"] == pytest.approx(0.04)
    sibling_only = ("There was a family history of sudden infant death. A female sibling died at "
                    "3 months of age after being diagnosed with CAH.")
    assert "age_years" not in values(sibling_only)


def test_literature_ages_are_skipped() -> None:
    # PMC4736393: the discussion cites another patient's age.
    cited = ("In contrast, Akiyama et al. reported on a series of seven cases and suggested one "
             "parasagittal HPC in a 33-year-old male to have only pial blood supply [5].")
    assert "age_years" not in values(cited)
    # ... and PMC4738724's "median age at presentation was 50 years old" is a statistic.
    stat = "Most were males and the median age at presentation was 50 years old."
    assert "age_years" not in values(stat)


def test_sex_from_pronouns_when_no_noun() -> None:
    # spinal/cureus2021_hcc_mscc_2cases: the first patient is told only with "He".
    text = ("Our first patient presented with bilateral flank pain. The biopsy of the chest wall "
            "showed HCC. He was found to have severe spinal canal stenosis on MRI. He underwent "
            "an emergent tumor decompression of the T11 vertebra with kyphoplasty.")
    assert values(text) == {"sex": "male"}


def test_parse_age_units() -> None:
    assert persons.parse_age("8-month-old") == pytest.approx(0.67)
    assert persons.parse_age("3-week-old") == pytest.approx(0.06)
    assert persons.parse_age("45-yr-old") == 45
    assert persons.parse_age("twenty-four-year-old") == 24
    assert persons.parse_age("in his fifties") is None


def test_evidence_offsets_on_seed_pdf(seed_pdf: Path) -> None:
    document = ingest.read(seed_pdf)
    (patient,) = find_patients(document)
    got = {v.field: v for v in demographics.extract(patient)}
    assert got["age_years"].value == 51 and got["sex"].value == "male"
    for v in got.values():
        ev = v.evidence
        assert document.text[ev.start:ev.end] == ev.text
        assert ev.page == 1


def _gold(path: Path) -> dict[tuple[str, int], dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(r["doc_id"], r["case_index"]): r for r in rows}


@pytest.mark.slow
def test_hindawi_pdfs_age_and_sex_match_gold() -> None:
    """Issue 4: on the 26 Hindawi PDFs every patient's age and sex match the gold (F1 >= 0.97)."""
    gold = _gold(CORPUS / "gold" / "demographics.jsonl")
    tp = {"age_years": 0, "sex": 0}
    wrong = {"age_years": 0, "sex": 0}
    for doc_id in sorted({d for d, _ in gold}):
        document = ingest.read(CORPUS / "pdfs" / f"{doc_id}.pdf")
        for i, patient in enumerate(find_patients(document), start=1):
            got = {v.field: v for v in demographics.extract(patient)}
            for name in tp:
                truth = gold.get((doc_id, i), {}).get(name)
                value = got[name].value if name in got else None
                if value is None and truth is None:
                    continue
                ok = (value is not None and truth is not None
                      and (abs(value - truth) <= 0.5 if name == "age_years" else value == truth))
                tp[name] += ok
                wrong[name] += not ok
                if name in got:
                    ev = got[name].evidence
                    assert document.text[ev.start:ev.end] == ev.text
    for name, hits in tp.items():
        # a wrong value is an FP and an FN (FIELDS.md)
        f1 = 2 * hits / (2 * hits + 2 * wrong[name]) if hits else 0.0
        assert f1 >= 0.97, (name, hits, wrong[name])


def test_maccrobat_ages_are_recovered() -> None:
    """MACCROBAT's first annotated Age of each report is the age the rules read (>= 95 %)."""
    folder = CORPUS / "maccrobat"
    total = found = 0
    for ann in sorted(folder.glob("*.ann")):
        first: tuple[int, str] | None = None
        for line in ann.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0].startswith("T") and parts[1].startswith("Age "):
                start = int(parts[1].split()[1].split(";")[0])
                if first is None or start < first[0]:
                    first = (start, parts[2])
        truth = persons.parse_age(first[1]) if first else None
        if truth is None:
            continue
        total += 1
        text = ann.with_suffix(".txt").read_text("utf-8")
        patients = find_patients(Document(ann.stem, str(ann), text, [Page(1, 0, len(text))]))
        got = {v.field: v.value for v in demographics.extract(patients[0])} if patients else {}
        found += "age_years" in got and abs(float(got["age_years"]) - truth) <= 0.5  # type: ignore[arg-type]
    assert total >= 140
    assert found / total >= 0.95, (found, total)


def test_an_earlier_age_does_not_hide_the_presentation_age() -> None:
    # "at the age of N" tells an earlier event; the presentation's "A 51-year-old" wins.
    text = ("Case presentation\nHe had undergone resection of a rectal GIST at the age of 41. "
            "A 51-year-old Japanese man was diagnosed with L3 vertebral metastasis.")
    assert values(text)["age_years"] == 51
    # ... but with no other statement it is the age there is (PMC4745294's abstract).
    only = "The case presented to the ED at the age of 14 days in hypovolemic shock."
    assert values(only)["age_years"] == pytest.approx(0.04)


def test_an_age_told_for_an_earlier_event_waits() -> None:
    text = ("He was first diagnosed with a gastric GIST when he was 40 years old. "
            "A 50-year-old man presented with back pain.")
    assert values(text)["age_years"] == 50


def test_hours_are_not_years() -> None:
    # MACCROBAT 25293719: a newborn who "died aged 55 h" has no age in years stated.
    text = ("Our patient (ID 73387) is a female child, born by an emergency caesarean section at "
            "34 weeks of gestation. She died aged 55 h.")
    assert "age_years" not in values(text)


def test_with_the_nlp_pipeline_the_values_hold(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    """With NER and ConText (skipped until `make model`): the seed's age and sex are the same,
    and ConText's family/other-patient marks keep a cited patient's age out."""
    from extract.nlp import annotate

    text = ("In contrast, Akiyama et al. reported on a series of seven cases and suggested one "
            "parasagittal HPC in a 33-year-old male to have only pial blood supply [5]. "
            "A 35-year-old right handed male presented with two months of progressively "
            "worsening headaches.")
    document = text_document(text)
    doc = annotate(nlp_with_ner, document)
    got = {v.field: v.value for v in demographics.extract(PatientText.whole(document, doc))}
    assert got == {"age_years": 35, "sex": "male"}


@pytest.mark.parametrize(
    ("phrase", "sex"),
    [("A 70-year-old gentleman presented with back pain.", "male"),
     ("Ms. K, a 48-year-old, presented with back pain.", "female"),
     ("Mr. T, aged 66, presented with back pain.", "male"),
     ("A 3-week-old girl was admitted.", "female")],
)
def test_sex_nouns_of_the_issue(phrase: str, sex: str) -> None:
    assert values(phrase)["sex"] == sex


def test_issue_10_the_age_at_an_earlier_operation_is_not_the_presentations() -> None:
    """"... low anterior resection at the age of 57 years. Nine years after the surgery ...": 57
    is the age of an earlier event; the report gives no age at the presentation."""
    text = ("A Japanese man underwent low anterior resection at the age of 57 years. Nine years after the surgery, "
            "PET-CT showed a sacral metastasis.")
    got = {v.field: v.value for v in demographics.extract(PatientText.whole(ingest.text_document(text)))}
    assert "age_years" not in got and got["sex"] == "male"


def test_team_words_2_c03_each_patient_of_a_series_told_in_one_paragraph_keeps_its_age(nlp_with_ner) -> None:  # type: ignore[no-untyped-def]
    """Three patients told in one paragraph of a letter (team-written battery, c03): ConText
    reads the later ones as other patients, but the age that opens a patient's own stretch is
    that patient's."""
    from extract.cases import extract_cases

    path = Path(__file__).parent / "data" / "team_words_2" / "c03_gist_three_patients.txt"
    rows = [r.to_json() for r in extract_cases(ingest.read(path), nlp_with_ner)]
    assert [(r["age_years"], r["sex"]) for r in rows] == [(71.0, "male"), (39.0, "female"), (62.0, "male")]


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        # team_words_3 c02: "The second patient, a man of 47, came to the emergency department"
        ("The second patient, a man of 47, came to the emergency department with melaena.", 47, "male"),
        ("She was a woman of 62 years when the back pain began.", 62, "female"),
        # a measure is no age
        ("A man of 70 kg and 1.80 m was admitted with back pain.", None, "male"),
    ],
)
def test_issue_10_a_person_of_n_years(text: str, age: float | None, sex: str) -> None:
    assert values(text).get("age_years") == age
    assert values(text).get("sex") == sex


def test_issue_10_the_abstract_gives_the_age_of_the_presentation_the_case_starts_earlier() -> None:
    """team_words_3 c03: the abstract's "a 71-year-old man who developed a sacral metastasis",
    the case's "A 66 years old man came to our attention for rectal tenesmus" (five years
    before): the report is about the later presentation. A case age close to the abstract's
    (a birthday between) keeps the case's."""
    text = ("Abstract\nWe describe a 71-year-old man who developed a sacral metastasis five years after the "
            "resection of a rectal GIST.\n\nCase report\nA 66 years old man came to our attention for rectal "
            "tenesmus. A rectal GIST was resected. Five years later MRI showed a sacral metastasis.")
    document = text_document(text)
    (patient,) = find_patients(document)
    got = {v.field: v.value for v in demographics.extract(patient)}
    assert got["age_years"] == 71
    close = text.replace("A 66 years old man", "A 70 years old man")
    (patient,) = find_patients(text_document(close))
    assert {v.field: v.value for v in demographics.extract(patient)}["age_years"] == 70


def test_issue_10_now_n_she_presented() -> None:
    """team_words_4 d09: "At the age of 49 she had had a left mastectomy ... Now 57, she
    presented with upper back pain": the presentation's age; "she is now 65 and well" at the
    time of writing is not an introduction."""
    text = ("At the age of 49 she had had a left mastectomy for breast cancer. Now 57, she presented to her "
            "practitioner with upper back pain.")
    assert values(text)["age_years"] == 57
    assert values("At the age of 49 she had had a mastectomy. She is now 65 and well.")["age_years"] == 49
