"""Each token's section, taken from the Document's sections (no second section detector).

``token._.section`` and ``span._.section`` give the title of the innermost
:class:`~extract.document.Section` that holds the token (the span's first token), or None.
``set_sections`` stores the sections on the Doc before the pipeline runs, so components
(the sentence splitter) can use heading positions too.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from extract.document import Section

SECTIONS_KEY = "case_extract.sections"  # doc.user_data: [(title, level, start, end)]
TOKEN_TITLES_KEY = "case_extract.token_sections"  # doc.user_data: list[str | None] per token


def _token_section(token: Token) -> str | None:
    titles = token.doc.user_data.get(TOKEN_TITLES_KEY)
    return titles[token.i] if titles else None


def _span_section(span: Span) -> str | None:
    return _token_section(span.doc[span.start]) if len(span) else None


def register_extensions() -> None:
    # force: medspaCy registers its own ``section`` (for its sectionizer, which we do not use)
    if Token.get_extension("section") != (None, None, _token_section, None):
        Token.set_extension("section", getter=_token_section, force=True)
    if Span.get_extension("section") != (None, None, _span_section, None):
        Span.set_extension("section", getter=_span_section, force=True)


def set_sections(doc: Doc, sections: Sequence[Section]) -> None:
    """Give every token of ``doc`` the title of the innermost section holding its first char."""
    register_extensions()
    # plain tuples: the Doc's user_data holds no objects of ours
    doc.user_data[SECTIONS_KEY] = [(s.title, s.level, s.start, s.end) for s in sections]
    titles: list[str | None] = [None] * len(doc)
    if sections:
        starts = [t.idx for t in doc]
        # Outer sections first, so inner (higher level, or later at equal level) ones overwrite.
        for s in sorted(sections, key=lambda s: (s.level, s.start)):
            a = bisect.bisect_left(starts, s.start)
            b = bisect.bisect_left(starts, s.end)
            titles[a:b] = [s.title] * (b - a)
    doc.user_data[TOKEN_TITLES_KEY] = titles


def heading_line_ends(doc: Doc) -> list[int]:
    """Character offsets where a section's heading line ends (for sentence boundaries)."""
    out = []
    text = doc.text
    for title, _level, start, end in doc.user_data.get(SECTIONS_KEY, []):
        nl = text.find("\n", start, end)
        # only a heading alone on its line ("Case presentation"), not a run-in heading
        # ("Case presentation: A 51-year-old man ...") whose line goes on with the text
        if nl > start and len(text[start:nl].strip().rstrip(":.")) <= len(title) + 8:
            out.append(nl)
    return out


register_extensions()
