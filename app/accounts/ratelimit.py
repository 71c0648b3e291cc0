"""The login rate limit: failed attempts are counted per (account, client address) and per
address in a sliding window, in the database, so every web process sees the same count.

Nothing is counted per account alone: guesses from one address must never lock the account's
owner out when they log in from another. An IPv6 client counts as its /64 network, which one
host can hold whole."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from app.models import LoginFailure
from app.models.common import as_utc, utcnow

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT_AND_ADDRESS = 5
MAX_PER_ADDRESS = 20


def address_key(address: str) -> str:
    """What failures are counted under: the address, or an IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def seconds_blocked(session: Session, email: str, address: str) -> int:
    """0 when this login may be tried; otherwise how long until the oldest failure that
    blocks it leaves the window."""
    key = address_key(address)
    since = utcnow() - WINDOW
    oldest = _oldest_if_over(
        session,
        since,
        MAX_PER_ACCOUNT_AND_ADDRESS,
        LoginFailure.email == email[:254],
        LoginFailure.address == key,
    ) or _oldest_if_over(session, since, MAX_PER_ADDRESS, LoginFailure.address == key)
    if oldest is None:
        return 0
    return max(1, int((as_utc(oldest) + WINDOW - utcnow()).total_seconds()) + 1)


def record_failure(session: Session, email: str, address: str) -> None:
    session.add(LoginFailure(email=email[:254], address=address_key(address)))
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - WINDOW))


def clear_failures(session: Session, email: str, address: str) -> None:
    """After a successful login: this address's failures for this account no longer count."""
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.email == email[:254], LoginFailure.address == address_key(address)
        )
    )


def _oldest_if_over(
    session: Session, since: datetime, limit: int, *conditions: ColumnElement[bool]
) -> datetime | None:
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.at > since, *conditions)
    ).one()
    return oldest if count >= limit else None
