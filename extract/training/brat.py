"""MACCROBAT brat standoff -> spaCy DocBin, with one stated rule for every span we cannot keep.

Rules (also written to ``models/meta.json`` by :mod:`extract.training.train`):

* **Labels.** Only labels with at least ``min_mentions`` text-bound (``T``) mentions in the
  whole corpus are kept; counted on the raw ``.ann`` files, before any span is dropped.
* **Discontinuous spans** (``start end;start end``): the first fragment is kept.
* **Token alignment.** Texts are tokenised with scispaCy's ``combined_rule_tokenizer``.
  Leading/trailing whitespace is trimmed from a span, then ``Doc.char_span`` with
  ``alignment_mode="expand"`` snaps it out to whole tokens. A span is lost only if it
  still cannot be aligned (it covers no token).
* **Overlap.** Spans that overlap (after alignment) are resolved like
  ``spacy.util.filter_spans``: the longest span (in tokens) wins, ties go to the earlier
  start; every span overlapping a kept one is dropped.
* **Split.** By document: the sorted document ids are shuffled with ``random.Random(seed)``
  and cut into train/dev/test by the given fractions.

``E``, ``R``, ``A`` and ``#`` lines (events, relations, attributes, notes) are ignored.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

SPLITS = ("train", "dev", "test")
TRAIN_UNITS = ("line", "chunk", "doc")
OVERLAP_RULES = ("longest", "shortest")  # which of two overlapping spans is kept  # how training documents are stored (convert_corpus)


@dataclass(frozen=True)
class BratEntity:
    """One text-bound annotation (a ``T`` line)."""

    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[0][1]

    @property
    def discontinuous(self) -> bool:
        return len(self.fragments) > 1


@dataclass
class ConversionReport:
    """What the converter kept and lost, per label."""

    mentions: Counter[str] = field(default_factory=Counter)  # raw T lines, all labels
    kept: Counter[str] = field(default_factory=Counter)
    lost_overlap: Counter[str] = field(default_factory=Counter)
    lost_misaligned: Counter[str] = field(default_factory=Counter)
    expanded: Counter[str] = field(default_factory=Counter)  # kept, boundaries snapped out
    discontinuous: Counter[str] = field(default_factory=Counter)  # kept as first fragment

    def merge(self, other: ConversionReport) -> None:
        for name in ("mentions", "kept", "lost_overlap", "lost_misaligned", "expanded",
                     "discontinuous"):
            getattr(self, name).update(getattr(other, name))

    def as_dict(self, labels: list[str]) -> dict[str, dict[str, int]]:
        return {
            label: {
                "mentions": self.mentions[label],
                "kept": self.kept[label],
                "lost_overlap": self.lost_overlap[label],
                "lost_misaligned": self.lost_misaligned[label],
                "expanded_to_tokens": self.expanded[label],
                "discontinuous_first_fragment": self.discontinuous[label],
            }
            for label in labels
        }


def read_ann(path: Path) -> list[BratEntity]:
    """The ``T`` lines of a brat ``.ann`` file; other line types are skipped."""
    entities = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        ent_id, label_and_offsets, text = line.split("\t", 2)
        label, offsets = label_and_offsets.split(" ", 1)
        fragments = tuple(
            (int(a), int(b)) for a, b in (frag.split() for frag in offsets.split(";"))
        )
        entities.append(BratEntity(ent_id, label, fragments, text))
    return entities


def document_ids(corpus_dir: Path) -> list[str]:
    """Sorted ids of the documents that have both a ``.txt`` and an ``.ann`` file."""
    return sorted(p.stem for p in corpus_dir.glob("*.txt") if p.with_suffix(".ann").exists())


def label_counts(corpus_dir: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for doc_id in document_ids(corpus_dir):
        counts.update(e.label for e in read_ann(corpus_dir / f"{doc_id}.ann"))
    return counts


def frequent_labels(corpus_dir: Path, min_mentions: int = 50) -> list[str]:
    """Labels with at least ``min_mentions`` T mentions, most frequent first."""
    counts = label_counts(corpus_dir)
    return sorted((lb for lb, n in counts.items() if n >= min_mentions),
                  key=lambda lb: (-counts[lb], lb))


def split_documents(
    doc_ids: list[str], seed: int = 0, fractions: tuple[float, float] = (0.70, 0.15)
) -> dict[str, list[str]]:
    """Seeded split by document: train and dev fractions given, test gets the rest."""
    ids = sorted(doc_ids)
    random.Random(seed).shuffle(ids)
    n_train = round(len(ids) * fractions[0])
    n_dev = round(len(ids) * fractions[1])
    return {
        "train": sorted(ids[:n_train]),
        "dev": sorted(ids[n_train:n_train + n_dev]),
        "test": sorted(ids[n_train + n_dev:]),
    }


def make_tokenizer_nlp() -> Language:
    """A blank English pipeline with scispaCy's tokenizer (the one the model is trained on)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    return nlp


@spacy.registry.callbacks("case_extract.scispacy_tokenizer.v1")
def scispacy_tokenizer_callback() -> Callable[[Language], Language]:
    """``[initialize.before_init]`` hook: train (and save) the pipeline with scispaCy's tokenizer.

    The tokenizer's rules are saved with the pipeline, so ``spacy.load`` needs no hook.
    """

    def use_scispacy_tokenizer(nlp: Language) -> Language:
        nlp.tokenizer = combined_rule_tokenizer(nlp)
        return nlp

    return use_scispacy_tokenizer


def line_docs(doc: Doc) -> list[Doc]:
    """One Doc per line (MACCROBAT has one sentence per line); newline tokens are dropped.

    Entities never cross a line, so the ``doc.ents`` of the pieces equal those of ``doc``.
    """
    pieces: list[Doc] = []
    start = 0
    for token in doc:
        if "\n" in token.text:
            if token.i > start:
                pieces.append(doc[start:token.i].as_doc())
            start = token.i + 1
    if start < len(doc):
        pieces.append(doc[start:].as_doc())
    return pieces


def chunk_docs(doc: Doc, max_tokens: int = 128) -> list[Doc]:
    """Runs of whole lines of at most ``max_tokens`` tokens (one line may exceed it).

    Unlike :func:`line_docs`, the newline tokens between the lines of a chunk are kept, so the
    model sees the line breaks it meets in whole documents (dev, test, real text).
    """
    lines: list[tuple[int, int]] = []  # token (start, end) of each line, newline excluded
    start = 0
    for token in doc:
        if "\n" in token.text:
            if token.i > start:
                lines.append((start, token.i))
            start = token.i + 1
    if start < len(doc):
        lines.append((start, len(doc)))
    pieces: list[Doc] = []
    first = last = None
    for line_start, line_end in lines:
        if first is not None and last is not None and line_end - first > max_tokens:
            pieces.append(doc[first:last].as_doc())
            first = None
        if first is None:
            first = line_start
        last = line_end
    if first is not None and last is not None:
        pieces.append(doc[first:last].as_doc())
    return pieces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def resolve_overlaps(spans: list[Span], prefer: str = "longest") -> tuple[list[Span], list[Span]]:
    """Overlapping spans: the longest (``prefer="longest"``) or the shortest (``"shortest"``,
    innermost) in tokens wins, ties to the earlier start; returns (kept, dropped)."""
    if prefer not in OVERLAP_RULES:
        raise ValueError(f"prefer must be one of {OVERLAP_RULES}, not {prefer!r}")
    sign = -1 if prefer == "longest" else 1
    order = sorted(spans, key=lambda s: (sign * (s.end - s.start), s.start, s.label_))
    kept: list[Span] = []
    dropped: list[Span] = []
    taken: set[int] = set()
    for span in order:
        if any(i in taken for i in range(span.start, span.end)):
            dropped.append(span)
        else:
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start), dropped


def convert_document(
    nlp: Language, text: str, entities: list[BratEntity], labels: set[str],
    overlap: str = "longest",
) -> tuple[Doc, ConversionReport]:
    """Tokenise ``text`` and set ``doc.ents`` from the brat entities of the kept labels."""
    report = ConversionReport()
    doc = nlp.make_doc(text)
    candidates: list[Span] = []
    for ent in entities:
        report.mentions[ent.label] += 1
        if ent.label not in labels:
            continue
        if ent.discontinuous:
            report.discontinuous[ent.label] += 1
        start, end = _trim(text, ent.start, ent.end)
        span = doc.char_span(start, end, label=ent.label, alignment_mode="expand")
        if span is None or len(span) == 0:
            report.lost_misaligned[ent.label] += 1
            continue
        if span.start_char != start or span.end_char != end:
            report.expanded[ent.label] += 1
        candidates.append(span)
    kept, dropped = resolve_overlaps(candidates, overlap)
    for span in dropped:
        report.lost_overlap[span.label_] += 1
    for span in kept:
        report.kept[span.label_] += 1
    doc.ents = kept
    doc.user_data["doc_id"] = None
    return doc, report


def load_document(nlp: Language, corpus_dir: Path, doc_id: str,
                  labels: set[str], overlap: str = "longest") -> tuple[Doc, ConversionReport]:
    text = (corpus_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
    entities = read_ann(corpus_dir / f"{doc_id}.ann")
    doc, report = convert_document(nlp, text, entities, labels, overlap)
    doc.user_data["doc_id"] = doc_id
    return doc, report


def convert_corpus(
    corpus_dir: Path,
    out_dir: Path,
    labels: list[str],
    split: dict[str, list[str]],
    train_unit: str = "line",
    overlap: str = "longest",
) -> ConversionReport:
    """Write ``{train,dev,test,train_dev}.spacy`` DocBins under ``out_dir``; return the losses.

    ``train_unit="line"`` stores the training documents (train, train_dev) one line (sentence)
    per Doc, so batches mix sentences of many reports; ``"chunk"`` stores runs of whole lines
    (:func:`chunk_docs`, newlines kept); ``"doc"`` whole documents. Dev and test stay whole
    documents.
    """
    if train_unit not in TRAIN_UNITS:
        raise ValueError(f"train_unit must be one of {TRAIN_UNITS}, not {train_unit!r}")
    nlp = make_tokenizer_nlp()
    out_dir.mkdir(parents=True, exist_ok=True)
    total = ConversionReport()
    label_set = set(labels)
    docs: dict[str, list[Doc]] = {}
    for name in SPLITS:
        docs[name] = []
        for doc_id in split[name]:
            doc, report = load_document(nlp, corpus_dir, doc_id, label_set, overlap)
            total.merge(report)
            docs[name].append(doc)
    docs["train_dev"] = docs["train"] + docs["dev"]
    for name, items in docs.items():
        if train_unit == "line" and name in ("train", "train_dev"):
            items = [piece for doc in items for piece in line_docs(doc)]
        elif train_unit == "chunk" and name in ("train", "train_dev"):
            items = [piece for doc in items for piece in chunk_docs(doc)]
        docbin = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
        for doc in items:
            docbin.add(doc)
        docbin.to_disk(out_dir / f"{name}.spacy")
    return total


def format_report(report: ConversionReport, labels: list[str]) -> str:
    lines = [f"{'label':<24}{'mentions':>9}{'kept':>7}{'overlap':>9}{'misalign':>9}"
             f"{'expanded':>9}"]
    for label in labels:
        lines.append(
            f"{label:<24}{report.mentions[label]:>9}{report.kept[label]:>7}"
            f"{report.lost_overlap[label]:>9}{report.lost_misaligned[label]:>9}"
            f"{report.expanded[label]:>9}"
        )
    return "\n".join(lines)
