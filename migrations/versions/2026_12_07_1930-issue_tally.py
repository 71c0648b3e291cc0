"""The issue tally, kept exact by triggers: an issue's page counts its statements by reason

``issue_tally`` counts, for each issue, the statements about it by why its positions count
them or leave them out (the reasons of ``app.positions.views.LEFT_OUT``, or "counted") and by
day, so that the issue page's "what the chart counts" is a sum of a few thousand rows instead
of a scan of every statement on the issue (1.3 s at a million statements).

A reason reads the statement and the rank of its link to the issue ("mainly about another
issue" is a rank above 0). As for the statement tally, the statement row carries what its
triggers need: ``statement.lead_issue_ids`` (",3,", hidden from the models) holds the issues
the statement ranks first, refreshed with ``issue_ids`` by the triggers on ``statement_issue``
(which now also watch ``rank``); every change then reaches the issue tally through the
statement's own insert, update and delete triggers, in whichever order cascades run. On
PostgreSQL a writer takes the statement tally's advisory lock first.

The SQL here is a copy frozen with this revision; ``app/queries/tally.py`` recounts from scratch
(the tests compare the two).

Revision ID: f3b9c8d7e6a5
Revises: e7f1a2b3c4d5
Create Date: 2026-12-07 19:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3b9c8d7e6a5"
down_revision: str | None = "e7f1a2b3c4d5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "issue_id, reason, said_on"
# The columns a statement's reasons and days are read from.
WATCHED = ("review_status", "corroborates_id", "speaker_id", "said_on", "stance")
WATCHED += ("issue_ids", "lead_issue_ids")
TALLY_LOCK = 7_411_503  # the statement tally's (revision e7f1a2b3c4d5)


def _reason(row: str, issue: str, other_issue: str = "") -> str:
    """Why the statement ``row`` counts toward issue ``issue`` or not: the first that applies
    (``other_issue``: how to tell that the statement does not rank the issue first)."""
    other_issue = other_issue or f"{row}.lead_issue_ids NOT LIKE '%,' || {issue} || ',%'"
    return (
        f"CASE WHEN {row}.review_status = 'rejected' THEN 'rejected' "
        f"WHEN {row}.corroborates_id IS NOT NULL THEN 'repeat' "
        f"WHEN {other_issue} THEN 'other_issue' "
        f"WHEN {row}.speaker_id IS NULL THEN 'unattributed' "
        f"WHEN {row}.said_on IS NULL THEN 'undated' "
        f"WHEN {row}.stance = 'neutral' THEN 'neutral' ELSE 'counted' END"
    )


def _no_day(dialect: str) -> str:
    return "DATE '0001-01-01'" if dialect == "postgresql" else "'0001-01-01'"


def upgrade() -> None:
    op.add_column(
        "statement",
        sa.Column("lead_issue_ids", sa.String(400), nullable=False, server_default=""),
    )
    op.create_table(
        "issue_tally",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("said_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("issue_id", "reason", "said_on", name=op.f("pk_issue_tally")),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def fill_sql(dialect: str) -> list[str]:
    """Count what is there already, before any trigger exists (the bench's bulk load runs the
    same statements after its COPY)."""
    lead = (
        SQLITE_LEAD_SET.format(id="statement.id")
        if dialect == "sqlite"
        else "statement_lead_issue_set(statement.id)"
    )
    reason = _reason("s", "si.issue_id", other_issue="si.rank > 0")
    return [
        f"UPDATE statement SET lead_issue_ids = {lead} WHERE EXISTS "
        "(SELECT 1 FROM statement_issue si WHERE si.statement_id = statement.id AND si.rank = 0)",
        f"INSERT INTO issue_tally ({KEY}, n) SELECT si.issue_id, {reason}, "
        f"coalesce(s.said_on, {_no_day(dialect)}), count(*) "
        "FROM statement s JOIN statement_issue si ON si.statement_id = s.id GROUP BY 1, 2, 3",
    ]


# --- PostgreSQL --------------------------------------------------------------------------------

POSTGRESQL_LEAD_SET_FUNCTION = """
CREATE FUNCTION statement_lead_issue_set(wanted integer) RETURNS varchar LANGUAGE sql STABLE AS $$
    SELECT coalesce(',' || string_agg(issue_id::text, ',' ORDER BY issue_id) || ',', '')
    FROM statement_issue WHERE statement_id = wanted AND rank = 0
$$
"""
POSTGRESQL_ISSUES_OF = "unnest(string_to_array(trim(both ',' from r.issue_ids), ','))"
POSTGRESQL_ADD = f"""
CREATE FUNCTION issue_tally_add(r statement, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF r.issue_ids = '' THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock({TALLY_LOCK});  -- as the statement tally's writers do
    INSERT INTO issue_tally AS t ({KEY}, n)
    SELECT CAST(i AS integer), {_reason("r", "i")}, coalesce(r.said_on, DATE '0001-01-01'), delta
    FROM {POSTGRESQL_ISSUES_OF} AS i
    ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + excluded.n;
    IF delta < 0 THEN
        DELETE FROM issue_tally
        WHERE n = 0 AND said_on = coalesce(r.said_on, DATE '0001-01-01')
        AND issue_id IN (SELECT CAST(i AS integer) FROM {POSTGRESQL_ISSUES_OF} AS i);
    END IF;
END
$$
"""
POSTGRESQL_STATEMENT_CHANGE = """
CREATE FUNCTION issue_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM issue_tally_add(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM issue_tally_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$
"""
# The links' trigger refreshes both sets in one update (so the statement's triggers run once).
POSTGRESQL_LINK_REFRESH = """
CREATE OR REPLACE FUNCTION statement_issue_ids_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE statement SET issue_ids = statement_issue_set(OLD.statement_id),
            lead_issue_ids = statement_lead_issue_set(OLD.statement_id)
        WHERE id = OLD.statement_id AND (issue_ids, lead_issue_ids) IS DISTINCT FROM
            (statement_issue_set(OLD.statement_id), statement_lead_issue_set(OLD.statement_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE statement SET issue_ids = statement_issue_set(NEW.statement_id),
            lead_issue_ids = statement_lead_issue_set(NEW.statement_id)
        WHERE id = NEW.statement_id AND (issue_ids, lead_issue_ids) IS DISTINCT FROM
            (statement_issue_set(NEW.statement_id), statement_lead_issue_set(NEW.statement_id));
    END IF;
    RETURN NULL;
END
$$
"""
# As revision e7f1a2b3c4d5 left it, for the downgrade.
POSTGRESQL_LINK_REFRESH_BEFORE = """
CREATE OR REPLACE FUNCTION statement_issue_ids_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
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


def _postgresql_link_trigger(columns: str) -> None:
    op.execute("DROP TRIGGER statement_issue_ids_refresh ON statement_issue")
    op.execute(
        "CREATE TRIGGER statement_issue_ids_refresh "
        f"AFTER INSERT OR DELETE OR UPDATE OF {columns} ON statement_issue "
        "FOR EACH ROW EXECUTE FUNCTION statement_issue_ids_refresh()"
    )


def _postgresql_upgrade() -> None:
    op.execute(POSTGRESQL_LEAD_SET_FUNCTION)
    for sql in fill_sql("postgresql"):
        op.execute(sql)
    for function in (POSTGRESQL_ADD, POSTGRESQL_STATEMENT_CHANGE, POSTGRESQL_LINK_REFRESH):
        op.execute(function)
    _postgresql_link_trigger("statement_id, issue_id, rank")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    op.execute(
        "CREATE TRIGGER issue_tally_insert_delete AFTER INSERT OR DELETE ON statement "
        "FOR EACH ROW EXECUTE FUNCTION issue_tally_change()"
    )
    op.execute(
        f"CREATE TRIGGER issue_tally_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON statement FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION issue_tally_change()"
    )


# --- SQLite ------------------------------------------------------------------------------------

SQLITE_ISSUE_SET = (
    "coalesce((SELECT ',' || group_concat(issue_id, ',') || ',' FROM "
    "(SELECT issue_id FROM statement_issue WHERE statement_id = {id} ORDER BY issue_id)), '')"
)
SQLITE_LEAD_SET = (
    "coalesce((SELECT ',' || group_concat(issue_id, ',') || ',' FROM "
    "(SELECT issue_id FROM statement_issue WHERE statement_id = {id} AND rank = 0 "
    "ORDER BY issue_id)), '')"
)
# A statement's issues as rows (",3,7," read as the JSON array [3,7]): common table
# expressions are not allowed in a trigger, table-valued functions are.
SQLITE_ISSUES_OF = "json_each('[' || trim({row}.issue_ids, ',') || ']') AS i"


def _sqlite_add(row: str, delta: int) -> str:
    return (
        f"INSERT INTO issue_tally ({KEY}, n) "
        f"SELECT i.value, {_reason(row, 'i.value')}, coalesce({row}.said_on, '0001-01-01'), "
        f"{delta} FROM {SQLITE_ISSUES_OF.format(row=row)} WHERE 1 "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_drop_empty(row: str) -> str:
    return (
        f"DELETE FROM issue_tally WHERE n = 0 AND said_on = coalesce({row}.said_on, '0001-01-01') "
        f"AND issue_id IN (SELECT i.value FROM {SQLITE_ISSUES_OF.format(row=row)});"
    )


def _sqlite_link_triggers(lead: bool) -> None:
    """The triggers on ``statement_issue`` that refresh the statement's set of issues (and,
    with ``lead``, of the issues it ranks first)."""
    for event, rows in (
        ("INSERT", ("NEW",)),
        ("DELETE", ("OLD",)),
        (f"UPDATE OF statement_id, issue_id{', rank' if lead else ''}", ("OLD", "NEW")),
    ):
        refresh = " ".join(
            f"UPDATE statement SET issue_ids = {SQLITE_ISSUE_SET.format(id=f'{row}.statement_id')}"
            + (
                f", lead_issue_ids = {SQLITE_LEAD_SET.format(id=f'{row}.statement_id')}"
                if lead
                else ""
            )
            + f" WHERE id = {row}.statement_id;"
            for row in rows
        )
        name = "statement_issue_ids_" + event.split()[0].lower()
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON statement_issue BEGIN {refresh} END")


def _sqlite_upgrade() -> None:
    for sql in fill_sql("sqlite"):
        op.execute(sql)
    _sqlite_link_triggers(lead=True)
    op.execute(
        "CREATE TRIGGER issue_tally_insert AFTER INSERT ON statement BEGIN "
        f"{_sqlite_add('NEW', 1)} END"
    )
    op.execute(
        "CREATE TRIGGER issue_tally_delete AFTER DELETE ON statement BEGIN "
        f"{_sqlite_add('OLD', -1)} {_sqlite_drop_empty('OLD')} END"
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    op.execute(
        f"CREATE TRIGGER issue_tally_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON statement WHEN {changed} BEGIN "
        f"{_sqlite_add('OLD', -1)} {_sqlite_add('NEW', 1)} {_sqlite_drop_empty('OLD')} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS issue_tally_insert_delete ON statement")
        op.execute("DROP TRIGGER IF EXISTS issue_tally_update ON statement")
        op.execute(POSTGRESQL_LINK_REFRESH_BEFORE)
        _postgresql_link_trigger("statement_id, issue_id")
        op.execute("DROP FUNCTION IF EXISTS issue_tally_change()")
        op.execute("DROP FUNCTION IF EXISTS issue_tally_add(statement, integer)")
        op.execute("DROP FUNCTION IF EXISTS statement_lead_issue_set(integer)")
    else:
        for trigger in ("issue_tally_insert", "issue_tally_delete", "issue_tally_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        _sqlite_link_triggers(lead=False)
    op.drop_table("issue_tally")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the full-text triggers.
    op.drop_column("statement", "lead_issue_ids")
