"""A statement remembers the news outlet that carried the words ("reported by Reuters"): an
outlet is a statement's source, never its speaker.

Revision ID: d1a2b3c4e5f6
Revises: c85f48151c70
Create Date: 2026-12-07 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d1a2b3c4e5f6"
down_revision: str | None = "c85f48151c70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("statement", sa.Column("reported_by", sa.String(200), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the full-text triggers.
    op.drop_column("statement", "reported_by")
