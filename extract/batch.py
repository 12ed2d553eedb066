"""Batch runs: many files through :func:`extract.pipeline.process_file`, results into the database.

``run_batch(paths, db_url=..., workers=N)`` reads every file in a pool of worker processes (the
spaCy pipeline loaded once per worker) or on a Dask cluster (``executor="dask"``), and the
calling process, the only database writer, commits each document's rows in one transaction as
its result arrives. So a run killed at any moment loses at most the documents in flight, and the
same command started again skips what was committed (same file hash, same pipeline and model
versions) and ends with exactly the rows an uninterrupted run leaves.

Every document has a time limit, :data:`DEFAULT_TIMEOUT` (300 s) unless told otherwise (0 or
None: none), so no input can hold a batch hostage. A document over it is recorded as failed
("timed out after N s"): the local pool kills its worker and starts a fresh one; on Dask, which
cannot stop a running task, the driver cancels it and restarts the worker running it (through
its nanny). Reading in the calling process (``workers=0``) has no limit. Failures never stop a
run.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from extract import ingest
from extract.errors import CaseExtractError, NoTextLayerError
from extract.ingest.ocr import OcrMode
from extract.pipeline import FileResult, process_file

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

    from extract.db import Database

log = logging.getLogger("extract.batch")

EXECUTORS = ("local", "dask")
TIMEOUT_PREFIX = "timed out after"
NO_TEXT_LAYER = NoTextLayerError.cause.split(" (")[0]  # "no text layer"
#: Seconds one document may take before it is failed and its worker replaced (issue 11: one
#: report whose rule backtracked for minutes held a whole batch).
DEFAULT_TIMEOUT = 300.0


class BatchError(CaseExtractError):
    """A run cannot go on (no model, workers that cannot start, a scheduler out of reach)."""


# --- the per-document function (runs in a worker) --------------------------------------------

def load_nlp(use_nlp: bool) -> Language | None:
    """The spaCy pipeline for this process: :func:`extract.nlp.get_nlp`, built once (slow:
    seconds) and then reused; a missing model (:class:`~extract.errors.ModelMissingError`) is
    fatal. Imported here: the parent process of a run never loads spaCy."""
    if not use_nlp:
        return None
    from extract.nlp import get_nlp

    return get_nlp()


def process_document(path: str, use_nlp: bool, max_pages: int, ocr: OcrMode = "auto") -> FileResult:
    """One file. Never raises for the file: an extractor bug becomes its one-line error; only a
    pipeline that cannot load (fatal for the whole run) raises."""
    try:
        nlp = load_nlp(use_nlp)
    except CaseExtractError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to load the model is fatal, in one line
        raise BatchError(f"cannot load the NLP pipeline ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:300]})") from None
    try:
        return process_file(path, nlp, max_pages=max_pages, ocr=ocr)
    except Exception as exc:  # noqa: BLE001 - one document's bug must not sink the batch
        detail = " ".join(str(exc).split())[:200]
        return FileResult(path=path, doc_id=ingest.doc_id_for(path),
                          error=f"{Path(path).name}: extraction failed ({type(exc).__name__}: {detail})")


def _worker_main(conn: Connection, use_nlp: bool, max_pages: int, ocr: OcrMode) -> None:
    """A pool worker: load the pipeline once, then read files until told to stop."""
    try:
        load_nlp(use_nlp)
    except BaseException as exc:  # noqa: BLE001 - whatever stops the model loading is fatal
        conn.send(("fatal", " ".join(str(exc).split()) or type(exc).__name__))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        index, path = task
        try:
            result = process_document(path, use_nlp, max_pages, ocr)
        except CaseExtractError as exc:
            conn.send(("fatal", str(exc)))
            return
        conn.send(("done", index, result))


# --- local process pool -------------------------------------------------------------------------


def _failed(path: str, error: str) -> FileResult:
    return FileResult(path=path, doc_id=ingest.doc_id_for(path), error=error)


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    task: tuple[int, str] | None = None
    started: float = 0.0


class LocalPool:
    """Worker processes with a per-document time limit: an overdue worker is killed and replaced.

    ``concurrent.futures`` cannot stop one running task, so each worker has its own pipe and the
    driver knows what each is doing and since when.
    """

    def __init__(self, workers: int, *, use_nlp: bool, max_pages: int, timeout: float | None,
                 ocr: OcrMode = "auto") -> None:
        self.size = max(1, workers)
        self.use_nlp = use_nlp
        self.max_pages = max_pages
        self.ocr = ocr
        self.timeout = timeout
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self.ctx: Any = mp.get_context(method)
        if method == "forkserver":
            # Imported once in the fork server, so no worker pays for it on its first file.
            self.ctx.set_forkserver_preload(["extract.pipeline", "extract.batch", "extract.cases"])
        self.workers: list[_Worker] = []
        self.starts = 0

    def _start(self) -> _Worker:
        self.starts += 1
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.use_nlp, self.max_pages, self.ocr),
                                daemon=True, name=f"case-extract-worker-{self.starts}")
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        self.workers.append(w)
        return w

    def _retire(self, w: _Worker, *, kill: bool) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        self.workers.remove(w)

    def close(self) -> None:
        for w in list(self.workers):
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5
        for w in list(self.workers):
            w.proc.join(max(0.0, deadline - time.monotonic()))
            self._retire(w, kill=True)

    def imap_unordered(self, tasks: Sequence[tuple[int, str]]) -> Iterator[tuple[int, FileResult]]:
        pending = deque(tasks)
        try:
            for _ in range(min(self.size, len(pending))):
                self._start()
            while pending or any(w.task for w in self.workers):
                if not self.workers:
                    self._start()
                for w in self.workers:  # hand out work to idle, ready workers
                    if w.ready and w.task is None and pending:
                        w.task = pending.popleft()
                        w.started = time.monotonic()
                        w.conn.send(w.task)
                wait_for = None
                if self.timeout:
                    busy = [w.started + self.timeout for w in self.workers if w.task]
                    wait_for = max(0.0, min(busy) - time.monotonic()) + 0.01 if busy else None
                ready = wait([w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers],
                             timeout=wait_for)
                for w in list(self.workers):
                    if w.conn in ready or w.proc.sentinel in ready:
                        yield from self._receive(w, pending)
                if self.timeout:
                    now = time.monotonic()
                    for w in list(self.workers):
                        # A result already in the pipe came in time; the driver was busy writing.
                        if w.task and now - w.started > self.timeout and not w.conn.poll():
                            index, path = w.task
                            self._retire(w, kill=True)
                            yield index, _failed(
                                path, f"{Path(path).name}: {TIMEOUT_PREFIX} {self.timeout:g} s")
                            if pending or any(x.task for x in self.workers):
                                self._start()
        finally:
            self.close()

    def _receive(self, w: _Worker, pending: deque[tuple[int, str]]) -> Iterator[tuple[int, FileResult]]:
        try:
            if not w.conn.poll():
                raise EOFError
            msg = w.conn.recv()
        except (EOFError, OSError):
            # The process ended without a word: a crash (segfault, out of memory) on its file.
            w.proc.join(5)
            task = w.task
            self._retire(w, kill=True)
            if task is None and not w.ready:
                raise BatchError(f"a worker died while starting (exit code {w.proc.exitcode})") from None
            if task is not None:
                index, path = task
                yield index, _failed(path, f"{Path(path).name}: worker crashed "
                                           f"(exit code {w.proc.exitcode}) while reading it")
            if pending or any(x.task for x in self.workers):
                self._start()
            return
        if msg[0] == "fatal":
            raise BatchError(msg[1])
        if msg[0] == "ready":
            w.ready = True
            return
        _, index, result = msg
        w.task = None
        yield index, result


# --- Dask -------------------------------------------------------------------------------------


def _dask_results(tasks: Sequence[tuple[int, str]], *, workers: int, scheduler: str | None,
                  use_nlp: bool, max_pages: int,
                  timeout: float | None, ocr: OcrMode = "auto") -> Iterator[tuple[int, FileResult]]:
    """The same per-document function on a Dask cluster; results come back to the driver.

    No more tasks are in flight than the cluster has threads, so a task starts about when it is
    submitted and the time limit can be counted from then. Dask cannot interrupt a running
    task: an overdue one is cancelled and recorded, and the worker running it is restarted.
    """
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as dask_wait
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise BatchError(f"--executor dask needs dask.distributed ({exc})") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"dask scheduler {scheduler or 'LocalCluster'}: {exc}") from None
    try:
        window = max(1, sum(client.nthreads().values()))
        pending = deque(tasks)
        inflight: dict[Any, tuple[int, str, float]] = {}
        while pending or inflight:
            while pending and len(inflight) < window:
                index, path = pending.popleft()
                fut = client.submit(process_document, path, use_nlp, max_pages, ocr, pure=False)
                inflight[fut] = (index, path, time.monotonic())
            wait_s = None
            if timeout:
                first = min(t for _, _, t in inflight.values())
                wait_s = max(0.05, first + timeout - time.monotonic())
            try:
                dask_wait(list(inflight), timeout=wait_s, return_when="FIRST_COMPLETED")
            except TimeoutError:
                pass
            now = time.monotonic()
            for fut, (index, path, submitted) in list(inflight.items()):
                if fut.done():
                    del inflight[fut]
                    try:
                        result = fut.result()
                    except CaseExtractError as exc:
                        raise BatchError(str(exc)) from None
                    except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: the process died under it
                        result = _failed(path, f"{Path(path).name}: worker crashed "
                                               f"({type(exc).__name__}) while reading it")
                    fut.release()
                    yield index, result
                elif timeout and now - submitted > timeout:
                    del inflight[fut]
                    _stop_dask_task(client, fut)
                    yield index, _failed(path, f"{Path(path).name}: {TIMEOUT_PREFIX} {timeout:g} s")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _stop_dask_task(client: Any, fut: Any) -> None:
    """Cancel an overdue task and restart the worker running it (as the local pool kills and
    replaces its process): a thread cannot be interrupted, and left running it would hold the
    worker's only thread while the next documents wait behind it. A worker with no nanny
    cannot be restarted; the task is then only cancelled."""
    try:
        running_on = [w for w, keys in client.processing().items() if fut.key in keys]
    except Exception:  # noqa: BLE001 - a scheduler that cannot answer: cancel all the same
        running_on = []
    fut.cancel()
    if running_on:
        try:
            client.restart_workers(running_on, timeout=60, raise_for_error=False)
        except Exception as exc:  # noqa: BLE001 - e.g. no nanny; the run goes on either way
            log.warning("could not restart dask worker %s (%s)", ", ".join(running_on), exc)


# --- progress ---------------------------------------------------------------------------------


class Progress:
    """A tqdm bar on a terminal (documents, pages/s, failures, time left); log lines otherwise."""

    def __init__(self, total: int, mode: bool | None, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.mode = "none" if mode is False else (
            "bar" if (mode is True or (mode is None and stream.isatty())) else "log")
        self.done = self.failed = self.pages = 0
        self.t0 = time.monotonic()
        self.bar: Any = None
        if self.mode == "bar" and total:
            import shutil

            from tqdm import tqdm

            width = shutil.get_terminal_size((100, 24)).columns or 100  # a pty may report 0
            self.bar = tqdm(total=total, unit="doc", file=stream, ncols=width, smoothing=0.1)

    def update(self, result: FileResult) -> None:
        self.done += 1
        self.failed += not result.ok
        self.pages += result.pages
        elapsed = max(1e-9, time.monotonic() - self.t0)
        if self.bar is not None:
            self.bar.set_postfix(pages_s=f"{self.pages / elapsed:.1f}", failed=self.failed,
                                 refresh=False)
            self.bar.update(1)
        elif self.mode == "log":
            left = (self.total - self.done) * elapsed / self.done
            status = f"{len(result.cases)} cases" if result.ok else f"failed: {result.error}"
            print(f"[{self.done}/{self.total}] {Path(result.path).name}: {status} "
                  f"({self.pages / elapsed:.1f} pages/s, {self.failed} failed, {left:.0f} s left)",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --- the run ------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    run_id: int | None
    pipeline_version: str
    model_version: str
    documents: int = 0  # files named
    processed: int = 0  # read in this run
    skipped: int = 0  # already in the database for this pipeline and model version
    duplicates: list[str] = field(default_factory=list)  # files whose doc_id an earlier file has
    ok: int = 0
    failed: int = 0
    cases: int = 0
    pages: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line error)
    results: list[FileResult] = field(default_factory=list)  # input order; skipped ones from the db

    @property
    def docs_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds else 0.0

    def format(self) -> str:
        lines = [
            f"{self.documents} documents: {self.processed} read ({self.ok} ok, {self.failed} failed), "
            f"{self.skipped} already done, {self.cases} cases, {self.pages} pages "
            f"in {self.seconds:.1f} s ({self.docs_per_second:.2f} docs/s)"
            + (f"; run {self.run_id}" if self.run_id is not None else ""),
        ]
        lines += [f"  failed: {error}" for _, error in self.failures]
        lines += [f"  duplicate doc_id, not read: {p}" for p in self.duplicates]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "pipeline_version": self.pipeline_version,
            "model_version": self.model_version, "documents": self.documents,
            "processed": self.processed, "skipped": self.skipped, "ok": self.ok,
            "failed": self.failed, "cases": self.cases, "pages": self.pages,
            "seconds": round(self.seconds, 3), "failures": [e for _, e in self.failures],
            "duplicates": self.duplicates,
        }


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_batch(
    paths: Sequence[str | Path],
    *,
    db_url: str | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    use_nlp: bool = True,
    max_pages: int = ingest.DEFAULT_MAX_PAGES,
    ocr: OcrMode = "auto",
    on_result: Callable[[FileResult], None] | None = None,
    stream: IO[str] | None = None,
) -> BatchSummary:
    """Read every file under ``paths`` and write its case rows to ``db_url``.

    ``workers``: processes (default: all cores); 0 reads in this process (no time limit).
    ``timeout``: seconds per document (default :data:`DEFAULT_TIMEOUT`; 0 or None: no limit).
    ``progress``: True = bar, False = silent, None = bar on a terminal, log lines otherwise.
    ``ocr``: scanned pages read by OCR (``auto``), every page (``always``) or none (``never``);
    OCR runs in the workers, inside the time limit.
    ``on_result`` sees each FileResult as it is committed. Without ``db_url`` nothing is stored
    and nothing is skipped. Returns the summary, with every file's result in input order (a
    skipped file's cases come from the database; its ``document`` is None).
    """
    from extract import db as dbm

    if executor not in EXECUTORS:
        raise BatchError(f"--executor {executor}: one of {', '.join(EXECUTORS)}")
    stream = stream or sys.stderr
    workers = default_workers() if workers is None else workers
    timeout = timeout if timeout and timeout > 0 else None
    files = [str(p) for p in ingest.iter_inputs(list(paths))]
    pipeline, model = dbm.pipeline_version(), dbm.model_version(use_nlp)
    summary = BatchSummary(run_id=None, pipeline_version=pipeline, model_version=model,
                           documents=len(files))
    t0 = time.monotonic()

    # One doc_id, one document: a second file with the same name stem would overwrite the first.
    by_id: dict[str, str] = {}
    for path in files:
        doc_id = ingest.doc_id_for(path)
        if doc_id in by_id:
            summary.duplicates.append(path)
        else:
            by_id[doc_id] = path
    duplicates = set(summary.duplicates)
    files = [p for p in files if p not in duplicates]

    hashes: dict[str, str] = {}
    for path in files:
        try:
            hashes[path] = dbm.file_sha256(path)
        except OSError:
            hashes[path] = ""  # the reader reports why
    database: Database | None = dbm.open_db(db_url) if db_url else None
    done: dict[str, tuple[str, str, str | None]] = {}
    if database is not None:
        done = dbm.done_versions(database, list(by_id), pipeline=pipeline, model=model)

    def is_done(path: str) -> bool:
        prior = done.get(ingest.doc_id_for(path))
        if prior is None or prior[0] != hashes[path]:
            return False
        _sha, status, error = prior
        # A timeout or a crash is about that run, not the file: try it again; so is a scan
        # read without OCR (--ocr never, or no Tesseract then), when this run may OCR it.
        return not (status == "failed" and error and (TIMEOUT_PREFIX in error or "worker crashed" in error
                                                      or (ocr != "never" and NO_TEXT_LAYER in error)))

    todo = [p for p in files if not is_done(p)]
    summary.skipped = len(files) - len(todo)
    results: dict[str, FileResult] = {}
    bar = Progress(len(todo), progress, stream)
    stream_iter: Iterator[tuple[int, FileResult]] = iter(())
    status = "failed"
    try:
        if database is not None:
            summary.run_id = dbm.start_run(database, pipeline=pipeline, model=model,
                                           documents=len(files))
        tasks = list(enumerate(todo))
        if not tasks:
            pass
        elif executor == "dask":
            stream_iter = _dask_results(tasks, workers=workers, scheduler=scheduler,
                                        use_nlp=use_nlp, max_pages=max_pages, timeout=timeout,
                                        ocr=ocr)
        elif workers == 0:
            stream_iter = ((i, process_document(p, use_nlp, max_pages, ocr)) for i, p in tasks)
        else:
            pool = LocalPool(min(workers, len(tasks)), use_nlp=use_nlp, max_pages=max_pages,
                             timeout=timeout, ocr=ocr)
            stream_iter = pool.imap_unordered(tasks)
        for _, result in stream_iter:
            if database is not None and summary.run_id is not None:
                dbm.store_result(database, summary.run_id, result, sha256=hashes[result.path],
                                 pipeline=pipeline, model=model)
            summary.processed += 1
            summary.ok += result.ok
            summary.failed += not result.ok
            summary.cases += len(result.cases)
            summary.pages += result.pages
            if result.error:
                summary.failures.append((result.path, result.error))
            results[result.path] = result
            bar.update(result)
            if on_result is not None:
                on_result(result)
        summary.seconds = time.monotonic() - t0
        status = "finished"
        if database is not None and summary.run_id is not None:
            skipped = [p for p in files if p not in results]
            results.update(_results_from_db(database, skipped))
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        close = getattr(stream_iter, "close", None)
        if close is not None:
            close()  # stops the workers now, not when the generator is collected
        bar.close()
        if database is not None:
            if summary.run_id is not None:
                try:
                    dbm.finish_run(database, summary.run_id, status=status,
                                   processed=summary.processed, skipped=summary.skipped,
                                   ok=summary.ok, failed=summary.failed, cases=summary.cases)
                except dbm.SQLAlchemyError:
                    log.warning("could not record the end of run %s", summary.run_id)
            database.dispose()
    summary.results = [results[p] for p in files if p in results]
    summary.failures.sort()
    return summary


def run_from_args(paths: Sequence[str | Path], args: Any, *, stream: IO[str] | None = None) -> BatchSummary:
    """``case-extract run`` with batch options: the run, then its summary on ``stream``."""
    stream = stream or sys.stderr
    summary = run_batch(
        paths, db_url=getattr(args, "db", None), workers=getattr(args, "workers", None),
        executor=getattr(args, "executor", "local"), scheduler=getattr(args, "scheduler", None),
        timeout=getattr(args, "timeout", DEFAULT_TIMEOUT), progress=getattr(args, "progress", None),
        use_nlp=not getattr(args, "no_nlp", False),
        max_pages=getattr(args, "max_pages", ingest.DEFAULT_MAX_PAGES),
        ocr=getattr(args, "ocr", "auto"), stream=stream)
    print(summary.format(), file=stream)
    return summary


def _results_from_db(database: Database, paths: list[str]) -> dict[str, FileResult]:
    """FileResults of files a run skipped, from their current rows in the database."""
    from extract import db as dbm

    if not paths:
        return {}
    wanted = {ingest.doc_id_for(p): p for p in paths}
    docs = {d["doc_id"]: d for d in dbm.load_documents(database, with_text=True,
                                                        doc_ids=list(wanted))}
    out = {p: FileResult(path=p, doc_id=i, error=(docs.get(i) or {}).get("error"),
                         stored=docs.get(i)) for i, p in wanted.items()}
    for case in dbm.load_cases(database):
        if case.doc_id in wanted:
            out[wanted[case.doc_id]].cases.append(case)
    return out


__all__ = [
    "DEFAULT_TIMEOUT",
    "EXECUTORS",
    "BatchError",
    "BatchSummary",
    "LocalPool",
    "default_workers",
    "load_nlp",
    "process_document",
    "run_batch",
    "run_from_args",
]
