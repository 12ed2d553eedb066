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


# -- case database (extract/db.py): SQLite always, PostgreSQL when TEST_POSTGRES_URL is set ----
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a new database on TEST_POSTGRES_URL's server
    (dropped afterwards). `.ci/postgres.sh` starts such a server and prints its URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.sqlite'}"
        return
    import os
    import uuid

    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TEST_POSTGRES_URL is not set (`bash .ci/postgres.sh` starts a server and prints it)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"case_extract_{uuid.uuid4().hex[:12]}"  # our own name: DDL takes no parameters
    admin = create_engine(make_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
