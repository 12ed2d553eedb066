"""``case-extract run``: files and folders in; cases.jsonl, cases.csv and a score out."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path

from extract import export, ingest
from extract.errors import CaseExtractError
from extract.pipeline import FileResult, summary
from extract.record import CaseRow, validation_errors
from extract.report import ReportDocument, write_report


def write_outputs(cases: list[CaseRow], out_dir: Path) -> None:
    """``cases.jsonl`` (the schema's rows) and ``cases.csv`` (flat, spreadsheet-safe)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    export.write_jsonl(cases, out_dir / "cases.jsonl")
    export.write_csv(cases, out_dir / "cases.csv")


def valid_cases(results: Iterable[FileResult]) -> list[CaseRow]:
    """Every case of the results, each checked against the schema."""
    cases = []
    for r in results:
        for case in r.cases:
            problems = validation_errors(case.to_json())
            if problems:  # an extractor bug: say so loudly rather than write an invalid row
                raise CaseExtractError(f"{r.doc_id}: case {case.case_index} fails the schema: {problems[0]}")
            cases.append(case)
    return cases


def run_command(args: argparse.Namespace) -> int:
    from extract import batch, score

    paths = ingest.iter_inputs(args.inputs)
    if not paths:
        raise CaseExtractError(f"no .pdf, .txt, .nxml or .xml files in {' '.join(args.inputs)}")
    if args.no_db:
        args.db = None
    elif not args.db:  # the default database sits beside the other outputs
        Path(args.out).mkdir(parents=True, exist_ok=True)
        args.db = f"sqlite:///{Path(args.out) / 'cases.sqlite'}"
    results = batch.run_from_args(paths, args).results
    cases = valid_cases(results)
    rows = [c.to_json() for c in cases]
    out_dir = Path(args.out)
    write_outputs(cases, out_dir)
    s = summary(results)
    print(f"{s['documents']} documents ({s['ok']} read, {s['failed']} failed), "
          f"{s['cases']} cases -> {out_dir / 'cases.jsonl'}, {out_dir / 'cases.csv'}"
          + (f", {args.db}" if args.db else ""))
    if args.db:
        _say_stale_reviews(args.db)
    gold_rows = [g for path in args.gold for g in score.read_jsonl(path)]
    report = write_report(report_documents(results), out_dir / "report.html", gold_rows or None)
    print(f"evidence report -> {report}")
    if gold_rows:
        result = score.score_rows(rows, gold_rows)
        (out_dir / "score.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(score.format_table(result))
    return 0


def _say_stale_reviews(db_url: str) -> None:
    """After a run: how many reviewed values the new machine values put in doubt (issue 13)."""
    from extract import db, review

    database = db.open_db(db_url)
    try:
        stale = review.stale_count(database)
    finally:
        database.dispose()
    if stale:
        print(f"{stale} reviewed values to recheck: the machine's value changed since the review "
              f"(case-extract serve --db {db_url})")


def report_documents(results: Iterable[FileResult]) -> list[ReportDocument]:
    return [ReportDocument(doc_id=r.doc_id, path=r.path, error=r.error, title=r.title,
                           pages=r.pages or int((r.stored or {}).get("pages") or 0),
                           text=r.text,
                           rows=[c.to_json() for c in r.cases]) for r in results]
