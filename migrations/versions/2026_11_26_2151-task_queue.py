"""task queue: procrastinate's tables and functions, on PostgreSQL only

On SQLite, import jobs run in the web process and need no queue tables.

Revision ID: 7c1d2e3f4a5b
Revises: e64e39f37512
Create Date: 2026-11-26 21:51:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c1d2e3f4a5b"
down_revision: str | None = "e64e39f37512"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    op.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "DROP TABLE IF EXISTS procrastinate_periodic_defers, procrastinate_events, "
        "procrastinate_jobs, procrastinate_workers CASCADE"
    )
    op.execute(
        """
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN SELECT oid::regprocedure AS signature FROM pg_proc
                        WHERE proname LIKE 'procrastinate\\_%' LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || item.signature || ' CASCADE';
            END LOOP;
            FOR item IN SELECT typname FROM pg_type
                        WHERE typname LIKE 'procrastinate\\_%' AND typtype IN ('e', 'c') LOOP
                EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(item.typname) || ' CASCADE';
            END LOOP;
        END $$;
        """
    )
