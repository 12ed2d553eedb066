"""Literature-review and case-series tables (extract/fields/tables.py) on real tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.document import Document, Table
from extract.fields import tables
from extract.ingest import read

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEED_LEGEND = ("B bone metastases aside from vertebrae, L liver, LN lymph node, M mediastinum, N/A not "
               "available, P peritoneum, S spleen, ST soft tissue, TKI tyrosine kinase inhibitor, V vertebrae")


@pytest.fixture(scope="module")
def seed() -> Document:
    return read(CORPUS / "seed" / "shimizu2018.pdf")


def seed_gold_table_rows() -> list[dict]:
    rows = [json.loads(line) for line in (CORPUS / "gold" / "seed.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if r["source"] == "table"]


# -- the seed's Table 1 as the PDF reader gives it -----------------------------------------------


def test_shimizu2018_table1_columns(seed: Document) -> None:
    table = seed.tables[0]
    assert tables.map_columns(table) == {0: "index", 1: "primary_site", 2: "metastasis_sites",
                                         3: "spinal_treatment", 4: "reference"}
    assert tables.is_patient_table(table, tables.map_columns(table))


def test_shimizu2018_table1_rows_match_gold(seed: Document) -> None:
    cases = tables.cases_from_tables(seed, None)
    assert len(cases) == 13
    literature = [c for c in cases if not c.is_current_report]
    gold = seed_gold_table_rows()
    assert len(literature) == len(gold) == 12
    for case, want in zip(literature, gold):
        row = case.row
        assert row.source == "table"
        assert row.reference == want["reference"]
        assert row.primary_site == want["primary_site"]
        assert row.metastasis_sites == want["metastasis_sites"]
        assert row.spinal_treatment == (want["spinal_treatment"] or [])


def test_shimizu2018_current_report_row(seed: Document) -> None:
    current = [c for c in tables.cases_from_tables(seed, None) if c.is_current_report]
    assert len(current) == 1
    row = current[0].row
    assert row.reference == "Current report"
    assert (row.primary_site, row.metastasis_sites, row.spinal_treatment) == ("rectum", ["V"], ["en bloc corpectomy"])


def test_table_evidence_is_the_cell_with_null_offsets(seed: Document) -> None:
    row = tables.cases_from_tables(seed, None)[4].row  # patient 5: Esophagus | V, M | Posterior ...
    ev = row.evidence["spinal_treatment"]
    assert ev.text == "Posterior decompression and instrumentation"
    assert (ev.page, ev.start, ev.end) == (3, None, None)
    assert row.evidence["metastasis_sites"].text == "V, M"


def test_shimizu2018_thirteen_patients_after_assembly(seed: Document) -> None:
    from extract.cases import extract_cases

    rows = extract_cases(seed, None)
    assert len(rows) == 13
    narrative = [r for r in rows if r.source == "narrative"]
    assert len(narrative) == 1
    assert (narrative[0].primary_site, narrative[0].metastasis_sites) == ("rectum", ["V"])


# -- legends and cells ------------------------------------------------------------------------------


def test_legend_of_the_seed_table() -> None:
    legend = tables.parse_legend(SEED_LEGEND)
    assert legend["B"] == "bone metastases aside from vertebrae"
    assert legend["ST"] == "soft tissue"
    assert legend["N/A"] == "not available"
    assert legend["V"] == "vertebrae"


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("L, S, B", ["L", "S", "B"]),
        ("L, V, B, S, ST, LN, P", ["L", "V", "B", "S", "ST", "LN", "P"]),
        ("V, M", ["V", "M"]),
        ("N/A", None),
        ("–", []),
        ("-", []),
        ("Liver, lung and bone", ["L", "LU", "B"]),
    ],
)
def test_metastasis_codes_expand_with_the_legend(cell: str, codes: list[str] | None) -> None:
    assert tables.parse_codes(cell, tables.parse_legend(SEED_LEGEND)) == codes


def test_legend_code_that_is_not_a_fields_code() -> None:
    legend = tables.parse_legend("Br: brain; Lu: lung; Ad: adrenal gland")
    assert tables.parse_codes("Br, Lu, Ad", legend) == ["BR", "LU", "O"]


@pytest.mark.parametrize(
    ("cell", "treatment"),
    [
        ("Radiotherapy + zoledronic acid", ["radiotherapy", "zoledronic acid"]),
        ("Zoledronic acid", ["zoledronic acid"]),
        ("Posterior decompression and instrumentation", ["decompression", "instrumentation"]),
        ("En bloc corpectomy", ["en bloc corpectomy"]),
        ("N/A", None),
        ("–", []),
    ],
)
def test_treatment_cells_as_printed(cell: str, treatment: list[str] | None) -> None:
    assert tables.parse_treatment(cell)[0] == treatment


def test_tki_named_in_a_treatment_cell() -> None:
    assert tables.parse_treatment("Imatinib + radiotherapy") == (["radiotherapy"], ["imatinib"])


@pytest.mark.parametrize(
    ("cell", "age", "sex"),
    [
        ("45/M", 45, "male"),
        ("F, 63", 63, "female"),
        ("74/F", 74, "female"),  # PMC4738714 (JATS)
        ("15 F", 15, "female"),  # PMC4738724 (JATS)
        ("13, female", 13, "female"),  # PMC4738940 (JATS)
        ("8 mo/F", 0.67, "female"),
        ("N/A", None, None),
        ("40-50", None, None),
    ],
)
def test_age_and_sex_cells(cell: str, age: float | None, sex: str | None) -> None:
    assert tables.parse_age_sex(cell) == (age, sex)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Primary tumor location", "primary_site"),
        ("Location of metastases/invasion", "metastasis_sites"),
        ("Spinal metastases treatment (aside from TKIs)", "spinal_treatment"),
        ("TKI", "tki"),
        ("Age/sex", "age_sex"),
        ("Patient age and gender", "age_sex"),
        ("Interval to spinal metastasis (months)", "interval"),
        ("Follow-up; outcomes", "follow_up_outcome"),
        ("Outcome", "outcome"),
        ("1st author, year (ref.)", "reference"),
        ("Patient", "index"),
        ("Reference range", "reference"),
    ],
)
def test_column_kinds_from_header_words(header: str, kind: str) -> None:
    assert tables.column_kind(header) == kind


# -- JATS tables: which tables hold patients -----------------------------------------------------------


def test_jats_lab_value_tables_are_not_patient_tables() -> None:
    document = read(CORPUS / "jats" / "PMC4745306.xml")
    assert document.tables
    for table in document.tables:
        assert not tables.is_patient_table(table, tables.map_columns(table))
    assert tables.cases_from_tables(document, None) == []


def test_jats_literature_table_columns_pmc4738714() -> None:
    """An unnamed first column of citations ('Tsui et al. [1]') is the reference column."""
    table = read(CORPUS / "jats" / "PMC4738714.xml").tables[0]
    kinds = tables.map_columns(table)
    assert kinds[0] == "reference"
    assert kinds[2] == "age_sex"
    assert tables.is_patient_table(table, kinds)


def test_jats_table_of_other_diseases_cases_gives_no_rows_pmc4738940() -> None:
    """Cholecystitis cases with age and sex only: no field of the case database beyond
    demographics, so the rows are not emitted (the Hindawi demographics gold counts the
    narrative patient only)."""
    document = read(CORPUS / "jats" / "PMC4738940.xml")
    table = document.tables[0]
    assert tables.map_columns(table)[1] == "age_sex"
    assert tables.cases_from_tables(document, None) == []


def test_gist_literature_table_in_jats_layout() -> None:
    """A case-series table laid out as the JATS reader gives it (header row, blank spacer rows,
    combined age/sex, 'NR' and '-')."""
    table = Table(
        caption="Table 2: Reported cases of GIST with vertebral metastasis",
        header=["Author (year)", "Age/sex", "Primary", "Sites of metastasis", "Level", "Interval (months)",
                "Treatment", "Outcome", "Follow-up (months)"],
        rows=[
            ["Smith et al. (2010) [4]", "45/M", "Stomach", "Liver, spine", "T6-T8", "24",
             "Radiotherapy + zoledronic acid", "Died", "12"],
            ["", "", "", "", "", "", "", "", ""],
            ["Present case", "F, 63", "Jejunum", "Spine", "L3", "0", "En bloc corpectomy", "NED", "36"],
            ["Lee et al. (2015) [7]", "NR", "NR", "-", "NR", "NR", "-", "NR", "NR"],
        ],
        page=None,
    )
    document = Document("t", "t.xml", "GIST", tables=[table], kind="jats")
    cases = tables.cases_from_tables(document, None)
    assert [c.is_current_report for c in cases] == [False, True, False]
    first, current, third = (c.row for c in cases)
    assert (first.age_years, first.sex, first.primary_site) == (45, "male", "stomach")
    assert first.metastasis_sites == ["L", "V"]
    assert first.spinal_levels == ["T6", "T7", "T8"]
    assert first.time_to_spinal_metastasis_months == 24
    assert first.synchronous is False
    assert first.spinal_treatment == ["radiotherapy", "zoledronic acid"]
    assert (first.outcome_status, first.follow_up_months) == ("died", 12)
    assert first.reference == "Smith et al. (2010) [4]"
    assert (current.age_years, current.sex, current.primary_site, current.synchronous) == (63, "female", "jejunum", True)
    assert current.outcome_status == "no evidence of disease"
    assert third.age_years is None and third.primary_site is None
    assert third.metastasis_sites == [] and third.spinal_treatment == []
