"""Sentence boundaries for case reports: ``case_sentences``.

Why our own rules and not PyRuSH or spaCy's Sentencizer: spaCy's Sentencizer splits after
every "." token, so "Fig. 2", "et al." and "approx. 5 cm" end sentences; PyRuSH's rules were
written for clinical notes and treat line breaks as boundaries, while text read from PDFs
breaks lines (and even leaves blank lines) in mid-sentence. Measured on the cases of
``tests/nlp/test_sentences.py`` (Fig. 4A, et al. + line break, approx., vs., no. 3, pt.),
medspaCy's PyRuSH split 6 of 9 wrongly and took 0.70 s on the seed report against 0.03 s here. This splitter makes one pass over
the tokens: a sentence ends at "." "!" "?" when the next word starts like a sentence (capital
letter or digit) and the word before the full stop is not an abbreviation from
``resources/sentence_abbreviations.json``; a blank line ends one when the next line starts
with a capital; and the heading lines of the Document's sections (see ``sections.py``) are
sentences of their own. Sentences longer than ``max_tokens`` (tables read as text) are cut
at line breaks so ConText scopes stay local.
"""

import bisect
import json
from pathlib import Path

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extract.nlp.sections import SECTIONS_KEY, heading_line_ends

DEFAULT_ABBREVIATIONS = Path(__file__).parent / "resources" / "sentence_abbreviations.json"
_ENDERS = {".", "!", "?"}
_OPENERS = {"(", "[", '"', "“", "‘", "'"}
_CLOCK = {"a.m", "p.m"}


def load_abbreviations(path: str | Path) -> set[str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {a.lower().rstrip(".") for a in data["abbreviations"]}


class CaseSentences:
    def __init__(self, abbreviations: set[str], max_tokens: int) -> None:
        self.abbreviations = abbreviations
        self.max_tokens = max_tokens

    @staticmethod
    def _first_word(doc: Doc, i: int) -> int:
        """The first token from i on that is not whitespace (a sentence starts there)."""
        while i < len(doc) - 1 and doc[i].is_space:
            i += 1
        return i

    def _starts_sentence(self, doc: Doc, i: int) -> bool:
        """Does token i look like the first word of a sentence?"""
        n = len(doc)
        while i < n and doc[i].is_space:
            i += 1
        if i >= n:
            return False
        text = doc[i].text
        if text in _OPENERS and i + 1 < n:
            text = doc[i + 1].text
        c = text[0]
        return c.isupper() or c.isdigit()

    def _is_abbreviation(self, doc: Doc, i: int) -> bool:
        """Is the full stop at token i part of an abbreviation ("Fig.", "et al.", "approx .")?"""
        tok = doc[i]
        if tok.text != ".":  # the tokenizer kept the stop on the word: "al.", "Fig.", "i.e."
            word = tok.text.lower().rstrip(".")
            if word in self.abbreviations:
                return True
            if word in _CLOCK:  # "at 09:00 a.m. After planning ..."
                return False
            if len(word) <= 1:
                # an initial ("J. Smith", "Dr. J. Smith"), unless it ends a phrase such as
                # "hepatitis C.", "2.8 L.", "class II."
                prev = doc[i - 1] if i else None
                return prev is None or not (prev.is_lower or prev.like_num)
            return "." in word  # dotted initialisms: "U.S.", "e.g."
        if i == 0:
            return False
        prev = doc[i - 1]
        if prev.whitespace_:  # "word ." : a stop standing alone ends a sentence
            return False
        return prev.text.lower() in self.abbreviations

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        for i in range(n - 1):
            tok = doc[i]
            text = tok.text
            if text in _ENDERS or (text.endswith(".") and len(text) > 1):
                j = i + 1
                # keep a closing bracket or quote with the sentence it closes
                while (
                    j < n
                    and doc[j].text in {")", "]", '"', "”", "’"}
                    and not doc[j - 1].whitespace_
                ):
                    j += 1
                if (
                    j < n
                    and self._starts_sentence(doc, j)
                    and not (text.endswith(".") and self._is_abbreviation(doc, i))
                ):
                    starts[self._first_word(doc, j)] = True
            elif (
                tok.is_space
                and "\n\n" in text.replace("\r", "")
                and self._starts_sentence(doc, i + 1)
            ):
                starts[self._first_word(doc, i + 1)] = True
        if doc.user_data.get(SECTIONS_KEY):
            idx = [t.idx for t in doc]
            offsets = [start for _t, _l, start, _e in doc.user_data[SECTIONS_KEY]]
            offsets += heading_line_ends(doc)
            for off in offsets:
                k = bisect.bisect_left(idx, off)
                while k < n and doc[k].is_space:
                    k += 1
                if k < n:
                    starts[k] = True
        self._cut_long(doc, starts)
        # one array write: setting token.is_sent_start one by one is quadratic in spaCy
        values = numpy.array([1 if start else -1 for start in starts], dtype="int64").astype(
            "uint64"
        )
        doc.from_array([SENT_START], values)  # type: ignore[arg-type]
        return doc

    def _cut_long(self, doc: Doc, starts: list[bool]) -> None:
        last = 0
        for i in range(1, len(doc) + 1):
            if i == len(doc) or starts[i]:
                if i - last > self.max_tokens:
                    count = 0
                    for k in range(last + 1, i):
                        count += 1
                        if (
                            count >= self.max_tokens // 2
                            and doc[k - 1].is_space
                            and "\n" in doc[k - 1].text
                        ):
                            starts[k] = True
                            count = 0
                last = i


@Language.factory(
    "case_sentences",
    default_config={"abbreviations_path": None, "max_tokens": 200},
)
def make_case_sentences(
    nlp: Language, name: str, abbreviations_path: str | None, max_tokens: int
) -> CaseSentences:
    return CaseSentences(
        load_abbreviations(abbreviations_path or DEFAULT_ABBREVIATIONS), max_tokens
    )
