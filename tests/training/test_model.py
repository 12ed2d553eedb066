"""The shipped NER (models/case_ner): loads offline, finds Age and Sex, meta.json is in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from extract.training import brat

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "case_ner"
META = ROOT / "models" / "meta.json"
CORPUS = ROOT / "corpus" / "maccrobat"


@pytest.fixture(scope="module")
def ner():
    return spacy.load(MODEL)


def first_line(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()[0]


def test_model_is_ner_with_its_own_tok2vec(ner):
    assert ner.pipe_names == ["ner"]
    assert ner.get_pipe("ner").model.get_ref("tok2vec").name != "tok2vec-listener"
    assert [t.text for t in ner.tokenizer("a 2.5mg/kg dose")][1] == "2.5mg/kg"  # scispaCy


@pytest.mark.parametrize("doc_id, age, sex", [
    ("19816630", "60-year-old", "man"),  # "A 60-year-old man who underwent colonoscopy ..."
    ("22719160", "57-year-old", "woman"),  # "In January 2009, a 57-year-old woman ..."
    ("23678274", "14-month-old", "boy"),
])
def test_finds_age_and_sex_in_test_split_sentence(ner, doc_id, age, sex):
    ents = {(e.text, e.label_) for e in ner(first_line(doc_id)).ents}
    assert (age, "Age") in ents
    assert (sex, "Sex") in ents


def test_ner_can_be_sourced_into_another_pipeline(ner):
    nlp = brat.make_tokenizer_nlp()
    nlp.add_pipe("ner", source=ner)
    ents = {(e.text, e.label_) for e in nlp(first_line("19816630")).ents}
    assert ("60-year-old", "Age") in ents


def test_meta_records_the_converter_split_and_labels():
    meta = json.loads(META.read_text())
    split = brat.split_documents(brat.document_ids(CORPUS), meta["split"]["seed"])
    assert all(meta["split"][name] == split[name] for name in brat.SPLITS)
    assert meta["labels"] == brat.frequent_labels(CORPUS, 50)


def test_shipped_model_scores_on_the_test_split_what_meta_json_records(ner, tmp_path):
    """Scores the shipped model afresh on the 24 unseen test reports (converted now from
    corpus/maccrobat), and checks the figures meta.json and the README quote."""
    from spacy.tokens import DocBin

    from extract.training.train import evaluate

    meta = json.loads(META.read_text())
    tok_nlp = brat.make_tokenizer_nlp()
    docbin = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"])
    for doc_id in meta["split"]["test"]:
        docbin.add(brat.load_document(tok_nlp, CORPUS, doc_id, set(meta["labels"]))[0])
    docbin.to_disk(tmp_path / "test.spacy")
    scores = evaluate(ner, tmp_path / "test.spacy")
    assert abs(scores["micro"]["f"] - meta["test"]["micro"]["f"]) < 0.002
    # issue 3 asks for >= 0.60: NOT met, the shipped model scores 0.583 (models/README.md);
    # this guards against falling back to the stock-config baseline (~0.52)
    assert scores["micro"]["f"] >= 0.55
    assert scores["per_label"]["Age"]["f"] >= 0.90
    assert scores["per_label"]["Sex"]["f"] >= 0.90


def test_shipped_config_names_no_path_of_the_training_machine():
    config = (MODEL / "config.cfg").read_text(encoding="utf-8")
    assert str(ROOT) not in config
    assert not [line for line in config.splitlines() if '= "/' in line]
