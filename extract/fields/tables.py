"""Literature-review and case-series tables -> one CaseRow per patient row.

A table's rows are patients when its header names clinical columns (age, sex, primary site,
metastases, treatment, interval, outcome, follow-up) besides a reference or patient-number
column, or several clinical columns; tables of lab values, scores or statistics are skipped.
Columns are mapped by their header words (``resources/tables.json``); codes are expanded with
the table's own legend ("L liver, V vertebrae ..."); "N/A" is unknown (null) and "-"/"–" is
none (an empty list). Cell values are normalised to FIELDS.md with the same normalisers the
narrative uses (sites here; levels, treatments, TKIs and intervals from
:mod:`extract.fields.treatment` and :mod:`extract.fields.timing` when they exist).

Evidence of a table value is the cell as printed with the table's page; the Document keeps
table text out of its running text, so the offsets are null.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.document import Document, Table
from extract.fields.levels import normalise_levels
from extract.fields.sites import (
    METASTASIS_CODES,
    gist_told,
    load_rules,
    normalise_primary,
    normalise_site,
)
from extract.fields.timing import parse_interval_months
from extract.fields.treatment import normalise_spinal_treatment, normalise_tki
from extract.record import CaseRow, Evidence

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

RESOURCES = Path(__file__).parent / "resources" / "tables.json"


@dataclass
class TableCase:
    """One patient row of a table. ``is_current_report``: the row is the document's own case
    ("Current report", "present case", "our case", "this study")."""

    row: CaseRow
    is_current_report: bool = False
    table_index: int = 0
    row_index: int = 0


@dataclass(frozen=True)
class TableRules:
    columns: tuple[tuple[str, re.Pattern[str]], ...]
    clinical_kinds: frozenset[str]
    not_patient_table: re.Pattern[str]
    current_report: re.Pattern[str]
    unknown_cell: re.Pattern[str]
    none_cell: re.Pattern[str]
    sex_words: dict[str, str]
    outcome_words: tuple[tuple[re.Pattern[str], str], ...]
    code_separators: re.Pattern[str]
    treatment_separators: re.Pattern[str]
    mission_fields: tuple[str, ...]


@lru_cache(maxsize=2)
def load_table_rules(path: str | Path = RESOURCES) -> TableRules:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return TableRules(
        columns=tuple((c["kind"], re.compile(c["pattern"], re.IGNORECASE)) for c in data["columns"]),
        clinical_kinds=frozenset(data["clinical_kinds"]),
        not_patient_table=re.compile(data["not_patient_table"], re.IGNORECASE),
        current_report=re.compile(data["current_report"], re.IGNORECASE),
        unknown_cell=re.compile(data["unknown_cell"], re.IGNORECASE),
        none_cell=re.compile(data["none_cell"], re.IGNORECASE),
        sex_words={k.lower(): v for k, v in data["sex_words"].items()},
        outcome_words=tuple((re.compile(o["pattern"], re.IGNORECASE), o["value"]) for o in data["outcome_words"]),
        code_separators=re.compile(data["code_separators"], re.IGNORECASE),
        treatment_separators=re.compile(data["treatment_separators"], re.IGNORECASE),
        mission_fields=tuple(data["mission_fields"]),
    )


# -- columns --------------------------------------------------------------------------------------


def column_kind(header: str, rules: TableRules | None = None) -> str | None:
    """The kind of a column from its header words ('Primary tumor location' -> 'primary_site')."""
    rules = rules or load_table_rules()
    h = " ".join(header.split())
    if not h:
        return None
    for kind, pattern in rules.columns:
        if pattern.search(h):
            return kind
    return None


_CITATION = re.compile(r"\bet\s+al\b|\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]|\b(?:19|20)\d{2}\b|^\s*\(?\d{1,3}\)?\s*$", re.IGNORECASE)


def map_columns(table: Table, rules: TableRules | None = None) -> dict[int, str]:
    """Column index -> kind; an unnamed column whose cells read as citations is the reference."""
    rules = rules or load_table_rules()
    kinds: dict[int, str] = {}
    for i, header in enumerate(table.header):
        kind = column_kind(header, rules)
        if kind is not None and kind not in kinds.values():
            kinds[i] = kind
    if "reference" not in kinds.values():
        for i in range(len(table.header)):
            if i in kinds:
                continue
            cells = [r[i] for r in table.rows if i < len(r) and r[i].strip()]
            if cells and sum(bool(_CITATION.search(c) and re.search(r"[A-Za-z\[]", c)) or
                             bool(rules.current_report.search(c)) for c in cells) >= max(1, len(cells) // 2):
                kinds[i] = "reference"
                break
    return kinds


def is_patient_table(table: Table, kinds: dict[int, str], rules: TableRules | None = None) -> bool:
    """Rows are patients: clinical columns beside a reference/patient column, or several."""
    rules = rules or load_table_rules()
    header_text = " | ".join(table.header)
    if rules.not_patient_table.search(header_text):
        return False
    clinical = {k for k in kinds.values() if k in rules.clinical_kinds}
    keyed = any(k in ("reference", "index") for k in kinds.values())
    return bool(table.rows) and (len(clinical) >= 2 or (len(clinical) >= 1 and keyed))


# -- legends and cells ----------------------------------------------------------------------------


def parse_legend(legend: str | None) -> dict[str, str]:
    """'B bone metastases aside from vertebrae, L liver, N/A not available' ->
    {'B': 'bone metastases aside from vertebrae', 'L': 'liver', 'N/A': 'not available'}."""
    if not legend:
        return {}
    text = " ".join(legend.split())
    text = re.sub(r"^(?:abbreviations?|key|legend|notes?)\s*[:.]\s*", "", text, flags=re.IGNORECASE)
    items = re.split(r"\s*;\s*", text) if ";" in text else re.split(r",\s+(?=[A-Z][A-Za-z/]{0,5}\b)", text)
    out: dict[str, str] = {}
    for item in items:
        m = re.match(r"^\s*([A-Z][A-Za-z/]{0,5}|[a-z]{1,2}(?=\s*[=:]))\s*(?:=|:|,|–|-)?\s+(.+?)\s*\.?$", item)
        if m and any(c.isupper() for c in m.group(1)) | bool(re.search(r"[=:]", item)):
            out[m.group(1)] = m.group(2)
    return out


def _clean(cell: str) -> str:
    return " ".join(cell.replace("\u00a0", " ").split())


def is_unknown(cell: str, rules: TableRules | None = None) -> bool:
    rules = rules or load_table_rules()
    c = _clean(cell)
    return not c or bool(rules.unknown_cell.match(c))


def is_none(cell: str, rules: TableRules | None = None) -> bool:
    rules = rules or load_table_rules()
    return bool(rules.none_cell.match(_clean(cell)))


_LEVEL_CELL = re.compile(r"(?:C[1-7]|T[h]?1[0-2]|T[h]?[1-9]|D1[0-2]|D[1-9]|L[1-5]|S[1-5])"
                         r"(?:\s*[-–]\s*(?:C[1-7]|T[h]?1[0-2]|T[h]?[1-9]|L[1-5]|S[1-5]|1[0-2]|[1-9]))?(?:\s+vertebra\w*)?")


def parse_codes(cell: str, legend: dict[str, str] | None = None) -> list[str] | None:
    """Metastasis codes of a cell: 'L, V, B' -> ['L', 'V', 'B'] (legend first, then the
    FIELDS.md codes, then site words); 'N/A' -> None; '-' -> []; a cell naming no known site -> None."""
    rules = load_table_rules()
    c = _clean(cell)
    if is_unknown(c, rules):
        return None
    if is_none(c, rules):
        return []
    legend = legend or {}
    upper_legend = {k.upper(): v for k, v in legend.items()}
    out: list[str] = []
    for part in rules.code_separators.split(c):
        part = part.strip(" .()")
        if not part:
            continue
        code: str | None = None
        if part in legend:
            code = normalise_site(legend[part])
        elif part.upper() in upper_legend and len(part) <= 3:
            code = normalise_site(upper_legend[part.upper()])
        elif part.upper() in METASTASIS_CODES and (part.isupper() or len(part) == 2):
            code = part.upper()
        elif _LEVEL_CELL.fullmatch(part):
            code = "V"  # "T12", "L2-L4": a vertebral level in a sites column
        else:
            code = normalise_site(part)
        if code and code not in out:
            out.append(code)
    # a cell that names no site we know is unknown, not "none" (that is "-", "none", "no")
    return out or None


def parse_age_sex(cell: str) -> tuple[float | None, str | None]:
    """'45/M' -> (45, 'male'); 'F, 63' -> (63, 'female'); '13, female' -> (13, 'female');
    '8 mo/F' -> (0.67, 'female'); 'N/A' -> (None, None)."""
    rules = load_table_rules()
    c = _clean(cell)
    if is_unknown(c, rules):
        return None, None
    sex = None
    for word in re.findall(r"[A-Za-z]+", c):
        if word.lower() in rules.sex_words and (len(word) > 1 or word.isupper() or re.search(r"(?:^|[\s/,;(])" + word + r"(?:$|[\s/,;)])", c)):
            if word.lower() in ("m", "f", "w") and not re.search(r"(?:^|[\d\s/,;(])" + word + r"(?:$|[\s/,;)])", c):
                continue
            sex = rules.sex_words[word.lower()]
            break
    age = None
    if not re.search(r"\d+\s*[-–]\s*\d+\s*(?:y|years)?\s*$", c):
        m = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(years?|yrs?|y|months?|mos?|mo|weeks?|wks?|days?|d)?\b", c)
        if m:
            amount = float(m.group(1))
            unit = (m.group(2) or "y").lower()
            if unit.startswith("mo") or unit == "months":
                age = round(amount / 12, 2)
            elif unit.startswith("w"):
                age = round(amount / 52.18, 2)
            elif unit.startswith("d"):
                age = round(amount / 365.25, 2)
            else:
                age = amount
            if age > 120:
                age = None
    return age, sex


def parse_outcome(cell: str) -> str | None:
    rules = load_table_rules()
    c = _clean(cell)
    if is_unknown(c, rules):
        return None
    for pattern, value in rules.outcome_words:
        if pattern.search(c):
            return value
    if re.search(r"(?i)\balive\b", c):
        return None
    return None


def parse_treatment(cell: str) -> tuple[list[str] | None, list[str]]:
    """(spinal_treatment, tki) of a treatment cell, 'as printed': 'Radiotherapy + zoledronic acid'
    -> (['radiotherapy', 'zoledronic acid'], []); 'N/A' -> (None, []); '–' -> ([], [])."""
    rules = load_table_rules()
    c = _clean(cell)
    if is_unknown(c, rules):
        return None, []
    if is_none(c, rules):
        return [], []
    return normalise_spinal_treatment(c), normalise_tki(c)


def parse_months(cell: str, header: str = "") -> float | None:
    c = _clean(cell)
    if is_unknown(c) or is_none(c) and c not in ("0",):
        return None
    unit = "years" if re.search(r"(?i)\(\s*(?:years?|yrs?|y)\s*\)|in\s+years", header) else "months"
    return parse_interval_months(c, unit)


def parse_levels(cell: str) -> list[str] | None:
    c = _clean(cell)
    if is_unknown(c):
        return None
    if is_none(c):
        return []
    return normalise_levels(c)


# -- rows ------------------------------------------------------------------------------------------


def _evidence(cell: str, table: Table) -> Evidence:
    return Evidence(text=cell.strip(), page=table.page, start=None, end=None)


def _reference(cells: list[str], header: list[str], kinds: dict[int, str]) -> str | None:
    for i, kind in kinds.items():
        if kind == "reference" and i < len(cells) and cells[i].strip():
            return _clean(cells[i])
    for i, kind in kinds.items():
        if kind == "index" and i < len(cells) and cells[i].strip():
            cell = _clean(cells[i])
            if re.fullmatch(r"\d{1,3}", cell) and re.match(r"(?i)\s*(case|patient|pt)", header[i] or ""):
                return f"{header[i].strip().split()[0].capitalize()} {cell}"
            return cell
    return None


def row_case(cells: list[str], table: Table, kinds: dict[int, str], legend: dict[str, str],
             doc_id: str, gist: bool, spinal_table: bool) -> CaseRow | None:
    """The CaseRow of one table row, or None when no clinical value could be read."""
    rules = load_table_rules()
    row = CaseRow(doc_id=doc_id, source="table")
    row.reference = _reference(cells, table.header, kinds)
    filled = False
    pending: tuple[list[str], Evidence] | None = None
    for i, kind in kinds.items():
        if i >= len(cells):
            continue
        cell = cells[i]
        c = _clean(cell)
        if not c:
            continue
        header = table.header[i] if i < len(table.header) else ""
        ev = _evidence(cell, table)
        if kind in ("age_sex", "age", "sex"):
            age, sex = parse_age_sex(c)
            if age is not None and re.search(r"(?i)\bmonths?\b|\(\s*mo\s*\)", header) and not re.search(r"[A-Za-z]{2,}", re.sub(r"(?i)\b(?:male|female|man|woman|boy|girl)\b", "", c)):
                age = round(age / 12, 2)  # "Age (months)" with bare numbers
            if kind in ("age_sex", "age") and age is not None:
                row.age_years, filled = age, True
                row.evidence["age_years"] = ev
            if kind in ("age_sex", "sex") and sex is not None:
                row.sex, filled = sex, True
                row.evidence["sex"] = ev
        elif kind == "primary_site":
            if not gist or is_unknown(c, rules) and not re.fullmatch(r"(?i)unknown", c):
                continue
            value = normalise_primary(c)
            if value is not None:
                row.primary_site, filled = value, True
                row.evidence["primary_site"] = ev
        elif kind == "metastasis_sites":
            codes = parse_codes(c, legend)
            if codes:
                row.metastasis_sites, filled = codes, True
                row.evidence["metastasis_sites"] = ev
            elif codes == []:
                filled = True
        elif kind == "spinal_levels":
            levels = parse_levels(c)
            if levels:
                row.spinal_levels, filled = levels, True
                row.evidence["spinal_levels"] = ev
        elif kind in ("spinal_treatment", "tki"):
            treatments, tkis = parse_treatment(c)
            if kind == "spinal_treatment" and treatments:
                pending = (treatments, ev)  # spinal only in a spinal table or a row with spinal sites
            elif treatments == []:
                filled = True
            if tkis:
                row.tki = [t for t in dict.fromkeys(row.tki + tkis)]
                row.evidence.setdefault("tki", ev)
                filled = True
        elif kind == "interval":
            months = parse_months(c, header)
            if months is not None:
                row.time_to_spinal_metastasis_months, filled = months, True
                row.evidence["time_to_spinal_metastasis_months"] = ev
        elif kind == "synchronous":
            if re.search(r"(?i)\bmetachron|\bno\b", c):
                row.synchronous = False
            elif re.search(r"(?i)\bsynchron|\byes\b", c):
                row.synchronous = True
            if row.synchronous is not None:
                row.evidence["synchronous"] = ev
                filled = True
        elif kind in ("outcome", "follow_up", "follow_up_outcome"):
            if kind in ("follow_up", "follow_up_outcome"):
                months = parse_months(re.split(r"[;,]", c)[0], header)
                if months is not None:
                    row.follow_up_months, filled = months, True
                    row.evidence["follow_up_months"] = ev
            if kind in ("outcome", "follow_up_outcome"):
                status = parse_outcome(c)
                if status is not None:
                    row.outcome_status, filled = status, True
                    row.evidence["outcome_status"] = ev
    # the row speaks of spinal metastasis: its table's subject, or its own sites or levels
    spinal_row = spinal_table or "V" in row.metastasis_sites or bool(row.spinal_levels)
    if pending is not None and spinal_row:
        row.spinal_treatment, filled = pending[0], True
        row.evidence["spinal_treatment"] = pending[1]
    if row.time_to_spinal_metastasis_months is not None and row.synchronous is None and spinal_row:
        row.synchronous = row.time_to_spinal_metastasis_months == 0
        row.evidence["synchronous"] = row.evidence["time_to_spinal_metastasis_months"]
    return row if filled else None


def cases_from_table(table: Table, document: Document, table_index: int = 0) -> list[TableCase]:
    rules = load_table_rules()
    kinds = map_columns(table, rules)
    if not is_patient_table(table, kinds, rules):
        return []
    legend = parse_legend(table.legend)
    site_rules = load_rules()
    context = " ".join([table.caption or "", " ".join(table.header), table.legend or ""])
    gist = bool(site_rules.gist.search(context)) or gist_told(document.text, site_rules)
    # Treatment cells are spinal treatment only in a table about spinal metastases, or in a row
    # whose sites or levels name the spine ("Reported cases of metastatic X" treats any site).
    spinal_table = bool(re.search(r"(?i)spin|vertebra|epidural|sacr(?:um|al)", context))
    out: list[TableCase] = []
    width = len(table.header)
    for r, cells in enumerate(table.rows):
        cells = list(cells)
        while len(cells) > width and not cells[-1].strip():
            cells.pop()
        if not any(c.strip() for c in cells) or len(cells) != width:
            continue
        if sum(bool(c.strip()) for c in cells) == 1 and width > 2:
            continue  # a group heading inside the table
        row = row_case(cells, table, kinds, legend, document.doc_id, gist, spinal_table)
        if row is None:
            continue
        current = any(rules.current_report.search(c) for c in cells)
        out.append(TableCase(row=row, is_current_report=current, table_index=table_index, row_index=r))
    if not any(getattr(case.row, name) not in (None, []) for case in out for name in rules.mission_fields):
        return []
    return out


def cases_from_tables(document: Document, nlp_doc: Doc | None = None) -> list[TableCase]:
    """Every patient row of the document's tables, in table order (``nlp_doc`` is not needed:
    table cells are read with the normalisers)."""
    out: list[TableCase] = []
    for t, table in enumerate(document.tables):
        cases = cases_from_table(table, document, t)
        for i, case in enumerate(cases, start=len(out) + 1):
            case.row.case_index = i
        out.extend(cases)
    return out
