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
