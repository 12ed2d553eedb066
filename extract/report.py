"""The HTML evidence report: per document the patient rows, each value beside the words it
came from; with gold, a dashboard of per-field scores, the primary-site confusion and every
disagreement. One self-contained page (inline CSS and SVG, no script, no network).

Every string from a document is escaped by Jinja2's autoescape; the page also carries a
Content-Security-Policy that forbids scripts, so hostile text can never run.

From a database (``case-extract report --db``) the report shows the reviewed case table
(issue 13): current values, each a reviewer decided marked "reviewed", and, when reviewers
have finished documents, a second dashboard scoring the machine against them.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from extract.record import CLINICAL_FIELDS, MISSION_FIELDS

Row = dict[str, Any]
_CONTEXT_CHARS = 220
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])|\n\s*\n")


@dataclass
class ReportDocument:
    """What the report shows of one input: its rows, and its text when the run has it."""

    doc_id: str
    path: str = ""
    title: str | None = None
    pages: int = 0
    error: str | None = None
    text: str | None = None
    rows: list[Row] = field(default_factory=list)
    #: the pages read by OCR: [{"number", "confidence"}, ...]
    ocr_pages: list[dict[str, Any]] = field(default_factory=list)


def show_value(value: Any) -> str:
    """A field's value as the report and the workbench print it ("–", "none", "yes", "12")."""
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def evidence_in_context(text: str | None, ev: dict[str, Any]) -> tuple[str, str, str]:
    """(before, evidence, after): the evidence within its sentence when the text is known."""
    snippet = ev.get("text") or ""
    start, end = ev.get("start"), ev.get("end")
    if not text or start is None or end is None or text[start:end] != snippet:
        return "", snippet, ""
    lo = max(0, start - _CONTEXT_CHARS)
    before = text[lo:start]
    cuts = list(_SENTENCE_END.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    elif lo > 0:
        before = "…" + before.lstrip()
    after = text[end:end + _CONTEXT_CHARS]
    cut = _SENTENCE_END.search(after)
    after = after[:cut.start()] if cut else after + ("…" if end + _CONTEXT_CHARS < len(text) else "")
    return before.replace("\n", " "), snippet, after.replace("\n", " ")


def _case_view(row: Row, text: str | None) -> dict[str, Any]:
    fields = []
    evidence = row.get("evidence") or {}
    for name in CLINICAL_FIELDS:
        value = row.get(name)
        ev = evidence.get(name)
        before = snippet = after = ""
        if ev:
            before, snippet, after = evidence_in_context(text, ev)
        fields.append({"name": name, "value": value, "evidence": snippet, "before": before,
                       "after": after, "page": (ev or {}).get("page"), "ocr": (ev or {}).get("ocr"),
                       "reviewed": name in (row.get("reviewed") or ())})
    return {"case_index": row.get("case_index"), "source": row.get("source"),
            "reference": row.get("reference"), "fields": fields}


def bar_chart_svg(score: dict[str, Any]) -> str:
    """Per-field precision, recall and F1 as an inline SVG (matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(score["fields"])
    metrics = ("precision", "recall", "f1")
    colors = ("#7aa6d8", "#9ccc8a", "#1f3a5f")
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "case-extract"}):
        fig, ax = plt.subplots(figsize=(9, 3.6))
        width = 0.27
        for k, (metric, color) in enumerate(zip(metrics, colors)):
            xs = [i + (k - 1) * width for i in range(len(names))]
            ax.bar(xs, [score["fields"][n][metric] for n in names], width, label=metric, color=color)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([n.replace("_months", "").replace("_", " ") for n in names],
                           rotation=30, ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("score")
        ax.legend(ncol=3, fontsize=8, loc="lower right")
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def primary_site_confusion(pairs: list[tuple[str, Row | None, Row | None]]) -> dict[str, Any]:
    counts: Counter[tuple[str, str]] = Counter()
    for _, p, g in pairs:
        gv, pv = (g or {}).get("primary_site"), (p or {}).get("primary_site")
        if gv is None and pv is None:
            continue
        counts[(gv or "–", pv or "–")] += 1
    rows = sorted({g for g, _ in counts})
    cols = sorted({p for _, p in counts})
    return {"rows": rows, "columns": cols, "counts": dict(counts)}


@dataclass
class ReviewAgreement:
    """The machine's rows of the documents reviewers finished, and the reviewers' rows."""

    machine_rows: list[Row]
    gold_rows: list[Row]
    documents: int  # finished
    partial: int  # reviewed in part (left out)


def _dashboard(pred_rows: list[Row], gold_rows: list[Row]) -> dict[str, Any]:
    from extract import score as scoring

    pairs = scoring.aligned_pairs(pred_rows, gold_rows)  # aligned once for all three views
    result = scoring.score_pairs(pairs)
    return {"score": result, "chart_svg": bar_chart_svg(result),
            "confusion": primary_site_confusion(pairs),
            "disagreements": scoring.disagreements_of(pairs)}


def render_report(documents: list[ReportDocument], gold_rows: list[Row] | None = None,
                  agreement: ReviewAgreement | None = None) -> str:
    """The report as one HTML string; ``agreement`` adds the machine-against-reviewers
    dashboard."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("extract", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["show"] = show_value
    all_rows = [r for d in documents for r in d.rows]
    context: dict[str, Any] = {
        "summary": {"documents": len(documents), "ok": sum(d.error is None for d in documents),
                    "failed": sum(d.error is not None for d in documents), "cases": len(all_rows),
                    "reviewed": sum(len(r.get("reviewed") or ()) > 0 for r in all_rows)},
        "documents": [{"doc_id": d.doc_id, "path": d.path, "title": d.title, "pages": d.pages,
                       "error": d.error, "cases": [_case_view(r, d.text) for r in d.rows],
                       "ocr_pages": d.ocr_pages}
                      for d in documents],
        "mission_fields": MISSION_FIELDS,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "score": None,
        "gold": None,
        "agreement": None,
    }
    if gold_rows:
        context["gold"] = _dashboard(all_rows, gold_rows)
        context["score"] = context["gold"]["score"]
    if agreement is not None and agreement.gold_rows:
        context["agreement"] = dict(_dashboard(agreement.machine_rows, agreement.gold_rows),
                                    documents=agreement.documents, partial=agreement.partial)
    return env.get_template("report.html.j2").render(**context)


def write_report(documents: list[ReportDocument], out_path: str | Path,
                 gold_rows: list[Row] | None = None,
                 agreement: ReviewAgreement | None = None) -> Path:
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(documents, gold_rows, agreement), encoding="utf-8")
    return out


def documents_from_db(db_url: str | None, *, machine: bool = False) -> list[ReportDocument]:
    """The current documents of a case database with their rows (reviewed, unless
    ``machine``) and stored text."""
    return report_from_db(db_url, machine=machine)[0]


def report_from_db(db_url: str | None, *,
                   machine: bool = False) -> tuple[list[ReportDocument], ReviewAgreement | None]:
    """The documents of :func:`documents_from_db`, and the agreement of the machine with the
    reviewers on the documents they finished (None when none is)."""
    from extract import db as dbm
    from extract import review

    database = dbm.open_db(db_url)
    try:
        machine_rows = [c.to_json() for c in dbm.load_cases(database)]
        shown = machine_rows if machine else [c.to_json() for c in review.reviewed_cases(database)]
        by_doc: dict[str, list[Row]] = {}
        for row in shown:
            by_doc.setdefault(row["doc_id"], []).append(row)
        documents = [ReportDocument(doc_id=d["doc_id"], path=d["path"] or "", title=d["title"],
                                    pages=d["pages"] or 0, error=d["error"], text=d["text"],
                                    ocr_pages=d.get("ocr_pages") or [],
                                    rows=sorted(by_doc.get(d["doc_id"], []),
                                                key=lambda r: r["case_index"]))
                     for d in dbm.load_documents(database, with_text=True)]
        finished = review.gold(database)
    finally:
        database.dispose()
    if not finished.rows:
        return documents, None
    done = set(finished.documents)
    return documents, ReviewAgreement([r for r in machine_rows if r["doc_id"] in done],
                                      finished.rows, len(done), len(finished.partial))
