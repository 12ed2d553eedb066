"""``case-extract``: parses arguments and calls the library. Errors print as one line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import extract
from extract import run
from extract.errors import CaseExtractError


def _cmd_ingest(args: argparse.Namespace) -> int:
    doc = extract.read(args.file, max_pages=args.max_pages, ocr=args.ocr)
    for w in doc.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.json:
        json.dump(doc.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(doc.text)
        if not doc.text.endswith("\n"):
            sys.stdout.write("\n")
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    from extract import score

    fields = args.fields.split(",") if args.fields else None
    result = extract.score_cases(args.pred, args.gold, fields=fields)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(score.format_table(result))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    # The default database sits beside the other outputs.
    db = None if args.no_db else args.db or f"sqlite:///{Path(args.out) / 'cases.sqlite'}"
    summary = extract.run_batch(
        args.inputs, db=db, out=args.out, gold=args.gold or None, workers=args.workers,
        timeout=args.timeout, progress=args.progress, nlp=not args.no_nlp,
        max_pages=args.max_pages, ocr=args.ocr, executor=args.executor, scheduler=args.scheduler)
    print(summary.format(), file=sys.stderr)
    print(summary.format_outputs())
    note = run.stale_reviews_note(db) if db else None
    if note:
        print(note)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from extract import report, score

    gold_rows = [g for path in args.gold for g in score.read_jsonl(path)]
    documents, agreement = report.report_from_db(args.db, machine=args.machine)
    out = report.write_report(documents, args.out, gold_rows or None, agreement)
    print(f"evidence report -> {out}")
    return 0


def _cmd_gold(args: argparse.Namespace) -> int:
    from extract import review

    result = review.write_gold(args.db, args.out)
    print(f"{len(result.rows)} reviewed patients of {len(result.documents)} documents -> {args.out}")
    if result.partial:
        shown = ", ".join(result.partial[:5]) + (" ..." if len(result.partial) > 5 else "")
        print(f"left out, partly reviewed: {len(result.partial)} documents ({shown})")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from extract.web import serve

    serve(args.db, host=args.host, port=args.port, reviewer=args.reviewer)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from extract.batch import DEFAULT_TIMEOUT

    parser = argparse.ArgumentParser(prog="case-extract", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read one file and print its text (or the Document as JSON)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the whole Document as JSON")
    p.add_argument("--max-pages", type=int, default=200)
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help="read scanned pages by OCR (Tesseract): those without a text layer "
                        "(auto, the default), every page (always) or none (never)")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("score", help="score predicted case rows against gold (FIELDS.md)")
    p.add_argument("pred")
    p.add_argument("gold")
    p.add_argument("--json", action="store_true")
    p.add_argument("--fields", help="comma-separated fields to report (default: all)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("run", help="extract case rows from files and folders")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--out", default="outputs", help="folder for cases.jsonl, cases.csv, score.json")
    p.add_argument("--gold", action="append", default=[], help="gold JSONL (repeatable)")
    p.add_argument("--max-pages", type=int, default=200)
    p.add_argument("--no-nlp", action="store_true", help="skip the spaCy pipeline (rules only)")
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help="read scanned pages by OCR (Tesseract): those without a text layer "
                        "(auto, the default), every page (always) or none (never)")
    # Batch options (extract/batch.py): the run is stored, resumable and idempotent.
    p.add_argument("--db", help="database URL (SQLAlchemy); default sqlite:///OUT/cases.sqlite")
    p.add_argument("--no-db", action="store_true", help="write files only, no database")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores; 0: none)")
    p.add_argument("--executor", choices=["local", "dask"], default="local")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="seconds one document may take before it is failed with that reason and "
                        "its worker replaced (default: %(default)g; 0: no limit; none with "
                        "--workers 0)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: on a terminal; log lines otherwise)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("export", help="write the database's case rows as csv/xlsx/parquet/jsonl/redcap")
    p.add_argument("--db", default=None, help="database URL (default: sqlite:///outputs/cases.sqlite)")
    p.add_argument("--format", required=True, choices=["csv", "xlsx", "parquet", "jsonl", "redcap"])
    p.add_argument("--out", required=True, help="output file (redcap: records .csv or a folder)")
    p.add_argument("--run", type=int, help="the rows one run wrote (default: current rows)")
    p.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE")
    p.add_argument("--machine", action="store_true",
                   help="the machine's values, not the reviewed ones (default: reviewed)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("cases", help="list the database's case rows as a table")
    p.add_argument("--db", default=None, help="database URL (default: sqlite:///outputs/cases.sqlite)")
    p.add_argument("--run", type=int, help="the rows one run wrote (default: current rows)")
    p.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                   help="keep cases whose field equals the value (list fields: contain it); repeatable")
    p.add_argument("--machine", action="store_true",
                   help="the machine's values, not the reviewed ones (default: reviewed, marked *)")
    p.set_defaults(func=_cmd_cases)

    p = sub.add_parser("report", help="write the HTML evidence report of a case database")
    p.add_argument("--db", default=None, help="database URL (default: sqlite:///outputs/cases.sqlite)")
    p.add_argument("--out", default="outputs/report.html")
    p.add_argument("--gold", action="append", default=[], help="gold JSONL (repeatable): adds the dashboard")
    p.add_argument("--machine", action="store_true",
                   help="the machine's values, not the reviewed ones (default: reviewed)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("serve", help="the reviewer's workbench: accept or correct each value in the browser")
    p.add_argument("--db", default=None, help="database URL (default: sqlite:///outputs/cases.sqlite)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: %(default)s, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s; 0: any free port)")
    p.add_argument("--reviewer", default=None, help="name recorded with each review (default: your login)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("gold", help="write the reviewed patients as gold rows (JSONL)")
    p.add_argument("--db", default=None, help="database URL (default: sqlite:///outputs/cases.sqlite)")
    p.add_argument("--out", required=True, help="gold JSONL to write")
    p.set_defaults(func=_cmd_gold)
    return parser


def _where(items: list[str]) -> dict[str, object]:
    from extract.db import coerce_filter

    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise CaseExtractError(f"--where {item}: expected FIELD=VALUE")
        out[name.strip()] = coerce_filter(name.strip(), value.strip())
    return out


def _cmd_export(args: argparse.Namespace) -> int:
    from extract import export

    for path in export.export(args.db, args.format, args.out, run_id=args.run, where=_where(args.where),
                              machine=args.machine):
        print(path)
    return 0


def _cmd_cases(args: argparse.Namespace) -> int:
    from extract import db, export

    database = db.open_db(args.db)
    try:
        rows = export.load_rows(database, run_id=args.run, where=_where(args.where),
                                machine=args.machine)
    finally:
        database.dispose()
    print(export.format_table(rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CaseExtractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"error: {exc.filename}: no such file", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


