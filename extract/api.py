"""The public Python API, re-exported by :mod:`extract` (``extract.read``, ``extract.case_rows`` ...).

For notebooks and scripts: a few functions that read a case report, extract its case rows, run
a batch into the case database, and give the rows and their scores as pandas DataFrames. The
``case-extract`` command is a thin layer over the same functions. Heavy libraries (spaCy, the
NER model, pandas, SQLAlchemy) are imported on first use, not when ``extract`` is imported.

A *source of case rows* (:data:`CaseSource`), wherever a function reads rows, is any of:

- a list of :class:`~extract.record.CaseRow` (or of JSON rows, dicts of ``case.schema.json``);
- the path of a JSONL file of case rows (what ``case-extract run`` writes, or a gold file);
- a database URL (``sqlite:///outputs/cases.sqlite``, ``postgresql+psycopg://...``), or the
  path of a SQLite file (``.sqlite``, ``.sqlite3``, ``.db``): its current case rows;
- a DataFrame made by :func:`cases_frame` (filtered as you like);
- a list mixing these (their rows one after the other).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from extract.batch import DEFAULT_TIMEOUT, BatchSummary
from extract.document import Document
from extract.errors import CaseExtractError
from extract.ingest import DEFAULT_MAX_PAGES, OcrMode
from extract.record import CLINICAL_FIELDS, LIST_FIELDS, MISSION_FIELDS, CaseRow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from spacy.language import Language

StrPath: TypeAlias = "str | Path"
#: Where case rows can come from (see the module docstring).
CaseSource: TypeAlias = "StrPath | pd.DataFrame | Iterable[CaseRow | Mapping[str, Any] | StrPath]"

#: The database :func:`run_batch` writes by default (the same as ``extract.db.DEFAULT_DB_URL``,
#: spelled out here so that importing this module does not import SQLAlchemy).
DEFAULT_DB = "sqlite:///outputs/cases.sqlite"
ID_COLUMNS: tuple[str, ...] = ("doc_id", "case_index", "source", "reference")
EVIDENCE_COLUMNS: tuple[str, ...] = tuple(f"evidence_{name}" for name in CLINICAL_FIELDS)
#: The columns of :func:`cases_frame`, in order.
FRAME_COLUMNS: tuple[str, ...] = (*ID_COLUMNS, *CLINICAL_FIELDS, *EVIDENCE_COLUMNS)
_NUMBER_FIELDS = frozenset({"age_years", "time_to_spinal_metastasis_months", "follow_up_months"})
_SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


# --- reading and extracting -------------------------------------------------------------------


def read(path: StrPath, *, max_pages: int = DEFAULT_MAX_PAGES, ocr: OcrMode = "auto") -> Document:
    """Read one case report (``.pdf``, ``.txt``, or JATS ``.nxml``/``.xml``) into a Document.

    The Document holds the text the later stages read, its pages with character offsets,
    sections, tables (``table.to_dataframe()``) and figure captions.

    Raises :class:`~extract.errors.IngestError` (a :class:`CaseExtractError`) with a one-line
    message naming the file and the cause when the file cannot be read: missing, empty,
    corrupt or truncated, encrypted, scanned without a text layer, more than ``max_pages``
    pages, or of another type.

    ``ocr`` (PDFs): ``"auto"`` reads the pages of a scan that have no text layer with
    Tesseract, ``"always"`` every page, ``"never"`` none (a scan is then "no text layer");
    ``Document.ocr_pages`` lists the pages read so, with Tesseract's mean confidence. Without
    Tesseract a scan raises the "no text layer" error with the install hint.
    """
    from extract import ingest

    return ingest.read(path, max_pages=max_pages, ocr=ocr)


def load_nlp(*, ner: bool = True) -> Language:
    """The shipped spaCy pipeline (scispaCy tokenizer, our NER from ``models/``, terminology,
    abbreviations, ConText), built once per process and then reused: the same object
    :func:`case_rows` and an in-process :func:`run_batch` use.

    Run it on your own text: ``load_nlp()("A 51-year-old man ...")`` gives a spaCy Doc with
    ``doc.ents`` (MACCROBAT labels such as Age, Sex, Disease_disorder) and
    ``doc.spans["terms"]`` (PRIMARY_SITE, METASTASIS_SITE, SPINAL_LEVEL, TKI ..., each with
    ``span._.value``). ``ner=False`` leaves the NER out (no model needed).

    Raises :class:`~extract.errors.ModelMissingError` when ``models/case_ner`` is missing.
    """
    from extract.nlp import get_nlp

    # get_nlp is cached on its arguments: call it as the batch workers do, so that one
    # process never builds the whole pipeline twice.
    return get_nlp() if ner else get_nlp(False)


def case_rows(source: StrPath | Document, *, nlp: Language | bool | None = None,
              max_pages: int = DEFAULT_MAX_PAGES, ocr: OcrMode = "auto") -> list[CaseRow]:
    """Every patient of one case report, as case rows: narrative patients first, then the
    rows of literature-review and case-series tables, numbered from 1 (FIELDS.md).

    ``source`` is a file (read with :func:`read`) or a Document already read. ``nlp``: None
    or True, the shipped pipeline (:func:`load_nlp`, loaded on first use and cached); a spaCy
    ``Language`` of your own; False, the rules alone (``case-extract run --no-nlp``). With
    the defaults, the rows are those ``case-extract run`` writes for the file (in this
    process there is no time limit).

    Each row's ``evidence[field]`` holds the verbatim words, page and character offsets of
    each value. Raises :class:`~extract.errors.IngestError` for a file that cannot be read.
    """
    from extract.cases import extract_cases

    document = source if isinstance(source, Document) else read(source, max_pages=max_pages, ocr=ocr)
    pipeline = None if nlp is False else load_nlp() if nlp is None or nlp is True else nlp
    return extract_cases(document, pipeline)


# --- batches ----------------------------------------------------------------------------------


@dataclass
class RunSummary(BatchSummary):
    """What :func:`run_batch` did.

    The counts of the batch (``documents`` named, ``processed`` in this run, ``skipped`` as
    already in the database, ``ok``, ``failed``, ``cases``, ``pages``, ``seconds``), the
    ``run_id`` in the database, ``failures`` as (path, one-line error), ``duplicates``, and:

    - ``rows``: every case row of every file, in input order (a skipped file's rows come from
      the database), each valid against the schema;
    - ``score``: the score dictionary against ``gold`` (as :func:`score_cases`), or None;
    - ``files``: the files written under ``out``, by name (``cases.jsonl``, ``cases.csv``,
      ``report.html``, ``score.json``);
    - ``db``: the database URL written to, or None.

    ``format()`` is the summary ``case-extract run`` prints on stderr, ``format_outputs()``
    what it prints on stdout.
    """

    rows: list[CaseRow] = field(default_factory=list)
    score: dict[str, Any] | None = None
    files: dict[str, Path] = field(default_factory=dict)
    db: str | None = None

    @classmethod
    def of(cls, batch: BatchSummary, **extra: Any) -> RunSummary:
        """A RunSummary holding the counts and results of ``batch``."""
        return cls(**{f.name: getattr(batch, f.name) for f in fields(BatchSummary)}, **extra)

    def format_outputs(self) -> str:
        """Documents and cases, where they were written, and the score table when scored."""
        from extract.pipeline import summary
        from extract.score import format_table

        s = summary(self.results)
        written = [str(self.files[n]) for n in ("cases.jsonl", "cases.csv") if n in self.files]
        written += [self.db] if self.db else []
        lines = [f"{s['documents']} documents ({s['ok']} read, {s['failed']} failed), "
                 f"{s['cases']} cases" + (f" -> {', '.join(written)}" if written else "")]
        if "report.html" in self.files:
            lines.append(f"evidence report -> {self.files['report.html']}")
        if self.score is not None:
            lines.append(format_table(self.score))
        return "\n".join(lines)


def run_batch(
    paths: StrPath | Sequence[StrPath],
    *,
    db: str | None = DEFAULT_DB,
    out: StrPath | None = None,
    gold: CaseSource | None = None,
    workers: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = False,
    nlp: bool = True,
    max_pages: int = DEFAULT_MAX_PAGES,
    ocr: OcrMode = "auto",
    executor: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Read every file under ``paths`` (files, and the ``.pdf``/``.txt``/``.nxml``/``.xml``
    files under folders) with the batch runner of ``case-extract run``.

    - ``db``: the case database to store the run in (SQLAlchemy URL; None: store nothing).
      Each document is committed on its own; a document already there, read from the same
      file by the same pipeline and model, is skipped and its rows read back.
    - ``out``: a folder to write ``cases.jsonl``, ``cases.csv``, ``report.html`` and, with
      ``gold``, ``score.json`` (None: write no files).
    - ``gold``: gold case rows (a :data:`CaseSource`, e.g. ``"corpus/gold/seed.jsonl"``, or a
      list of such paths) to score the rows against.
    - ``workers``: processes (None: all cores; 0: read in this process, with no time limit).
    - ``timeout``: seconds one document may take before it is failed with that reason and its
      worker replaced (default 300; 0 or None: no limit).
    - ``progress``: False silent, True a progress bar on stderr, None a bar on a terminal and
      log lines otherwise (the command's default).
    - ``nlp``: False for the rules alone (``--no-nlp``); each worker loads the pipeline once.
    - ``ocr``: ``"auto"``, ``"always"`` or ``"never"``, as for :func:`read` (``--ocr``); OCR
      runs in the workers, inside ``timeout``.
    - ``executor``: ``"local"`` (a process pool) or ``"dask"`` (``scheduler``: its address;
      None: a LocalCluster).

    A file that cannot be read is failed with its one-line cause and the run goes on. Raises
    :class:`CaseExtractError` when no file is found, the database cannot be opened, or the
    NLP pipeline cannot load.
    """
    from extract import batch, ingest, run, score

    named = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not ingest.iter_inputs(named):
        raise CaseExtractError(f"no .pdf, .txt, .nxml or .xml files in "
                               f"{' '.join(os.fspath(p) for p in named)}")
    gold_rows = _json_rows(gold) if gold is not None else []  # a bad gold file fails before the run
    done = batch.run_batch(named, db_url=db, workers=workers, executor=executor,
                           scheduler=scheduler, timeout=timeout, progress=progress,
                           use_nlp=nlp, max_pages=max_pages, ocr=ocr)
    summary = RunSummary.of(done, rows=run.valid_cases(done.results), db=db)
    if gold_rows:
        summary.score = score.score_rows([r.to_json() for r in summary.rows], gold_rows)
    if out is not None:
        summary.files = run.write_run_files(summary.results, summary.rows, Path(out),
                                            gold_rows=gold_rows, score=summary.score)
    return summary


# --- DataFrames and scores --------------------------------------------------------------------


def cases_frame(source: CaseSource) -> pd.DataFrame:
    """The case rows of ``source`` (a :data:`CaseSource`: a list of CaseRows, a JSONL path, a
    database URL ...) as a DataFrame: one row per patient, sorted by ``doc_id`` and
    ``case_index``, with the columns :data:`FRAME_COLUMNS`.

    - ``doc_id``, ``case_index``, ``source``, ``reference``, then the FIELDS.md fields;
    - list fields (``metastasis_sites``, ``spinal_levels``, ``spinal_treatment``, ``tki``) hold
      Python lists (empty when the report names none);
    - numbers are floats (NaN when not stated), ``synchronous`` is pandas' nullable boolean;
    - ``evidence_<field>``: the verbatim words each value came from (their page and offsets
      are in ``CaseRow.evidence``).

    The same rows give the same frame from every kind of source, so a frame of the rows read
    in the notebook equals the frame of the JSONL or the database a run wrote.
    """
    import pandas as pd

    rows = sorted(_json_rows(source), key=lambda r: (str(r["doc_id"]), int(r["case_index"])))
    columns: dict[str, list[Any]] = {name: [] for name in FRAME_COLUMNS}
    for row in rows:
        for name in ID_COLUMNS:
            columns[name].append(row.get(name))
        evidence = row.get("evidence") or {}
        for name in CLINICAL_FIELDS:
            value = row.get(name)
            columns[name].append(list(value or []) if name in LIST_FIELDS else value)
            columns[f"evidence_{name}"].append((evidence.get(name) or {}).get("text"))
    return pd.DataFrame({name: pd.Series(values, dtype=_dtype(name))
                         for name, values in columns.items()}, columns=list(FRAME_COLUMNS))


def score_cases(pred: CaseSource, gold: CaseSource, *,
                fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Score predicted case rows against gold exactly as FIELDS.md says (``case-extract score``).

    Both are :data:`CaseSource` (rows, JSONL paths, a database URL ...). Cases are aligned
    within each gold document (Hungarian assignment); predicted documents without gold are
    ignored. Returns ``{"micro_f1_mission", "precision_mission", "recall_mission",
    "primary_site_strict_f1", "docs", "fields": {field: {"tp", "fp", "fn", "precision",
    "recall", "f1"}}}``; ``fields`` limits the per-field part.
    """
    from extract import score

    wanted = list(fields) if fields is not None else None
    unknown = [f for f in wanted or [] if f not in CLINICAL_FIELDS]
    if unknown:
        raise CaseExtractError(f"unknown field {unknown[0]} (one of {', '.join(CLINICAL_FIELDS)})")
    return score.score_rows(_json_rows(pred), _json_rows(gold), wanted)


def score_frame(pred: CaseSource, gold: CaseSource, *,
                fields: Iterable[str] | None = None) -> pd.DataFrame:
    """:func:`score_cases` per field as a DataFrame: one row per field (the index), with
    ``mission`` (one of the five headline fields), ``tp``, ``fp``, ``fn``, ``precision``,
    ``recall`` and ``f1``."""
    import pandas as pd

    result = score_cases(pred, gold, fields=fields)
    frame = pd.DataFrame([{"field": name, "mission": name in MISSION_FIELDS, **counts}
                          for name, counts in result["fields"].items()],
                         columns=["field", "mission", "tp", "fp", "fn", "precision", "recall", "f1"])
    return frame.set_index("field")


# --- sources of case rows -----------------------------------------------------------------------


def _dtype(column: str) -> str:
    if column == "case_index":
        return "int64"
    if column in _NUMBER_FIELDS:
        return "float64"
    if column == "synchronous":
        return "boolean"
    if column in LIST_FIELDS:
        return "object"
    return "str"


def _json_rows(source: CaseSource) -> list[dict[str, Any]]:
    """The rows of a :data:`CaseSource` in the shape of ``case.schema.json``."""
    if isinstance(source, (str, os.PathLike)):
        return _rows_at(source)
    if _is_frame(source):
        return _rows_of_frame(source)
    if isinstance(source, (CaseRow, Mapping)):
        source = [source]
    if not isinstance(source, Iterable):
        raise CaseExtractError(f"expected case rows, a JSONL file or a database URL, "
                               f"not {type(source).__name__}")
    rows: list[dict[str, Any]] = []
    for item in source:
        if isinstance(item, CaseRow):
            rows.append(item.to_json())
        elif isinstance(item, Mapping):
            rows.append(_checked(dict(item), "a case row"))
        elif isinstance(item, (str, os.PathLike)):
            rows.extend(_rows_at(item))
        elif _is_frame(item):
            rows.extend(_rows_of_frame(item))
        else:
            raise CaseExtractError(f"expected case rows, a JSONL file or a database URL, "
                                   f"not a list holding {type(item).__name__}")
    return rows


def _checked(row: Any, where: str) -> dict[str, Any]:
    if not isinstance(row, dict) or "doc_id" not in row or "case_index" not in row:
        raise CaseExtractError(f"{where} is not a case row (an object with doc_id and case_index)")
    return row


def _rows_at(location: str | os.PathLike[Any]) -> list[dict[str, Any]]:
    """The rows of a JSONL file, a SQLite file or a database URL."""
    from extract.score import read_jsonl

    text = os.fspath(location)
    if "://" in text:
        return _rows_of_db(text)
    path = Path(text)
    if path.suffix.lower() in _SQLITE_SUFFIXES:
        return _rows_of_db(f"sqlite:///{path}")
    if path.is_dir():
        raise CaseExtractError(f"{path}: a folder, not a JSONL file or a database")
    if not path.is_file():
        raise CaseExtractError(f"{path}: no such file")
    return [_checked(row, f"{path.name}: row {i}") for i, row in enumerate(read_jsonl(path), 1)]


def _rows_of_db(url: str) -> list[dict[str, Any]]:
    """The current case rows of a case database (a SQLite file must exist: reading a
    misspelt path should not create an empty database)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from extract import db as dbm

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise CaseExtractError(f"{url}: not a database URL") from None
    name = parsed.database or ""
    if (parsed.get_backend_name() == "sqlite" and name and name != ":memory:"
            and not name.startswith("file:") and not Path(name).is_file()):
        raise CaseExtractError(f"{url}: no such database")
    database = dbm.open_db(url)
    try:
        return [case.to_json() for case in dbm.load_cases(database)]
    finally:
        database.dispose()


def _is_frame(value: object) -> bool:
    return type(value).__name__ == "DataFrame" and hasattr(value, "to_dict")


def _rows_of_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A :func:`cases_frame` frame back into rows (its evidence as words, without offsets)."""
    missing = [c for c in ("doc_id", "case_index") if c not in frame.columns]
    if missing:
        raise CaseExtractError(f"a DataFrame without {missing[0]}: not a frame of cases_frame()")
    rows = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {}
        for name in (*ID_COLUMNS, *CLINICAL_FIELDS):
            value = _python(record.get(name))
            row[name] = (list(value) if isinstance(value, list) else []) if name in LIST_FIELDS else value
        row["evidence"] = {name: {"text": text} for name in CLINICAL_FIELDS
                           if isinstance(text := _python(record.get(f"evidence_{name}")), str)}
        rows.append(row)
    return rows


def _python(value: Any) -> Any:
    """A frame cell as the JSON value it stands for: NaN and NA are None, NumPy scalars plain."""
    if value is None or isinstance(value, (list, str)):
        return value
    if hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ == "NAType":
        return None
    return value


__all__ = [
    "CaseSource",
    "DEFAULT_DB",
    "FRAME_COLUMNS",
    "RunSummary",
    "case_rows",
    "cases_frame",
    "load_nlp",
    "read",
    "run_batch",
    "score_cases",
    "score_frame",
]
