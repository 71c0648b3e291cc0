"""timeline order index: said_on DESC NULLS LAST, id DESC, so PostgreSQL reads the newest first
from an index instead of sorting (SQLite's ix_statement_said_on_id already serves it)

Revision ID: 5b2c8d9e0f1a
Revises: 3a9f1c2d4e5b
Create Date: 2026-11-26 22:40:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5b2c8d9e0f1a"
down_revision: str | None = "3a9f1c2d4e5b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_statement_timeline_order ON statement "
            "(said_on DESC NULLS LAST, id DESC)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_statement_timeline_order")
