"""How far into a Doc the costly components look: ``doc.user_data[SCOPE_KEY]``.

:func:`extract.nlp.annotate` sets the scope to where the Document's back matter starts
(references, acknowledgements, declarations ...: ``extract.fields.patients.body_end``, the
field rules' own boundary), since no field rule reads entities or their context past it; with
``whole=True`` it is the whole text. The NER (``ner``, see :mod:`.entities`) and ConText's cue
matcher (:mod:`.context`) run on the tokens before the scope's end only; the tokenizer, the
sentences and the terminology (:mod:`.terms`) cover the whole text. A Doc without a scope is
annotated whole.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc

SCOPE_KEY = "case_extract.scope_end"  # doc.user_data: the character offset where it ends


def set_scope(doc: Doc, end_char: int) -> None:
    doc.user_data[SCOPE_KEY] = int(end_char)


def scope_end(doc: Doc) -> int:
    """The index of the first token past the scope (``len(doc)`` for the whole Doc)."""
    end_char = doc.user_data.get(SCOPE_KEY)
    if end_char is None or end_char >= len(doc.text):
        return len(doc)
    starts = [t.idx for t in doc]
    return bisect.bisect_left(starts, end_char)
