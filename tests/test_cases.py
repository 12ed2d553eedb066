"""Case-row assembly (extract/cases.py): patients, field modules, table rows, numbering,
schema validity and evidence offsets, on real files."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from extract import ingest
from extract.cases import extract_cases, merge_table_row
from extract.record import CaseRow, Evidence, validation_errors

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def check_rows(document, rows: list[CaseRow]) -> None:
    assert [r.case_index for r in rows] == list(range(1, len(rows) + 1))
    sources = [r.source for r in rows]
    assert sources == sorted(sources)  # "narrative" rows before "table" rows
    for row in rows:
        assert row.doc_id == document.doc_id
        assert validation_errors(row.to_json()) == []
        for name, ev in row.evidence.items():
            assert getattr(row, name) not in (None, []), name
            if ev.start is not None:
                assert document.text[ev.start:ev.end] == ev.text, (row.case_index, name)


def test_shimizu2018_narrative_patient(seed_pdf: Path) -> None:
    """Issue 4's seed case: the narrative patient is row 1, with the values of the gold."""
    document = ingest.read(seed_pdf)
    rows = extract_cases(document)
    check_rows(document, rows)
    first = rows[0]
    assert (first.source, first.reference) == ("narrative", None)
    assert (first.age_years, first.sex) == (51, "male")
    assert (first.outcome_status, first.follow_up_months) == ("no evidence of disease", 36)
    assert sum(r.source == "narrative" for r in rows) == 1  # the "Current report" row is merged


def test_PMC4745277_two_narrative_cases() -> None:
    document = ingest.read(CORPUS / "pdfs" / "PMC4745277.pdf")
    rows = [r for r in extract_cases(document) if r.source == "narrative"]
    assert [(r.case_index, r.age_years, r.sex) for r in rows] == [(1, 60, "male"), (2, 60, "female")]


def test_rows_valid_with_evidence_on_real_files() -> None:
    paths = [CORPUS / "pdfs" / "PMC4738940.pdf",  # a literature table of earlier patients
             *sorted((CORPUS / "dev" / "txt").glob("*.txt")),
             *sorted((CORPUS / "spinal" / "txt").glob("*.txt"))]
    for path in paths:
        document = ingest.read(path)
        rows = extract_cases(document)
        assert rows and rows[0].source == "narrative", path.name
        check_rows(document, rows)


def test_table_values_fill_only_what_the_text_leaves_null() -> None:
    text_row = CaseRow("d", age_years=51, sex="male", spinal_levels=["L3"],
                       evidence={"age_years": Evidence("51-year-old", 1, 10, 21)})
    table_row = CaseRow("d", source="table", reference="Current report", age_years=50,
                        primary_site="rectum", metastasis_sites=["V"], spinal_levels=["L2"],
                        evidence={"primary_site": Evidence("Rectum", 5, 900, 906)})
    merge_table_row(text_row, table_row)
    assert (text_row.age_years, text_row.spinal_levels) == (51, ["L3"])  # the text wins
    assert (text_row.primary_site, text_row.metastasis_sites) == ("rectum", ["V"])
    assert text_row.evidence["primary_site"].text == "Rectum"
    assert text_row.source == "narrative" and text_row.reference is None


def test_a_series_table_row_joins_its_narrative_patient() -> None:
    """A case-series table ("Case 2") re-tells the series' own patient; a literature row
    ("[7]") stays a row of its own; "Current report" joins the single narrative patient."""
    from extract.cases import _own_patient_of
    from extract.fields.tables import TableCase

    series = [CaseRow("d", age_years=60, sex="male"), CaseRow("d", age_years=60, sex="female")]
    assert _own_patient_of(TableCase(CaseRow("d", source="table", reference="Case 2")), series) is series[1]
    assert _own_patient_of(TableCase(CaseRow("d", source="table", reference="[7]")), series) is None
    single = [CaseRow("d", age_years=51, sex="male")]
    current = TableCase(CaseRow("d", source="table", reference="Current report"), is_current_report=True)
    assert _own_patient_of(current, single) is single[0]
    assert _own_patient_of(TableCase(CaseRow("d", source="table", reference="Case 2")), single) is None


def test_a_value_the_schema_refuses_is_dropped_with_a_warning(seed_pdf: Path) -> None:
    from extract.cases import make_valid

    document = ingest.read(seed_pdf)
    row = CaseRow("shimizu2018", age_years=151, sex="male", spinal_levels=["L3", "L9"],
                  evidence={"age_years": Evidence("151", 1, 0, 3)})
    make_valid(row, document)
    assert validation_errors(row.to_json()) == []
    assert row.age_years is None and "age_years" not in row.evidence
    assert row.spinal_levels == ["L3"] and row.sex == "male"  # only the bad item goes
    assert any("age_years" in w for w in document.warnings)


def test_with_the_nlp_pipeline_the_seed_row_is_the_same(seed_pdf: Path, nlp_no_ner) -> None:  # type: ignore[no-untyped-def]
    document = ingest.read(seed_pdf)
    with_rules = extract_cases(document)[0]
    with_nlp = extract_cases(ingest.read(seed_pdf), nlp_no_ner)[0]
    for name in ("age_years", "sex", "outcome_status", "follow_up_months"):
        assert getattr(with_nlp, name) == getattr(with_rules, name), name


# -- issue 11: no composition of report sentences stalls or breaks extraction ------------------

_JOINERS = (" ", "\n", "\n\n", ", ", "; ")
#: How reports open a list of findings that turned up later (the timing rules' cues).
_LIST_CUES = ("CT then revealed", "He was later found to have", "Imaging subsequently revealed",
              "MRI further revealed", "A PET-CT scan eventually identified", "She was then diagnosed with")


@given(data=st.data())
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_issue_11_any_composition_of_corpus_sentences_returns_in_time_and_never_raises(
        data, reports_as_sentences, sentence_pool, noun_phrases, nlp_with_ner, time_limit) -> None:
    """Random texts made of corpus sentences go through the whole extraction, NLP included, in
    under 30 s each, never raise, and give valid rows. Each text is a stretch of one bundled
    report (so a patient and their spine are told in order), with sentences of any report put
    in anywhere, and run-on lists of findings after a cue ("He was later found to have pulmonary
    nodules, ..., and lytic rib lesions."); joined by spaces, line breaks, commas or semicolons,
    full stops sometimes dropped. The 30 s is a hard stop, not a measurement (a backtracking rule
    is interrupted and fails the example; each takes about half a second): so ``deadline=None``,
    and no shrinking, which would rerun stalled examples. Derandomised: every run tries the same
    texts."""
    report = data.draw(st.sampled_from(reports_as_sentences), label="report")
    start = data.draw(st.integers(0, len(report) - 1), label="from")
    pieces = report[start : data.draw(st.integers(start + 1, len(report)), label="to")]
    for _ in range(data.draw(st.integers(0, 3), label="lists")):
        findings = data.draw(st.lists(st.sampled_from(noun_phrases), min_size=2, max_size=120), label="findings")
        cue = data.draw(st.sampled_from(_LIST_CUES), label="cue")
        pieces.insert(data.draw(st.integers(0, len(pieces)), label="at"),
                      f"{cue} {', '.join(findings[:-1])}, and {findings[-1]}.")
    for _ in range(data.draw(st.integers(0, 10), label="other sentences")):
        pieces.insert(data.draw(st.integers(0, len(pieces)), label="at"),
                      data.draw(st.sampled_from(sentence_pool), label="sentence"))
    text = data.draw(st.sampled_from(_JOINERS), label="joiner").join(pieces)
    if data.draw(st.booleans(), label="drop full stops"):
        text = re.sub(r"[.!?](?=\s|$)", ",", text)
    document = ingest.text_document(text, doc_id="composed")
    with time_limit(30):
        rows = extract_cases(document, nlp_with_ner)
    check_rows(document, rows)
