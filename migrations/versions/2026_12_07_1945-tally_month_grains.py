"""Five grains of the statement tally by month × two dimensions: facets over a date range

With a date range and one other filter (stance, speaker, outlet or issue), the facets used to
fall to the full grain read over the range (a month: ~40,000 rows at a million statements, per
facet). The facets now read the whole months of a range from grains by month and only the days
at either end from grains by day; these grains (month × speaker, outlet or issues × stance/
kind/review; month × speaker × outlet; month × outlet × issues) serve every facet with one
filter besides the dates.

The triggers' SQL is that of revision e7f1a2b3c4d5 with the longer list of grains (a copy frozen
with this revision); the new grains are counted from the full one.

Revision ID: a4c5d6e7f8b9
Revises: f3b9c8d7e6a5
Create Date: 2026-12-07 19:45:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a4c5d6e7f8b9"
down_revision: str | None = "f3b9c8d7e6a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "grain, said_on, speaker_id, source_id, stance, kind, review_status, issue_ids"
VISIBLE = "{row}.review_status <> 'rejected' AND {row}.corroborates_id IS NULL"
WATCHED = ("said_on", "speaker_id", "article_id", "stance", "kind", "review_status")
WATCHED += ("corroborates_id", "issue_ids")
TALLY_LOCK = 7_411_503
FULL = 0
BEFORE = (
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
NEW = ((18, "MOK"), (19, "MIK"), (20, "MSK"), (21, "MOI"), (22, "MSO"))
AFTER = (*BEFORE[:-1], *NEW, BEFORE[-1])


def _grain_rows(grains: Sequence[tuple[int, str]]) -> str:
    """One row per grain: column1 its id, column2 1 if it counts by day, 2 by month, 0 neither,
    and column3..column6 whether it counts by S, O, K, I."""
    return "(VALUES {}) AS g".format(
        ", ".join(
            "({}, {}, {})".format(
                grain,
                1 if "D" in dims else 2 if "M" in dims else 0,
                ", ".join(str(int(dim in dims)) for dim in "SOKI"),
            )
            for grain, dims in grains
        )
    )


def _month(day: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', {day}) AS date)"
    return f"(substr({day}, 1, 8) || '01')"


def _key(row: str, outlet: str, dialect: str) -> str:
    """The tally key of one statement (``row``) in each grain of the grain rows ``g``."""
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


def _dialect() -> str:
    return op.get_bind().dialect.name


def upgrade() -> None:
    # The new grains from the full one (its rows are whole keys already, none null).
    op.execute(
        f"INSERT INTO statement_tally ({KEY}, n) SELECT {_key('t', 't.source_id', _dialect())}, "
        f"sum(t.n) FROM statement_tally t CROSS JOIN {_grain_rows(NEW)} WHERE t.grain = {FULL} "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
    _install(AFTER)
    op.execute("ANALYZE statement_tally")


def downgrade() -> None:
    _install(BEFORE)
    op.execute(f"DELETE FROM statement_tally WHERE grain IN ({', '.join(str(g) for g, _ in NEW)})")


def _install(grains: Sequence[tuple[int, str]]) -> None:
    if _dialect() == "postgresql":
        op.execute(_postgresql_add(grains))
    else:
        _sqlite_triggers(grains)


def _postgresql_add(grains: Sequence[tuple[int, str]]) -> str:
    key = _key("r", "outlet", "postgresql")
    rows = _grain_rows(grains)
    return f"""
CREATE OR REPLACE FUNCTION statement_tally_add(r statement, outlet integer, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ({VISIBLE.format(row="r")}) THEN
        RETURN;
    END IF;
    -- Concurrent writers (import workers) would otherwise lock the shared coarse rows in
    -- different orders and deadlock; they wait here instead, once per transaction.
    PERFORM pg_advisory_xact_lock({TALLY_LOCK});
    INSERT INTO statement_tally AS t ({KEY}, n)
    SELECT {key}, delta FROM {rows}
    ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + excluded.n;
    IF delta < 0 THEN
        DELETE FROM statement_tally
        WHERE n = 0 AND ({KEY}) IN (SELECT {key} FROM {rows});
    END IF;
END
$$
"""


SQLITE_OUTLET = "(SELECT source_id FROM article WHERE id = {row}.article_id)"


def _sqlite_triggers(grains: Sequence[tuple[int, str]]) -> None:
    rows = _grain_rows(grains)

    def add(row: str, delta: int) -> str:
        key = _key(row, SQLITE_OUTLET.format(row=row), "sqlite")
        return (
            f"INSERT INTO statement_tally ({KEY}, n) SELECT {key}, {delta} FROM {rows} "
            f"WHERE {VISIBLE.format(row=row)} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
        )

    def drop_empty(row: str) -> str:
        key = _key(row, SQLITE_OUTLET.format(row=row), "sqlite")
        return f"DELETE FROM statement_tally WHERE n = 0 AND ({KEY}) IN (SELECT {key} FROM {rows});"

    for trigger in (
        "statement_tally_insert",
        "statement_tally_delete",
        "statement_tally_update",
        "article_tally_source",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(
        f"CREATE TRIGGER statement_tally_insert AFTER INSERT ON statement BEGIN {add('NEW', 1)} END"
    )
    op.execute(
        "CREATE TRIGGER statement_tally_delete AFTER DELETE ON statement BEGIN "
        f"{add('OLD', -1)} {drop_empty('OLD')} END"
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    op.execute(
        f"CREATE TRIGGER statement_tally_update AFTER UPDATE OF {', '.join(WATCHED)} "
        f"ON statement WHEN {changed} BEGIN "
        f"{add('OLD', -1)} {add('NEW', 1)} {drop_empty('OLD')} END"
    )
    moves = " ".join(
        f"INSERT INTO statement_tally ({KEY}, n) "
        f"SELECT {_key('s', f'{row}.source_id', 'sqlite')}, "
        f"{sign}count(*) FROM statement s CROSS JOIN {rows} "
        f"WHERE s.article_id = NEW.id AND {VISIBLE.format(row='s')} "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
        for row, sign in (("OLD", "-"), ("NEW", ""))
    )
    with_outlet = ", ".join(str(grain) for grain, dims in grains if "O" in dims)
    op.execute(
        "CREATE TRIGGER article_tally_source AFTER UPDATE OF source_id ON article "
        f"WHEN OLD.source_id IS NOT NEW.source_id BEGIN {moves} "
        f"DELETE FROM statement_tally WHERE grain IN ({with_outlet}) "
        "AND source_id = coalesce(OLD.source_id, 0) AND n = 0; END"
    )
