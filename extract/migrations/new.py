"""Autogenerate a new revision: ``python -m extract.migrations.new "message"``."""

from __future__ import annotations

import sys
import tempfile
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config

from extract.db import make_engine, upgrade


def main(argv: list[str]) -> int:
    message = " ".join(argv) or "schema change"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("extract") / "migrations"))
        cfg.set_main_option("sqlalchemy.url", url)
        versions = Path(str(resources.files("extract") / "migrations" / "versions"))
        rev_id = f"{len(list(versions.glob('[0-9]*.py'))) + 1:04d}"
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
        engine.dispose()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
