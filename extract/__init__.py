"""case-extract: published medical case reports in, structured case rows out.

The public API, for notebooks and scripts (each function has its reference in its docstring)::

    import extract

    document = extract.read("corpus/seed/shimizu2018.pdf")     # -> Document
    rows = extract.case_rows(document)                          # -> list[CaseRow]
    frame = extract.cases_frame(rows)                           # -> pandas.DataFrame
    extract.score_cases(rows, "corpus/gold/seed.jsonl")         # -> dict, as `case-extract score`
    extract.score_frame(rows, "corpus/gold/seed.jsonl")         # -> pandas.DataFrame per field
    summary = extract.run_batch(["corpus/dev/pdf"], db="sqlite:///outputs/cases.sqlite")
    nlp = extract.load_nlp()                                    # -> spacy.Language

``__all__`` lists the public names; every other module and name is private by convention and
may change. Importing ``extract`` is cheap: the names are loaded on first use (Scientific Python
SPEC 1, lazy loading), and spaCy, the model, pandas and SQLAlchemy only when a function needs
them. The functions live in :mod:`extract.api`.
"""

from __future__ import annotations

import importlib

# Not `from typing import TYPE_CHECKING`: importing typing costs more than the rest of
# `import extract`; type checkers take a name TYPE_CHECKING as True all the same.
TYPE_CHECKING = False

__version__ = "0.1.0"

#: Public name -> the module that defines it. No public name may be that of a module of the
#: package: importing ``extract.cases`` (as the pipeline does) binds ``extract.cases`` to the
#: module, which would replace a function of that name; hence ``case_rows``, ``run_batch`` and
#: ``score_cases`` beside the modules ``cases``, ``run`` and ``score``.
_PUBLIC: dict[str, str] = {
    "read": "extract.api",
    "case_rows": "extract.api",
    "run_batch": "extract.api",
    "cases_frame": "extract.api",
    "score_cases": "extract.api",
    "score_frame": "extract.api",
    "load_nlp": "extract.api",
    "RunSummary": "extract.api",
    "Document": "extract.document",
    "CaseRow": "extract.record",
    "Evidence": "extract.record",
    "CaseExtractError": "extract.errors",
}

__all__ = [
    "read",
    "case_rows",
    "run_batch",
    "cases_frame",
    "score_cases",
    "score_frame",
    "load_nlp",
    "RunSummary",
    "Document",
    "CaseRow",
    "Evidence",
    "CaseExtractError",
]

if TYPE_CHECKING:  # pragma: no cover - what type checkers and editors see
    from extract.api import (
        RunSummary,
        case_rows,
        cases_frame,
        load_nlp,
        read,
        run_batch,
        score_cases,
        score_frame,
    )
    from extract.document import Document
    from extract.errors import CaseExtractError
    from extract.record import CaseRow, Evidence
else:

    def __getattr__(name: str) -> object:
        """Load a public name on first use (then it is an ordinary module attribute)."""
        if name not in _PUBLIC:
            raise AttributeError(f"module 'extract' has no attribute {name!r}")
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The public names (what a notebook offers after ``extract.``)."""
        return sorted({*__all__, "__version__"})
