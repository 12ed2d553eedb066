"""Linear-time rule patterns (extract/patterns.py; issue 11): every regular expression the
package compiles, timed on adversarial text and read for backtracking shapes.

Which patterns: all of them, found without a list to keep up to date, in three ways.

1. **Recorded while the package runs.** A fresh interpreter (this file run as a script) wraps
   ``re._compile``, the function every ``re.compile``, ``re.search``, ``re.sub`` ... goes
   through, before it imports ``extract``; then imports every module of the package and runs
   ``extract_cases`` (with the NLP pipeline) over the bundled texts, the seed PDF (tables) and a
   JATS article. It keeps each pattern compiled from a frame of the ``extract`` package, with
   its flags: module-level constants, rules loaded from ``resources/*.json`` after their
   placeholders are filled in (``{DUR}``, ``{PRIMARY}``), patterns built from term lists, and
   inline literals (``re.search(r"...")``). A fresh process, because the loaders are cached:
   patterns compiled before the hook would be missed.
2. **Every string of the package's JSON resources** that compiles and looks like a pattern
   (``resources/*.json``, ``nlp/resources``, spaCy ``REGEX`` token patterns), raw, so a rule
   that the corpus never reaches is covered too.
3. **Every string literal given to a ``re`` function** in the package's source (an AST sweep),
   for code paths the corpus never reaches.

Then each pattern is run over every text of ``adversarial`` (tests/conftest.py), search after
search as ``finditer`` would, and no single search may take more than 0.2 s of CPU (a search is
re-timed once before it fails, against a busy machine); a search still running after 2 s is
stopped. And no pattern may hold a shape :func:`extract.patterns.backtracking_risks` names.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.patterns import backtracking_risks, is_linear

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "extract"
SEARCH_BOUND_S = 0.2
HARD_STOP_S = 2.0


# -- collecting the patterns ------------------------------------------------------------------


def _record_while_running(out: Path) -> None:
    """Run in a fresh interpreter: record every pattern the package compiles while it reads
    the bundled corpus (see the module docstring)."""
    import importlib
    import pkgutil

    seen: dict[tuple[str, int, bool], str] = {}
    original = re._compile  # type: ignore[attr-defined]

    def recording(pattern, flags):
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") in ("re", "functools"):
            frame = frame.f_back
        module = frame.f_globals.get("__name__", "") if frame is not None else ""
        if module.split(".")[0] == "extract" and isinstance(pattern, (str, bytes)):
            is_bytes = isinstance(pattern, bytes)
            text = pattern.decode("latin-1") if is_bytes else pattern
            seen.setdefault((text, int(flags), is_bytes), f"{module}:{frame.f_lineno}")
        return original(pattern, flags)

    re._compile = recording  # type: ignore[attr-defined]
    import extract
    from extract import ingest
    from extract.cases import extract_cases
    from extract.errors import ModelMissingError
    from extract.nlp import get_nlp, load

    for info in pkgutil.walk_packages(extract.__path__, "extract."):
        if ".migrations" in info.name:
            continue  # Alembic's env.py runs a migration when imported
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a module that needs what is not here: its patterns go unrecorded
            continue
    try:
        nlp = get_nlp()
    except ModelMissingError:
        nlp = load(ner=False)
    corpus = ROOT / "corpus"
    paths = [*sorted((corpus / "dev" / "txt").glob("*.txt")), *sorted((corpus / "spinal" / "txt").glob("*.txt")),
             *sorted((corpus / "metastasis" / "txt").glob("*.txt")), *sorted((corpus / "seed").glob("*.txt")),
             corpus / "seed" / "shimizu2018.pdf", corpus / "jats" / "PMC4745277.xml"]
    for path in paths:
        extract_cases(ingest.read(path), nlp)
    rows = [{"pattern": p, "flags": f, "bytes": b, "where": w} for (p, f, b), w in seen.items()]
    out.write_text(json.dumps(rows), encoding="utf-8")


_METACHARACTERS = re.compile(r"\\[wsdbWSDB]|[(\[*+?{|^$]")


def _json_strings(value: object, where: str):
    if isinstance(value, str):
        yield value, where
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _json_strings(v, f"{where}:{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_strings(v, f"{where}[{i}]")


def _resource_patterns() -> dict[tuple[str, int, bool], str]:
    """Every string of the package's JSON/JSONL data that compiles and looks like a pattern."""
    out: dict[tuple[str, int, bool], str] = {}
    files = sorted(PACKAGE.rglob("*.json")) + sorted(PACKAGE.rglob("*.jsonl"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        docs = [json.loads(line) for line in text.splitlines() if line.strip()] if path.suffix == ".jsonl" \
            else [json.loads(text)]
        for doc in docs:
            for s, where in _json_strings(doc, str(path.relative_to(ROOT))):
                if not _METACHARACTERS.search(s):
                    continue
                try:
                    re.compile(s, re.IGNORECASE)
                except re.error:
                    continue
                out.setdefault((s, int(re.IGNORECASE), False), where)
    return out


_RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}
_FLAG_NAMES = {name: int(getattr(re, name)) for name in ("I", "IGNORECASE", "M", "MULTILINE", "S", "DOTALL",
                                                           "X", "VERBOSE", "A", "ASCII")}


def _flags_of(node: ast.expr | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and node.attr in _FLAG_NAMES:
        return _FLAG_NAMES[node.attr]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags_of(node.left) | _flags_of(node.right)
    return 0


#: Literal patterns the package only ever tries at one place (``re.match``/``re.fullmatch``).
_ANCHORED: set[tuple[str, int, bool]] = set()


def _literal_patterns() -> dict[tuple[str, int, bool], str]:
    """Every string literal passed as the pattern of a ``re`` function in the package's code
    (those passed to ``re.match``/``re.fullmatch`` only also go to ``_ANCHORED``)."""
    out: dict[tuple[str, int, bool], str] = {}
    searched: set[tuple[str, int, bool]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in _RE_FUNCTIONS and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, (str, bytes))):
                continue
            flag_arg = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "finditer": 2,
                        "findall": 2, "split": 3, "sub": 4, "subn": 4}[node.func.attr]
            flags = node.args[flag_arg] if len(node.args) > flag_arg else next(
                (k.value for k in node.keywords if k.arg == "flags"), None)
            value = node.args[0].value
            is_bytes = isinstance(value, bytes)
            text = value.decode("latin-1") if is_bytes else value
            key = (text, _flags_of(flags), is_bytes)
            out.setdefault(key, f"{path.relative_to(ROOT)}:{node.lineno}")
            (_ANCHORED if node.func.attr in ("match", "fullmatch") else searched).add(key)
    _ANCHORED.difference_update(searched)
    return out


@pytest.fixture(scope="module")
def patterns(tmp_path_factory) -> dict[tuple[str, int, bool], str]:
    """(pattern, flags, is bytes) -> where it comes from, for every pattern of the package."""
    out = tmp_path_factory.mktemp("patterns") / "recorded.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, __file__, str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = {(r["pattern"], r["flags"], r["bytes"]): r["where"] for r in json.loads(out.read_text())}
    for key, where in {**_resource_patterns(), **_literal_patterns()}.items():
        found.setdefault(key, where)
    return found


def test_the_recording_sees_the_rules_of_every_stage(patterns) -> None:
    """The collection itself works: hundreds of patterns, from readers, NLP and every field
    module, the timing rules among them with their placeholders filled in."""
    modules = {w.split(":")[0] for w in patterns.values()}
    assert len(patterns) > 300
    for module in ("extract.ingest.pdf", "extract.ingest.sections", "extract.nlp.spinal_levels",
                   "extract.fields.sites", "extract.fields.timeline", "extract.fields.treatment", "extract.fields.story",
                   "extract.fields.patients",
                   "extract.fields.demographics", "extract.fields.outcome", "extract.fields.tables"):
        assert module in modules, module
    assert any("discovered|diagnosed|found" in p and "GISTs?" in p for p, _, _ in patterns)


# -- timing every pattern on adversarial text -------------------------------------------------


def _slowest_search(rx: re.Pattern, text: str | bytes, time_limit) -> float:
    """CPU seconds of the slowest single search of ``rx`` over ``text``, searching on from
    each match's end as ``finditer`` does; a search stopped by the hard limit counts as
    ``HARD_STOP_S``."""
    slowest, pos = 0.0, 0
    while pos <= len(text):
        t0 = time.thread_time()
        try:
            with time_limit(HARD_STOP_S):
                m = rx.search(text, pos)
        except BaseException as exc:  # the conftest's TimeLimitExceeded
            if type(exc).__name__ != "TimeLimitExceeded":
                raise
            return HARD_STOP_S
        slowest = max(slowest, time.thread_time() - t0)
        if m is None:
            break
        pos = m.end() + (m.end() == m.start())
    return slowest


def test_issue_11_no_pattern_search_takes_over_0_2_s_on_adversarial_text(patterns, adversarial, time_limit) -> None:
    slow = []
    for (pattern, flags, is_bytes), where in sorted(patterns.items(), key=lambda kv: kv[1]):
        rx = re.compile(pattern.encode("latin-1") if is_bytes else pattern, flags)
        for name, text in adversarial.items():
            subject = text.encode("utf-8") if is_bytes else text
            seconds = _slowest_search(rx, subject, time_limit)
            if seconds > SEARCH_BOUND_S:  # once more, in case the machine was busy
                seconds = min(seconds, _slowest_search(rx, subject, time_limit))
            if seconds > SEARCH_BOUND_S:
                slow.append(f"{seconds:.2f} s  {where}  on {name}:  {pattern[:110]!r}")
    assert not slow, "searches over 0.2 s:\n" + "\n".join(slow)


def test_issue_11_no_pattern_has_a_backtracking_shape(patterns) -> None:
    risky = [f"{where}: {risk}\n    {key[0][:110]!r}"
             for key, where in sorted(patterns.items(), key=lambda kv: kv[1])
             for risk in backtracking_risks(key[0], key[1], anchored=key in _ANCHORED)]
    assert not risky, "patterns that can backtrack super-linearly:\n" + "\n".join(risky)


# -- extract.patterns on known shapes ----------------------------------------------------------


@pytest.mark.parametrize("pattern", [
    r"(?:[\s\w,-]+?){0,60}?cancer",  # issue 11's primary_found_later gap
    r"(?:\w+\s?)+$",
    r"(?:\w+\s*){1,4}$",
    r"\W+(?:[\w-]+\W+){0,4}$",  # '-' is both a word part and a non-word character
    r"(a+)+b",
    r"x.*y",
    r"\b(?:later|then)\s+[^.]*cancer",
])
def test_backtracking_shapes_are_named(pattern: str) -> None:
    assert backtracking_risks(pattern, re.IGNORECASE)
    assert not is_linear(re.compile(pattern, re.IGNORECASE))


@pytest.mark.parametrize("pattern", [
    r"[\s\w,-]{0,200}?cancer",  # bounded
    r"(?:[\w-]+\s+){0,4}?cancer",  # a word, then its separator: one way to split
    r"\W+(?>[\w-]+\W+){0,4}$",  # atomic rounds
    r"(?:\w+\s?)++$",  # possessive
    r"(?:[\w'-]+\s*){1,4}",  # nothing after it can fail, so nothing is given back
    r"^history(?:\s+and\s+[\w\s]+)?\b",  # one place to start from
    r"[^.;]{0,80}?confirmed",
    r"\d+(?:[.,]\d+)?\s*(?:years?|months?)",
])
def test_linear_shapes_pass(pattern: str) -> None:
    assert backtracking_risks(pattern, re.IGNORECASE) == ()


if __name__ == "__main__":
    _record_while_running(Path(sys.argv[1]))
