"""Reading quality of PDFs against their publisher JATS (issue 2, item 8).

For every ``corpus/pdfs/PMC*.pdf`` with a ``corpus/jats/PMC*.xml`` of the same name:

* **words in order**: the share of the JATS body words (lowercased word tokens of the
  abstract and body ``<p>`` elements, without tables, figure captions and references) that an
  alignment (difflib, over word tokens) finds in the same order in the reader's text;
* **paragraphs whole**: the share of those JATS paragraphs that occur in the reader's text as
  one unbroken run (whitespace normalised, exact substring);
* **paragraphs whole, misread characters forgiven** (``paragraphs_one_block_95``): the share
  of JATS paragraphs that lie inside one paragraph of the reader's text (blank-line separated)
  with at least 95% of their words there in order. Exact substrings ask every character of a
  paragraph to be right, which OCR rarely gives (one misread ``[11]`` or an en dash read as a
  hyphen breaks a paragraph); this measure asks what the layout decides: that a paragraph is
  not cut, nor its lines mixed with others'.

Three readers side by side: ours (``extract.ingest.pdf.read_pdf``), pdfplumber's plain
``extract_text()`` and pypdfium2's raw ``get_textpage().get_text_range()``; with seconds per
page. And a fourth row, **scans** (issue 14): ours on a library scan of each PDF (its pages
rendered grey at 200 dpi in an image-only PDF, :func:`extract.ingest.ocr.scan_pdf`, kept in
``benchmarks/work/scans/``), read by OCR. Writes ``benchmarks/results/reading.json``.

    .venv/bin/python benchmarks/reading.py [--limit N] [--no-scans]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT / "corpus" / "pdfs"
JATS = ROOT / "corpus" / "jats"
OUT = ROOT / "benchmarks" / "results" / "reading.json"

_WORD = re.compile(r"[^\W_]+")
_SKIP = {
    "table-wrap",
    "fig",
    "caption",
    "ref-list",
    "table",
    "disp-formula",
    "supplementary-material",
    "fn-group",
    "app-group",
}


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})


def _norm(text: str) -> str:
    """Both sides alike: NFKC (µ/μ, ligatures), straight quotes, single spaces. The PDF prints
    curly quotes where the JATS has straight ones; that is not a reading error."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split())


def _paragraph_text(p: ET.Element) -> str:
    parts: list[str] = []

    def walk(e: ET.Element) -> None:
        tag = e.tag.split("}")[-1]
        if tag in _SKIP:
            if e.tail:
                parts.append(e.tail)
            return
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if e.tail:
            parts.append(e.tail)

    if p.text:
        parts.append(p.text)
    for child in p:
        walk(child)
    return _norm("".join(parts))


def jats_paragraphs(path: Path) -> list[str]:
    """Abstract and body <p> paragraphs of a JATS file (not in tables, figures, references)."""
    root = ET.parse(path).getroot()
    out: list[str] = []

    def collect(e: ET.Element, inside: bool) -> None:
        tag = e.tag.split("}")[-1]
        if tag in _SKIP:
            return
        if tag == "p" and inside:
            text = _paragraph_text(e)
            if text:
                out.append(text)
            return
        for child in e:
            collect(child, inside)

    for e in root.iter():
        tag = e.tag.split("}")[-1]
        if tag == "abstract" and e.get("abstract-type") in (None, "", "structured"):
            collect_all = e
            for child in collect_all:
                collect(child, True)
    for body in root.iter():
        if body.tag.split("}")[-1] == "body":
            for child in body:
                collect(child, True)
    return out


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def words_in_order(reference: list[str], ours: list[str]) -> float:
    if not reference:
        return 1.0
    matcher = difflib.SequenceMatcher(None, reference, ours, autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks())
    return found / len(reference)


def paragraphs_whole(paragraphs: list[str], text: str) -> tuple[float, list[str]]:
    flat = _norm(text)
    missing = [p for p in paragraphs if p not in flat]
    return (1 - len(missing) / len(paragraphs) if paragraphs else 1.0), missing


def paragraphs_strict(paragraphs: list[str], text: str) -> float:
    """Share of JATS paragraphs inside one paragraph of the reader's text (blank-line
    separated): a paragraph cut by a blank line does not count, though its words run on."""
    ours = [_norm(p) for p in re.split(r"\n\s*\n", text)]
    if not paragraphs:
        return 1.0
    return sum(1 for p in paragraphs if any(p in o for o in ours)) / len(paragraphs)


def paragraphs_apart(paragraphs: list[str], text: str) -> float:
    """Of the JATS paragraphs that come out whole, the share that also stand apart (start
    and end a paragraph of the reader's text, which separates paragraphs by blank lines):
    guards against a reader that glues paragraphs together."""
    ours = {_norm(p) for p in re.split(r"\n\s*\n", text)}
    flat = _norm(text)
    whole = [p for p in paragraphs if p in flat]
    if not whole:
        return 0.0
    return sum(1 for p in whole if p in ours) / len(whole)


def paragraphs_one_block(paragraphs: list[str], text: str, share: float = 0.95) -> float:
    """Share of JATS paragraphs inside one blank-line paragraph of ``text`` with at least
    ``share`` of their words in order (misread characters forgiven, cuts not)."""
    if not paragraphs:
        return 1.0
    blocks = [words(b) for b in re.split(r"\n\s*\n", text)]
    block_sets = [set(b) for b in blocks]
    found = 0
    for p in paragraphs:
        ref = words(p)
        if not ref:
            found += 1
            continue
        ref_set = set(ref)
        for block, bset in zip(blocks, block_sets):
            if len(ref_set & bset) < 0.5 * len(ref_set):
                continue
            if words_in_order(ref, block) >= share:
                found += 1
                break
    return found / len(paragraphs)


def read_ours(path: Path) -> str:
    from extract.ingest.pdf import read_pdf

    return read_pdf(path, max_pages=200).text


def read_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join((page.extract_text() or "") for page in pdf.pages)


def read_pypdfium2(path: Path) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        parts = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            parts.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\n".join(parts)
    finally:
        pdf.close()


SCANS = ROOT / "benchmarks" / "work" / "scans"
SCAN_DPI = 200


def scan_of(path: Path) -> Path:
    """The library scan of a PDF (made once, then kept)."""
    from extract.ingest.ocr import scan_pdf

    target = SCANS / f"{path.stem}.{SCAN_DPI}dpi.pdf"
    if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
        SCANS.mkdir(parents=True, exist_ok=True)
        scan_pdf(path, target, dpi=SCAN_DPI)
    return target


def read_scan(path: Path) -> str:
    from extract.ingest.pdf import read_pdf

    return read_pdf(scan_of(path), max_pages=200).text


READERS: dict[str, Callable[[Path], str]] = {
    "ours": read_ours,
    "pdfplumber": read_pdfplumber,
    "pypdfium2": read_pypdfium2,
    "scans": read_scan,
}
#: the readers whose paragraphs are scored as blocks too (ours, on born-digital and on scans)
OURS = ("ours", "scans")


def page_count(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def pairs() -> list[tuple[Path, Path]]:
    out = []
    for pdf in sorted(PDFS.glob("PMC*.pdf")):
        xml = JATS / (pdf.stem + ".xml")
        if xml.exists():
            out.append((pdf, xml))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs")
    ap.add_argument("--missing", action="store_true", help="print the paragraphs our reader breaks")
    ap.add_argument("--no-scans", action="store_true", help="skip the scans (OCR) row")
    args = ap.parse_args(argv)
    todo = pairs()[: args.limit or None]
    from extract.ingest.ocr import tesseract_available

    readers = dict(READERS)
    if args.no_scans or not tesseract_available():
        if not args.no_scans:
            print("scans: skipped (Tesseract is not installed; see the README, OCR)", file=sys.stderr)
        del readers["scans"]
    per_doc = []
    totals = {
        name: {
            "ref_words": 0,
            "found_words": 0.0,
            "paras": 0,
            "whole": 0,
            "seconds": 0.0,
            "pages": 0,
            "apart": 0.0,
            "strict": 0.0,
            "forgiving": 0.0,
        }
        for name in readers
    }
    for pdf, xml in todo:
        paras = jats_paragraphs(xml)
        ref = words(" ".join(paras))
        n_pages = page_count(pdf)
        row: dict[str, object] = {
            "doc": pdf.stem,
            "pages": n_pages,
            "jats_words": len(ref),
            "jats_paragraphs": len(paras),
        }
        for name, reader in readers.items():
            t0 = time.perf_counter()
            text = reader(pdf)
            secs = time.perf_counter() - t0
            w = words_in_order(ref, words(text))
            whole, missing = paragraphs_whole(paras, text)
            apart = paragraphs_apart(paras, text) if name in OURS else None
            strict = paragraphs_strict(paras, text) if name in OURS else None
            forgiving = paragraphs_one_block(paras, text) if name in OURS else None
            row[name] = {
                "words_in_order": round(w, 4),
                "paragraphs_whole": round(whole, 4),
                "paragraphs_apart": None if apart is None else round(apart, 4),
                "paragraphs_in_one_block": None if strict is None else round(strict, 4),
                "paragraphs_one_block_95": None if forgiving is None else round(forgiving, 4),
                "seconds_per_page": round(secs / max(n_pages, 1), 4),
            }
            t = totals[name]
            t["ref_words"] += len(ref)
            t["found_words"] += w * len(ref)
            t["paras"] += len(paras)
            t["whole"] += len(paras) - len(missing)
            if apart is not None and strict is not None:
                t["apart"] += apart * (len(paras) - len(missing))
                t["strict"] += strict * len(paras)
            if forgiving is not None:
                t["forgiving"] += forgiving * len(paras)
            t["seconds"] += secs
            t["pages"] += n_pages
            if name in OURS and args.missing:
                for m in missing:
                    print(f"  {pdf.stem} {name} broken: {m[:160]}", file=sys.stderr)
        per_doc.append(row)
        for name in OURS:
            o = row.get(name)
            if isinstance(o, dict):
                print(
                    f"{pdf.stem}: {name} words {o['words_in_order']:.3f} "
                    f"paragraphs {o['paragraphs_whole']:.3f} (misread characters forgiven "
                    f"{o['paragraphs_one_block_95']:.3f})",
                    file=sys.stderr,
                )
    summary = {}
    for name, t in totals.items():
        summary[name] = {
            "words_in_order": round(t["found_words"] / max(t["ref_words"], 1), 4),
            "paragraphs_whole": round(t["whole"] / max(t["paras"], 1), 4),
            "paragraphs_apart": round(t["apart"] / max(t["whole"], 1), 4)
            if name in OURS
            else None,
            "paragraphs_in_one_block": round(t["strict"] / max(t["paras"], 1), 4)
            if name in OURS
            else None,
            "paragraphs_one_block_95": round(t["forgiving"] / max(t["paras"], 1), 4)
            if name in OURS
            else None,
            "seconds_per_page": round(t["seconds"] / max(t["pages"], 1), 4),
        }
    result = {
        "pairs": len(todo),
        "summary": summary,
        "documents": per_doc,
        "targets": {"words_in_order": 0.99, "paragraphs_whole": 0.90},
        "targets_scans": {"words_in_order": 0.97, "paragraphs_whole": 0.85},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{'reader':<12} {'words in order':>15} {'paragraphs whole':>17} {'s/page':>8}   ({len(todo)} PDF+JATS pairs)"
    )
    for name, s in summary.items():
        print(
            f"{name:<12} {s['words_in_order']:>15.3f} {s['paragraphs_whole']:>17.3f} {s['seconds_per_page']:>8.3f}"
        )
    for name in OURS:
        o = summary.get(name)
        if o is None:
            continue
        print(
            f"{name}: {o['paragraphs_in_one_block']:.3f} of the paragraphs lie inside one of its blank-line "
            f"paragraphs; {o['paragraphs_apart']:.3f} of the whole ones also stand apart (not glued to a neighbour); "
            f"{o['paragraphs_one_block_95']:.3f} lie inside one with 95% of their words in order (misread "
            f"characters forgiven)"
        )
    if "scans" in summary:
        print(f"scans: each PDF rendered grey at {SCAN_DPI} dpi as an image-only PDF, read by OCR (Tesseract)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
