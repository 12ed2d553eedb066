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


# -- issue 11: corpus sentences, adversarial text, a hard time limit ----------------------------
#: The bundled plain-text case reports (abstracts and the seed's text).
CORPUS_TEXTS: tuple[Path, ...] = (
    *sorted((CORPUS / "dev" / "txt").glob("*.txt")),
    *sorted((CORPUS / "spinal" / "txt").glob("*.txt")),
    *sorted((CORPUS / "metastasis" / "txt").glob("*.txt")),
    *sorted((CORPUS / "seed").glob("*.txt")),
)

#: Findings as case reports list them, for run-on comma lists ("CT then showed pulmonary
#: nodules, enlarged hilar lymph nodes, and lytic rib lesions").
CLINICAL_NOUN_PHRASES: tuple[str, ...] = (
    "pulmonary nodules", "enlarged hilar lymph nodes", "lytic rib lesions",
    "multiple liver metastases", "a mass in the left adrenal gland",
    "osteolytic lesions of the T10 vertebral body", "bilateral pleural effusions",
    "peritoneal seeding", "sclerotic changes of the iliac bone", "a soft-tissue mass",
    "mediastinal lymphadenopathy", "a pathological fracture of L2", "ascites",
    "epidural extension at T7-T8", "thickening of the gastric wall", "splenomegaly",
    "a cystic lesion of the pancreatic tail", "diffuse bone marrow infiltration",
    "multiple brain lesions", "a 3 cm nodule in the right upper lobe",
)


def report_sentences() -> list[list[str]]:
    """The sentences of each bundled text, in order (whitespace made single, split after . ! ?)."""
    import re

    out: list[list[str]] = []
    for path in CORPUS_TEXTS:
        text = " ".join(path.read_text(encoding="utf-8").split())
        out.append([s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(])", text) if s.strip()])
    return out


def corpus_sentences() -> list[str]:
    """Every sentence of the bundled texts."""
    return [s for report in report_sentences() for s in report]


def comma_list(cue: str, items: int, end: str = ".") -> str:
    """``cue`` and ``items`` noun phrases, comma-separated, the last after "and"."""
    phrases = [CLINICAL_NOUN_PHRASES[i % len(CLINICAL_NOUN_PHRASES)] for i in range(items)]
    return f"{cue} {', '.join(phrases[:-1])}, and {phrases[-1]}{end}"


def adversarial_texts() -> dict[str, str]:
    """Text shaped to make a backtracking pattern slow (issue 11): run-on comma lists after the
    cues of the timing rules, a 50,000-character sentence without a full stop, one word
    repeated 5,000 times, and every sentence of the corpus in one text."""
    import re

    sentences = corpus_sentences()
    whole = " ".join(sentences)
    no_stop = re.sub(r"[.!?;]", ",", whole)
    while len(no_stop) < 50_000:
        no_stop += ", " + no_stop
    texts = {
        "comma list after 'then showed'": comma_list("CT then showed", 400),
        "comma list after 'was later found to have'": comma_list("He was later found to have", 400),
        "comma list after 'subsequently revealed', no full stop": comma_list(
            "Imaging subsequently revealed", 400, end=""),
        "50,000-character sentence without a full stop": no_stop[:50_000],
        "every corpus sentence concatenated": whole,
    }
    for word in ("metastasis", "later", "T10", "the"):
        texts[f"'{word}' repeated 5,000 times"] = " ".join([word] * 5000)
    return texts


class TimeLimitExceeded(BaseException):
    """Raised inside the code a :func:`time_limit` block runs once its seconds are up (a
    BaseException, so no `except Exception` of the pipeline swallows it)."""


@pytest.fixture
def time_limit():
    """``with time_limit(seconds): ...`` stops the block with :class:`TimeLimitExceeded` after
    ``seconds`` of wall time (SIGALRM: Python's ``re`` checks for signals while it matches, so a
    backtracking search is interrupted too). Main thread, POSIX only."""
    import contextlib
    import signal

    @contextlib.contextmanager
    def limit(seconds: float):
        def expire(signum, frame):
            raise TimeLimitExceeded(f"over {seconds:g} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return limit


@pytest.fixture(scope="session")
def corpus_text_paths() -> tuple[Path, ...]:
    return CORPUS_TEXTS


@pytest.fixture(scope="session")
def sentence_pool() -> list[str]:
    """Every sentence of the bundled plain-text case reports."""
    return corpus_sentences()


@pytest.fixture(scope="session")
def reports_as_sentences() -> list[list[str]]:
    """The sentences of each bundled plain-text case report, in order."""
    return report_sentences()


@pytest.fixture(scope="session")
def adversarial() -> dict[str, str]:
    """:func:`adversarial_texts`: name -> text."""
    return adversarial_texts()


@pytest.fixture(scope="session")
def make_comma_list():
    """:func:`comma_list`."""
    return comma_list


@pytest.fixture(scope="session")
def noun_phrases() -> tuple[str, ...]:
    return CLINICAL_NOUN_PHRASES
