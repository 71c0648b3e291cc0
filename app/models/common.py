"""Column helpers and the controlled vocabularies shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from sqlalchemy import CheckConstraint, DateTime
from sqlalchemy.orm import Mapped, mapped_column

DATE_PRECISIONS = ("day", "week", "month", "year", "unknown")
ACTOR_KINDS = ("person", "organization", "state", "group")
STATEMENT_KINDS = ("direct_quote", "reported")
STANCES = ("supports", "opposes", "conditional", "neutral")
REVIEW_STATUSES = ("machine", "confirmed", "edited", "rejected")
EVENT_KINDS = (
    "talks",
    "meeting",
    "summit",
    "call",
    "proposal",
    "agreement",
    "ceasefire",
    "violation",
    "prisoner_exchange",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back the UTC times it stored without their zone; say which zone it is."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def one_of(column: str, values: tuple[str, ...], *, name: str | None = None) -> CheckConstraint:
    """A named CHECK that keeps a string column inside its vocabulary on both databases."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
