"""The statement tally: how many timeline statements share each combination of the values the
filters and facets read, so that facet counts are small sums instead of scans of the statements.

Database triggers keep it exact (migration ``statement_tally``), whichever code path writes a
statement, its issues or its article; the application never writes it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

# Key values standing for "none", so that every key column can be NOT NULL (a unique key, and so
# an upsert, never matches a NULL).
NO_DAY = date(1, 1, 1)
NO_ACTOR = 0
NO_SOURCE = 0


class StatementTally(Base):
    """Timeline statements (not rejected, not a copy of another) counted by day, speaker,
    outlet, stance, kind, review status and set of issues (``",3,7,"``; ``""`` for none)."""

    __tablename__ = "statement_tally"
    __table_args__ = (
        Index("ix_statement_tally_speaker_id", "speaker_id", "said_on"),
        Index("ix_statement_tally_source_id", "source_id"),
        {"sqlite_with_rowid": False},
    )

    said_on: Mapped[date] = mapped_column(Date, primary_key=True)
    speaker_id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(primary_key=True)
    stance: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    review_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    issue_ids: Mapped[str] = mapped_column(String(400), primary_key=True)
    n: Mapped[int]
