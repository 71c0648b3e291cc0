"""The statement tally: how many timeline statements share each combination of the values the
filters and facets read, so that facet counts are small sums instead of scans of the statements.

Database triggers keep it exact (migration ``statement_tally``), whichever code path writes a
statement, its issues or its article; the application never writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

# Key values standing for "none", so that every key column can be NOT NULL (a unique key, and so
# an upsert, never matches a NULL) ...
NO_DAY = date(1, 1, 1)
NO_ACTOR = 0
NO_SOURCE = 0
# ... and for "any": the value of a column that a grain does not count by.
ANY_ID = -1
ANY_TEXT = "*"


def issue_set(issue_ids: Iterable[int]) -> str:
    """A statement's set of issues as the triggers write it: ",3,7," (ascending; "" for none)."""
    ids = sorted(set(issue_ids))
    return "".join(f",{i}" for i in ids) + "," if ids else ""


@dataclass(frozen=True)
class Grain:
    """What one grain of the tally counts by: D day (or M its month), S speaker, O outlet,
    K stance + kind + review status, I set of issues. The full grain answers any filters; the
    coarse ones have few rows, and answer a facet whose dimension and active filters they count
    by."""

    id: int
    dims: str


# Smallest first (at a million statements: a few hundred rows up to about the statement count;
# the grains by month and two dimensions, 11,000 to 250,000 rows, come late but only the full
# grain before them could answer what they answer); the migrations' triggers write one row of
# each grain per statement, in the same order.
GRAINS = (
    Grain(12, "MK"),
    Grain(3, "IK"),
    Grain(4, "OK"),
    Grain(13, "MO"),
    Grain(14, "MI"),
    Grain(2, "SK"),
    Grain(8, "IO"),
    Grain(5, "DK"),
    Grain(15, "MS"),
    Grain(7, "SO"),
    Grain(6, "SI"),
    Grain(11, "DO"),
    Grain(9, "DI"),
    Grain(1, "SIK"),
    Grain(16, "MSI"),
    Grain(10, "DS"),
    Grain(17, "SIO"),
    # By month and two dimensions (migration tally_month_grains): the whole months of a date
    # range with one other filter.
    Grain(18, "MOK"),
    Grain(19, "MIK"),
    Grain(20, "MSK"),
    Grain(21, "MOI"),
    Grain(22, "MSO"),
    Grain(0, "DSOKI"),
)


def grain_for(dims: set[str]) -> Grain:
    """The smallest grain that counts by all of ``dims`` (a grain by day also counts by month)."""
    return next(
        grain
        for grain in GRAINS
        if dims <= set(grain.dims) | ({"M"} if "D" in grain.dims else set())
    )


class StatementTally(Base):
    """Timeline statements (not rejected, not a copy of another) counted, for each grain, by
    day, speaker, outlet, stance, kind, review status and set of issues (``",3,7,"``; ``""`` for
    none); a column the grain does not count by holds ANY_ID or ANY_TEXT."""

    __tablename__ = "statement_tally"
    __table_args__ = (
        # With the count: SQLite then reads a grain's rows for a speaker or an outlet from the
        # index alone (an index of a WITHOUT ROWID table holds the primary key's columns too).
        Index("ix_statement_tally_grain_speaker_id", "grain", "speaker_id", "said_on", "n"),
        Index("ix_statement_tally_grain_source_id", "grain", "source_id", "n"),
        {"sqlite_with_rowid": False},
    )

    grain: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    said_on: Mapped[date] = mapped_column(Date, primary_key=True)
    speaker_id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(primary_key=True)
    stance: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    review_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    issue_ids: Mapped[str] = mapped_column(String(400), primary_key=True)
    n: Mapped[int]


class IssueTally(Base):
    """Statements about each issue counted by the reason its positions count them or leave them
    out (``app.positions.views.LEFT_OUT``, or "counted") and by day (NO_DAY when undated); kept
    by triggers (migration ``issue_tally``) from ``statement.lead_issue_ids``, the issues a
    statement ranks first."""

    __tablename__ = "issue_tally"
    __table_args__ = ({"sqlite_with_rowid": False},)

    issue_id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(20), primary_key=True)
    said_on: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int]
