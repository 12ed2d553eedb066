"""``case_entity_edges``: NER entities without whitespace at their edges.

Text read from PDFs keeps line breaks that become whitespace tokens; the NER (trained on
MACCROBAT's clean sentences) sometimes takes one into an entity ("vital\\n"). This trims
them so that ``ent.text`` is the words, and drops entities that are whitespace only.
"""

from spacy.language import Language
from spacy.tokens import Doc, Span


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
