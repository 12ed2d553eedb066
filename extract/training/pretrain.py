"""Raw case-report text for pretraining the NER's tok2vec (``spacy pretrain``, characters objective).

The text is what the project owns and is not the NER's test split:

* the MACCROBAT ``.txt`` files of the **train and dev** documents (never the test documents),
* ``corpus/dev/txt``, ``corpus/spinal/txt``, ``corpus/seed/shimizu2018_extracted.txt``,
* the body text of the JATS files in ``corpus/jats`` (read with :func:`extract.ingest.read`).

One JSONL record per non-empty line (paragraph or sentence), ``{"text": ...}``. The reader
``case_extract.pretrain_text.v1`` tokenises it with scispaCy's tokenizer, the one the model is
trained on (``spacy pretrain`` does not run ``[initialize.before_init]``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import Config

from extract.training import brat

ROOT = Path(__file__).resolve().parents[2]
OWN_TEXT = (
    ROOT / "corpus" / "dev" / "txt",
    ROOT / "corpus" / "spinal" / "txt",
    ROOT / "corpus" / "seed" / "shimizu2018_extracted.txt",
)
JATS = ROOT / "corpus" / "jats"


def raw_texts(maccrobat_dir: Path, maccrobat_ids: list[str]) -> Iterator[tuple[str, str]]:
    """(source, text) of every raw document used for pretraining."""
    for doc_id in maccrobat_ids:
        yield f"maccrobat/{doc_id}", (maccrobat_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
    for path in OWN_TEXT:
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for f in files:
            yield str(f.relative_to(ROOT)), f.read_text(encoding="utf-8")
    from extract.ingest import read

    for f in sorted(JATS.iterdir()):
        if f.suffix.lower() in (".xml", ".nxml"):
            yield str(f.relative_to(ROOT)), read(f).text


def write_raw_text(out: Path, maccrobat_dir: Path, maccrobat_ids: list[str]) -> dict[str, int]:
    """Write the JSONL; return counts (documents, lines, characters)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    n_docs = n_lines = n_chars = 0
    with out.open("w", encoding="utf-8") as fh:
        for _source, text in raw_texts(maccrobat_dir, maccrobat_ids):
            n_docs += 1
            for line in text.splitlines():
                line = " ".join(line.split())
                if len(line) < 20:
                    continue
                fh.write(json.dumps({"text": line}) + "\n")
                n_lines += 1
                n_chars += len(line)
    return {"documents": n_docs, "lines": n_lines, "characters": n_chars}


class ScispacyJsonlCorpus:
    """Like ``spacy.JsonlCorpus.v1`` but tokenised with scispaCy's combined_rule_tokenizer."""

    def __init__(self, path: str | None, min_length: int, max_length: int) -> None:
        self.path = Path(path) if path else None
        self.min_length = min_length
        self.max_length = max_length
        self._docs: list[tuple[list[str], list[bool]]] | None = None

    def _tokenised(self, nlp: Language) -> list[tuple[list[str], list[bool]]]:
        if self._docs is None:
            tok_nlp = brat.make_tokenizer_nlp()
            self._docs = []
            assert self.path is not None, "paths.raw_text is not set"
            for record in srsly.read_jsonl(self.path):
                doc = tok_nlp.make_doc(record["text"])
                if len(doc) < self.min_length or (self.max_length and len(doc) >= self.max_length):
                    continue
                self._docs.append(([t.text for t in doc], [bool(t.whitespace_) for t in doc]))
        return self._docs

    def __call__(self, nlp: Language) -> Iterator[Example]:
        for words, spaces in self._tokenised(nlp):
            doc = Doc(nlp.vocab, words=words, spaces=spaces)
            yield Example(doc, doc.copy())


@spacy.registry.readers("case_extract.pretrain_text.v1")
def pretrain_text_reader(
    path: str | None, min_length: int = 5, max_length: int = 500
) -> Callable[[Language], Iterator[Example]]:
    return ScispacyJsonlCorpus(path, min_length, max_length)


def pretraining_config(config: Config) -> Config:
    """The config ``spacy pretrain`` runs: one ``tok2vec`` component with the ner's tok2vec."""
    cfg = copy.deepcopy(config)
    cfg["nlp"]["pipeline"] = ["tok2vec"]
    cfg["components"] = {"tok2vec": {
        "factory": "tok2vec",
        "model": copy.deepcopy(config["components"]["ner"]["model"]["tok2vec"]),
    }}
    cfg["initialize"]["after_init"] = None  # the weights are made here
    cfg["initialize"]["components"] = {}
    cfg["pretraining"]["component"] = "tok2vec"
    cfg["pretraining"]["layer"] = ""
    return cfg


def run_pretraining(config_path: Path, raw_text: Path, out_dir: Path,
                    overrides: dict[str, Any] | None = None) -> Path:
    """``spacy pretrain`` (seeded by ``[system] seed``); returns the last weights file."""
    from spacy.training.pretrain import pretrain

    config = Config().from_disk(config_path, overrides={"paths.raw_text": str(raw_text),
                                                         **(overrides or {})})
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("model*.bin"):
        old.unlink()
    log = out_dir / "log.jsonl"
    if log.exists():
        log.unlink()
    pretrain(pretraining_config(config), out_dir, silent=False)
    return out_dir / "model-last.bin"


@spacy.registry.callbacks("case_extract.init_ner_tok2vec.v1")
def init_ner_tok2vec(path: str | None) -> Callable[[Language], Language]:
    """``[initialize.after_init]``: load pretrained Tok2Vec weights into the ner's tok2vec.

    The ner's ``tok2vec`` ref is ``Tok2Vec >> list2array >> linear``; the weights go into its
    first layer (the same architecture as the pretrained ``tok2vec`` component).
    """

    def load(nlp: Language) -> Language:
        if path:
            ner: Any = nlp.get_pipe("ner")
            tok2vec = ner.model.get_ref("tok2vec").layers[0]
            tok2vec.from_bytes(Path(path).read_bytes())
        return nlp

    return load
