"""What a run writes: ``cases.jsonl``, ``cases.csv``, ``report.html`` and, with gold, ``score.json``.

:func:`extract.run_batch` (and through it ``case-extract run``) calls these after the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extract import export
from extract.errors import CaseExtractError
from extract.pipeline import FileResult
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


def write_run_files(results: list[FileResult], cases: list[CaseRow], out_dir: Path, *,
                    gold_rows: list[dict[str, Any]], score: dict[str, Any] | None) -> dict[str, Path]:
    """Write a run's files into ``out_dir``; returns them by name. The evidence report has a
    score dashboard when there is gold; ``score.json`` is written only then."""
    write_outputs(cases, out_dir)
    files = {"cases.jsonl": out_dir / "cases.jsonl", "cases.csv": out_dir / "cases.csv"}
    files["report.html"] = write_report(report_documents(results), out_dir / "report.html",
                                        gold_rows or None)
    if score is not None:
        files["score.json"] = out_dir / "score.json"
        files["score.json"].write_text(json.dumps(score, indent=1) + "\n", encoding="utf-8")
    return files


def stale_reviews_note(db_url: str) -> str | None:
    """After a run: how many reviewed values the new machine values put in doubt (issue 13), as
    a line to print, or None when there are none."""
    from extract import db, review

    database = db.open_db(db_url)
    try:
        stale = review.stale_count(database)
    finally:
        database.dispose()
    if not stale:
        return None
    return (f"{stale} reviewed values to recheck: the machine's value changed since the review "
            f"(case-extract serve --db {db_url})")


def report_documents(results: Iterable[FileResult]) -> list[ReportDocument]:
    return [ReportDocument(doc_id=r.doc_id, path=r.path, error=r.error, title=r.title,
                           pages=r.pages or int((r.stored or {}).get("pages") or 0),
                           text=r.text,
                           rows=[c.to_json() for c in r.cases],
                           ocr_pages=[{"number": p.number, "confidence": p.confidence}
                                      for p in (r.document.ocr_pages if r.document else [])]
                           or list((r.stored or {}).get("ocr_pages") or []))
            for r in results]
