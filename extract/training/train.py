"""Train the case-report NER on MACCROBAT and ship it to ``models/case_ner`` (``make model``).

Two modes:

* default (``make model``): convert the corpus, train on train+dev for the fixed number of
  steps in ``models/config.cfg`` (seeded), save the pipeline to ``models/case_ner``, score it
  on the unseen test split and write ``models/meta.json``.
* ``--tune NAME``: train on train only, keep the best model on dev (early stopping) and print
  the dev scores; nothing under ``models/case_ner`` changes. Settings are tried with
  ``--set section.key=value`` (spaCy config overrides).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.training import Corpus
from thinc.api import Config

from extract.training import brat, pretrain

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
CONFIG = MODELS / "config.cfg"
CORPUS = ROOT / "corpus" / "maccrobat"
WORK = MODELS / "training"
SHIPPED = MODELS / "case_ner"
META = MODELS / "meta.json"
TUNING_LOG = Path(__file__).with_name("tuning_log.json")  # dev runs behind the chosen settings

SPLIT_SEED = 0
SPLIT_FRACTIONS = (0.70, 0.15)
MIN_MENTIONS = 50
TRAIN_UNIT = "line"
OVERLAP = "longest"


def evaluate(nlp: Language, docbin: Path) -> dict[str, Any]:
    """Exact-span P/R/F1 (micro and per label) of ``nlp`` on the gold docs in ``docbin``."""
    examples = list(Corpus(str(docbin))(nlp))
    scores = nlp.evaluate(examples)
    per_label = {
        label: {k: round(v, 4) for k, v in prf.items()}
        for label, prf in sorted(scores["ents_per_type"].items())
    }
    return {
        "micro": {"p": round(scores["ents_p"], 4), "r": round(scores["ents_r"], 4),
                  "f": round(scores["ents_f"], 4)},
        "per_label": per_label,
    }


def format_scores(scores: dict[str, Any], support: dict[str, int] | None = None) -> str:
    lines = [f"{'label':<24}{'P':>7}{'R':>7}{'F1':>7}" + ("   n" if support else "")]
    for label, prf in scores["per_label"].items():
        n = f"{support.get(label, 0):>5}" if support else ""
        lines.append(f"{label:<24}{prf['p']:>7.3f}{prf['r']:>7.3f}{prf['f']:>7.3f}{n}")
    m = scores["micro"]
    lines.append(f"{'micro':<24}{m['p']:>7.3f}{m['r']:>7.3f}{m['f']:>7.3f}")
    return "\n".join(lines)


def gold_support(docbin: Path) -> dict[str, int]:
    nlp = spacy.blank("en")
    counts: dict[str, int] = {}
    for doc in spacy.tokens.DocBin().from_disk(docbin).get_docs(nlp.vocab):
        for ent in doc.ents:
            counts[ent.label_] = counts.get(ent.label_, 0) + 1
    return counts


def prepare_corpus(out_dir: Path, train_unit: str = TRAIN_UNIT, overlap: str = OVERLAP
                   ) -> tuple[list[str], dict[str, list[str]], brat.ConversionReport]:
    labels = brat.frequent_labels(CORPUS, MIN_MENTIONS)
    split = brat.split_documents(brat.document_ids(CORPUS), SPLIT_SEED, SPLIT_FRACTIONS)
    report = brat.convert_corpus(CORPUS, out_dir, labels, split, train_unit=train_unit,
                                 overlap=overlap)
    return labels, split, report


def settings_from(config: Config) -> dict[str, Any]:
    ner = config["components"]["ner"]["model"]
    t2v = ner["tok2vec"]
    training = config["training"]
    return {
        "tokenizer": "scispacy.custom_tokenizer.combined_rule_tokenizer",
        "tok2vec": "Tok2Vec.v2 inside the ner component (MultiHashEmbed.v2 + "
                   "MaxoutWindowEncoder.v2), no static vectors; weights initialised by "
                   "`spacy pretrain` when pretraining is on (see 'pretraining')",
        "embed_attrs": t2v["embed"]["attrs"],
        "embed_rows": t2v["embed"]["rows"],
        "width": t2v["encode"]["width"],
        "depth": t2v["encode"]["depth"],
        "window_size": t2v["encode"]["window_size"],
        "maxout_pieces": t2v["encode"]["maxout_pieces"],
        "parser_hidden_width": ner["hidden_width"],
        "dropout": training["dropout"],
        "max_steps": training["max_steps"],
        "learn_rate": training["optimizer"]["learn_rate"],
        "use_averages": training["optimizer"]["use_averages"],
        "batcher": "batch_by_words, compounding "
                   f"{training['batcher']['size']['start']}->{training['batcher']['size']['stop']}",
        "train_unit": TRAIN_UNIT,
        "seed": config["system"]["seed"],
    }


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def tune(name: str, overrides: dict[str, Any], pretrain_epochs: int = 0,
         train_unit: str = TRAIN_UNIT, config: Path = CONFIG, overlap: str = OVERLAP) -> None:
    out = WORK / "output" / name
    corpus_dir = out / "corpus"  # per run: spaCy re-reads the DocBins every epoch
    _labels, split, _report = prepare_corpus(corpus_dir, train_unit, overlap)
    if pretrain_epochs:
        overrides, _info = run_pretraining(split, overrides, pretrain_epochs)
    started = time.time()
    spacy_train(config, out, overrides={
        "paths.train": str(corpus_dir / "train.spacy"),
        "paths.dev": str(corpus_dir / "dev.spacy"),
        "training.max_steps": 20000,
        "training.patience": 2400,
        "training.eval_frequency": 300,
        **overrides,
    })
    minutes = (time.time() - started) / 60
    nlp = spacy.load(out / "model-best")
    scores = evaluate(nlp, corpus_dir / "dev.spacy")
    print(format_scores(scores, gold_support(corpus_dir / "dev.spacy")))
    (out / "dev_scores.json").write_text(json.dumps(
        {"overrides": overrides, "minutes": round(minutes, 1), **scores}, indent=2) + "\n")
    print(f"{name}: dev micro-F1 {scores['micro']['f']:.4f} in {minutes:.1f} min")


def run_pretraining(split: dict[str, list[str]], overrides: dict[str, Any],
                    epochs: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Pretrain the tok2vec on raw text (MACCROBAT train+dev, never test, + our own text).

    Returns the overrides with ``paths.pretrained_tok2vec`` set, and what was done.
    """
    out = WORK / "output" / "pretrain"
    raw = out / "raw_text.jsonl"
    info: dict[str, Any] = pretrain.write_raw_text(raw, CORPUS, split["train"] + split["dev"])
    started = time.time()
    weights = pretrain.run_pretraining(CONFIG, raw, out,
                                       {**overrides, "pretraining.max_epochs": epochs})
    info["minutes"] = round((time.time() - started) / 60, 1)
    return {**overrides, "paths.pretrained_tok2vec": str(weights)}, info


def ship(overrides: dict[str, Any], pretrain_epochs: int = 0) -> None:
    corpus_dir = WORK / "corpus"
    started = time.time()
    labels, split, report = prepare_corpus(corpus_dir)
    print(brat.format_report(report, labels))
    pretrain_info: dict[str, Any] = {"epochs": pretrain_epochs}
    if pretrain_epochs:
        overrides, info = run_pretraining(split, overrides, pretrain_epochs)
        pretrain_info.update(info)
    out = WORK / "output" / "final"
    if out.exists():
        shutil.rmtree(out)
    spacy_train(CONFIG, out, overrides={
        "paths.train": str(corpus_dir / "train_dev.spacy"),
        # dev is inside train_dev: the dev score printed while training is not a measure
        "paths.dev": str(corpus_dir / "dev.spacy"),
        "training.patience": 0,
        "training.max_epochs": 0,
        **overrides,
    })
    train_minutes = (time.time() - started) / 60
    if SHIPPED.exists():
        shutil.rmtree(SHIPPED)
    nlp = spacy.load(out / "model-last")
    nlp.meta["name"] = "case_ner"
    nlp.meta["description"] = (
        "Case-report NER (25 MACCROBAT labels) over scispaCy's tokenizer; see ../meta.json")
    nlp.meta["license"] = "CC BY 4.0 (trained on MACCROBAT2020)"
    for key, value in nlp.config["paths"].items():  # no path of the training machine ships
        nlp.config["paths"][key] = _relative(value)
    nlp.to_disk(SHIPPED)

    scores = evaluate(spacy.load(SHIPPED), corpus_dir / "test.spacy")
    support = gold_support(corpus_dir / "test.spacy")
    print(format_scores(scores, support))
    config = Config().from_disk(CONFIG, overrides=overrides, interpolate=True)
    size_mb = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file()) / 1e6
    meta = {
        "model": "models/case_ner",
        "load": 'spacy.load("models/case_ner") or, in another pipeline, '
                'nlp.add_pipe("ner", source=spacy.load("models/case_ner")); the ner component '
                "holds its own tok2vec, and the pipeline expects scispaCy's "
                "combined_rule_tokenizer (saved with it)",
        "training_command": "make model  (= python -m extract.training.train)",
        "config": "models/config.cfg",
        "overrides": {k: _relative(v) for k, v in overrides.items()},
        "corpus": "corpus/maccrobat (160 MACCROBAT2020 reports, brat standoff, CC BY 4.0)",
        "labels": labels,
        "label_rule": f"labels with >= {MIN_MENTIONS} T mentions in corpus/maccrobat",
        "conversion_rules": {
            "discontinuous": "first fragment kept",
            "alignment": "whitespace trimmed, then Doc.char_span(alignment_mode='expand')",
            "overlap": "longest span in tokens kept (ties: earlier start); overlapping spans "
                       "dropped; spans of other labels removed before this",
            "train_unit": "training docs split into lines (one sentence per line); dev/test "
                          "scored as whole documents",
        },
        "conversion_losses": report.as_dict(labels),
        "split": {"seed": SPLIT_SEED, "fractions": {"train": SPLIT_FRACTIONS[0],
                                                    "dev": SPLIT_FRACTIONS[1],
                                                    "test": round(1 - sum(SPLIT_FRACTIONS), 2)},
                  "method": "sorted ids shuffled with random.Random(seed), cut in order",
                  **split},
        "trained_on": "train + dev",
        "settings": settings_from(config),
        "test": {**scores, "support": support,
                 "scoring": "exact span and label (spaCy Scorer), whole test documents"},
        "pretraining": {
            "what": "spacy pretrain (characters objective) of the ner's tok2vec, weights loaded "
                    "by [initialize.after_init]; see extract/training/pretrain.py",
            "raw_text": "MACCROBAT train+dev .txt (not test), corpus/dev/txt, corpus/spinal/txt, "
                        "corpus/seed/shimizu2018_extracted.txt, corpus/jats bodies",
            **pretrain_info,
        },
        "dev_tuning": json.loads(TUNING_LOG.read_text()),
        "training_minutes": round(train_minutes, 1),
        "cpu_threads": os.cpu_count(),
        "size_mb": round(size_mb, 1),
        "versions": {"spacy": spacy.__version__, "scispacy": _version("scispacy")},
    }
    META.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"test micro-F1 {scores['micro']['f']:.4f}; training {train_minutes:.1f} min; "
          f"model {size_mb:.1f} MB -> {SHIPPED}")


def _relative(value: Any) -> Any:
    """A path under the repository as a relative path (meta.json is machine-independent)."""
    if isinstance(value, str) and value.startswith(str(ROOT) + os.sep):
        return str(Path(value).relative_to(ROOT))
    return value


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", metavar="NAME",
                        help="train on train, early-stop on dev, print dev scores")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="spaCy config override, e.g. "
                             "components.ner.model.tok2vec.encode.depth=8")
    parser.add_argument("--pretrain-epochs", type=int, default=None, metavar="N",
                        help="first `spacy pretrain` the tok2vec for N epochs on raw case-report "
                             "text (extract/training/pretrain.py); 0: no pretraining; "
                             "default: [pretraining] max_epochs of models/config.cfg")
    parser.add_argument("--train-unit", choices=brat.TRAIN_UNITS, default=TRAIN_UNIT,
                        help=f"(with --tune) how training reports are cut (default {TRAIN_UNIT})")
    parser.add_argument("--overlap", choices=brat.OVERLAP_RULES, default=OVERLAP,
                        help=f"(with --tune) which overlapping span is kept (default {OVERLAP})")
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="(with --tune) another training config, e.g. a different "
                             "architecture that --set cannot express (default models/config.cfg)")
    args = parser.parse_args(argv)
    overrides = parse_overrides(args.set)
    if args.pretrain_epochs is None:
        args.pretrain_epochs = int(Config().from_disk(CONFIG)["pretraining"]["max_epochs"])
    if args.tune:
        tune(args.tune, overrides, args.pretrain_epochs, args.train_unit, args.config,
             args.overlap)
    else:
        ship(overrides, args.pretrain_epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
