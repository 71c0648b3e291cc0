"""PostgreSQL full-text search on a stored tsvector column (not re-computed per row)

A walk down the timeline's order index that filters on words had to run to_tsvector on every
row it passed; a stored, generated column makes that filter cheap, and the GIN index moves to
it. SQLite keeps its FTS5 table.

Revision ID: 8d4e6f7a9b10
Revises: 52969c27a7ba
Create Date: 2026-11-27 02:40:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8d4e6f7a9b10"
down_revision: str | None = "52969c27a7ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE statement ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
    )
    op.execute("CREATE INDEX ix_statement_search_vector ON statement USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_statement_text_fts")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_statement_text_fts ON statement "
        "USING gin (to_tsvector('english', text))"
    )
    op.execute("DROP INDEX IF EXISTS ix_statement_search_vector")
    op.execute("ALTER TABLE statement DROP COLUMN search_vector")
