"""statement full-text search: a GIN index on PostgreSQL, an FTS5 table on SQLite

Revision ID: 3a9f1c2d4e5b
Revises: ffdfec08a1ed
Create Date: 2026-11-26 22:25:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3a9f1c2d4e5b"
down_revision: str | None = "ffdfec08a1ed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_statement_text_fts ON statement "
            "USING gin (to_tsvector('english', text))"
        )
        return
    # An external-content FTS5 table kept in step with the statement table by triggers.
    op.execute(
        "CREATE VIRTUAL TABLE statement_fts USING fts5("
        "text, content='statement', content_rowid='id', tokenize='porter unicode61')"
    )
    op.execute("INSERT INTO statement_fts(rowid, text) SELECT id, text FROM statement")
    op.execute(
        "CREATE TRIGGER statement_fts_insert AFTER INSERT ON statement BEGIN "
        "INSERT INTO statement_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER statement_fts_delete AFTER DELETE ON statement BEGIN "
        "INSERT INTO statement_fts(statement_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER statement_fts_update AFTER UPDATE OF text ON statement BEGIN "
        "INSERT INTO statement_fts(statement_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO statement_fts(rowid, text) VALUES (new.id, new.text); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_statement_text_fts")
        return
    for trigger in ("statement_fts_insert", "statement_fts_delete", "statement_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS statement_fts")
