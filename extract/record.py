"""The case row: one patient, every FIELDS.md field, each value with its evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

CLINICAL_FIELDS: tuple[str, ...] = (
    "age_years",
    "sex",
    "primary_site",
    "metastasis_sites",
    "spinal_levels",
    "time_to_spinal_metastasis_months",
    "synchronous",
    "spinal_treatment",
    "tki",
    "outcome_status",
    "follow_up_months",
)
LIST_FIELDS: frozenset[str] = frozenset({"metastasis_sites", "spinal_levels", "spinal_treatment", "tki"})
MISSION_FIELDS: tuple[str, ...] = (
    "age_years",
    "primary_site",
    "metastasis_sites",
    "time_to_spinal_metastasis_months",
    "spinal_treatment",
)


@dataclass
class Evidence:
    """Verbatim words a value came from: ``document.text[start:end] == text``; ``ocr``: the
    words were read by OCR from a scanned page (issue 14), so a character may be misread."""

    text: str
    page: int | None = None
    start: int | None = None
    end: int | None = None
    ocr: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "page": self.page, "start": self.start, "end": self.end}
        if self.ocr:  # only on scans: rows of born-digital files serialise as before
            out["ocr"] = True
        return out


@dataclass
class CaseRow:
    """One patient of one document: its identity, every FIELDS.md field (None when the text
    does not say; list fields empty when it names none) and, in ``evidence``, the verbatim words
    each non-null value came from. ``to_json()`` is the row of ``case.schema.json``."""

    doc_id: str
    case_index: int = 1
    source: str = "narrative"  # or "table"
    reference: str | None = None
    age_years: float | None = None
    sex: str | None = None
    primary_site: str | None = None
    metastasis_sites: list[str] = field(default_factory=list)
    spinal_levels: list[str] = field(default_factory=list)
    time_to_spinal_metastasis_months: float | None = None
    synchronous: bool | None = None
    spinal_treatment: list[str] = field(default_factory=list)
    tki: list[str] = field(default_factory=list)
    outcome_status: str | None = None
    follow_up_months: float | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # the fields a reviewer decided (issue 13); None for the machine's rows, which carry no marker
    reviewed: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "case_index": self.case_index,
            "source": self.source,
            "reference": self.reference,
        }
        for name in CLINICAL_FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, list) else value
        out["evidence"] = {k: v.to_json() for k, v in self.evidence.items()}
        if self.reviewed is not None:
            out["reviewed"] = list(self.reviewed)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseRow:
        kwargs = {k: data.get(k) for k in ("doc_id", "case_index", "source", "reference")}
        for name in CLINICAL_FIELDS:
            value = data.get(name)
            kwargs[name] = list(value or []) if name in LIST_FIELDS else value
        ev = {k: Evidence(**{kk: v.get(kk) for kk in ("text", "page", "start", "end")},
                          ocr=bool(v.get("ocr")))
              for k, v in (data.get("evidence") or {}).items()}
        reviewed = data.get("reviewed")
        return cls(evidence=ev, reviewed=list(reviewed) if reviewed is not None else None,
                   **kwargs)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def case_schema() -> dict[str, Any]:
    """The contract's JSON schema (a copy of ``shared/spec/case.schema.json``)."""
    text = resources.files("extract.resources").joinpath("case.schema.json").read_text("utf-8")
    return json.loads(text)


def validation_errors(row: dict[str, Any]) -> list[str]:
    """Schema violations of one output row (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(case_schema())
    return [f"{'/'.join(map(str, e.path)) or '<row>'}: {e.message}" for e in validator.iter_errors(row)]
