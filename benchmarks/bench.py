"""Speed and memory of each stage and of the whole pipeline, beside the floors.

    python benchmarks/bench.py [--docs 200] [--repeat 3] [--out benchmarks/results/bench.json]

The bundled PDFs (seed, dev, spinal, the 26 Hindawi case reports, the hostile report) are
copied under new names until there are ``--docs`` documents. Each stage runs in a fresh
process so that its peak memory (max RSS of the process tree, sampled) is its own:

- floors: pypdfium2's raw text extraction and pdfplumber's plain ``extract_text()``;
- ``read``: our reader (``extract.ingest.read``);
- ``nlp``: ``extract.nlp.annotate`` over the read Documents, with the seconds each pipeline
  component took (``components``);
- ``fields``: the case rows from the annotated documents;
- ``database``: storing every document's rows in a fresh SQLite file;
- ``pipeline``: ``case-extract run DIR --db ... --workers N`` for N = 1 and 2;
- ``long document`` (issue 11): the fields stage on one 100-page text made of the bundled
  plain-text case reports (a case series: their narrative paragraphs, each report under a "Case
  N" heading, over again; a page = 3,000 characters), and on that text doubled (the same
  reports twice over). The patient finder reads it as one patient's story, so every field
  module reads all of it: the heaviest case for the fields stage. Field extraction must stay
  near-linear in a document's length: the time ratio of the double to the single is at most
  2.3. The annotation is not timed; each size runs in its own process, best of two runs.
  ``--long-only`` runs this part alone and updates its entry of ``--out``.

- ``ocr`` (issue 14): reading a library scan of the seed (its 3 pages rendered grey at 200 dpi
  in an image-only PDF) by OCR: Tesseract on each page at 300 dpi, then the layout; OCR pages/s.
  A stage of its own, on 3 pages, so the bench grows by seconds. ``--ocr-only`` runs it alone
  and updates its entry of ``--out``.

Every stage and both pipelines run ``--repeat`` times, one after the other in the same run
as the floors; a stage's row is its fastest run (``runs`` lists every run's seconds) and its
peak memory the largest of its runs. For the pipelines, ``peak_rss_mb`` is the whole process
tree (the driver and its workers) and ``peak_worker_mb`` the largest peak of one worker
process. Ratios are ours / floor in seconds (how many times slower than the floor), each from
the fastest runs. The load average before the first and after the last stage is recorded: the
machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
SOURCES = [
    ROOT / "corpus" / "seed" / "shimizu2018.pdf",
    *sorted((ROOT / "corpus" / "dev" / "pdf").glob("*.pdf")),
    *sorted((ROOT / "corpus" / "spinal" / "pdf").glob("*.pdf")),
    *sorted((ROOT / "corpus" / "pdfs").glob("PMC*.pdf")),
    ROOT / "corpus" / "hostile" / "script_in_text.pdf",
]


def prepare(n_docs: int) -> Path:
    folder = WORK / f"docs{n_docs}"
    if folder.is_dir() and len(list(folder.glob("*.pdf"))) == n_docs:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(n_docs):
        src = SOURCES[i % len(SOURCES)]
        shutil.copy(src, folder / f"{i:04d}_{src.stem}.pdf")
    return folder


# --- stages, each run in its own process --------------------------------------------------

def _pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf"))


def stage_floor_pypdfium2(folder: Path) -> dict[str, Any]:
    import pypdfium2 as pdfium

    pages = 0
    t0 = time.perf_counter()
    for path in _pdfs(folder):
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return {"seconds": time.perf_counter() - t0, "pages": pages}


def stage_floor_pdfplumber(folder: Path) -> dict[str, Any]:
    import pdfplumber

    pages = 0
    t0 = time.perf_counter()
    for path in _pdfs(folder):
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return {"seconds": time.perf_counter() - t0, "pages": pages}


def _cache(folder: Path) -> Path:
    return folder.with_suffix(".documents.pickle")


def _read_all(folder: Path) -> list[Any]:
    """The Documents the ``read`` stage made (read again only when its cache is missing)."""
    import pickle

    cache = _cache(folder)
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from extract import ingest

    return [ingest.read(p) for p in _pdfs(folder)]


def stage_read(folder: Path) -> dict[str, Any]:
    import pickle

    from extract import ingest

    t0 = time.perf_counter()
    docs = [ingest.read(p) for p in _pdfs(folder)]
    seconds = time.perf_counter() - t0
    _cache(folder).write_bytes(pickle.dumps(docs))
    return {"seconds": seconds, "pages": sum(len(d.pages) for d in docs)}


SEED = ROOT / "corpus" / "seed" / "shimizu2018.pdf"


def stage_ocr(folder: Path) -> dict[str, Any]:
    """The seed's scan read by OCR (the scan is made before the clock starts)."""
    from extract import ingest
    from extract.ingest.ocr import scan_pdf

    scan = scan_pdf(SEED, WORK / "shimizu2018.scan200.pdf", dpi=200)
    t0 = time.perf_counter()
    doc = ingest.read(scan)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "pages": len(doc.ocr_pages), "docs": 1,
            "confidence": [p.confidence for p in doc.ocr_pages]}


def run_ocr() -> dict[str, Any]:
    """The OCR stage, best of two runs, each in its own process."""
    from extract.ingest.ocr import tesseract_available

    if not tesseract_available():
        return {"skipped": "Tesseract is not installed"}
    WORK.mkdir(parents=True, exist_ok=True)
    row = best_of([run_stage("ocr", WORK) for _ in range(2)])
    row["pages_per_second"] = round(row["pages"] / row["seconds"], 3)
    row["seconds_per_page"] = round(row["seconds"] / row["pages"], 2)
    row["seconds"] = round(row["seconds"], 2)
    return row


def print_ocr(ocr: dict[str, Any]) -> None:
    if "skipped" in ocr:
        print(f"OCR: skipped ({ocr['skipped']})")
        return
    print(f"OCR (the seed's 200 dpi scan, {ocr['pages']} pages): {ocr['pages_per_second']:.3f} pages/s "
          f"({ocr['seconds_per_page']:.2f} s a page, one core), peak {ocr['peak_rss_mb']:.0f} MB; runs {ocr['runs']}")


def stage_nlp(folder: Path) -> dict[str, Any]:
    """``extract.nlp.annotate`` over every Document, component by component (what
    ``nlp(doc)`` does: each component called in turn on the prepared Doc)."""
    from extract.nlp import _prepare, get_nlp

    docs = _read_all(folder)
    nlp = get_nlp()
    components: dict[str, float] = {"tokenizer, sections, scope": 0.0}
    components.update({name: 0.0 for name in nlp.pipe_names})
    t0 = time.perf_counter()
    for d in docs:
        t = time.perf_counter()
        doc = _prepare(nlp, d)
        components["tokenizer, sections, scope"] += time.perf_counter() - t
        for name, proc in nlp.pipeline:
            t = time.perf_counter()
            doc = proc(doc)
            components[name] += time.perf_counter() - t
    return {"seconds": time.perf_counter() - t0, "pages": sum(len(d.pages) for d in docs),
            "components": {k: round(v, 2) for k, v in components.items()}}


def stage_fields(folder: Path) -> dict[str, Any]:
    from extract.cases import cases_from_doc
    from extract.nlp import annotate, get_nlp

    docs = _read_all(folder)
    nlp = get_nlp()
    annotated = [(d, annotate(nlp, d)) for d in docs]
    t0 = time.perf_counter()
    cases = sum(len(cases_from_doc(d, doc)) for d, doc in annotated)
    return {"seconds": time.perf_counter() - t0, "pages": sum(len(d.pages) for d in docs),
            "cases": cases}


def stage_database(folder: Path) -> dict[str, Any]:
    from extract import db as dbm
    from extract.cases import cases_from_doc
    from extract.pipeline import FileResult

    results = [FileResult(path=d.source_path, doc_id=d.doc_id, document=d, cases=cases_from_doc(d, None))
               for d in _read_all(folder)]
    with tempfile.TemporaryDirectory() as tmp:
        database = dbm.open_db(f"sqlite:///{tmp}/bench.sqlite")
        run_id = dbm.start_run(database, pipeline="bench", model="bench", documents=len(results))
        t0 = time.perf_counter()
        for r in results:
            dbm.store_result(database, run_id, r, sha256=dbm.file_sha256(r.path),
                             pipeline="bench", model="bench")
        seconds = time.perf_counter() - t0
        database.dispose()
    return {"seconds": seconds, "pages": sum(r.pages for r in results)}


PAGE_CHARS = 3000
LONG_PAGES = 100
LONG_MAX_RATIO = 2.3


def long_text(pages: int) -> str:
    """A case series of ``pages`` x 3,000 characters: the narrative paragraphs (200 characters
    or more) of the bundled plain-text case reports, each report under its own "Case N"
    heading, the reports over again as often as needed."""
    reports = []
    for path in (*sorted((ROOT / "corpus" / "dev" / "txt").glob("*.txt")),
                 *sorted((ROOT / "corpus" / "spinal" / "txt").glob("*.txt")),
                 *sorted((ROOT / "corpus" / "metastasis" / "txt").glob("*.txt")),
                 *sorted((ROOT / "corpus" / "seed").glob("*.txt"))):
        paragraphs = [" ".join(p.split()) for p in path.read_text(encoding="utf-8").split("\n\n")]
        reports.append("\n\n".join(p for p in paragraphs if len(p) >= 200 and not p.startswith("Keywords")))
    parts: list[str] = []
    size = 0
    while size < pages * PAGE_CHARS:
        parts.append(f"Case {len(parts) + 1}\n\n{reports[len(parts) % len(reports)]}")
        size += len(parts[-1]) + 2
    return "\n\n".join(parts)


def stage_long_fields(pages: int, copies: int) -> dict[str, Any]:
    """The fields stage on :func:`long_text` (``pages``) repeated ``copies`` times, one document."""
    from extract.cases import cases_from_doc
    from extract.ingest import text_document
    from extract.nlp import annotate, get_nlp

    text = long_text(pages * copies)  # the double goes on numbering the cases
    document = text_document(text, doc_id=f"long{pages * copies}")
    nlp = get_nlp()
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    doc = annotate(nlp, document)
    best, cases = float("inf"), 0
    for _ in range(2):
        t0 = time.perf_counter()
        cases = len(cases_from_doc(document, doc))
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "pages": pages * copies, "characters": len(text), "cases": cases}


def run_long_document() -> dict[str, Any]:
    """The fields stage on the 100-page text and on its double, each in its own process."""
    out: dict[str, Any] = {}
    for copies in (1, 2):
        print(f"bench: fields on a {LONG_PAGES * copies}-page text ...", file=sys.stderr, flush=True)
        _, peak, stdout = measure([sys.executable, __file__, "--long-stage", str(copies)])
        row = json.loads(stdout.strip().splitlines()[-1])
        row["seconds"] = round(row["seconds"], 2)
        row["peak_rss_mb"] = round(peak / 2**20, 1)
        out[f"fields_{LONG_PAGES * copies}_pages"] = row
    single, double = (out[f"fields_{LONG_PAGES * c}_pages"]["seconds"] for c in (1, 2))
    out["time_ratio_double_to_single"] = round(double / single, 2)
    out["max_ratio"] = LONG_MAX_RATIO
    return out


def print_long_document(long: dict[str, Any]) -> None:
    print("fields stage on one long document (issue 11):")
    for r in long.values():
        if isinstance(r, dict):
            print(f"  {r['pages']:>4} pages ({r['characters']:,} characters): {r['seconds']:>7.2f} s, "
                  f"{r['cases']} cases, peak {r['peak_rss_mb']:.1f} MB")
    verdict = "ok" if long["time_ratio_double_to_single"] <= long["max_ratio"] else "OVER"
    print(f"  time ratio {LONG_PAGES * 2} / {LONG_PAGES} pages: {long['time_ratio_double_to_single']:.2f} "
          f"(at most {long['max_ratio']}: {verdict})")


STAGES = {
    "floor_pypdfium2": stage_floor_pypdfium2,
    "floor_pdfplumber": stage_floor_pdfplumber,
    "read": stage_read,
    "nlp": stage_nlp,
    "fields": stage_fields,
    "database": stage_database,
    "ocr": stage_ocr,
}


# --- measuring -----------------------------------------------------------------------------

def _tree_rss(pid: int) -> dict[int, int]:
    """Resident bytes of each process of the tree under ``pid`` (``pid`` itself too)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return {}
    out = {}
    for p in procs:
        try:
            out[p.pid] = p.memory_info().rss
        except psutil.Error:
            pass
    return out


_LAST_PEAKS: dict[int, int] = {}  # the peak of each process of the last measure()


def measure(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """(wall seconds, peak RSS of the process tree in bytes, stdout) of ``cmd``; the peak of
    each of its processes is left in ``_LAST_PEAKS``."""
    peak = 0
    peaks: dict[int, int] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            rss = _tree_rss(proc.pid)
            peak = max(peak, sum(rss.values()))
            for pid, value in rss.items():
                peaks[pid] = max(peaks.get(pid, 0), value)
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    stop.set()
    sampler.join()
    _LAST_PEAKS.clear()
    _LAST_PEAKS.update(peaks)
    _LAST_PEAKS.pop(proc.pid, None)  # the driver; what is left are its workers (and helpers)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed with exit {proc.returncode}")
    return time.perf_counter() - t0, peak, out


def run_stage(name: str, folder: Path) -> dict[str, Any]:
    wall, peak, out = measure([sys.executable, __file__, "--stage", name, "--dir", str(folder)])
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(peak / 2**20, 1)
    return result


def run_pipeline(folder: Path, workers: int) -> dict[str, Any]:
    # the installed command, run with this interpreter (so that it runs the tree it is in)
    cmd = [sys.executable, "-m", "extract.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        cmd += ["run", str(folder), "--out", tmp, "--db", f"sqlite:///{tmp}/run.sqlite",
                "--workers", str(workers)]
        wall, peak, _ = measure(cmd)
    worker = max(_LAST_PEAKS.values(), default=0)
    return {"seconds": wall, "peak_rss_mb": round(peak / 2**20, 1),
            "peak_worker_mb": round(worker / 2**20, 1)}


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest run, with every run's seconds and the largest peaks of them all."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["runs"] = [round(r["seconds"], 2) for r in runs]
    for key in ("peak_rss_mb", "peak_worker_mb"):
        if key in best:
            best[key] = max(r[key] for r in runs)
    return best


def _update_results(out: Path, key: str, value: dict[str, Any]) -> None:
    """Replace one entry of the results file (the others stay as measured before)."""
    result = json.loads(out.read_text()) if out.exists() else {}
    result[key] = value
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each stage; the fastest is kept")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "bench.json"))
    ap.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    ap.add_argument("--long-only", action="store_true",
                    help="only the fields stage on the 100-page text and its double; updates --out")
    ap.add_argument("--long-stage", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--ocr-only", action="store_true",
                    help="only the OCR stage (the seed's scan); updates --out")
    args = ap.parse_args()
    if args.stage:
        print(json.dumps(STAGES[args.stage](Path(args.dir))))
        return 0
    if args.long_stage:
        print(json.dumps(stage_long_fields(LONG_PAGES, args.long_stage)))
        return 0
    if args.ocr_only:
        ocr = run_ocr()
        _update_results(Path(args.out), "ocr", ocr)
        print_ocr(ocr)
        print(f"-> {args.out}")
        return 0
    if args.long_only:
        long = run_long_document()
        _update_results(Path(args.out), "long_document", long)
        print_long_document(long)
        print(f"-> {args.out}")
        return 0 if long["time_ratio_double_to_single"] <= LONG_MAX_RATIO else 1

    folder = prepare(args.docs)
    n_docs = len(_pdfs(folder))
    load_before = round(os.getloadavg()[0], 2)
    corpus_stages = [name for name in STAGES if name != "ocr"]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in corpus_stages}
    for k in range(args.repeat):
        for name in corpus_stages:
            print(f"bench: {name} (run {k + 1} of {args.repeat}) ...", file=sys.stderr, flush=True)
            runs[name].append(run_stage(name, folder))
    rows: dict[str, dict[str, Any]] = {name: best_of(r) for name, r in runs.items()}
    pages = rows["read"]["pages"]
    for workers in (1, 2):
        tries = []
        for k in range(args.repeat):
            print(f"bench: pipeline with {workers} worker(s) (run {k + 1} of {args.repeat}) ...",
                  file=sys.stderr, flush=True)
            tries.append(dict(run_pipeline(folder, workers), pages=pages))
        rows[f"pipeline_{workers}_workers"] = best_of(tries)
    long = run_long_document()
    print("bench: OCR of the seed's scan ...", file=sys.stderr, flush=True)
    ocr = run_ocr()
    for r in rows.values():
        r["docs"] = n_docs
        r["docs_per_second"] = round(n_docs / r["seconds"], 2) if r["seconds"] else None
        r["pages_per_second"] = round(r["pages"] / r["seconds"], 2) if r["seconds"] else None
        r["seconds"] = round(r["seconds"], 2)
    ratios = {
        "read / pypdfium2": rows["read"]["seconds"] / rows["floor_pypdfium2"]["seconds"],
        "pipeline (2 workers) / pypdfium2":
            rows["pipeline_2_workers"]["seconds"] / rows["floor_pypdfium2"]["seconds"],
        "read / pdfplumber extract_text": rows["read"]["seconds"] / rows["floor_pdfplumber"]["seconds"],
        "pipeline (1 worker) / pdfplumber extract_text":
            rows["pipeline_1_workers"]["seconds"] / rows["floor_pdfplumber"]["seconds"],
        "pipeline (2 workers) / pdfplumber extract_text":
            rows["pipeline_2_workers"]["seconds"] / rows["floor_pdfplumber"]["seconds"],
    }
    machine = {"cpu_count": os.cpu_count(), "platform": platform.platform(),
               "load_average_1min_at_start": load_before,
               "load_average_1min_at_end": round(os.getloadavg()[0], 2),
               "python": platform.python_version(), "processor": platform.processor() or platform.machine()}
    result = {"docs": n_docs, "pages": pages, "repeat": args.repeat, "stages": rows,
              "ratios": {k: round(v, 2) for k, v in ratios.items()}, "long_document": long,
              "ocr": ocr, "machine": machine}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")

    print(f"{n_docs} documents, {pages} pages; {machine['cpu_count']} cores, {machine['platform']}; "
          f"best of {args.repeat} runs; load {load_before} before, {machine['load_average_1min_at_end']} after")
    print(f"{'stage':<22} {'seconds':>8} {'docs/s':>8} {'pages/s':>8} {'peak MB':>8} {'worker MB':>9}  runs")
    for name, r in rows.items():
        print(f"{name:<22} {r['seconds']:>8.2f} {r['docs_per_second']:>8.2f} {r['pages_per_second']:>8.2f} "
              f"{r['peak_rss_mb']:>8.1f} {r.get('peak_worker_mb', float('nan')):>9.1f}  {r['runs']}")
    print("NLP components (seconds):")
    for name, sec in rows["nlp"]["components"].items():
        print(f"  {name:<28} {sec:>7.2f}")
    print("ratios (ours / floor, seconds):")
    for k, v in result["ratios"].items():
        print(f"  {k:<48} {v:>7.2f}x")
    print_long_document(long)
    print_ocr(ocr)
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
