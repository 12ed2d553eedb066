"""extract.nlp.load / get_nlp / annotate: the interface the field extractors use."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Document, Section
from extract.errors import ModelMissingError
from extract.ingest import read
from extract.nlp import annotate, get_nlp, load

ROOT = Path(__file__).resolve().parents[2]
SEED_TXT = ROOT / "corpus" / "seed" / "shimizu2018_extracted.txt"


def test_components_in_order_without_ner(nlp_no_ner):
    assert nlp_no_ner.pipe_names == [
        "case_sentences",
        "case_entity_edges",
        "case_abbreviations",
        "case_terms",
        "case_context",
    ]
    assert nlp_no_ner.max_length >= 5_000_000


def test_missing_model_is_a_one_line_error_naming_make_model(tmp_path):
    with pytest.raises(ModelMissingError) as info:
        load(ner=True, model_path=tmp_path / "no_such_model")
    message = str(info.value)
    assert "make model" in message and "\n" not in message


def test_ner_is_sourced_after_the_sentences(nlp_with_ner):
    assert nlp_with_ner.pipe_names[:2] == ["case_sentences", "ner"]
    assert "Age" in nlp_with_ner.get_pipe("ner").labels


def test_get_nlp_is_cached_per_process():
    assert get_nlp(ner=False) is get_nlp(ner=False)


def test_annotate_keeps_the_document_text_and_offsets(nlp_no_ner):
    document = read(SEED_TXT)
    doc = annotate(nlp_no_ner, document)
    assert doc.text == document.text
    start = document.text.index("L3 vertebral body")
    span = doc.char_span(start, start + len("L3 vertebral body"))
    assert span is not None and span.text == "L3 vertebral body"


def test_token_section_is_the_innermost_document_section(nlp_no_ner):
    text = (
        "Case presentation\nHistory and clinical evaluation\n"
        "A 51-year-old Japanese man presented with a rectal mass.\n"
        "Discussion\nSpinal metastases of GISTs are rare.\n"
    )
    h = text.index("History")
    d = text.index("Discussion")
    document = Document(
        doc_id="sections",
        source_path="sections.txt",
        text=text,
        sections=[
            Section("Case presentation", 1, 0, d),
            Section("History and clinical evaluation", 2, h, d),
            Section("Discussion", 1, d, len(text)),
        ],
    )
    doc = annotate(nlp_no_ner, document)
    by_text = {t.text: t._.section for t in doc if not t.is_space}
    assert by_text["presentation"] == "Case presentation"
    assert by_text["rectal"] == "History and clinical evaluation"
    assert by_text["GISTs"] == "Discussion"
    metastases = next(s for s in doc.spans["terms"] if s.label_ == "METASTASIS")
    assert metastases._.section == "Discussion"
    # headings are sentences of their own
    assert any(s.text.startswith("A 51-year-old") for s in doc.sents)


def test_tokens_outside_every_section_have_none(nlp_no_ner):
    document = Document(doc_id="x", source_path="x.txt", text="Imatinib was given.")
    doc = annotate(nlp_no_ner, document)
    assert all(t._.section is None for t in doc)


def test_annotate_on_a_maccrobat_report_sets_entities(nlp_with_ner):
    document = read(ROOT / "corpus" / "maccrobat" / "17803823.txt")
    doc = annotate(nlp_with_ner, document)
    assert doc.text == document.text
    assert len(doc.ents) > 10
    assert {"Age", "Sex"} <= {e.label_ for e in doc.ents}


def test_entity_edges_are_trimmed(nlp_no_ner):
    from spacy.tokens import Span

    from extract.nlp.entities import case_entity_edges

    doc = nlp_no_ner.make_doc("no metastases to vital\norgans\n\nwere seen")
    doc.ents = [Span(doc, 3, 5, label="Biological_structure"), Span(doc, 6, 7, label="X")]
    doc = case_entity_edges(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("vital", "Biological_structure")]


def test_annotate_many_equals_annotate(nlp_no_ner, corpus):
    from extract.nlp import annotate_many

    documents = [read(p) for p in sorted((corpus / "spinal" / "txt").glob("*.txt"))]
    batched = list(annotate_many(nlp_no_ner, documents, batch_size=2))
    assert [d.text for d in batched] == [d.text for d in documents]
    for document, doc in zip(documents, batched, strict=True):
        single = annotate(nlp_no_ner, document)
        assert [(s.start, s.end, s.label_, str(s._.value)) for s in doc.spans["terms"]] == [
            (s.start, s.end, s.label_, str(s._.value)) for s in single.spans["terms"]
        ]
        assert [s._.is_other_patient for s in doc.spans["terms"]] == [
            s._.is_other_patient for s in single.spans["terms"]
        ]


def test_sourced_ner_finds_what_the_trained_model_finds(nlp_with_ner, corpus):
    """The NER inside our pipeline (our tokenizer, sourced weights) gives the same tokens and
    entities as the trained model loaded on its own."""
    import spacy

    from extract.nlp import DEFAULT_MODEL_PATH

    alone = spacy.load(DEFAULT_MODEL_PATH)
    for name in ("17803823.txt", "21923918.txt", "24957905.txt"):
        text = (corpus / "maccrobat" / name).read_text(encoding="utf-8")
        a, b = alone(text), nlp_with_ner(text)
        assert [t.text for t in a] == [t.text for t in b]
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]
