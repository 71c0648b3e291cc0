"""The statement tally, kept exact by triggers: facet counts become small sums

``statement_tally`` counts the timeline's statements (not rejected, not a copy of another) by
day, speaker, outlet, stance, kind, review status and set of issues. Triggers keep it exact
whichever code path writes, so that no service has to remember it:

- ``statement.issue_ids`` (",3,7,", hidden from the models) holds a statement's set of issues,
  refreshed by triggers on ``statement_issue``; every change to a statement then reaches the
  tally through the statement's own insert, update and delete triggers (OLD and NEW hold all the
  key), in whichever order cascades run.
- A deleted article deletes its statements first (a BEFORE DELETE trigger), while their outlet
  can still be read; an article moved to another outlet moves its statements' counts.

The SQL here is a copy frozen with this revision; ``app/queries/tally.py`` recounts from scratch
(the tests compare the two).

Revision ID: e7f1a2b3c4d5
Revises: d1a2b3c4e5f6
Create Date: 2026-12-07 17:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e7f1a2b3c4d5"
down_revision: str | None = "d1a2b3c4e5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "said_on, speaker_id, source_id, stance, kind, review_status, issue_ids"
VISIBLE = "{row}.review_status <> 'rejected' AND {row}.corroborates_id IS NULL"
# The columns whose change moves a statement between tally rows (or in or out of the timeline).
WATCHED = ("said_on", "speaker_id", "article_id", "stance", "kind", "review_status")
WATCHED += ("corroborates_id", "issue_ids")

SQLITE_ISSUE_SET = (
    "coalesce((SELECT ',' || group_concat(issue_id, ',') || ',' FROM "
    "(SELECT issue_id FROM statement_issue WHERE statement_id = {id} ORDER BY issue_id)), '')"
)
POSTGRESQL_ISSUE_SET_FUNCTION = """
CREATE FUNCTION statement_issue_set(wanted integer) RETURNS varchar LANGUAGE sql STABLE AS $$
    SELECT coalesce(',' || string_agg(issue_id::text, ',' ORDER BY issue_id) || ',', '')
    FROM statement_issue WHERE statement_id = wanted
$$
"""


def upgrade() -> None:
    op.add_column(
        "statement",
        sa.Column("issue_ids", sa.String(400), nullable=False, server_default=""),
    )
    op.create_table(
        "statement_tally",
        sa.Column("said_on", sa.Date(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("review_status", sa.String(20), nullable=False),
        sa.Column("issue_ids", sa.String(400), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY.split(", "), name=op.f("pk_statement_tally")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_statement_tally_speaker_id", "statement_tally", ["speaker_id", "said_on"])
    op.create_index("ix_statement_tally_source_id", "statement_tally", ["source_id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def _fill(issue_set: str) -> None:
    """Count what is there already, before any trigger exists."""
    op.execute(
        f"UPDATE statement SET issue_ids = {issue_set.format(id='statement.id')} "
        "WHERE EXISTS (SELECT 1 FROM statement_issue si WHERE si.statement_id = statement.id)"
    )
    op.execute(
        f"INSERT INTO statement_tally ({KEY}, n) "
        "SELECT coalesce(s.said_on, DATE '0001-01-01'), coalesce(s.speaker_id, 0), "
        "coalesce(a.source_id, 0), s.stance, s.kind, s.review_status, s.issue_ids, count(*) "
        "FROM statement s JOIN article a ON a.id = s.article_id "
        f"WHERE {VISIBLE.format(row='s')} "
        "GROUP BY coalesce(s.said_on, DATE '0001-01-01'), coalesce(s.speaker_id, 0), "
        "coalesce(a.source_id, 0), s.stance, s.kind, s.review_status, s.issue_ids"
        if op.get_bind().dialect.name == "postgresql"
        else f"INSERT INTO statement_tally ({KEY}, n) "
        "SELECT coalesce(s.said_on, '0001-01-01'), coalesce(s.speaker_id, 0), "
        "coalesce(a.source_id, 0), s.stance, s.kind, s.review_status, s.issue_ids, count(*) "
        "FROM statement s JOIN article a ON a.id = s.article_id "
        f"WHERE {VISIBLE.format(row='s')} GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


# --- PostgreSQL: plpgsql functions called by row triggers -----------------------------------

POSTGRESQL_ADD = f"""
CREATE FUNCTION statement_tally_add(r statement, outlet integer, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k_day date := coalesce(r.said_on, DATE '0001-01-01');
    k_speaker integer := coalesce(r.speaker_id, 0);
    k_source integer := coalesce(outlet, 0);
    remaining integer;
BEGIN
    IF NOT ({VISIBLE.format(row="r")}) THEN
        RETURN;
    END IF;
    INSERT INTO statement_tally AS t ({KEY}, n)
    VALUES (k_day, k_speaker, k_source, r.stance, r.kind, r.review_status, r.issue_ids, delta)
    ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + excluded.n
    RETURNING t.n INTO remaining;
    IF remaining = 0 THEN
        DELETE FROM statement_tally t
        WHERE t.said_on = k_day AND t.speaker_id = k_speaker AND t.source_id = k_source
          AND t.stance = r.stance AND t.kind = r.kind AND t.review_status = r.review_status
          AND t.issue_ids = r.issue_ids;
    END IF;
END
$$
"""
POSTGRESQL_STATEMENT_CHANGE = """
CREATE FUNCTION statement_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statement_tally_add(
            OLD, (SELECT source_id FROM article WHERE id = OLD.article_id), -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statement_tally_add(
            NEW, (SELECT source_id FROM article WHERE id = NEW.article_id), 1);
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_LINK_CHANGE = """
CREATE FUNCTION statement_issue_ids_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE statement SET issue_ids = statement_issue_set(OLD.statement_id)
        WHERE id = OLD.statement_id AND issue_ids <> statement_issue_set(OLD.statement_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE statement SET issue_ids = statement_issue_set(NEW.statement_id)
        WHERE id = NEW.statement_id AND issue_ids <> statement_issue_set(NEW.statement_id);
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_ARTICLE_DELETE = """
CREATE FUNCTION article_statements_first() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM statement WHERE article_id = OLD.id;
    RETURN OLD;
END
$$
"""
POSTGRESQL_ARTICLE_SOURCE = """
CREATE FUNCTION article_tally_source() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s statement;
BEGIN
    FOR s IN SELECT * FROM statement WHERE article_id = NEW.id LOOP
        PERFORM statement_tally_add(s, OLD.source_id, -1);
        PERFORM statement_tally_add(s, NEW.source_id, 1);
    END LOOP;
    RETURN NULL;
END
$$
"""


def _postgresql_upgrade() -> None:
    op.execute(POSTGRESQL_ISSUE_SET_FUNCTION)
    _fill("statement_issue_set({id})")
    for function in (
        POSTGRESQL_ADD,
        POSTGRESQL_STATEMENT_CHANGE,
        POSTGRESQL_LINK_CHANGE,
        POSTGRESQL_ARTICLE_DELETE,
        POSTGRESQL_ARTICLE_SOURCE,
    ):
        op.execute(function)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    op.execute(
        "CREATE TRIGGER statement_tally_insert_delete AFTER INSERT OR DELETE ON statement "
        "FOR EACH ROW EXECUTE FUNCTION statement_tally_change()"
    )
    op.execute(
        f"CREATE TRIGGER statement_tally_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON statement FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION statement_tally_change()"
    )
    op.execute(
        "CREATE TRIGGER statement_issue_ids_refresh "
        "AFTER INSERT OR DELETE OR UPDATE OF statement_id, issue_id ON statement_issue "
        "FOR EACH ROW EXECUTE FUNCTION statement_issue_ids_refresh()"
    )
    op.execute(
        "CREATE TRIGGER article_statements_first BEFORE DELETE ON article "
        "FOR EACH ROW EXECUTE FUNCTION article_statements_first()"
    )
    op.execute(
        "CREATE TRIGGER article_tally_source AFTER UPDATE OF source_id ON article "
        "FOR EACH ROW WHEN (OLD.source_id IS DISTINCT FROM NEW.source_id) "
        "EXECUTE FUNCTION article_tally_source()"
    )


# --- SQLite: the same, written out in each trigger's body -----------------------------------


def _sqlite_key(row: str) -> list[str]:
    source = f"(SELECT source_id FROM article WHERE id = {row}.article_id)"
    return [
        f"coalesce({row}.said_on, '0001-01-01')",
        f"coalesce({row}.speaker_id, 0)",
        f"coalesce({source}, 0)",
        f"{row}.stance",
        f"{row}.kind",
        f"{row}.review_status",
        f"{row}.issue_ids",
    ]


def _sqlite_add(row: str, delta: int) -> str:
    return (
        f"INSERT INTO statement_tally ({KEY}, n) SELECT {', '.join(_sqlite_key(row))}, {delta} "
        f"WHERE {VISIBLE.format(row=row)} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_drop_empty(row: str) -> str:
    match = " AND ".join(
        f"{column} = {value}" for column, value in zip(KEY.split(", "), _sqlite_key(row))
    )
    return f"DELETE FROM statement_tally WHERE {match} AND n = 0;"


def _sqlite_upgrade() -> None:
    _fill(SQLITE_ISSUE_SET)
    op.execute(
        "CREATE TRIGGER statement_tally_insert AFTER INSERT ON statement BEGIN "
        f"{_sqlite_add('NEW', 1)} END"
    )
    op.execute(
        "CREATE TRIGGER statement_tally_delete AFTER DELETE ON statement BEGIN "
        f"{_sqlite_add('OLD', -1)} {_sqlite_drop_empty('OLD')} END"
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    op.execute(
        f"CREATE TRIGGER statement_tally_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON statement WHEN {changed} BEGIN "
        f"{_sqlite_add('OLD', -1)} {_sqlite_add('NEW', 1)} {_sqlite_drop_empty('OLD')} END"
    )
    for event, rows in (
        ("INSERT", ("NEW",)),
        ("DELETE", ("OLD",)),
        ("UPDATE OF statement_id, issue_id", ("OLD", "NEW")),
    ):
        refresh = " ".join(
            f"UPDATE statement SET issue_ids = {SQLITE_ISSUE_SET.format(id=f'{row}.statement_id')} "
            f"WHERE id = {row}.statement_id;"
            for row in rows
        )
        name = "statement_issue_ids_" + event.split()[0].lower()
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON statement_issue BEGIN {refresh} END")
    op.execute(
        "CREATE TRIGGER article_statements_first BEFORE DELETE ON article BEGIN "
        "DELETE FROM statement WHERE article_id = OLD.id; END"
    )
    moves = " ".join(
        f"INSERT INTO statement_tally ({KEY}, n) "
        f"SELECT coalesce(said_on, '0001-01-01'), coalesce(speaker_id, 0), "
        f"coalesce({row}.source_id, 0), stance, kind, review_status, issue_ids, {sign}count(*) "
        "FROM statement WHERE article_id = NEW.id AND review_status <> 'rejected' "
        "AND corroborates_id IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
        for row, sign in (("OLD", "-"), ("NEW", ""))
    )
    op.execute(
        "CREATE TRIGGER article_tally_source AFTER UPDATE OF source_id ON article "
        f"WHEN OLD.source_id IS NOT NEW.source_id BEGIN {moves} "
        "DELETE FROM statement_tally WHERE source_id = coalesce(OLD.source_id, 0) AND n = 0; END"
    )


SQLITE_TRIGGERS = (
    "statement_tally_insert",
    "statement_tally_delete",
    "statement_tally_update",
    "statement_issue_ids_insert",
    "statement_issue_ids_delete",
    "statement_issue_ids_update",
    "article_statements_first",
    "article_tally_source",
)
POSTGRESQL_TRIGGERS = (
    ("statement_tally_insert_delete", "statement"),
    ("statement_tally_update", "statement"),
    ("statement_issue_ids_refresh", "statement_issue"),
    ("article_statements_first", "article"),
    ("article_tally_source", "article"),
)
POSTGRESQL_FUNCTIONS = (
    "statement_tally_change()",
    "statement_issue_ids_refresh()",
    "article_statements_first()",
    "article_tally_source()",
    "statement_tally_add(statement, integer, integer)",
    "statement_issue_set(integer)",
)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_index("ix_statement_tally_source_id", table_name="statement_tally")
    op.drop_index("ix_statement_tally_speaker_id", table_name="statement_tally")
    op.drop_table("statement_tally")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the full-text triggers.
    op.drop_column("statement", "issue_ids")
