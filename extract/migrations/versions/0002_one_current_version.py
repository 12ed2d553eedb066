"""one current version per document

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 05:00:00

A partial unique index: two writers storing the same document at once cannot both leave a
current version (the second gets an IntegrityError and retries, see extract.db.store_result).
Only SQLite and PostgreSQL have partial indexes; elsewhere a plain unique index on doc_id would
forbid the history, so there is none.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name not in ("sqlite", "postgresql"):
        return
    op.create_index("uq_documents_one_current", "documents", ["doc_id"], unique=True,
                    sqlite_where=sa.text("current = 1"), postgresql_where=sa.text("current"))


def downgrade() -> None:
    if op.get_bind().dialect.name not in ("sqlite", "postgresql"):
        return
    op.drop_index("uq_documents_one_current", table_name="documents")
