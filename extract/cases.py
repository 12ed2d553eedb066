"""Which patients a document holds, and one CaseRow for each.

Placeholder extractor of the walking skeleton (issue 2): the index patient's age and sex
from the first "N-year-old man/woman" phrase. The case-rows issue replaces it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from extract.document import Document
from extract.record import CaseRow, Evidence

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

_AGE_SEX = re.compile(
    r"\b(\d{1,3})[- ]year[- ]old\b(?:\s+\w+){0,3}?\s+(man|woman|male|female|boy|girl)\b", re.I
)
_SEX = {"man": "male", "male": "male", "boy": "male", "woman": "female", "female": "female", "girl": "female"}


def extract_cases(document: Document, nlp: Language | None = None) -> list[CaseRow]:
    row = CaseRow(doc_id=document.doc_id)
    m = _AGE_SEX.search(document.text)
    if m:
        ev = Evidence(m.group(0), document.page_of(m.start()), m.start(), m.end())
        row.age_years = float(m.group(1))
        row.sex = _SEX[m.group(2).lower()]
        row.evidence["age_years"] = ev
        row.evidence["sex"] = ev
    return [row]
