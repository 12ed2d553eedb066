"""The Document of every PDF in ``corpus/``, frozen, and what a reader change does to it.

    python benchmarks/golden.py freeze [--out FILE]    # write what the reader says today
    python benchmarks/golden.py diff [--golden FILE]   # compare today's reader with FILE

A line of the golden file (JSON Lines, one PDF a line, sorted by path) is
``{"path": ..., "document": <case-extract ingest --json>}`` or, for a file the reader
refuses, ``{"path": ..., "error": <the one-line message>}``. ``diff`` prints, per PDF, what
changed: the error, the text (words added and removed, paragraphs joined or split), the page
offsets, the sections, the tables (shape, header, caption, legend), the captions, the title
and the warnings; then a summary. It exits 0 either way: a difference is to be judged (against
the JATS truth, ``make reading``), not refused.

The files are read without OCR (``ocr="never"``): the golden file is the text-layer reader's,
the same with or without Tesseract, and the scanned PDFs stay "no text layer" in it. What OCR
reads of scans is tested in ``tests/ingest/test_ocr.py`` and measured by ``make reading``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "benchmarks" / "golden" / "ingest.jsonl"


def corpus_pdfs() -> list[Path]:
    return sorted((ROOT / "corpus").rglob("*.pdf"))


def read_one(path: Path) -> dict[str, Any]:
    from extract import ingest
    from extract.errors import IngestError

    rel = str(path.relative_to(ROOT))
    try:
        document = ingest.read(rel, ocr="never")
    except IngestError as exc:
        return {"path": rel, "error": str(exc)}
    return {"path": rel, "document": document.to_json()}


def read_all() -> list[dict[str, Any]]:
    import os

    os.chdir(ROOT)  # paths in the Documents are relative to the repository
    return [read_one(p) for p in corpus_pdfs()]


def freeze(out: Path) -> None:
    rows = read_all()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} PDFs -> {out}")


def _words(text: str) -> list[str]:
    return text.split()


def _text_changes(old: str, new: str) -> list[str]:
    out: list[str] = []
    a, b = _words(old), _words(new)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(a[max(i1 - 3, 0) : i1])
        out.append(f"    {tag}: ...{before} [{' '.join(a[i1:i2])[:200]}] -> [{' '.join(b[j1:j2])[:200]}]")
    pa = [" ".join(p.split()) for p in old.split("\n\n")]
    pb = [" ".join(p.split()) for p in new.split("\n\n")]
    if pa != pb:
        sp = difflib.SequenceMatcher(None, pa, pb, autojunk=False)
        for tag, i1, i2, j1, j2 in sp.get_opcodes():
            if tag == "equal":
                continue
            if " ".join(pa[i1:i2]) == " ".join(pb[j1:j2]):
                what = "joined" if i2 - i1 > j2 - j1 else "split"
                out.append(f"    paragraphs {what}: {i2 - i1} -> {j2 - j1}: {pa[i1][:80]!r}")
            elif tag != "replace" or len(out) < 60:
                out.append(f"    paragraphs {tag}: {i2 - i1} -> {j2 - j1} at {pa[i1][:60] if i1 < len(pa) else ''!r}")
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Lines that say how ``new`` differs from ``old`` (nothing when they are the same)."""
    if old == new:
        return []
    if "error" in old or "error" in new:
        return [f"  error: {old.get('error')!r} -> {new.get('error')!r}"]
    a, b = old["document"], new["document"]
    out: list[str] = []
    if a["text"] != b["text"]:
        out.append("  text:")
        out.extend(_text_changes(a["text"], b["text"]))
    if a["pages"] != b["pages"]:
        moved = [
            f"p{pa['number']} {pa['start']}-{pa['end']} -> {pb['start']}-{pb['end']}"
            for pa, pb in zip(a["pages"], b["pages"])
            if pa != pb
        ]
        out.append(f"  pages: {len(a['pages'])} -> {len(b['pages'])}; offsets {'; '.join(moved[:6])}")
    if [s["title"] for s in a["sections"]] != [s["title"] for s in b["sections"]]:
        out.append(f"  sections: {[s['title'] for s in a['sections']]} -> {[s['title'] for s in b['sections']]}")
    for key in ("title", "warnings"):
        if a[key] != b[key]:
            out.append(f"  {key}: {a[key]!r} -> {b[key]!r}")
    ta, tb = a["tables"], b["tables"]
    if ta != tb:
        out.append(f"  tables: {len(ta)} -> {len(tb)}")
        for i, (x, y) in enumerate(zip(ta, tb)):
            for key in ("caption", "legend", "page", "header"):
                if x[key] != y[key]:
                    out.append(f"    table {i + 1} {key}: {x[key]!r} -> {y[key]!r}")
            if x["rows"] != y["rows"]:
                shape_a = (len(x["rows"]), max((len(r) for r in x["rows"]), default=0))
                shape_b = (len(y["rows"]), max((len(r) for r in y["rows"]), default=0))
                cells = sum(
                    1 for ra, rb in zip(x["rows"], y["rows"]) for ca, cb in zip(ra, rb) if ca != cb
                )
                out.append(f"    table {i + 1} rows: {shape_a} -> {shape_b}, {cells} cells differ")
                for ra, rb in zip(x["rows"], y["rows"]):
                    if ra != rb:
                        out.append(f"      {ra} -> {rb}")
                        break
    if a["captions"] != b["captions"]:
        la = [(c["label"], c["text"]) for c in a["captions"]]
        lb = [(c["label"], c["text"]) for c in b["captions"]]
        if la != lb:
            out.append(f"  captions: {len(la)} -> {len(lb)}")
            for x, y in zip(la, lb):
                if x != y:
                    out.append(f"    {x[0]}: {x[1][:100]!r} -> {y[0]}: {y[1][:100]!r}")
        else:
            out.append("  captions: pages differ")
    return out


def diff(golden: Path) -> None:
    old = {row["path"]: row for row in map(json.loads, golden.read_text("utf-8").splitlines())}
    new = {row["path"]: row for row in read_all()}
    same = changed = 0
    for path in sorted(set(old) | set(new)):
        if path not in old or path not in new:
            print(f"{path}: {'new' if path not in old else 'gone'}")
            changed += 1
            continue
        lines = compare(old[path], new[path])
        if lines:
            changed += 1
            print(path)
            print("\n".join(lines))
        else:
            same += 1
    print(f"{same} PDFs read the same, {changed} differ")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("freeze", "diff"))
    ap.add_argument("--golden", type=Path, default=GOLDEN)
    args = ap.parse_args()
    if args.command == "freeze":
        freeze(args.golden)
    else:
        diff(args.golden)
    return 0


if __name__ == "__main__":
    sys.exit(main())
