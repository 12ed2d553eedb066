"""The case database: documents, runs, case rows and their evidence (SQLAlchemy 2).

Any SQLAlchemy URL works; the default is SQLite at ``outputs/cases.sqlite`` in WAL mode.
:func:`open_db` upgrades the schema to the newest Alembic revision before anything else.

History model (issue 5): a ``documents`` row is one *version* of a document: its ``doc_id``,
the file's ``sha256`` and the pipeline and model versions that read it. Only the newest version
of each ``doc_id`` has ``current = true``; a changed file or a new pipeline version adds a new
version and turns the old one (with its cases and evidence) into history in the same
transaction. So the same file read by the same pipeline adds nothing, and every earlier run
stays queryable (``cases.run_id`` names the run that wrote a row). Queries and exports read the
current versions unless asked for a run. Each version keeps the text the reader produced
(``documents.text``, revision 0003, loaded only when asked for) so the evidence report can show
a value within its sentence without reading the file again.

Revision 0004 (issue 13) adds where each page's text lies (``documents.page_offsets``), the
bytes of each PDF read (``document_files``, one row per SHA-256, so the workbench renders pages
from the database, never from a path a request names) and the reviewers' work (``reviews``,
see :mod:`extract.review`): reviews sit beside the machine's rows and never change them.
Revision 0005 (issue 14) records the pages of a scan read by OCR (``documents.ocr_pages``, with
their mean word confidence) and marks the evidence read from them (``evidence.ocr``).

The driver process of a batch is the only writer; workers only compute.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    cast,
    create_engine,
    event,
    false,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

import extract
from extract.errors import CaseExtractError
from extract.record import CLINICAL_FIELDS, LIST_FIELDS, CaseRow, Evidence

if TYPE_CHECKING:  # pragma: no cover
    from extract.pipeline import FileResult

DEFAULT_DB_URL = "sqlite:///outputs/cases.sqlite"


class DatabaseError(CaseExtractError):
    """The database cannot be opened or written (a fatal error for a run)."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Run(Base):
    """One invocation of a batch. A run killed halfway keeps ``status = 'running'``."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pipeline_version: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(200))
    started: Mapped[datetime] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|finished|failed|interrupted
    documents: Mapped[int] = mapped_column(Integer, default=0)  # inputs named
    processed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # already done with this version
    ok: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class DocumentRow(Base):
    """One version of one document (see the module docstring)."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("doc_id", "sha256", "pipeline_version", "model_version",
                         name="uq_documents_version"),
        Index("ix_documents_doc_id_current", "doc_id", "current"),
        # One current version per document even with two writers at once (revision 0002;
        # SQLite and PostgreSQL have partial indexes, elsewhere the migration leaves it out).
        Index("uq_documents_one_current", "doc_id", unique=True,
              sqlite_where=text("current = 1"), postgresql_where=text("current")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    pipeline_version: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(8))  # ok | failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the text read (revision 0003): the report shows evidence in its sentence from it
    text: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    # [[page number, start, end], ...] into ``text`` (revision 0004): the page of an offset
    page_offsets: Mapped[list[list[int]] | None] = mapped_column(JSON, nullable=True)
    # [{"number", "confidence"}, ...]: the pages read by OCR (revision 0005); NULL: none
    ocr_pages: Mapped[list[dict[str, float]] | None] = mapped_column(JSON, nullable=True)
    timings: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    processed_at: Mapped[datetime] = mapped_column(DateTime)
    current: Mapped[bool] = mapped_column(Boolean, default=True)

    cases: Mapped[list[CaseRecord]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="CaseRecord.case_index"
    )


class CaseRecord(Base):
    """One patient of one document version: every FIELDS.md field, lists as JSON."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("document_id", "case_index", name="uq_cases_document_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    doc_id: Mapped[str] = mapped_column(String(255), index=True)
    case_index: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(Text, nullable=True)
    age_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(16), nullable=True)
    primary_site: Mapped[str | None] = mapped_column(String(64), nullable=True)
    metastasis_sites: Mapped[list[str]] = mapped_column(JSON, default=list)
    spinal_levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_to_spinal_metastasis_months: Mapped[float | None] = mapped_column(Float, nullable=True)
    synchronous: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    spinal_treatment: Mapped[list[str]] = mapped_column(JSON, default=list)
    tki: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    follow_up_months: Mapped[float | None] = mapped_column(Float, nullable=True)

    document: Mapped[DocumentRow] = relationship(back_populates="cases")
    evidence: Mapped[list[EvidenceRecord]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="EvidenceRecord.field"
    )

    def to_case_row(self) -> CaseRow:
        row = CaseRow(doc_id=self.doc_id, case_index=self.case_index, source=self.source,
                      reference=self.reference)
        for name in CLINICAL_FIELDS:
            value = getattr(self, name)
            setattr(row, name, list(value or []) if name in LIST_FIELDS else value)
        row.evidence = {e.field: Evidence(e.text, e.page, e.start, e.end, bool(e.ocr))
                        for e in self.evidence}
        return row


class EvidenceRecord(Base):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("case_id", "field", name="uq_evidence_case_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # read by OCR from a scanned page (revision 0005)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    case: Mapped[CaseRecord] = relationship(back_populates="evidence")


class DocumentFile(Base):
    """The bytes of a PDF that was read, once per SHA-256 (revision 0004): the workbench draws
    its pages from here, so what it serves is always what was read."""

    __tablename__ = "document_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class ReviewRecord(Base):
    """One reviewer's decision on one field of one patient (revision 0004, :mod:`extract.review`).

    Keyed by ``(doc_id, case_index, field)``, not by a case row, so a rerun that writes new case
    rows keeps every review; ``machine_value`` is the machine's value when the reviewer decided,
    so a rerun that changes it is seen. The latest review of a field is its current value.
    ``field`` is a FIELDS.md field, ``source``/``reference``, or ``patient`` (the whole patient:
    ``added``, ``removed`` or ``kept``).
    """

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_case_field", "doc_id", "case_index", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(255))
    case_index: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(64))
    machine_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reviewed_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    # {"text", "page", "start", "end"} of the reviewed value, or None
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the document version the reviewer saw (history; None once that version is gone)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), nullable=True)


# --- versions -------------------------------------------------------------------------------

_RULE_SUFFIXES = (".py", ".json", ".jsonl", ".cfg", ".txt", ".csv", ".j2")


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """``extract.__version__`` plus a hash of the code, rule and vocabulary files of the package.

    Editing the code or a rule file (or upgrading the package) gives a new version, so the next
    run re-reads every document instead of skipping it.
    """
    root = Path(extract.__file__).parent
    digest = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in _RULE_SUFFIXES and "__pycache__" not in p.parts:
            digest.update(p.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(p.read_bytes()).digest())
    return f"{extract.__version__}+{digest.hexdigest()[:12]}"


def model_version(use_nlp: bool) -> str:
    """Name and version of the NER model a run uses, or ``"none"`` when the NLP is off.

    Asked of :mod:`extract.nlp` without loading the model: its ``model_version()`` when it has
    one, else the ``meta.json`` spaCy writes into the model folder it names (``MODEL_DIR``,
    ``MODEL_PATH``, ``DEFAULT_MODEL_PATH`` or ``model_path()``) with a hash of it, so a retrained
    model is a new version.
    """
    if not use_nlp:
        return "none"
    try:
        from extract import nlp as nlp_mod
    except Exception:  # noqa: BLE001 - the workers report a missing NLP; this only names it
        return "spacy"
    if callable(getattr(nlp_mod, "model_version", None)):
        return str(nlp_mod.model_version())  # type: ignore[attr-defined]
    path: Any = next((getattr(nlp_mod, n) for n in ("MODEL_DIR", "MODEL_PATH", "DEFAULT_MODEL_PATH")
                      if getattr(nlp_mod, n, None)), None)
    if path is None and callable(getattr(nlp_mod, "model_path", None)):
        try:
            path = nlp_mod.model_path()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - no path: the version says "spacy"
            path = None
    meta = Path(path) / "meta.json" if path else None
    if meta is not None and meta.is_file():
        data = meta.read_bytes()
        info = json.loads(data)
        tag = hashlib.sha256(data).hexdigest()[:8]
        return f"{info.get('name', 'model')}-{info.get('version', '0')}+{tag}"
    return "spacy"


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- engine ---------------------------------------------------------------------------------


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below starts transactions


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at the start: a transaction that reads and then writes would otherwise
    # fail at once ("database is locked") when another process wrote in between, whatever the
    # busy timeout. Readers are not blocked in WAL mode; writers wait their turn.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :data:`DEFAULT_DB_URL`); SQLite gets WAL and foreign keys."""
    url = url or DEFAULT_DB_URL
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"{url}: not a database URL ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        db_path = parsed.database
        if db_path and db_path != ":memory:" and not db_path.startswith("file:"):
            try:
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"{url}: cannot create its folder ({exc.strerror or exc})") from None
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        try:  # psycopg 3 is the driver we ship; plain postgresql:// URLs mean it too
            import psycopg  # noqa: F401

            parsed = parsed.set(drivername="postgresql+psycopg")
        except ImportError:
            pass
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:  # an unknown dialect or a driver not installed
        raise DatabaseError(f"{url}: {' '.join(str(exc).split())}") from None


_UPGRADE_LOCK = threading.Lock()  # Alembic's `context` and `op` are module globals


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("extract") / "migrations"))
    with _UPGRADE_LOCK, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass
class Database:
    """An engine with its session factory. Use :func:`open_db`."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def open_db(url: str | None = None, *, migrate: bool = True) -> Database:
    """Connect to ``url`` and upgrade the schema; a fatal :class:`DatabaseError` if unreachable."""
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except SQLAlchemyError as exc:
        engine.dispose()
        msg = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise DatabaseError(f"{engine.url.render_as_string(hide_password=True)}: {msg}") from None
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


# --- writing --------------------------------------------------------------------------------


def start_run(db: Database, *, pipeline: str, model: str, documents: int) -> int:
    with db.session() as s:
        run = Run(pipeline_version=pipeline, model_version=model, started=utcnow(),
                  status="running", documents=documents)
        s.add(run)
        s.flush()
        return run.id


def finish_run(db: Database, run_id: int, *, processed: int, skipped: int, ok: int, failed: int,
               cases: int, status: str = "finished") -> None:
    """Counts and end time of a run; ``status`` finished, failed (a fatal error) or interrupted.
    A run killed outright keeps ``running``."""
    with db.session() as s:
        s.execute(update(Run).where(Run.id == run_id).values(
            finished=utcnow(), status=status, processed=processed, skipped=skipped, ok=ok,
            failed=failed, cases=cases))


def done_versions(db: Database, doc_ids: Sequence[str], *, pipeline: str,
                  model: str) -> dict[str, tuple[str, str, str | None]]:
    """For each doc_id whose current version was read by this pipeline and model:
    ``doc_id -> (sha256, status, error)``. A run skips a file whose hash matches."""
    out: dict[str, tuple[str, str, str | None]] = {}
    ids = list(dict.fromkeys(doc_ids))
    with db.session() as s:
        for i in range(0, len(ids), 500):  # keep IN lists a sane size
            q = select(DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.status,
                       DocumentRow.error).where(
                DocumentRow.doc_id.in_(ids[i:i + 500]), DocumentRow.current.is_(True),
                DocumentRow.pipeline_version == pipeline, DocumentRow.model_version == model)
            for doc_id, sha, status, error in s.execute(q):
                out[doc_id] = (sha, status, error)
    return out


def _case_record(row: CaseRow, run_id: int) -> CaseRecord:
    rec = CaseRecord(run_id=run_id, doc_id=row.doc_id, case_index=row.case_index,
                     source=row.source, reference=row.reference)
    for name in CLINICAL_FIELDS:
        value = getattr(row, name)
        setattr(rec, name, list(value or []) if name in LIST_FIELDS else value)
    rec.evidence = [EvidenceRecord(field=f, text=e.text, page=e.page, start=e.start, end=e.end, ocr=e.ocr)
                    for f, e in sorted(row.evidence.items())]
    return rec


def store_result(db: Database, run_id: int, result: FileResult, *, sha256: str, pipeline: str,
                 model: str) -> DocumentRow:
    """Write one document's outcome in one transaction.

    The same (doc_id, hash, pipeline, model) again replaces that version's cases in place (a
    retried failure); anything else becomes the new current version and the older ones history.
    """
    for attempt in range(3):
        try:
            return _store_result(db, run_id, result, sha256=sha256, pipeline=pipeline, model=model)
        except IntegrityError:
            # Another writer stored this document at the same moment: read its row and go again.
            if attempt == 2:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _store_result(db: Database, run_id: int, result: FileResult, *, sha256: str, pipeline: str,
                  model: str) -> DocumentRow:
    doc = result.document
    with db.session() as s:
        existing = s.scalars(select(DocumentRow).where(
            DocumentRow.doc_id == result.doc_id, DocumentRow.sha256 == sha256,
            DocumentRow.pipeline_version == pipeline, DocumentRow.model_version == model)).first()
        s.execute(update(DocumentRow).where(DocumentRow.doc_id == result.doc_id,
                                            DocumentRow.current.is_(True)).values(current=False))
        row = existing or DocumentRow(doc_id=result.doc_id, sha256=sha256,
                                      pipeline_version=pipeline, model_version=model)
        row.path = result.path
        row.title = doc.title if doc else None
        row.pages = len(doc.pages) if doc else 0
        row.status = "ok" if result.error is None else "failed"
        row.error = result.error
        # PostgreSQL's text holds no NUL; a space keeps every evidence offset in place
        row.text = doc.text.replace("\x00", " ") if doc else None
        row.page_offsets = [[p.number, p.start, p.end] for p in doc.pages] if doc else None
        row.ocr_pages = ([{"number": p.number, "confidence": p.confidence} for p in doc.ocr_pages]
                         if doc and doc.ocr_pages else None)
        if doc is not None and doc.kind == "pdf" and sha256:
            _keep_file(s, result.path, sha256)
        row.timings = {k: round(float(v), 4) for k, v in result.timings.items()}
        row.run_id = run_id
        row.processed_at = utcnow()
        row.current = True
        row.cases = []  # delete-orphan removes a retried version's old rows
        if existing is None:
            s.add(row)
        s.flush()
        row.cases = [_case_record(c, run_id) for c in result.cases]
        s.flush()
        return row


def _keep_file(s: Session, path: str, sha256: str) -> None:
    """Store the PDF's bytes once per hash; a file that changed since it was hashed is left out
    (its pages could not match the text read)."""
    if s.get(DocumentFile, sha256) is not None:
        return
    try:
        data = Path(path).read_bytes()
    except OSError:
        return
    if hashlib.sha256(data).hexdigest() == sha256:
        s.add(DocumentFile(sha256=sha256, size=len(data), content=data))


# --- reading --------------------------------------------------------------------------------


def _case_query(run_id: int | None = None, where: dict[str, Any] | None = None) -> Any:
    q = select(CaseRecord).join(DocumentRow, CaseRecord.document_id == DocumentRow.id)
    q = q.where(CaseRecord.run_id == run_id) if run_id is not None else q.where(
        DocumentRow.current.is_(True))
    for name, value in (where or {}).items():
        if name not in CASE_FILTER_FIELDS:
            raise CaseExtractError(f"--where {name}: unknown field (one of {', '.join(CASE_FILTER_FIELDS)})")
        column = getattr(CaseRecord, name)
        if name in LIST_FIELDS:
            # Lists are stored as JSON text; match one element, quoted, with LIKE escaped.
            q = q.where(cast(column, Text).contains(json.dumps(str(value)), autoescape=True))
        elif value is None:
            q = q.where(column.is_(None))
        else:
            q = q.where(column == value)
    return q.order_by(CaseRecord.doc_id, CaseRecord.case_index)


CASE_FILTER_FIELDS: tuple[str, ...] = ("doc_id", "case_index", "source", "reference", *CLINICAL_FIELDS)


def coerce_filter(name: str, text: str) -> Any:
    """``--where age_years=51`` gives the float 51.0; ``null`` gives None."""
    if text.lower() in ("null", "none", ""):
        return None
    if name in ("age_years", "time_to_spinal_metastasis_months", "follow_up_months"):
        try:
            return float(text)
        except ValueError:
            raise CaseExtractError(f"--where {name}={text}: not a number") from None
    if name == "case_index":
        try:
            return int(text)
        except ValueError:
            raise CaseExtractError(f"--where {name}={text}: not an integer") from None
    if name == "synchronous":
        if text.lower() in ("true", "yes", "1"):
            return True
        if text.lower() in ("false", "no", "0"):
            return False
        raise CaseExtractError(f"--where {name}={text}: true or false")
    return text


def load_cases(db: Database, *, run_id: int | None = None,
               where: dict[str, Any] | None = None) -> list[CaseRow]:
    """The current case rows (or those a run wrote), filtered by field values, parameterised."""
    from sqlalchemy.orm import selectinload

    q = _case_query(run_id, where).options(selectinload(CaseRecord.evidence))
    with db.session() as s:
        return [rec.to_case_row() for rec in s.scalars(q)]


def load_documents(db: Database, *, current_only: bool = True, with_text: bool = False,
                   doc_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The documents (current versions only, by default), or those of ``doc_ids``;
    ``with_text`` adds each one's ``text`` (None for rows stored before revision 0003)."""
    from sqlalchemy.orm import undefer

    q = select(DocumentRow).order_by(DocumentRow.doc_id, DocumentRow.id)
    if current_only:
        q = q.where(DocumentRow.current.is_(True))
    if with_text:
        q = q.options(undefer(DocumentRow.text))
    if doc_ids is not None:
        ids = list(dict.fromkeys(doc_ids))
        return [d for i in range(0, len(ids), 500)  # keep IN lists a sane size
                for d in _documents(db, q.where(DocumentRow.doc_id.in_(ids[i:i + 500])), with_text)]
    return _documents(db, q, with_text)


def _documents(db: Database, q: Any, with_text: bool) -> list[dict[str, Any]]:
    with db.session() as s:
        return [
            {"doc_id": d.doc_id, "sha256": d.sha256, "path": d.path, "title": d.title,
             "pages": d.pages, "status": d.status, "error": d.error,
             "pipeline_version": d.pipeline_version, "model_version": d.model_version,
             "run_id": d.run_id, "current": d.current, "ocr_pages": d.ocr_pages or [],
             **({"text": d.text} if with_text else {})}
            for d in s.scalars(q)
        ]


def current_document(db: Database, doc_id: str, *, with_text: bool = True) -> dict[str, Any] | None:
    """The current version of ``doc_id`` (as :func:`load_documents` gives it, plus its row
    ``id``, ``page_offsets`` and whether its PDF is stored), or None."""
    from sqlalchemy.orm import undefer

    q = select(DocumentRow).where(DocumentRow.doc_id == doc_id, DocumentRow.current.is_(True))
    if with_text:
        q = q.options(undefer(DocumentRow.text))
    with db.session() as s:
        d = s.scalars(q).first()
        if d is None:
            return None
        stored = s.scalar(select(func.count()).select_from(DocumentFile).where(
            DocumentFile.sha256 == d.sha256))
        return {"id": d.id, "doc_id": d.doc_id, "sha256": d.sha256, "path": d.path,
                "title": d.title, "pages": d.pages, "status": d.status, "error": d.error,
                "pipeline_version": d.pipeline_version, "model_version": d.model_version,
                "run_id": d.run_id, "current": d.current, "page_offsets": d.page_offsets,
                "file_stored": bool(stored), **({"text": d.text} if with_text else {})}


def source_pdf(db: Database, doc_id: str) -> bytes | None:
    """The bytes of the PDF the current version of ``doc_id`` was read from: stored in the
    database, else the file at its stored path if it still has the stored hash; None when
    neither (or the document is not a PDF). Never a path from anywhere else."""
    with db.session() as s:
        d = s.scalars(select(DocumentRow).where(DocumentRow.doc_id == doc_id,
                                                DocumentRow.current.is_(True))).first()
        if d is None:
            return None
        sha, path = d.sha256, d.path
        data = s.scalar(select(DocumentFile.content).where(DocumentFile.sha256 == sha))
    if data is not None:
        return bytes(data)
    if not path.lower().endswith(".pdf"):
        return None
    try:
        on_disk = Path(path).read_bytes()
    except OSError:
        return None
    return on_disk if hashlib.sha256(on_disk).hexdigest() == sha else None


def page_of(page_offsets: list[list[int]] | None, offset: int) -> int | None:
    """The page (from 1) whose text holds ``offset``, from ``documents.page_offsets``."""
    pages = page_offsets or []
    for number, start, end in pages:
        if start <= offset < end:
            return number
    if pages and offset == pages[-1][2]:  # the very end of the text
        return pages[-1][0]
    return None


def matches_where(row: CaseRow, where: dict[str, Any] | None) -> bool:
    """``--where`` in Python, as :func:`load_cases` does it in SQL (for reviewed rows, whose
    values are not all in the ``cases`` table): equal, or contained for list fields."""
    for name, value in (where or {}).items():
        if name not in CASE_FILTER_FIELDS:
            raise CaseExtractError(f"--where {name}: unknown field (one of {', '.join(CASE_FILTER_FIELDS)})")
        have = getattr(row, name)
        if name in LIST_FIELDS:
            if str(value) not in [str(v) for v in have or []]:
                return False
        elif value is None:
            if have is not None:
                return False
        elif have != value:
            return False
    return True


def cases_for_document(db: Database, doc_id: str) -> list[CaseRow]:
    return load_cases(db, where={"doc_id": doc_id})


def row_counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Run, DocumentRow, CaseRecord, EvidenceRecord, ReviewRecord)}


__all__ = [
    "CASE_FILTER_FIELDS",
    "DEFAULT_DB_URL",
    "CaseRecord",
    "Database",
    "DatabaseError",
    "DocumentFile",
    "DocumentRow",
    "EvidenceRecord",
    "ReviewRecord",
    "Run",
    "coerce_filter",
    "current_document",
    "done_versions",
    "file_sha256",
    "finish_run",
    "load_cases",
    "load_documents",
    "make_engine",
    "matches_where",
    "model_version",
    "open_db",
    "page_of",
    "pipeline_version",
    "row_counts",
    "source_pdf",
    "start_run",
    "store_result",
    "upgrade",
]
