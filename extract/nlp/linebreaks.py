"""Token patterns that match across line breaks.

Text read from PDFs or pasted from a page keeps line breaks inside sentences ("en\\nbloc
corpectomy", "in most\\ncases"); spaCy makes each break a whitespace token, which a phrase or
token pattern would not step over. These helpers put an optional whitespace token between
the elements of a pattern.
"""

from typing import Any

from spacy.language import Language

SPACE: dict[str, Any] = {"IS_SPACE": True, "OP": "*"}


def across_line_breaks(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pattern`` with an optional run of whitespace tokens between its elements."""
    out: list[dict[str, Any]] = []
    for i, element in enumerate(pattern):
        if i:
            out.append(dict(SPACE))
        out.append(element)
    return out


def phrase_pattern(nlp: Language, phrase: str) -> list[dict[str, Any]]:
    """A case-insensitive token pattern for ``phrase`` (tokenized as the documents are)."""
    return across_line_breaks([{"LOWER": t.lower_} for t in nlp.make_doc(phrase) if not t.is_space])
