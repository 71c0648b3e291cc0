"""The corroboration index holds only the statements that repeat another

Almost every statement has no corroborates_id, so a full index on it told SQLite's planner that
the column is useless, and loading the copies of a page's statements scanned the whole table
(150 ms at a million statements). Indexing only the non-null values keeps the index small and
its statistics right, on both databases.

Revision ID: 9e5f7a8b0c21
Revises: 8d4e6f7a9b10
Create Date: 2026-11-27 03:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e5f7a8b0c21"
down_revision: str | None = "8d4e6f7a9b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_NULL = sa.text("corroborates_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_statement_corroborates_id", table_name="statement")
    op.create_index(
        "ix_statement_corroborates_id",
        "statement",
        ["corroborates_id"],
        postgresql_where=NOT_NULL,
        sqlite_where=NOT_NULL,
    )


def downgrade() -> None:
    op.drop_index("ix_statement_corroborates_id", table_name="statement")
    op.create_index("ix_statement_corroborates_id", "statement", ["corroborates_id"])
