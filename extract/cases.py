"""Which patients a document holds, and one CaseRow for each.

1. Annotate the text with the NLP pipeline when one is given (``extract.nlp.annotate``).
2. Find the patients the article reports as its own (:mod:`extract.fields.patients`): the
   index patient, or each patient of a case series.
3. Run every field module (``extract.fields.<module>.extract(patient)``) and build a
   narrative row per patient.
4. Add the rows of literature-review and case-series tables
   (``extract.fields.tables.cases_from_tables``). A table row that is the document's own case
   ("Current report", "present case", or "Case 2" of this series) is merged into its
   narrative patient: the table fills the fields the text leaves null (FIELDS.md).
5. Number the rows in document order (narrative cases first, then table rows in table
   order) and make each row valid against the schema: a value the schema refuses is dropped
   with a warning on the Document rather than written.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING, Any

from extract.document import Document
from extract.fields import (
    FieldValue,
    PatientText,
    demographics,
    outcome,
    sites,
    tables,
    timing,
    treatment,
)
from extract.fields.patients import find_patients
from extract.record import CLINICAL_FIELDS, LIST_FIELDS, CaseRow, validation_errors

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

# Field families in the order they fill a row (FIELDS.md; extract/fields/__init__.py).
FIELD_MODULES: tuple[ModuleType, ...] = (demographics, sites, timing, treatment, outcome)

_SERIES_REFERENCE = re.compile(r"^\s*(?:case|patient|pt\.?)\s*(?:no\.?\s*|#\s*)?(\d{1,2})\s*$", re.IGNORECASE)


def _table_cases(document: Document, doc: Doc | None) -> list[tables.TableCase]:
    try:
        return list(tables.cases_from_tables(document, doc))
    except Exception as exc:  # noqa: BLE001 - one bad table must not sink the document's narrative rows
        document.warnings.append(f"tables: {type(exc).__name__}: {exc}")
        return []


def annotate(document: Document, nlp: Language | None) -> Doc | None:
    """The spaCy Doc of ``document`` (same character offsets), or None without a pipeline."""
    if nlp is None:
        return None
    from extract.nlp import annotate as nlp_annotate

    return nlp_annotate(nlp, document)


def set_value(row: CaseRow, value: FieldValue) -> None:
    """Put one extracted value into the row: a scalar keeps its first value, a list field
    gathers values without repeats; evidence is kept for the first value of each field."""
    if value.field not in CLINICAL_FIELDS or value.value is None:
        return
    if value.field in LIST_FIELDS:
        items = value.value if isinstance(value.value, list) else [value.value]
        current: list[Any] = getattr(row, value.field)
        for item in items:
            if item not in current:
                current.append(item)
        if items:
            row.evidence.setdefault(value.field, value.evidence)
        return
    if getattr(row, value.field) is None:
        setattr(row, value.field, value.value)
        row.evidence[value.field] = value.evidence


def narrative_row(patient: PatientText, modules: tuple[ModuleType, ...] = FIELD_MODULES) -> CaseRow:
    document = patient.document
    row = CaseRow(doc_id=document.doc_id, source="narrative")
    for module in modules:
        try:
            values = module.extract(patient)
        except Exception as exc:  # noqa: BLE001 - a field module's bug costs its fields, not the row
            document.warnings.append(f"{module.__name__}: {type(exc).__name__}: {exc}")
            continue
        for value in values:
            set_value(row, value)
    return row


def merge_table_row(narrative: CaseRow, table: CaseRow) -> None:
    """Fill the fields the text leaves null (or empty) with the table's values."""
    for name in CLINICAL_FIELDS:
        mine = getattr(narrative, name)
        theirs = getattr(table, name)
        if theirs is None or theirs == []:
            continue
        if mine is None or mine == []:
            setattr(narrative, name, list(theirs) if isinstance(theirs, list) else theirs)
            if name in table.evidence:
                narrative.evidence[name] = table.evidence[name]


def _own_patient_of(table_case: tables.TableCase, narrative: list[CaseRow]) -> CaseRow | None:
    """The narrative patient a table row re-tells, or None for a literature row."""
    if not narrative:
        return None
    row: CaseRow = table_case.row
    m = _SERIES_REFERENCE.match(row.reference or "")
    if m and len(narrative) > 1:
        number = int(m.group(1))
        return narrative[number - 1] if 1 <= number <= len(narrative) else None
    if not table_case.is_current_report:
        return None
    if len(narrative) == 1:
        return narrative[0]
    # A series' "present case" row: the patient whose age and sex agree.
    for patient in narrative:
        if (row.age_years is None or patient.age_years is None
                or abs(row.age_years - patient.age_years) <= 0.5) and (
                row.sex is None or patient.sex is None or row.sex == patient.sex):
            return patient
    return None


def make_valid(row: CaseRow, document: Document) -> CaseRow:
    """Drop the values the schema refuses (with a warning), so every row written is valid:
    a bad item of a list field goes alone, a bad scalar becomes null."""
    for _ in range(len(CLINICAL_FIELDS) + 2):
        errors = validation_errors(row.to_json())
        if not errors:
            return row
        fixed = False
        bad_items: dict[str, set[int]] = {}
        bad_fields: set[str] = set()
        for error in errors:
            where = error.split(":", 1)[0].split("/")
            if where[0] in LIST_FIELDS and len(where) > 1 and where[1].isdigit():
                bad_items.setdefault(where[0], set()).add(int(where[1]))
            else:
                bad_fields.add(where[0])
        for name, indexes in bad_items.items():
            values = getattr(row, name)
            document.warnings.append(f"case {row.case_index}: dropped invalid {name} "
                                     f"{[values[i] for i in sorted(indexes)]!r}")
            setattr(row, name, [v for i, v in enumerate(values) if i not in indexes])
            fixed = True
        for name in bad_fields & set(CLINICAL_FIELDS):
            value = getattr(row, name)
            if name in LIST_FIELDS and isinstance(value, list) and len(set(map(str, value))) < len(value):
                setattr(row, name, list(dict.fromkeys(value)))  # repeats
            else:
                document.warnings.append(f"case {row.case_index}: dropped invalid {name} {value!r}")
                setattr(row, name, [] if name in LIST_FIELDS else None)
            fixed = True
        for name in CLINICAL_FIELDS:
            if getattr(row, name) in (None, []):
                row.evidence.pop(name, None)
        if "evidence" in bad_fields:
            row.evidence = {k: v for k, v in row.evidence.items() if k in CLINICAL_FIELDS}
            fixed = True
        if not fixed:
            document.warnings.append(f"case {row.case_index}: schema: {'; '.join(errors)}")
            break
    return row


def extract_cases(document: Document, nlp: Language | None = None) -> list[CaseRow]:
    """Every patient case of ``document``: narrative patients first, then table rows."""
    try:
        doc = annotate(document, nlp)
    except Exception as exc:  # noqa: BLE001 - the rules still work without the pipeline
        document.warnings.append(f"nlp: {type(exc).__name__}: {exc}")
        doc = None
    return cases_from_doc(document, doc)


def cases_from_doc(document: Document, doc: Doc | None) -> list[CaseRow]:
    """The case rows of ``document`` whose spaCy Doc (or None) is already made."""
    narrative = [narrative_row(p) for p in find_patients(document, doc)]
    rows = list(narrative)
    for table_case in _table_cases(document, doc):
        own = _own_patient_of(table_case, narrative)
        if own is not None:
            merge_table_row(own, table_case.row)
        elif table_case.is_current_report:
            # The document's own case, told only in its table: it is the narrative case.
            row = table_case.row
            row.source, row.reference = "narrative", None
            narrative.append(row)
            rows.insert(len(narrative) - 1, row)
        else:
            rows.append(table_case.row)
    for i, row in enumerate(rows, start=1):
        row.doc_id = document.doc_id
        row.case_index = i
        make_valid(row, document)
        if document.ocr_pages:
            mark_ocr_evidence(row, document)
    return rows


def mark_ocr_evidence(row: CaseRow, document: Document) -> None:
    """Evidence from a page read by OCR says so (a table's row without a page, when every page
    was read so)."""
    every = {p.number for p in document.pages} <= {p.number for p in document.ocr_pages}
    for ev in row.evidence.values():
        if ev is not None:
            ev.ocr = document.is_ocr_page(ev.page) if ev.page is not None else every
