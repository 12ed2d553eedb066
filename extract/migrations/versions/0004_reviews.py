"""reviews, page offsets and the bytes of each PDF read

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 15:00:00

Issue 13, the reviewer's workbench:

- ``reviews``: each reviewer's decision on one field of one patient, beside the machine's rows
  (never over them), keyed by ``(doc_id, case_index, field)`` so that reruns keep it;
- ``documents.page_offsets``: where each page's text lies in ``documents.text``, so a value the
  reviewer points to in the text gets its page (NULL for rows written before: page unknown);
- ``document_files``: the bytes of each PDF read, once per SHA-256, so the workbench renders
  pages from the database and never from a path a request names. Rows written before this
  revision have none; the workbench then reads the stored path if that file still has the
  stored hash.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("page_offsets", sa.JSON(), nullable=True))
    op.create_table(
        "document_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(length=255), nullable=False),
        sa.Column("case_index", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("machine_value", sa.JSON(), nullable=True),
        sa.Column("reviewed_value", sa.JSON(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reviews_case_field", "reviews", ["doc_id", "case_index", "field"])


def downgrade() -> None:
    op.drop_index("ix_reviews_case_field", table_name="reviews")
    op.drop_table("reviews")
    op.drop_table("document_files")
    with op.batch_alter_table("documents") as batch:  # SQLite drops columns by copying the table
        batch.drop_column("page_offsets")
