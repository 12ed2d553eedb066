"""Pretraining the NER's tok2vec: the raw text leaves the test split out; weights fit the ner."""

from __future__ import annotations

import json
from pathlib import Path

from spacy.util import load_model_from_config
from thinc.api import Config

from extract.training import brat, pretrain

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "maccrobat"
CONFIG = ROOT / "models" / "config.cfg"


def test_raw_text_has_train_and_own_text_but_no_test_document(tmp_path):
    split = brat.split_documents(brat.document_ids(CORPUS), 0)
    out = tmp_path / "raw.jsonl"
    counts = pretrain.write_raw_text(out, CORPUS, split["train"][:3])
    lines = {json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert counts["lines"] == len(out.read_text(encoding="utf-8").splitlines())
    first = (CORPUS / f"{split['train'][0]}.txt").read_text(encoding="utf-8").splitlines()[0]
    assert " ".join(first.split()) in lines
    assert counts["documents"] > 3  # corpus/dev, corpus/spinal, seed, JATS bodies too
    for doc_id in split["test"]:
        for line in (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines():
            if len(line) > 60:
                assert " ".join(line.split()) not in lines, doc_id


def test_pretrained_tok2vec_weights_load_into_the_ner(tmp_path):
    config = Config().from_disk(CONFIG)
    pre_nlp = load_model_from_config(pretrain.pretraining_config(config), auto_fill=True)
    t2v = pre_nlp.get_pipe("tok2vec").model
    t2v.initialize(X=[pre_nlp.make_doc("A 60-year-old man")])
    weights = tmp_path / "t2v.bin"
    weights.write_bytes(t2v.to_bytes())

    nlp = load_model_from_config(config, auto_fill=True)
    ner_t2v = nlp.get_pipe("ner").model.get_ref("tok2vec").layers[0]
    pretrain.init_ner_tok2vec(str(weights))(nlp)
    embed = [n for n in ner_t2v.walk() if n.name == "hashembed"]
    pre_embed = [n for n in t2v.walk() if n.name == "hashembed"]
    assert len(embed) == len(pre_embed) == 4
    for ours, theirs in zip(embed, pre_embed):
        assert (ours.get_param("E") == theirs.get_param("E")).all()
