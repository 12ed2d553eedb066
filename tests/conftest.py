"""Shared fixtures: paths to the bundled corpus, and pipelines loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def seed_pdf() -> Path:
    return CORPUS / "seed" / "shimizu2018.pdf"


# -- extract.nlp pipelines (loaded once per session) ------------------------------------------
@pytest.fixture(scope="session")
def nlp_no_ner():
    """The NLP pipeline without the trained NER (works without models/)."""
    from extract.nlp import load

    return load(ner=False)


@pytest.fixture(scope="session")
def nlp_with_ner():
    """The whole NLP pipeline; skips the test when models/case_ner is not trained yet."""
    from extract.errors import ModelMissingError
    from extract.nlp import load

    try:
        return load(ner=True)
    except ModelMissingError as exc:
        pytest.skip(str(exc))
