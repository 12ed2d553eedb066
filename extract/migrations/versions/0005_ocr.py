"""pages read by OCR, and evidence read from them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 17:40:00

Issue 14: scanned PDFs are read by OCR. ``documents.ocr_pages``: the pages read so, each with
Tesseract's mean word confidence (JSON ``[{"number", "confidence"}, ...]``; NULL for a
born-digital file). ``evidence.ocr``: the value's words come from such a page, so a
character may be misread (false for rows written before this revision: they were all read
from text layers).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("ocr_pages", sa.JSON(), nullable=True))
    op.add_column("evidence", sa.Column("ocr", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:  # SQLite drops columns by copying the table
        batch.drop_column("ocr")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("ocr_pages")
