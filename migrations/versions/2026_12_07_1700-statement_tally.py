"""The statement tally, kept exact by triggers: facet counts become small sums

``statement_tally`` counts the timeline's statements (not rejected, not a copy of another) by
day, speaker, outlet, stance, kind, review status and set of issues, in twelve grains: the full
one, which answers any filters, and coarse ones (a few hundred to a few hundred thousand rows at
a million statements) that answer the common facets. Triggers keep it exact whichever code path
writes, so that no service has to remember it:

- ``statement.issue_ids`` (",3,7,", hidden from the models) holds a statement's set of issues,
  refreshed by triggers on ``statement_issue``; every change to a statement then reaches the
  tally through the statement's own insert, update and delete triggers (OLD and NEW hold all the
  key), in whichever order cascades run.
- On PostgreSQL a transaction that changes the tally first takes one advisory lock, so two
  imports queue on it instead of deadlocking over the coarse grains' shared rows.
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

KEY = "grain, said_on, speaker_id, source_id, stance, kind, review_status, issue_ids"
VISIBLE = "{row}.review_status <> 'rejected' AND {row}.corroborates_id IS NULL"
# The columns whose change moves a statement between tally rows (or in or out of the timeline).
WATCHED = ("said_on", "speaker_id", "article_id", "stance", "kind", "review_status")
WATCHED += ("corroborates_id", "issue_ids")
# (id, what it counts by: D day, S speaker, O outlet, K stance + kind + review, I issues), as
# app/models/tally.py's GRAINS when this revision was written.
GRAINS = (
    (12, "MK"),
    (3, "IK"),
    (4, "OK"),
    (13, "MO"),
    (14, "MI"),
    (2, "SK"),
    (8, "IO"),
    (5, "DK"),
    (15, "MS"),
    (7, "SO"),
    (6, "SI"),
    (11, "DO"),
    (9, "DI"),
    (1, "SIK"),
    (16, "MSI"),
    (10, "DS"),
    (17, "SIO"),
    (0, "DSOKI"),
)
# One row per grain: column1 its id, column2 1 if it counts by day, 2 by month, 0 neither, and
# column3..column6 whether it counts by S, O, K, I.
GRAIN_ROWS = "(VALUES {}) AS g".format(
    ", ".join(
        "({}, {}, {})".format(
            grain,
            1 if "D" in dims else 2 if "M" in dims else 0,
            ", ".join(str(int(dim in dims)) for dim in "SOKI"),
        )
        for grain, dims in GRAINS
    )
)


def _key(row: str, outlet: str, dialect: str) -> str:
    """The tally key of one statement (``row``) in each grain of GRAIN_ROWS."""
    no_day = "DATE '0001-01-01'" if dialect == "postgresql" else "'0001-01-01'"
    return ", ".join(
        (
            "g.column1",
            f"CASE g.column2 WHEN 1 THEN coalesce({row}.said_on, {no_day}) "
            f"WHEN 2 THEN {_month(f'coalesce({row}.said_on, {no_day})', dialect)} ELSE {no_day} END",
            f"CASE WHEN g.column3 = 1 THEN coalesce({row}.speaker_id, 0) ELSE -1 END",
            f"CASE WHEN g.column4 = 1 THEN coalesce({outlet}, 0) ELSE -1 END",
            f"CASE WHEN g.column5 = 1 THEN {row}.stance ELSE '*' END",
            f"CASE WHEN g.column5 = 1 THEN {row}.kind ELSE '*' END",
            f"CASE WHEN g.column5 = 1 THEN {row}.review_status ELSE '*' END",
            f"CASE WHEN g.column6 = 1 THEN {row}.issue_ids ELSE '*' END",
        )
    )


def _month(day: str, dialect: str) -> str:
    """The first day of ``day``'s month."""
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', {day}) AS date)"
    return f"(substr({day}, 1, 8) || '01')"


def _dialect() -> str:
    return op.get_bind().dialect.name


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
        sa.Column("grain", sa.SmallInteger(), nullable=False),
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
    op.create_index(
        "ix_statement_tally_grain_speaker_id",
        "statement_tally",
        ["grain", "speaker_id", "said_on", "n"],
    )
    op.create_index(
        "ix_statement_tally_grain_source_id", "statement_tally", ["grain", "source_id", "n"]
    )
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
        f"INSERT INTO statement_tally ({KEY}, n) SELECT {_key('s', 'a.source_id', _dialect())}, "
        f"count(*) FROM statement s JOIN article a ON a.id = s.article_id CROSS JOIN {GRAIN_ROWS} "
        f"WHERE {VISIBLE.format(row='s')} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
    op.execute("ANALYZE statement_tally")  # SQLite's planner needs to know the grains' sizes


# --- PostgreSQL: plpgsql functions called by row triggers -----------------------------------

# The transaction-level advisory lock that writers of the tally take first (PostgreSQL).
TALLY_LOCK = 7_411_503

POSTGRESQL_ADD = f"""
CREATE FUNCTION statement_tally_add(r statement, outlet integer, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ({VISIBLE.format(row="r")}) THEN
        RETURN;
    END IF;
    -- Concurrent writers (import workers) would otherwise lock the shared coarse rows in
    -- different orders and deadlock; they wait here instead, once per transaction.
    PERFORM pg_advisory_xact_lock({TALLY_LOCK});
    INSERT INTO statement_tally AS t ({KEY}, n)
    SELECT {_key("r", "outlet", "postgresql")}, delta FROM {GRAIN_ROWS}
    ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + excluded.n;
    IF delta < 0 THEN
        DELETE FROM statement_tally
        WHERE n = 0 AND ({KEY}) IN (
            SELECT {_key("r", "outlet", "postgresql")} FROM {GRAIN_ROWS});
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


SQLITE_OUTLET = "(SELECT source_id FROM article WHERE id = {row}.article_id)"


def _sqlite_add(row: str, delta: int) -> str:
    key = _key(row, SQLITE_OUTLET.format(row=row), "sqlite")
    return (
        f"INSERT INTO statement_tally ({KEY}, n) SELECT {key}, {delta} FROM {GRAIN_ROWS} "
        f"WHERE {VISIBLE.format(row=row)} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_drop_empty(row: str) -> str:
    key = _key(row, SQLITE_OUTLET.format(row=row), "sqlite")
    return (
        f"DELETE FROM statement_tally WHERE n = 0 AND ({KEY}) IN (SELECT {key} FROM {GRAIN_ROWS});"
    )


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
        f"SELECT {_key('s', f'{row}.source_id', 'sqlite')}, "
        f"{sign}count(*) FROM statement s CROSS JOIN {GRAIN_ROWS} "
        f"WHERE s.article_id = NEW.id AND {VISIBLE.format(row='s')} "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
        for row, sign in (("OLD", "-"), ("NEW", ""))
    )
    with_outlet = ", ".join(str(grain) for grain, dims in GRAINS if "O" in dims)
    op.execute(
        "CREATE TRIGGER article_tally_source AFTER UPDATE OF source_id ON article "
        f"WHEN OLD.source_id IS NOT NEW.source_id BEGIN {moves} "
        f"DELETE FROM statement_tally WHERE grain IN ({with_outlet}) "
        "AND source_id = coalesce(OLD.source_id, 0) AND n = 0; END"
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
    op.drop_index("ix_statement_tally_grain_source_id", table_name="statement_tally")
    op.drop_index("ix_statement_tally_grain_speaker_id", table_name="statement_tally")
    op.drop_table("statement_tally")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the full-text triggers.
    op.drop_column("statement", "issue_ids")
