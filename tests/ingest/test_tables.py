"""Tables read from real PDFs: caption, header, rows of cells (wrapped cells joined), legend."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Document
from extract.ingest.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed" / "shimizu2018.pdf"
PDFS = ROOT / "corpus" / "pdfs"


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_pdf(SEED, max_pages=200)


def test_shimizu2018_table1_thirteen_rows_of_five_cells(seed: Document) -> None:
    assert len(seed.tables) == 1
    table = seed.tables[0]
    assert table.page == 3
    assert (
        table.caption
        == "Table 1 Clinical data for 12 cases of gastrointestinal stromal tumor with spinal metastases"
    )
    assert table.header == [
        "Patient",
        "Primary tumor location",
        "Location of metastases/invasion",
        "Spinal metastases treatment (aside from TKIs)",
        "Reference",
    ]
    assert len(table.rows) == 13
    assert all(len(row) == 5 for row in table.rows)
    assert [row[0] for row in table.rows] == [str(i) for i in range(1, 14)]


def test_shimizu2018_table1_wrapped_cells_are_one_cell(seed: Document) -> None:
    table = seed.tables[0]
    cells = [cell for row in table.rows for cell in row]
    assert "Posterior decompression and instrumentation" in cells
    assert table.rows[0] == [
        "1",
        "Small intestine",
        "L, S, B",
        "Radiotherapy + zoledronic acid",
        "[2]",
    ]
    assert table.rows[5][2] == "L, V, B, S, ST, LN, P"
    assert table.rows[12] == ["13", "Rectum", "V", "En bloc corpectomy", "Current report"]


def test_shimizu2018_table1_legend_and_dataframe(seed: Document) -> None:
    table = seed.tables[0]
    assert table.legend is not None
    assert table.legend.startswith("B bone metastases aside from vertebrae, L liver, LN lymph node")
    assert table.legend.endswith("TKI tyrosine kinase inhibitor, V vertebrae")
    frame = table.to_dataframe()
    assert frame.shape == (13, 5)
    assert (
        frame.loc[4, "Spinal metastases treatment (aside from TKIs)"]
        == "Posterior decompression and instrumentation"
    )


def test_shimizu2018_table_text_is_not_in_the_running_text(seed: Document) -> None:
    assert "Radiotherapy + zoledronic acid" not in seed.text
    assert "Current report" not in seed.text
    assert "B bone metastases aside from vertebrae" not in seed.text
    assert "Clinical data for 12 cases" not in seed.text
    # the reference to the table in the running text stays
    assert "described to date (Table 1)." in seed.text


def test_pmc4745294_two_booktabs_tables_with_centred_two_line_headers() -> None:
    doc = read_pdf(PDFS / "PMC4745294.pdf", max_pages=200)
    captions = [t.caption for t in doc.tables]
    assert captions == [
        "Table 1: Effect of peritoneal dialysis on blood chemistry.",
        "Table 2: Results of hormonal studies.",
    ]
    first = doc.tables[0]
    assert first.header == [
        "Investigation",
        "Before peritoneal dialysis",
        "After peritoneal dialysis",
    ]
    assert first.rows[0] == ["Serum sodium", "122 mmol/L", "134 mmol/L (135–144)"]
    assert "Before peritoneal dialysis" not in doc.text and "Results (normal range)" not in doc.text


def test_pmc4736389_table_caption_wrapped_with_a_hyphen_is_joined() -> None:
    doc = read_pdf(PDFS / "PMC4736389.pdf", max_pages=200)
    assert (
        doc.tables[0].caption
        == "Table 1: Nomenclature of the principal human species of Streptococcus bovis."
    )
    assert doc.tables[0].header == ["Old nomenclature", "Recent nomenclature"]
    assert "Old nomenclature" not in doc.text


def test_pmc4738724_table_legend_under_the_rule() -> None:
    doc = read_pdf(PDFS / "PMC4738724.pdf", max_pages=200)
    table = next(t for t in doc.tables if t.caption and t.caption.startswith("Table 1"))
    assert table.header[1:] == ["Patient", "Reference range"]
    assert table.rows[0] == ["Free T4 (ng/dL)", "0.7", "0.7–1.5"]
    assert table.legend is not None and table.legend.startswith("T4 = thyroxine hormone.")


def test_pmc4738724_landscape_table_printed_sideways_is_read_turned() -> None:
    doc = read_pdf(PDFS / "PMC4738724.pdf", max_pages=200)
    table = next(t for t in doc.tables if t.caption and t.caption.startswith("Table 2"))
    assert table.page == 5
    assert table.caption.startswith(
        "Table 2: Prior reported cases of ectopic pituitary adenomas located in the clivus."
    )
    assert table.header[0] == "Authors"
    assert table.rows[0][0] == "Ortiz-Suarez and Erickson, 1975 [11]"
    # the sideways text never reaches the running text
    assert "Ortiz-Suarez and Erickson, 1975" not in doc.text


def test_norma_bmc_table_header_above_a_rule_drawn_in_segments() -> None:
    doc = read_pdf(PDFS / "norma_10.1186_s12916-014-0161-y.pdf", max_pages=200)
    table = next(t for t in doc.tables if t.caption and t.caption.startswith("Table 1"))
    assert table.caption == "Table 1 Demographic and clinical characteristics at trial entry"
    assert table.header[0] == "Characteristic"
    assert "Lifestyle advice (n = 974)" in table.header
    assert table.rows[0][0] == "Maternal age, yearsa"
    assert "29.4 ± 5.4" in table.rows[0]


def test_a_table_continued_on_the_next_page_is_merged_and_its_repeated_header_dropped() -> None:
    from extract.document import Table
    from extract.ingest.pdf import _merge_tables
    from extract.ingest.tables import FoundTable

    header = ["Case", "Age", "Site"]
    first = FoundTable(
        Table("Table 2: Reported cases.", header, [["1", "54", "L3"]], None, 4),
        (0, 0, 1, 1),
        set(),
        "Table 2",
    )
    # the next page repeats the caption ("Continued") and the header row, then more rows
    second = FoundTable(
        Table("Table 2: Continued.", header, [["2", "61", "T8"], ["3", "47", "C5"]], "L lumbar", 5),
        (0, 0, 1, 1),
        set(),
        "Table 2",
    )
    other = FoundTable(
        Table("Table 3: Labs.", ["Test", "Value"], [["Hb", "12"]], None, 5),
        (0, 0, 1, 1),
        set(),
        "Table 3",
    )
    merged = _merge_tables([first, second, other])
    assert [t.caption for t in merged] == ["Table 2: Reported cases.", "Table 3: Labs."]
    assert merged[0].rows == [["1", "54", "L3"], ["2", "61", "T8"], ["3", "47", "C5"]]
    assert merged[0].legend == "L lumbar"
