"""The MACCROBAT brat -> DocBin converter, on real MACCROBAT files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.training import brat

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "maccrobat"


@pytest.fixture(scope="module")
def tok_nlp():
    return brat.make_tokenizer_nlp()


@pytest.fixture(scope="module")
def labels() -> list[str]:
    return brat.frequent_labels(CORPUS, 50)


def test_read_ann_keeps_only_text_bound_lines():
    path = CORPUS / "17803823.ann"
    t_lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("T")]
    entities = brat.read_ann(path)
    assert len(entities) == len(t_lines)
    assert entities[0] == brat.BratEntity("T1", "Age", ((2, 13),), "23 year old")
    text = (CORPUS / "17803823.txt").read_text(encoding="utf-8")
    for ent in entities:
        assert " ".join(text[a:b] for a, b in ent.fragments) == ent.text


def test_discontinuous_span_keeps_first_fragment(tok_nlp, labels):
    # T121 Biological_structure 2001 2005;2034 2037 "left arm"
    entities = [e for e in brat.read_ann(CORPUS / "19214295.ann") if e.id == "T121"]
    assert entities[0].discontinuous
    text = (CORPUS / "19214295.txt").read_text(encoding="utf-8")
    doc, report = brat.convert_document(tok_nlp, text, entities, set(labels))
    assert [(e.text, e.label_) for e in doc.ents] == [("left", "Biological_structure")]
    assert report.discontinuous["Biological_structure"] == 1


def test_overlap_keeps_longest_span(tok_nlp, labels):
    # T4 History "4 year history of Crohn's disease" contains T5 Disease_disorder
    doc, report = brat.load_document(tok_nlp, CORPUS, "17803823", set(labels))
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("4 year history of Crohn's disease", "History") in ents
    assert ("Crohn's disease", "Disease_disorder") not in ents
    assert report.lost_overlap["Disease_disorder"] >= 1
    assert ("23 year old", "Age") in ents and ("male", "Sex") in ents


def test_every_mention_is_kept_or_counted_as_lost(tok_nlp, labels):
    for doc_id in ("17803823", "19214295", "19816630"):
        doc, report = brat.load_document(tok_nlp, CORPUS, doc_id, set(labels))
        assert len(doc.ents) == sum(report.kept.values())
        for label in labels:
            lost = report.lost_overlap[label] + report.lost_misaligned[label]
            assert report.kept[label] + lost == report.mentions[label]
        # no two entities share a token
        assert all(a.end <= b.start for a, b in zip(doc.ents, doc.ents[1:]))


def test_trained_labels_are_those_with_50_mentions(labels):
    counts = brat.label_counts(CORPUS)
    assert len(labels) == 25
    assert {"Age", "Sex", "Disease_disorder", "Biological_structure", "Time"} <= set(labels)
    assert "Outcome" not in labels  # 36 mentions in this copy
    assert all(counts[lb] >= 50 for lb in labels)
    assert all(n < 50 for lb, n in counts.items() if lb not in labels)


def test_split_is_by_document_seeded_and_stable():
    ids = brat.document_ids(CORPUS)
    assert len(ids) == 160
    split = brat.split_documents(ids, seed=0)
    assert split == brat.split_documents(list(reversed(ids)), seed=0)
    assert [len(split[s]) for s in brat.SPLITS] == [112, 24, 24]
    assert sorted(split["train"] + split["dev"] + split["test"]) == ids
    assert split["test"][:3] == ["19816630", "21672201", "22520024"]
    assert brat.split_documents(ids, seed=1)["test"] != split["test"]


def test_line_docs_keep_every_entity(tok_nlp, labels):
    doc, _ = brat.load_document(tok_nlp, CORPUS, "19816630", set(labels))
    pieces = brat.line_docs(doc)
    assert len(pieces) == len([ln for ln in doc.text.splitlines() if ln.strip()])
    assert sorted((e.text, e.label_) for p in pieces for e in p.ents) == sorted(
        (e.text, e.label_) for e in doc.ents)


def test_overlap_shortest_keeps_the_inner_span(tok_nlp, labels):
    # the other stated rule: in "4 year history of Crohn's disease" (History) the inner
    # Disease_disorder is kept and the History span is the one lost
    doc, report = brat.load_document(tok_nlp, CORPUS, "17803823", set(labels), overlap="shortest")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Crohn's disease", "Disease_disorder") in ents
    assert ("4 year history of Crohn's disease", "History") not in ents
    assert report.lost_overlap["History"] >= 1
    with pytest.raises(ValueError, match="prefer must be one of"):
        brat.resolve_overlaps(list(doc.ents), "widest")


def test_chunk_docs_keep_every_entity_and_the_line_breaks(tok_nlp, labels):
    doc, _ = brat.load_document(tok_nlp, CORPUS, "19816630", set(labels))
    pieces = brat.chunk_docs(doc, max_tokens=128)
    lines = brat.line_docs(doc)
    assert 1 < len(pieces) < len(lines)
    # whole lines only: every chunk is a run of lines joined by their newlines
    assert [ln.text for p in pieces for ln in brat.line_docs(p)] == [ln.text for ln in lines]
    assert any("\n" in t.text for p in pieces for t in p)
    assert all(len(p) <= 128 or "\n" not in p.text for p in pieces)
    assert sorted((e.text, e.label_) for p in pieces for e in p.ents) == sorted(
        (e.text, e.label_) for e in doc.ents)
