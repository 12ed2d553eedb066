"""The entities: ``ner`` (the trained NER over the Doc's scope) and ``case_entity_edges``.

``ner`` is made by the ``case_scoped_ner`` factory: the NER trained on MACCROBAT (loaded from
``model_path``), run on the tokens of the Doc's scope (:mod:`.scope`: the text before the back
matter) only; its entities are set on the whole Doc. The NER is most of the pipeline's time
and its entities past the scope were never read.

``case_entity_edges``: text read from PDFs keeps line breaks that become whitespace tokens;
the NER (trained on MACCROBAT's clean sentences) sometimes takes one into an entity
("vital\\n"). This trims them so that ``ent.text`` is the words, and drops entities that are
whitespace only.
"""

from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.nlp.scope import scope_end


class ScopedNER:
    """A trained ``ner`` pipe, run on the Doc's scope."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.ner.labels)

    @property
    def model(self) -> Any:
        return self.ner.model

    def __call__(self, doc: Doc) -> Doc:
        end = scope_end(doc)
        if end >= len(doc):
            return self.ner(doc)  # type: ignore[no-any-return]
        if end == 0:
            doc.ents = []
            return doc
        body = self.ner(doc[:end].as_doc())
        doc.ents = [Span(doc, e.start, e.end, label=e.label, kb_id=e.kb_id) for e in body.ents]
        return doc


@Language.factory("case_scoped_ner", default_config={"model_path": ""})
def make_scoped_ner(nlp: Language, name: str, model_path: str) -> ScopedNER:
    """The ``ner`` of the spaCy pipeline saved at ``model_path`` (it must share ``nlp``'s
    tokenizer: ours, which it was trained with)."""
    ner: Any = spacy.load(model_path).get_pipe("ner")
    for label in ner.labels:  # the entities it sets are labelled in this pipeline's strings
        nlp.vocab.strings.add(label)
    return ScopedNER(ner)


def trim_entity(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start == end:
        return None
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_)


@Language.component("case_entity_edges")
def case_entity_edges(doc: Doc) -> Doc:
    if doc.ents:
        trimmed = [trim_entity(e) for e in doc.ents]
        doc.ents = [e for e in trimmed if e is not None]
    return doc
