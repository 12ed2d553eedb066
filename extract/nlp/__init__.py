"""The case-report NLP pipeline: a Document's text -> an annotated spaCy Doc.

Interface (the field extractors rely on exactly this)::

    from extract.nlp import load, get_nlp, annotate

    nlp = load(ner=True, model_path=None)   # -> spacy.Language; no network
    nlp = get_nlp(ner=True)                 # the same, built once per process and cached
    doc = annotate(nlp, document)           # -> spacy.tokens.Doc; doc.text == document.text

``load(*, ner=True, model_path=None)`` builds the pipeline from ``resources/pipeline.cfg``.
With ``ner=True`` the trained NER is sourced from ``model_path`` (default
``models/case_ner`` at the repository root); when it is missing,
:class:`extract.errors.ModelMissingError` says so in one line that names ``make model``.
``ner=False`` leaves the NER out (``doc.ents`` is then empty). Components, in order:

1. tokenizer: scispaCy's ``combined_rule_tokenizer`` (as the NER was trained with);
2. ``case_sentences`` (:mod:`.sentences`): sentence boundaries that survive "Fig. 2",
   "et al.", "vs.", "i.e.", "approx.", "no. 3", "Dr.", "pt." and PDF line breaks;
   section headings are sentences of their own;
3. ``ner``: the MACCROBAT model -> ``doc.ents`` with labels such as Age, Sex, Duration,
   Date, Biological_structure, Disease_disorder, Therapeutic_procedure, Medication, found
   in the body of the report (before its back matter: :mod:`.scope`; ``annotate(...,
   whole=True)`` for all of it) (then ``case_entity_edges`` trims line-break tokens off
   entity edges);
4. ``case_abbreviations`` (:mod:`.abbreviations`): scispaCy's AbbreviationDetector ->
   ``doc._.abbreviations``, a list of short-form spans, each with ``span._.long_form`` (a
   Span); the other number of a short form resolves too ("GIST" after "... (GISTs)");
5. ``case_terms`` (:mod:`.terms`): ``doc.spans["terms"]``, spans labelled PRIMARY_SITE,
   METASTASIS_SITE, SPINAL_LEVEL, SPINAL_TREATMENT, TKI, GIST, OTHER_TUMOR and METASTASIS
   (the words "metastasis", "metastatic", "invasion" ..., value "metastasis"), each with
   ``span._.value``, the normalised value of FIELDS.md: a primary_site word ("stomach"),
   a metastasis site code ("L", "V", ...), a list of levels for SPINAL_LEVEL (["T12", "L1",
   "L2"]), a spinal_treatment word, a tki name ("imatinib" for "Glivec"); the GIST label's
   value is "GIST", OTHER_TUMOR's the tumour's name. Patterns are in
   ``resources/terms/*.jsonl``, one JSON object a line:
   ``{"label": "TKI", "pattern": "glivec", "value": "imatinib"}`` where ``pattern`` is a
   phrase (case-insensitive) or a spaCy token pattern (a list of dicts);
6. ``case_context`` (:mod:`.context`): medspaCy ConText over ``doc.ents`` and the term spans,
   setting ``span._.is_negated``, ``is_historical``, ``is_hypothetical``, ``is_family``,
   ``is_uncertain`` and ``is_other_patient`` (rules: medspaCy's defaults plus
   ``resources/context_rules.json``), from cues in the body of the report (the spans past it
   keep every flag False).

``annotate(nlp, document)`` runs the pipeline over ``document.text`` (the Doc's text is
exactly ``document.text``, so character offsets are shared) and gives every token
``token._.section``: the title of the innermost section of ``document.sections`` holding it,
or None (also ``span._.section``, from the span's first token).
``annotate_many(nlp, documents, batch_size=8)`` yields the same Docs for many documents,
batched through ``nlp.pipe``. On plain text: ``extract.nlp.spinal_levels.parse_levels("T12-L2")``
-> ["T12", "L1", "L2"] and ``find_spinal_levels(text)`` (mentions with offsets).

The Docs keep Span objects in extensions (``doc._.abbreviations``, ConText's modifiers), so
they are for use in the process that made them: they do not go through ``doc.to_bytes`` or
pickle (run one pipeline per worker process, as ``get_nlp`` does).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extract.document import Document
from extract.errors import ModelMissingError

# Importing the component modules registers their factories and extensions.
from extract.nlp import (  # noqa: F401
    abbreviations,
    context,
    entities,
    scope,
    sentences,
    terms,
    tokenizer,
)
from extract.nlp.scope import set_scope
from extract.nlp.sections import set_sections

RESOURCES = Path(__file__).parent / "resources"
CONFIG_PATH = RESOURCES / "pipeline.cfg"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "case_ner"
#: Without a parser there is no quadratic memory cost: allow whole long reports.
MAX_LENGTH = 5_000_000


def _check_model(path: Path) -> None:
    if not (path / "config.cfg").is_file() or not (path / "ner").is_dir():
        raise ModelMissingError(
            f"NER model not found in {path}: run `make model` to train it (or use load(ner=False))"
        )


def load(*, ner: bool = True, model_path: str | Path | None = None) -> Language:
    """The whole pipeline, built from ``resources/pipeline.cfg`` (no network)."""
    config = spacy.util.load_config(CONFIG_PATH)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.max_length = MAX_LENGTH
    if ner:
        path = Path(model_path) if model_path is not None else DEFAULT_MODEL_PATH
        _check_model(path)
        try:
            nlp.add_pipe(
                "case_scoped_ner", name="ner", after="case_sentences", config={"model_path": str(path)}
            )
        except (OSError, ValueError) as exc:
            raise ModelMissingError(
                f"NER model in {path} cannot be loaded ({' '.join(str(exc).split())[:200]}): "
                "run `make model` to retrain it"
            ) from None
    return nlp


@functools.lru_cache(maxsize=2)
def get_nlp(ner: bool = True) -> Language:
    """``load(ner=ner)`` built once per process."""
    return load(ner=ner)


def annotate(nlp: Language, document: Document, *, whole: bool = False) -> Doc:
    """Run ``nlp`` over ``document.text``; tokens get ``token._.section`` from the Document.

    Entities and their context are found in the body of the report, before its back matter
    (the field rules read nothing past it: :mod:`.scope`); ``whole=True`` annotates all of it.
    """
    return nlp(_prepare(nlp, document, whole))


def annotate_many(
    nlp: Language, documents: Iterable[Document], *, batch_size: int = 8, whole: bool = False
) -> Iterator[Doc]:
    """``annotate`` over many documents, in order, batched through ``nlp.pipe``."""
    return nlp.pipe((_prepare(nlp, d, whole) for d in documents), batch_size=batch_size)


def _prepare(nlp: Language, document: Document, whole: bool = False) -> Doc:
    doc = nlp.make_doc(document.text)
    set_sections(doc, document.sections)
    if not whole:
        from extract.fields.patients import body_end

        set_scope(doc, body_end(document))
    return doc


__all__ = ["CONFIG_PATH", "DEFAULT_MODEL_PATH", "annotate", "get_nlp", "load"]
