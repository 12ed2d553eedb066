"""Score the shipped NER (models/case_ner) on the MACCROBAT test split (`make ner-eval`).

Prints exact-span P/R/F1 per label and micro-F1 on the test documents recorded in
models/meta.json (converted afresh from corpus/maccrobat with the training converter), and
documents per second through ``nlp.pipe``. Writes benchmarks/results/ner.json.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from extract.training import brat
from extract.training.train import CORPUS, META, SHIPPED, evaluate, format_scores, gold_support

RESULTS = Path(__file__).resolve().parent / "results" / "ner.json"

# Published anchors (other corpora or other models), for the README table.
ANCHORS = {
    "scispaCy en_core_sci_sm entity-mention F1 (MedMentions)": 67.9,
    "scispaCy en_ner_bionlp13cg_md NER F1 (BioNLP13CG)": 77.8,
    "fine-tuned BERT models on MACCROBAT, micro-F1 (approx.)": 70.0,
}


def main() -> int:
    if not (SHIPPED / "config.cfg").exists():
        print(f"no trained model in {SHIPPED}: run `make model`", file=sys.stderr)
        return 1
    meta = json.loads(META.read_text())
    test_ids: list[str] = meta["split"]["test"]
    labels: list[str] = meta["labels"]

    tok_nlp = brat.make_tokenizer_nlp()
    docbin = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"])
    texts = []
    for doc_id in test_ids:
        doc, _ = brat.load_document(tok_nlp, CORPUS, doc_id, set(labels))
        docbin.add(doc)
        texts.append(doc.text)

    nlp = spacy.load(SHIPPED)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "test.spacy"
        docbin.to_disk(path)
        scores = evaluate(nlp, path)
        support = gold_support(path)
    print(f"MACCROBAT test split: {len(test_ids)} documents, {sum(support.values())} gold spans")
    print(format_scores(scores, support))

    list(nlp.pipe(texts[:2]))  # warm-up
    started = time.perf_counter()
    n_words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
    seconds = time.perf_counter() - started
    docs_per_s = len(texts) / seconds
    print(f"speed: {docs_per_s:.1f} documents/s, {n_words / seconds:.0f} tokens/s "
          f"(nlp.pipe, {len(texts)} documents, 1 process)")
    shipped = meta["test"]["micro"]["f"]
    print(f"micro-F1 {scores['micro']['f']:.4f} (meta.json at training time: {shipped:.4f})")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "model": "models/case_ner",
        "test_documents": len(test_ids),
        **scores,
        "support": support,
        "documents_per_second": round(docs_per_s, 2),
        "tokens_per_second": round(n_words / seconds),
        "machine": platform.platform(),
        "anchors": ANCHORS,
    }, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
