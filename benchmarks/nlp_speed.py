"""Throughput of extract.nlp.annotate: documents, characters and tokens per second.

    .venv/bin/python benchmarks/nlp_speed.py [--no-ner] [--whole] [--model-path DIR] [--repeat N] [PATH ...]

PATHs (files or folders; default corpus/dev/txt and the seed's extracted text) are read with
extract.ingest once; then every document is annotated ``--repeat`` times, as
``extract.nlp.annotate`` does (the NER and ConText in the body of the report; ``--whole``: all
of it). Prints the totals and the time each component took, then the throughput of
annotate_many (batched nlp.pipe).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from extract.errors import ModelMissingError
from extract.ingest import iter_inputs, read
from extract.nlp import _prepare, annotate_many, load

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [
    ROOT / "corpus" / "dev" / "txt",
    ROOT / "corpus" / "seed" / "shimizu2018_extracted.txt",
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--no-ner", action="store_true", help="leave the NER out")
    parser.add_argument("--whole", action="store_true", help="annotate the back matter too")
    parser.add_argument("--model-path", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    try:
        nlp = load(ner=not args.no_ner, model_path=args.model_path)
    except ModelMissingError as exc:
        raise SystemExit(f"{exc}") from None
    load_s = time.perf_counter() - t0
    documents = [read(p) for p in iter_inputs(args.paths or DEFAULT_PATHS)]
    per_pipe: dict[str, float] = defaultdict(float)
    chars = tokens = 0
    start = time.perf_counter()
    for _ in range(args.repeat):
        for document in documents:
            # annotate(), timed component by component
            t = time.perf_counter()
            doc = _prepare(nlp, document, args.whole)
            per_pipe["tokenizer+sections+scope"] += time.perf_counter() - t
            for name, proc in nlp.pipeline:
                t = time.perf_counter()
                doc = proc(doc)
                per_pipe[name] += time.perf_counter() - t
            chars += len(document.text)
            tokens += len(doc)
    total = time.perf_counter() - start
    n = len(documents) * args.repeat
    print(f"pipeline: {' -> '.join(['tokenizer', *nlp.pipe_names])} (loaded in {load_s:.1f} s)")
    print(
        f"documents: {len(documents)} x {args.repeat} = {n}, {chars / n:,.0f} characters each on average"
    )
    print(
        f"throughput: {n / total:.1f} docs/s, {chars / total:,.0f} chars/s, {tokens / total:,.0f} tokens/s"
    )
    for name, seconds in per_pipe.items():
        print(f"  {name:20s} {seconds / n * 1000:8.1f} ms/doc  ({seconds / total:5.1%})")
    start = time.perf_counter()
    for _ in range(args.repeat):
        for _doc in annotate_many(nlp, documents, batch_size=8, whole=args.whole):
            pass
    batched = time.perf_counter() - start
    print(f"annotate_many (batch_size=8): {n / batched:.1f} docs/s, {chars / batched:,.0f} chars/s")


if __name__ == "__main__":
    main()
