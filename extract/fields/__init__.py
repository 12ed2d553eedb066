"""Field extractors: one module per field family, each a pure function from a patient's
text (or a table row) to values with evidence.

Modules: ``demographics`` (age, sex), ``sites`` (primary site, metastasis sites),
``timing`` (time to spinal metastasis, synchronous), ``treatment`` (spinal levels,
spinal treatment, TKIs), ``outcome`` (outcome status, follow-up), ``tables``
(literature-review and case-series tables -> rows). ``extract.cases`` assembles them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extract.document import Document
from extract.record import Evidence

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


@dataclass
class PatientText:
    """What one patient's field extractors read.

    ``document`` is the whole Document; ``doc`` the spaCy Doc of its whole text (same
    character offsets) or None when the NLP pipeline is off; ``ranges`` the character ranges
    of ``document.text`` that tell this patient's story (for a single-patient report, the
    whole text except references; for a case series, that patient's part).
    """

    document: Document
    doc: Doc | None
    ranges: list[tuple[int, int]] = field(default_factory=list)
    #: Text told of every patient of a series (its title, the lead of its abstract), which a
    #: field reads where the patient's own text is silent ("Spinal metastases of gastric GIST:
    #: two cases").
    shared: list[tuple[int, int]] = field(default_factory=list)
    #: A relative told as a patient ("her brother, aged 12, ..."): the relation's word.
    relation: str | None = None
    #: Told only as one of a group ("Three patients with ... underwent ..."): its ranges are the
    #: group's text, so the fields of one person (age, sex, levels, outcome) are not read for it.
    group: bool = False
    #: Models built once from this patient's text (:func:`extract.fields.story.story_of`).
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def whole(cls, document: Document, doc: Doc | None = None) -> PatientText:
        """The patient of a one-patient document: all of its text."""
        return cls(document, doc, [(0, len(document.text))])

    def contains(self, start: int, end: int | None = None) -> bool:
        end = start if end is None else end
        return any(a <= start and end <= b for a, b in self.ranges)


@dataclass
class FieldValue:
    """One extracted value of a FIELDS.md field with the words it came from."""

    field: str
    value: Any
    evidence: Evidence
    confidence: float = 1.0


def make_evidence(document: Document, start: int, end: int) -> Evidence:
    """Evidence over ``document.text[start:end]`` (verbatim) with its page."""
    return Evidence(document.text[start:end], document.page_of(start), start, end)
