"""the text of each document

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:15:00

``documents.text``: the text the reader produced, so the evidence report can show each value
within its sentence for documents a later run skipped (their text is not read again), and
from ``case-extract report --db``. Rows written before this revision have none (NULL): their
evidence is shown without its sentence, as before.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:  # SQLite drops columns by copying the table
        batch.drop_column("text")
