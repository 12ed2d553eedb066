"""Figure captions leave the running text and become Document.captions."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Document
from extract.ingest.captions import caption_label
from extract.ingest.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed" / "shimizu2018.pdf"
PDFS = ROOT / "corpus" / "pdfs"


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_pdf(SEED, max_pages=200)


def test_shimizu2018_captions_of_floating_figure_boxes(seed: Document) -> None:
    assert [(c.label, c.page) for c in seed.captions] == [("Fig. 1", 1), ("Fig. 2", 2)]
    assert seed.captions[0].text == (
        "Preoperative computed tomography scan reveals osteolytic lesions in the "
        "anterior column of L3 vertebra"
    )
    assert seed.captions[1].text == (
        "Frontal (a) and lateral (b) view of postoperative radiographs. Top view (c) "
        "and a cross-sectional view (d) of the resected L3 vertebral body"
    )
    for caption in seed.captions:
        assert caption.text not in seed.text
    # references to the figures in the running text stay
    assert "vertebral body (Fig. 1)." in seed.text and "screws and rods (Fig. 2)." in seed.text


def test_pmc4735921_captions_beside_a_column_and_under_full_width_figures() -> None:
    doc = read_pdf(PDFS / "PMC4735921.pdf", max_pages=200)
    labels = [c.label for c in doc.captions]
    assert labels == ["Figure 1", "Figure 2", "Figure 3", "Figure 4"]
    for caption in doc.captions:
        assert caption.text[:40] not in doc.text
    # panel letters printed under the images do not reach the text
    assert "(a) (b)" not in doc.text


def test_pmc4736318_last_short_line_of_a_full_width_caption_goes_with_it() -> None:
    doc = read_pdf(PDFS / "PMC4736318.pdf", max_pages=200)
    second = next(c for c in doc.captions if c.label == "Figure 2")
    assert second.text.endswith("containing S. schenckii organisms (H&E, ×400).")
    assert "organisms (H&E, ×400)" not in doc.text


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Fig. 1 Preoperative computed tomography", ("Fig. 1", "Preoperative computed tomography")),
        ("Figure 2. Axial MRI of the spine", ("Figure 2", "Axial MRI of the spine")),
        ("Fig 3: Histology", ("Fig 3", "Histology")),
        ("FIGURE 4 Bone scan", ("FIGURE 4", "Bone scan")),
    ],
)
def test_caption_labels(line: str, expected: tuple[str, str]) -> None:
    assert caption_label(line, body_size=10, size=9) == expected


def test_a_sentence_about_a_figure_is_not_a_caption() -> None:
    assert caption_label("Figure 2 shows the lesion after surgery", body_size=10, size=10) is None
    assert caption_label("Figures 1 and 2 show", body_size=10, size=10) is None


def test_pmc4745278_text_inside_a_vector_chart_is_dropped() -> None:
    doc = read_pdf(PDFS / "PMC4745278.pdf", max_pages=200)
    assert "ET Dx ALL Dx" not in doc.text
    assert "Post course" not in doc.text
    # the paragraph around the figure page continues as one run
    assert (
        "influence of MPN related treatment [46]. The cooccurrence of MPN and solid tumors"
        in doc.text
    )
    assert [c.label for c in doc.captions] == ["Figure 1"]
