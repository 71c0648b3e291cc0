"""Signed-in browsers, kept on the server: the session cookie carries a random key, the database
its SHA-256. Ending a session deletes its row, so a copy of the cookie signs nobody in."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.passwords import token_digest
from app.models import LoginSession, User
from app.models.common import as_utc, utcnow

# How often a session in use records that it was seen (not a write on every request).
SEEN_GRANULARITY = timedelta(minutes=5)


def start_session(session: Session, user: User) -> str:
    """A new session for the user; the key returned goes in the cookie and is never stored."""
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, digest=token_digest(key)))
    session.flush()
    return key


def user_for_session(session: Session, key: str, lifetime: timedelta) -> User | None:
    """The active account signed in by ``key``, or None (ended, expired or never existed)."""
    found = session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.digest == token_digest(key), User.active)
    ).first()
    if found is None:
        return None
    login, user = found
    now = utcnow()
    idle = now - as_utc(login.last_seen_at)
    if idle > lifetime:
        session.delete(login)
        return None
    if idle > SEEN_GRANULARITY:
        login.last_seen_at = now
    return user


def end_session(session: Session, key: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.digest == token_digest(key)))


def end_sessions(session: Session, user: User) -> int:
    """Sign the account out everywhere; how many sessions were ended."""
    ended = session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    return int(getattr(ended, "rowcount", 0) or 0)


def forget_expired_sessions(session: Session, lifetime: timedelta) -> None:
    session.execute(delete(LoginSession).where(LoginSession.last_seen_at < utcnow() - lifetime))
