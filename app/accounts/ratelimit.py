"""The login rate limit: failed attempts are counted per email and per client address in a
sliding window, in the database, so every web process sees the same count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import LoginFailure
from app.models.common import utcnow

WINDOW = timedelta(minutes=15)
MAX_PER_EMAIL = 5
MAX_PER_ADDRESS = 20


def seconds_blocked(session: Session, email: str, address: str) -> int:
    """0 when a login may be tried; otherwise how long until the oldest failure expires."""
    since = utcnow() - WINDOW
    per_email, first_email = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.email == email, LoginFailure.at > since
        )
    ).one()
    per_address, first_address = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.address == address, LoginFailure.at > since
        )
    ).one()
    oldest = None
    if per_email >= MAX_PER_EMAIL:
        oldest = first_email
    elif per_address >= MAX_PER_ADDRESS:
        oldest = first_address
    if oldest is None:
        return 0
    if oldest.tzinfo is None:  # SQLite hands back naive UTC datetimes
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return max(1, int((oldest + WINDOW - utcnow()).total_seconds()) + 1)


def record_failure(session: Session, email: str, address: str) -> None:
    session.add(LoginFailure(email=email[:254], address=address[:64]))
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - WINDOW))


def clear_failures(session: Session, email: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
