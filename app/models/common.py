"""Column helpers shared by the models (the vocabularies they check are in app.vocabulary)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import overload

from sqlalchemy import CheckConstraint, DateTime
from sqlalchemy.orm import Mapped, mapped_column

# Ids are 32-bit integers on PostgreSQL: a larger one can only be "not found" (a 404 or 422 at
# the door), never a value sent to the database, where it would be an error.
MAX_ID = 2**31 - 1


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


def one_of(column: str, values: Iterable[str], *, name: str | None = None) -> CheckConstraint:
    """A named CHECK that keeps a string column inside its vocabulary (a StrEnum of
    app.vocabulary) on both databases."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
