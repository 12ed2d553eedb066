"""Case rows out of the database: csv, xlsx, parquet, jsonl and REDCap (dictionary + records).

Text in a case row comes from documents and is untrusted. In the formats a spreadsheet opens
(csv, xlsx, REDCap) a text cell that would start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'`` so it shows as text and never runs as a formula. jsonl and
parquet keep the text as it is: they are data files read by programs, and the jsonl rows are
the case.schema.json shape the scorer reads.

Exports from the database give the reviewed case table by default (issue 13, see
:mod:`extract.review`): each field's current value, and a marker per field saying whether a
reviewer decided it (csv/xlsx: ``<field>_reviewed``; jsonl: ``reviewed``, the list of fields;
parquet: a ``reviewed`` list column; REDCap: the ``reviewed`` checkbox field, and the form
``Complete`` once every field is reviewed). ``machine=True`` gives the raw extraction, without
markers.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from extract.errors import CaseExtractError
from extract.record import CLINICAL_FIELDS, LIST_FIELDS, CaseRow, case_schema

FORMATS = ("csv", "xlsx", "parquet", "jsonl", "redcap")
ID_COLUMNS = ("doc_id", "case_index", "source", "reference")
COLUMNS = (*ID_COLUMNS, *CLINICAL_FIELDS)
EVIDENCE_COLUMNS = tuple(f"{name}_evidence" for name in CLINICAL_FIELDS)
REVIEWED_COLUMNS = tuple(f"{name}_reviewed" for name in CLINICAL_FIELDS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

REDCAP_COLUMNS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
    "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
)


def spreadsheet_safe(value: Any) -> Any:
    """A string a spreadsheet would read as a formula, quoted so it shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(name: str, value: Any) -> Any:
    """A flat cell: lists joined with '; ', booleans as true/false, text made spreadsheet-safe."""
    if value is None:
        return None
    if name in LIST_FIELDS:
        return spreadsheet_safe("; ".join(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)


def _has_markers(rows: list[CaseRow]) -> bool:
    """Whether the rows are a reviewed table (each has its ``reviewed`` list), not the machine's."""
    return any(r.reviewed is not None for r in rows)


def flat_columns(rows: list[CaseRow]) -> list[str]:
    """The csv/xlsx header: the fields, the evidence of each, and for a reviewed table the
    reviewed marker of each."""
    return [*COLUMNS, *EVIDENCE_COLUMNS, *(REVIEWED_COLUMNS if _has_markers(rows) else ())]


def flat_records(rows: list[CaseRow]) -> list[dict[str, Any]]:
    """One dict per case for csv/xlsx: the fields, then the verbatim evidence of each, then
    (reviewed tables only) ``true``/``false``: whether a reviewer decided the field."""
    markers = _has_markers(rows)
    out = []
    for row in rows:
        rec = {name: _cell(name, getattr(row, name)) for name in COLUMNS}
        for name, col in zip(CLINICAL_FIELDS, EVIDENCE_COLUMNS):
            ev = row.evidence.get(name)
            rec[col] = spreadsheet_safe(ev.text) if ev else None
        if markers:
            decided = set(row.reviewed or ())
            for name, col in zip(CLINICAL_FIELDS, REVIEWED_COLUMNS):
                rec[col] = "true" if name in decided else "false"
        out.append(rec)
    return out


def write_csv(rows: list[CaseRow], out: Path) -> None:
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=flat_columns(rows))
        writer.writeheader()
        for rec in flat_records(rows):
            writer.writerow({k: "" if v is None else v for k, v in rec.items()})


def write_xlsx(rows: list[CaseRow], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "cases"
    header = flat_columns(rows)
    ws.append(header)
    for rec in flat_records(rows):
        ws.append([rec[h] for h in header])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl guesses
    ws.freeze_panes = "A2"
    wb.save(out)


def write_jsonl(rows: list[CaseRow], out: Path) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row.to_json(), ensure_ascii=False) + "\n" for row in rows)


def write_parquet(rows: list[CaseRow], out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    strings = pa.list_(pa.string())
    types = {"doc_id": pa.string(), "case_index": pa.int32(), "source": pa.string(),
             "reference": pa.string(), "age_years": pa.float64(), "sex": pa.string(),
             "primary_site": pa.string(), "time_to_spinal_metastasis_months": pa.float64(),
             "synchronous": pa.bool_(), "outcome_status": pa.string(),
             "follow_up_months": pa.float64()}
    markers = _has_markers(rows)
    schema = pa.schema([(name, strings if name in LIST_FIELDS else types[name]) for name in COLUMNS]
                       + [("evidence", pa.string())] + ([("reviewed", strings)] if markers else []))
    data = {name: [getattr(r, name) for r in rows] for name in COLUMNS}
    data["evidence"] = [json.dumps({k: v.to_json() for k, v in r.evidence.items()},
                                   ensure_ascii=False) for r in rows]
    if markers:
        data["reviewed"] = [list(r.reviewed or []) for r in rows]
    pq.write_table(pa.table(data, schema=schema), out)


# --- REDCap ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _redcap_spec() -> dict[str, Any]:
    return json.loads(resources.files("extract").joinpath("redcap.json").read_text("utf-8"))


def _choices(name: str) -> list[str]:
    """The field's values in the contract's order (``case.schema.json``)."""
    spec = _redcap_spec()
    if name == "spinal_levels":
        return list(spec["spinal_levels"])
    prop = case_schema()["properties"][name]
    values = prop["items"]["enum"] if "items" in prop else prop["enum"]
    return [v for v in values if v is not None]


def _evidence_variable(name: str) -> str:
    f = _redcap_spec()["fields"][name]
    return str(f.get("evidence", f"{f['variable']}_ev"))


def redcap_dictionary() -> list[dict[str, str]]:
    """REDCap's 18-column data dictionary, the record id first, then one field per case field
    and a notes field with the verbatim evidence of each clinical field."""
    spec = _redcap_spec()
    form = spec["form"]

    def entry(variable: str, ftype: str, label: str, **extra: str) -> dict[str, str]:
        row = dict.fromkeys(REDCAP_COLUMNS, "")
        row.update({"Variable / Field Name": variable, "Form Name": form, "Field Type": ftype,
                    "Field Label": label})
        row.update({k: v for k, v in extra.items() if v})
        return row

    rows = [entry("record_id", "text", "Record ID (doc_id-case_index)")]
    for name in COLUMNS:
        f = spec["fields"][name]
        ftype = f.get("type", "text")
        choices = ""
        if ftype in ("radio", "dropdown", "checkbox"):
            labels = spec.get("choice_labels", {}).get(name, {})
            choices = " | ".join(f"{i}, {labels.get(v, v)}" for i, v in enumerate(_choices(name), 1))
        rows.append(entry(
            f["variable"], ftype, f["label"], **{
                "Choices, Calculations, OR Slider Labels": choices,
                "Text Validation Type OR Show Slider Number": f.get("validation", ""),
                "Text Validation Min": f.get("min", ""),
                "Text Validation Max": f.get("max", ""),
                "Field Annotation": f"case.schema.json: {name}",
            }))
    for i, name in enumerate(CLINICAL_FIELDS):
        rows.append(entry(
            _evidence_variable(name), "notes", f"Evidence: {spec['fields'][name]['label']}",
            **{"Section Header": "Evidence (verbatim words from the report)" if i == 0 else "",
               "Field Annotation": f"evidence.{name}.text"}))
    marker = spec["reviewed"]
    rows.append(entry(
        marker["variable"], "checkbox", marker["label"], **{
            "Section Header": marker["section"],
            "Choices, Calculations, OR Slider Labels": " | ".join(
                f"{i}, {spec['fields'][n]['label']}" for i, n in enumerate(CLINICAL_FIELDS, 1)),
            "Field Annotation": "reviewed"}))
    return rows


def redcap_record_id(row: CaseRow) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"{row.doc_id}-{row.case_index}")


def redcap_records(rows: list[CaseRow]) -> tuple[list[str], list[dict[str, str]]]:
    """The import CSV's header and rows: coded choices, checkboxes as ``field___code`` 0/1."""
    spec = _redcap_spec()
    header = ["record_id"]
    for name in COLUMNS:
        f = spec["fields"][name]
        if f.get("type") == "checkbox":
            header += [f"{f['variable']}___{i}" for i in range(1, len(_choices(name)) + 1)]
        else:
            header.append(f["variable"])
    header += [_evidence_variable(n) for n in CLINICAL_FIELDS]
    marker = spec["reviewed"]["variable"]
    header += [f"{marker}___{i}" for i in range(1, len(CLINICAL_FIELDS) + 1)]
    header.append(f"{spec['form']}_complete")

    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in rows:
        rid = redcap_record_id(row)
        while rid in seen:
            rid += "_"
        seen.add(rid)
        rec = {"record_id": rid}
        for name in COLUMNS:
            f = spec["fields"][name]
            value = getattr(row, name)
            ftype = f.get("type", "text")
            if ftype == "checkbox":
                codes = {v: i for i, v in enumerate(_choices(name), 1)}
                chosen = {codes[v] for v in (value or []) if v in codes}
                for i in codes.values():
                    rec[f"{f['variable']}___{i}"] = "1" if i in chosen else "0"
            elif ftype in ("radio", "dropdown"):
                codes = {v: i for i, v in enumerate(_choices(name), 1)}
                rec[f["variable"]] = str(codes[value]) if value in codes else ""
            elif ftype == "yesno":
                rec[f["variable"]] = "" if value is None else ("1" if value else "0")
            elif value is None:
                rec[f["variable"]] = ""
            elif isinstance(value, float):
                rec[f["variable"]] = f"{value:g}"
            else:
                rec[f["variable"]] = str(spreadsheet_safe(str(value)))
        for name in CLINICAL_FIELDS:
            ev = row.evidence.get(name)
            rec[_evidence_variable(name)] = (
                str(spreadsheet_safe(ev.text)) if ev else "")
        decided = set(row.reviewed or ())
        for i, name in enumerate(CLINICAL_FIELDS, 1):
            rec[f"{marker}___{i}"] = "1" if name in decided else "0"
        # REDCap's form status: 2 Complete once a reviewer decided every field, else
        # 1 Unverified (machine-read)
        rec[f"{spec['form']}_complete"] = "2" if decided >= set(CLINICAL_FIELDS) else "1"
        out.append(rec)
    return header, out


def redcap_paths(out: Path) -> tuple[Path, Path]:
    """``x.csv`` -> (x_dictionary.csv, x.csv); a folder -> its redcap_{dictionary,records}.csv."""
    if out.suffix.lower() == ".csv":
        return out.with_name(f"{out.stem}_dictionary.csv"), out
    return out / "redcap_dictionary.csv", out / "redcap_records.csv"


def write_redcap(rows: list[CaseRow], out: Path) -> list[Path]:
    dictionary_path, records_path = redcap_paths(out)
    dictionary_path.parent.mkdir(parents=True, exist_ok=True)
    with open(dictionary_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(REDCAP_COLUMNS))
        writer.writeheader()
        writer.writerows(redcap_dictionary())
    header, records = redcap_records(rows)
    with open(records_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(records)
    return [dictionary_path, records_path]


_WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet, "jsonl": write_jsonl}


def write(rows: list[CaseRow], fmt: str, out: str | Path) -> list[Path]:
    """Write ``rows`` as ``fmt`` to ``out``; returns the files written."""
    if fmt not in FORMATS:
        raise CaseExtractError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    out = Path(out)
    if fmt == "redcap":
        return write_redcap(rows, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _WRITERS[fmt](rows, out)
    return [out]


def export(db_url: str | None, fmt: str, out: str | Path, *, run_id: int | None = None,
           where: dict[str, Any] | None = None, machine: bool = False) -> list[Path]:
    """The database's reviewed case table written as ``fmt``; ``machine=True``: the machine's
    current rows instead; ``run_id``: the machine's rows of that run (history, unreviewed)."""
    from extract import db as dbm

    if fmt not in FORMATS:
        raise CaseExtractError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    database = dbm.open_db(db_url)
    try:
        rows = load_rows(database, run_id=run_id, where=where, machine=machine)
    finally:
        database.dispose()
    return write(rows, fmt, out)


def load_rows(database: Any, *, run_id: int | None = None, where: dict[str, Any] | None = None,
              machine: bool = False) -> list[CaseRow]:
    """What ``cases`` and ``export`` show: the reviewed table, or the machine's rows."""
    from extract import db as dbm
    from extract import review

    if machine or run_id is not None:
        return dbm.load_cases(database, run_id=run_id, where=where)
    return review.reviewed_cases(database, where=where)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

TABLE_COLUMNS = ("doc_id", "case_index", "source", "age_years", "sex", "primary_site",
                 "metastasis_sites", "spinal_levels", "time_to_spinal_metastasis_months",
                 "synchronous", "spinal_treatment", "tki", "outcome_status", "follow_up_months")


def format_table(rows: list[CaseRow], columns: tuple[str, ...] = TABLE_COLUMNS) -> str:
    """Cases as a plain-text table for a terminal; control characters (escape sequences a
    hostile document could carry) are shown as spaces. A value a reviewer decided ends in
    ``*`` (a footnote says so)."""
    import pandas as pd

    if not rows:
        return "(no cases)"
    markers = _has_markers(rows)
    short = {"time_to_spinal_metastasis_months": "time_to_spinal_mo", "follow_up_months": "follow_up_mo",
             "metastasis_sites": "metastases", "spinal_treatment": "spinal_tx"}

    def show(name: str, value: Any) -> str:
        if value is None:
            return ""
        if name in LIST_FIELDS:
            value = ",".join(value)
        elif isinstance(value, float):
            value = f"{value:g}"
        return _CONTROL.sub(" ", str(value))

    def cell(row: CaseRow, name: str) -> str:
        text = show(name, getattr(row, name))
        return text + "*" if markers and name in (row.reviewed or ()) else text

    frame = pd.DataFrame([[cell(r, c) for c in columns] for r in rows],
                         columns=[short.get(c, c) for c in columns])
    table = frame.to_string(index=False)
    if markers:
        decided = sum(len([f for f in r.reviewed or () if f in CLINICAL_FIELDS]) for r in rows)
        table += (f"\n* reviewed ({decided} of {len(rows) * len(CLINICAL_FIELDS)} values); "
                  "--machine shows the machine's values")
    return table


__all__ = [
    "FORMATS",
    "REDCAP_COLUMNS",
    "export",
    "flat_columns",
    "format_table",
    "load_rows",
    "redcap_dictionary",
    "redcap_paths",
    "redcap_records",
    "spreadsheet_safe",
    "write",
]
