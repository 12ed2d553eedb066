"""Abbreviations and their long forms: ``case_abbreviations``.

scispaCy's :class:`~scispacy.abbreviation.AbbreviationDetector` (Schwartz & Hearst) finds
"long form (SF)" definitions and the later mentions of the same short form. Case reports
define a plural ("gastrointestinal stromal tumors (GISTs)", "tyrosine kinase inhibitors
(TKIs)") and then use the singular ("a rectal GIST"), or the other way round, so this
component also resolves the other number of each short form (GISTs <-> GIST, TKIs <-> TKI).
Sets ``doc._.abbreviations`` (spans with ``span._.long_form``, a Span of the definition).
"""

import warnings

from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span


def number_variants(short_form: str) -> list[str]:
    """The other grammatical number of an abbreviation: 'GISTs' -> ['GIST'], 'TKI' -> ['TKIs']."""
    if len(short_form) >= 3 and short_form.endswith("s") and short_form[:-1].isupper():
        return [short_form[:-1]]
    if short_form.isupper() and short_form[-1].isalpha():
        return [short_form + "s"]
    return []


def _strip_space(span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end]


class CaseAbbreviations:
    def __init__(self, nlp: Language, max_inner_tokens: int) -> None:
        self.detector = AbbreviationDetector(nlp)
        # scispaCy's own "( anything+ )" pattern yields a match for every later ")" of the
        # document; definitions never hold more than a few words, so bound the inside.
        self.detector.matcher = Matcher(nlp.vocab)
        self.detector.matcher.add(
            "parenthesis",
            [
                [
                    {"ORTH": "("},
                    {"ORTH": {"NOT_IN": ["(", ")"]}, "OP": f"{{1,{max_inner_tokens}}}"},
                    {"ORTH": ")"},
                ]
            ],
        )
        self.vocab = nlp.vocab

    def __call__(self, doc: Doc) -> Doc:
        doc._.abbreviations = []
        with warnings.catch_warnings():
            # W036: scispaCy runs its matcher of found short forms even when there are none
            warnings.filterwarnings("ignore", message=r"\[W036\]")
            doc = self.detector(doc)
        found: list[Span] = list(doc._.abbreviations)
        for short in found:
            # scispaCy's long-form window can start or end on a line-break token
            short._.long_form = _strip_space(short._.long_form)
        taken = {(s.start, s.end) for s in found}
        by_text: dict[str, Span] = {}
        for short in found:
            by_text.setdefault(short.text, short._.long_form)
        extra = Matcher(self.vocab)
        long_of: dict[str, Span] = {}
        for text, long_form in by_text.items():
            for variant in number_variants(text):
                if variant not in by_text:
                    extra.add(variant, [[{"ORTH": variant}]])
                    long_of[variant] = long_form
        if long_of:
            for match_id, start, end in extra(doc):
                if (start, end) in taken:
                    continue
                span = doc[start:end]
                span._.long_form = long_of[self.vocab.strings[match_id]]
                found.append(span)
        found.sort(key=lambda s: s.start)
        doc._.abbreviations = found
        return doc


@Language.factory("case_abbreviations", default_config={"max_inner_tokens": 8})
def make_case_abbreviations(nlp: Language, name: str, max_inner_tokens: int) -> CaseAbbreviations:
    return CaseAbbreviations(nlp, max_inner_tokens)
