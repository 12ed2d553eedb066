"""README.md's "Use it from Python" examples, run as doctests (issue 15).

The section's ``pycon`` blocks run in order, sharing their names, from a folder that has the
repository's ``corpus/`` where the README has it: the relative paths are those a user types at
the repository root of a fresh clone, and what the examples write (``outputs/dev.sqlite``) goes
to a temporary folder, not into the clone.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Use it from Python"


def readme_section(title: str = SECTION) -> str:
    """The README's text from the heading ``title`` to the next heading of its level."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n") + 1
    end = text.find("\n## ", start + len(title))
    return text[start:end if end != -1 else len(text)]


def pycon_blocks(section: str) -> list[tuple[int, str]]:
    """The ``pycon`` fenced blocks of ``section``: (line within the section, code)."""
    return [(section[:m.start()].count("\n") + 1, m.group(1))
            for m in re.finditer(r"^```pycon\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)]


def test_readme_use_it_from_python_runs_as_doctests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    section = readme_section()
    blocks = pycon_blocks(section)
    assert len(blocks) == 2, "the section's examples are its pycon blocks"
    first = blocks[0][1]
    assert first.startswith(">>> import extract\n")
    assert first.count(">>> ") == 5, "the notebook example is five lines"
    (tmp_path / "corpus").symlink_to(ROOT / "corpus", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    names: dict[str, object] = {}
    report: list[str] = []
    for line, code in blocks:
        test = parser.get_doctest(code, names, f"README.md {SECTION!r}, block at line {line}",
                                  str(ROOT / "README.md"), line)
        test.globs = names  # the blocks share their names, as cells of one notebook do
        runner.run(test, out=report.append, clear_globs=False)
    failed, tried = runner.summarize(verbose=False)
    assert tried >= 10
    assert failed == 0, "".join(report)
