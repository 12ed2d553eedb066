"""``case-extract run``: files and folders in; cases.jsonl, cases.csv and a score out."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract import ingest
from extract.errors import CaseExtractError
from extract.pipeline import FileResult, process_file, summary
from extract.record import CLINICAL_FIELDS, LIST_FIELDS, validation_errors
from extract.report import ReportDocument, write_report

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

CSV_COLUMNS = ["doc_id", "case_index", "source", "reference", *CLINICAL_FIELDS]


def load_pipeline(use_nlp: bool) -> Language | None:
    """The spaCy pipeline, or None when the run is rules-only."""
    if not use_nlp:
        return None
    from extract.nlp import get_nlp

    return get_nlp()


def spreadsheet_safe(value: str) -> str:
    """Text from documents is untrusted: a cell a spreadsheet would run as a formula is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return "; ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(str(value))


def write_outputs(rows: list[dict[str, Any]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "cases.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(out_dir / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([csv_cell(c, row.get(c)) for c in CSV_COLUMNS])


def rows_of(results: Iterable[FileResult]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        for case in r.cases:
            row = case.to_json()
            problems = validation_errors(row)
            if problems:  # an extractor bug: say so loudly rather than write an invalid row
                raise CaseExtractError(f"{r.doc_id}: case {case.case_index} fails the schema: {problems[0]}")
            rows.append(row)
    return rows


def run_files(paths: list[Path], nlp: Language | None, *, max_pages: int,
              log: Any = sys.stderr) -> list[FileResult]:
    results = []
    for path in paths:
        result = process_file(path, nlp, max_pages=max_pages)
        if result.error:
            print(f"skipped: {result.error}", file=log)
        elif result.document is not None:
            for w in result.document.warnings:
                print(f"warning: {w}", file=log)
        results.append(result)
    return results


def run_command(args: argparse.Namespace) -> int:
    from extract import score

    paths = ingest.iter_inputs(args.inputs)
    if not paths:
        raise CaseExtractError(f"no .pdf, .txt, .nxml or .xml files in {' '.join(args.inputs)}")
    from extract import batch  # --db/--workers/--executor/--timeout: extract/batch.py (issue 5)

    if batch.wants_batch(args):
        results = batch.run_from_args(paths, args).results
    else:
        nlp = load_pipeline(not args.no_nlp)
        results = run_files(paths, nlp, max_pages=args.max_pages)
    rows = rows_of(results)
    out_dir = Path(args.out)
    write_outputs(rows, out_dir)
    s = summary(results)
    print(f"{s['documents']} documents ({s['ok']} read, {s['failed']} failed), "
          f"{s['cases']} cases -> {out_dir / 'cases.jsonl'}, {out_dir / 'cases.csv'}")
    gold_rows = [g for path in args.gold for g in score.read_jsonl(path)]
    report = write_report(report_documents(results), out_dir / "report.html", gold_rows or None)
    print(f"evidence report -> {report}")
    if gold_rows:
        result = score.score_rows(rows, gold_rows)
        (out_dir / "score.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(score.format_table(result))
    return 0


def report_documents(results: Iterable[FileResult]) -> list[ReportDocument]:
    return [ReportDocument(doc_id=r.doc_id, path=r.path, pages=r.pages, error=r.error,
                           title=r.document.title if r.document else None,
                           text=r.document.text if r.document else None,
                           rows=[c.to_json() for c in r.cases]) for r in results]
