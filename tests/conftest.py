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
