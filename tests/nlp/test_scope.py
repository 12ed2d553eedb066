"""The scope of the annotation (extract/nlp/scope.py): the NER and ConText stop where the back
matter starts, which no field rule reads (issue 12)."""

from __future__ import annotations

from pathlib import Path

from extract.fields.patients import body_end
from extract.ingest import read
from extract.nlp import annotate
from extract.nlp.scope import SCOPE_KEY, scope_end, set_scope

ROOT = Path(__file__).resolve().parents[2]
# a case report with a long reference list after its body
PMC4738724 = ROOT / "corpus" / "pdfs" / "PMC4738724.pdf"


def test_scope_end_is_the_first_token_past_it(nlp_no_ner) -> None:
    doc = nlp_no_ner.make_doc("A 45-year-old man.\n\nReferences\n\n1. Smith J.")
    assert scope_end(doc) == len(doc)  # no scope: the whole Doc
    set_scope(doc, doc.text.index("References"))
    assert doc[scope_end(doc)].text == "References"
    assert doc.user_data[SCOPE_KEY] == doc.text.index("References")


def test_issue_12_pmc4738724_entities_and_context_stop_at_the_references(nlp_with_ner) -> None:
    document = read(PMC4738724)
    end = body_end(document)
    assert 0 < end < len(document.text) and document.text[end:].startswith(("Conflict", "References", "Competing"))
    scoped = annotate(nlp_with_ner, document)
    whole = annotate(nlp_with_ner, document, whole=True)
    assert scoped.text == whole.text == document.text
    assert scoped.ents and all(e.end_char <= end for e in scoped.ents)
    assert any(e.start_char >= end for e in whole.ents)  # the references have entities too
    # in the body (away from the cut, where the NER's window reaches) the same entities ...
    margin = end - 200
    assert [(e.start_char, e.end_char, e.label_) for e in scoped.ents if e.end_char < margin] == [
        (e.start_char, e.end_char, e.label_) for e in whole.ents if e.end_char < margin
    ]
    # ... and the same context on every target there; past the cut no cue is read
    flags = ("is_negated", "is_historical", "is_family", "is_hypothetical", "is_other_patient")

    def context(doc):  # type: ignore[no-untyped-def]
        spans = list(doc.ents) + list(doc.spans["terms"])
        return sorted((s.start_char, s.label_, tuple(getattr(s._, f) for f in flags)) for s in spans if s.end_char < margin)

    assert context(scoped) == context(whole)
    assert not any(getattr(s._, f) for s in scoped.spans["terms"] if s.start_char >= end for f in flags)
