"""The reviewer's workbench: a Flask app over the case database (``case-extract serve``).

Pages are server-rendered Jinja2 templates (autoescaped, every one) with plain HTML forms that
work without JavaScript; ``static/workbench.js`` only adds keyboard shortcuts. Every POST
carries a CSRF token (Flask-WTF's ``CSRFProtect``) and is refused with 403 without it; every
answer carries a Content-Security-Policy that allows scripts, styles and images from the app
alone. Page images and the PDF are looked up by document id in the database, never by a path
a request names. Reviews go through :mod:`extract.review`; this module only shows and asks.
"""

from __future__ import annotations

import getpass
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.utils import secure_filename

from extract import review
from extract.db import Database, current_document, load_documents, open_db, source_pdf
from extract.record import CLINICAL_FIELDS, LIST_FIELDS
from extract.report import evidence_in_context, show_value
from extract.web import forms
from extract.web.pages import Box, PdfCache, evidence_boxes

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
FIELD_LABELS = {
    "age_years": "age (years)", "sex": "sex", "primary_site": "primary site",
    "metastasis_sites": "metastasis sites", "spinal_levels": "spinal levels",
    "time_to_spinal_metastasis_months": "time to spinal metastasis (months)",
    "synchronous": "synchronous", "spinal_treatment": "spinal treatment", "tki": "TKI",
    "outcome_status": "outcome", "follow_up_months": "follow-up (months)",
    "source": "told in", "reference": "reference",
}


class _Flask(Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return True  # every template, whatever its name: a document's text is never markup


@dataclass
class Workbench:
    """What the routes share: the database, who reviews, the PDFs opened."""

    db: Database
    reviewer: str
    pdfs: PdfCache


def _wb() -> Workbench:
    wb: Workbench = current_app.extensions["case_extract"]
    return wb


def default_reviewer() -> str:
    try:
        return getpass.getuser() or "reviewer"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "reviewer"


def create_app(db_url: str | None = None, *, reviewer: str | None = None,
               host: str = "127.0.0.1", database: Database | None = None) -> Flask:
    """The workbench over ``db_url`` (or an open ``database``); reviews are recorded as
    ``reviewer``. Bound to a loopback ``host``, requests must name a loopback host too (a page
    elsewhere that rebinds its name to 127.0.0.1 cannot read the database)."""
    app = _Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # new each start: sessions end with the server
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the server, not an hour
        SESSION_COOKIE_NAME="case_extract_session",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=256 * 1024,
        TRUSTED_HOSTS=[*LOOPBACK, "[::1]", host] if host in LOOPBACK else None,
    )
    CSRFProtect(app)
    app.extensions["case_extract"] = Workbench(database or open_db(db_url),
                                               reviewer or default_reviewer(), PdfCache())
    app.jinja_env.filters["show"] = show_value
    app.jinja_env.globals.update(label=lambda f: FIELD_LABELS.get(f, f), kind=forms.kind,
                                 choices=forms.choices, bounds=forms.bounds)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", title="Refused",
                               message=f"Refused: {error.description} Reload the page and try "
                                       "again."), 403

    @app.errorhandler(404)
    def _missing(error: Any) -> tuple[str, int]:
        return render_template("error.html", title="Not found",
                               message="No such page or document in this database."), 404

    app.add_url_rule("/", view_func=home)
    app.add_url_rule("/documents/<doc_id>", view_func=document)
    app.add_url_rule("/documents/<doc_id>/pages/<int:number>.png", view_func=page_image)
    app.add_url_rule("/documents/<doc_id>/source.pdf", view_func=source_file)
    app.add_url_rule("/documents/<doc_id>/values", view_func=post_value, methods=["POST"])
    app.add_url_rule("/documents/<doc_id>/patients", view_func=post_new_patient, methods=["POST"])
    app.add_url_rule("/documents/<doc_id>/patients/<int:case_index>", view_func=post_patient,
                     methods=["POST"])
    return app


# --- pages ----------------------------------------------------------------------------------


def home() -> str:
    wb = _wb()
    documents = load_documents(wb.db)
    cases = review.reviewed_documents(wb.db, [d["doc_id"] for d in documents])
    rows = []
    for d in documents:
        doc_cases = cases.get(d["doc_id"], [])
        rows.append({"doc": d, "machine": sum(c.machine is not None for c in doc_cases),
                     "progress": review.progress(doc_cases)})
    total = review.progress(c for cs in cases.values() for c in cs)
    return render_template("home.html", rows=rows, total=total, reviewer=wb.reviewer)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def document(doc_id: str) -> str:
    return _render_document(doc_id, _int_arg("case"), request.args.get("field"), _int_arg("page"))


def _render_document(doc_id: str, case_index: int | None, field: str | None, page: int | None,
                     error: str | None = None, status: int = 200) -> Any:
    wb = _wb()
    doc = current_document(wb.db, doc_id)
    if doc is None:
        abort(404)
    cases = review.document_cases(wb.db, doc_id)
    order = [(c.case_index, f) for c in cases if c.exists for f in CLINICAL_FIELDS]
    by_index = {c.case_index: c for c in cases}
    if case_index not in by_index or field not in review.REVIEW_FIELDS:
        pending = [(i, f) for i, f in order if f not in by_index[i].reviews]
        first = (pending or order)[:1]
        case_index, field = first[0] if first else (None, None)
    selected = by_index.get(case_index) if case_index is not None else None
    sel = _selection(doc, cases, selected, field, order) if selected and field else None
    if page is None:
        page = (sel or {}).get("page") or 1
    page = min(max(page, 1), max(doc["pages"] or 1, 1))
    viewer = _viewer(wb, doc, cases, selected, field, page)
    marks = []
    if selected is not None:
        marks = [(ev.start, ev.end, 2 if f == field else 1)
                 for f, ev in selected.current.evidence.items()
                 if ev.start is not None and ev.end is not None]
    body = render_template(
        "document.html", doc=doc, cases=[_case_view(doc_id, c, case_index, field) for c in cases],
        sel=sel, viewer=viewer, segments=marked_segments(doc.get("text") or "", marks),
        progress=review.progress(cases), error=error, reviewer=wb.reviewer,
        fields=CLINICAL_FIELDS)
    return body if status == 200 else (body, status)


def _case_view(doc_id: str, case: review.ReviewedCase, case_index: int | None,
               field: str | None) -> dict[str, Any]:
    rows = []
    for name in CLINICAL_FIELDS:
        r = case.reviews.get(name)
        ev = case.current.evidence.get(name)
        rows.append({
            "name": name, "value": getattr(case.current, name),
            "machine": review.machine_value(case.machine, name),
            "review": r, "selected": case.case_index == case_index and name == field,
            "evidence": ev.text if ev else None,
            "url": url_for("document", doc_id=doc_id, case=case.case_index, field=name),
        })
    return {"index": case.case_index, "status": case.status, "exists": case.exists,
            "source": case.current.source, "reference": case.current.reference,
            "complete": case.complete, "reviewed": len(case.reviewed_fields),
            "stale": case.stale_fields, "patient_review": case.reviews.get(review.PATIENT),
            "fields": rows,
            "url_source": url_for("document", doc_id=doc_id, case=case.case_index, field="source"),
            "url_reference": url_for("document", doc_id=doc_id, case=case.case_index,
                                     field="reference")}


def _selection(doc: dict[str, Any], cases: list[review.ReviewedCase], case: review.ReviewedCase,
               field: str, order: list[tuple[int, str]]) -> dict[str, Any]:
    doc_id = doc["doc_id"]
    value = getattr(case.current, field)
    ev = case.current.evidence.get(field)
    machine_ev = case.machine.evidence.get(field) if case.machine else None
    before, words, after = evidence_in_context(doc.get("text"), ev.to_json()) if ev else ("", "", "")
    here = (case.case_index, field)
    position = order.index(here) if here in order else -1

    def link(step: int) -> str | None:
        if position < 0 or not 0 <= position + step < len(order):
            return None
        i, f = order[position + step]
        return url_for("document", doc_id=doc_id, case=i, field=f)

    return {
        "case": case.case_index, "field": field, "value": value,
        "machine": review.machine_value(case.machine, field),
        "form_value": forms.shown(field, value), "review": case.reviews.get(field),
        "exists": case.exists, "before": before, "words": words, "after": after,
        "evidence": ev, "machine_evidence": machine_ev,
        "page": ev.page if ev else (machine_ev.page if machine_ev else None),
        "next": link(1), "prev": link(-1),
        "is_list": field in LIST_FIELDS, "has_machine": case.machine is not None,
    }


def _viewer(wb: Workbench, doc: dict[str, Any], cases: list[review.ReviewedCase],
            case: review.ReviewedCase | None, field: str | None, page: int) -> dict[str, Any]:
    doc_id = doc["doc_id"]
    out: dict[str, Any] = {"page": page, "pages": doc["pages"] or 0, "image": None, "boxes": [],
                           "note": None}
    pdf = wb.pdfs.pages(doc["sha256"], lambda: source_pdf(wb.db, doc_id)) \
        if doc["status"] == "ok" else None
    if pdf is None:
        out["note"] = ("No page images: " + ("the document could not be read." if doc["status"] != "ok"
                       else "not a PDF, or its PDF is neither stored nor at its path any more."))
        return out
    out["pages"] = pdf.count
    page = min(page, pdf.count)
    width, height = pdf.size(page)
    out.update(page=page, width=round(width, 2), height=round(height, 2),
               image=url_for("page_image", doc_id=doc_id, number=page, v=doc["sha256"][:12]))

    def at(number: int) -> str:
        args: dict[str, Any] = {"doc_id": doc_id, "page": number}
        if case is not None and field:
            args.update(case=case.case_index, field=field)
        return url_for("document", **args)

    out["prev_url"] = at(page - 1) if page > 1 else None
    out["next_url"] = at(page + 1) if page < pdf.count else None
    ev = case.current.evidence.get(field) if case is not None and field else None
    if case is None or ev is None:
        return out
    if ev.page != page:
        if ev.page:
            out["note"] = f"The evidence of this value is on page {ev.page}."
            out["evidence_page_url"] = at(ev.page)
        return out
    same = [c.case_index for c in cases if (e := c.current.evidence.get(field or "")) is not None
            and e.start is None and e.page == ev.page and e.text == ev.text]
    rank = (same.index(case.case_index), len(same)) if ev.start is None and case.case_index in same \
        else (0, 1)
    boxes: list[Box] = evidence_boxes(pdf, page, doc.get("text"), doc.get("page_offsets"), ev,
                                      list(case.current.evidence.values()), rank)
    out["boxes"] = [{"x": round(b.x, 2), "y": round(b.y, 2), "w": round(b.width, 2),
                     "h": round(b.height, 2)} for b in boxes]
    if not boxes:
        out["note"] = "The evidence could not be placed on this page; it is marked in the text below."
    return out


def marked_segments(text: str, marks: list[tuple[int, int, int]]) -> list[tuple[str, int]]:
    """``text`` cut into ``(piece, level)``: 0 plain, 1 the patient's evidence, 2 the selected
    value's evidence (the highest level wins where spans overlap)."""
    points = sorted({0, len(text), *(max(0, min(len(text), p)) for s, e, _ in marks for p in (s, e))})
    out: list[tuple[str, int]] = []
    for a, b in zip(points, points[1:]):
        if a >= b:
            continue
        level = max((lv for s, e, lv in marks if s <= a and b <= e), default=0)
        if out and out[-1][1] == level:
            out[-1] = (out[-1][0] + text[a:b], level)
        else:
            out.append((text[a:b], level))
    return out


def page_image(doc_id: str, number: int) -> Response:
    """Page ``number`` of the document's PDF as PNG, from the database (by document id)."""
    wb = _wb()
    doc = current_document(wb.db, doc_id, with_text=False)
    if doc is None:
        abort(404)
    pdf = wb.pdfs.pages(doc["sha256"], lambda: source_pdf(wb.db, doc_id))
    if pdf is None or not 1 <= number <= pdf.count:
        abort(404)
    response = Response(wb.pdfs.png(doc["sha256"], number, pdf), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def source_file(doc_id: str) -> Response:
    """The document's PDF, as a download (never shown inline: a PDF can carry script)."""
    wb = _wb()
    data = source_pdf(wb.db, doc_id)
    if data is None:
        abort(404)
    response = Response(data, mimetype="application/pdf")
    name = secure_filename(f"{doc_id}.pdf") or "document.pdf"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


# --- forms ----------------------------------------------------------------------------------


def _back(doc_id: str, **args: Any) -> Any:
    return redirect(url_for("document", doc_id=doc_id, **args), code=303)


def _form_int(name: str) -> int | None:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() else None


def post_value(doc_id: str) -> Any:
    """Accept, correct or clear one value, then on to the next (303)."""
    wb = _wb()
    case_index, field = _form_int("case"), request.form.get("field", "")
    action = request.form.get("action", "")
    try:
        if case_index is None:
            raise review.ReviewError("which patient? (case is missing)")
        value = forms.parse(field, request.form.getlist("value")) if action == "correct" else None
        review.review_field(wb.db, doc_id, case_index, field, action, reviewer=wb.reviewer,
                            value=value, evidence=request.form.get("evidence"),
                            note=request.form.get("note"))
    except review.ReviewError as exc:
        if current_document(wb.db, doc_id, with_text=False) is None:
            abort(404)
        return _render_document(doc_id, case_index, field or None, None, error=str(exc), status=400)
    return _back(doc_id, **_next_value(doc_id, case_index, field))


def _next_value(doc_id: str, case_index: int, field: str) -> dict[str, Any]:
    """The value after this one (the next field, then the next patient's first), else this."""
    cases = review.document_cases(_wb().db, doc_id)
    order = [(c.case_index, f) for c in cases if c.exists for f in CLINICAL_FIELDS]
    here = order.index((case_index, field)) if (case_index, field) in order else -1
    if 0 <= here < len(order) - 1:
        case_index, field = order[here + 1]
    return {"case": case_index, "field": field}


def post_new_patient(doc_id: str) -> Any:
    """A patient the extractor missed."""
    wb = _wb()
    try:
        index = review.add_patient(wb.db, doc_id, reviewer=wb.reviewer,
                                   source=request.form.get("source") or "narrative",
                                   reference=request.form.get("reference"),
                                   note=request.form.get("note"))
    except review.ReviewError as exc:
        if current_document(wb.db, doc_id, with_text=False) is None:
            abort(404)
        return _render_document(doc_id, None, None, None, error=str(exc), status=400)
    return _back(doc_id, case=index, field=CLINICAL_FIELDS[0])


def post_patient(doc_id: str, case_index: int) -> Any:
    """Remove a patient, keep (restore) one, or accept every value not yet reviewed."""
    wb = _wb()
    action = request.form.get("action", "")
    try:
        if action == "accept-rest":
            review.accept_rest(wb.db, doc_id, case_index, reviewer=wb.reviewer,
                               note=request.form.get("note"))
        elif action in ("remove", "keep"):
            review.set_patient(wb.db, doc_id, case_index,
                               review.REMOVED if action == "remove" else review.KEPT,
                               reviewer=wb.reviewer, note=request.form.get("note"))
        else:
            raise review.ReviewError(f"{action or 'nothing'}: accept-rest, remove or keep")
    except review.ReviewError as exc:
        if current_document(wb.db, doc_id, with_text=False) is None:
            abort(404)
        return _render_document(doc_id, case_index, None, None, error=str(exc), status=400)
    return _back(doc_id, case=case_index, field=CLINICAL_FIELDS[0])


__all__ = ["CSP", "Workbench", "create_app", "default_reviewer", "marked_segments"]
