"""API bearer tokens: issued with an optional expiry, listed, revoked, and checked on use. The
token is shown once; only its SHA-256 digest is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.errors import AccountError, TokenRefused
from app.accounts.passwords import generate_token, token_digest
from app.models import ApiToken, User
from app.models.common import as_utc, utcnow

USE_GRANULARITY = timedelta(minutes=5)
MAX_EXPIRY_DAYS = 3650
MAKE_ONE = "make one with `parley users token EMAIL`"


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    """live, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and as_utc(token.expires_at) <= (now or utcnow()):
        return "expired"
    return "live"


def issue_token(session: Session, user: User, *, expires_days: int | None = None) -> str:
    """A new token for the account, valid for ``expires_days`` days (None: until revoked)."""
    expires_at = None
    if expires_days is not None:
        if not 1 <= expires_days <= MAX_EXPIRY_DAYS:
            raise AccountError(f"A token expires after 1 to {MAX_EXPIRY_DAYS} days.")
        expires_at = utcnow() + timedelta(days=expires_days)
    token = generate_token()
    session.add(
        ApiToken(
            user_id=user.id, digest=token_digest(token), prefix=token[:10], expires_at=expires_at
        )
    )
    session.flush()
    return token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def find_token(session: Session, token_id: int, *, owner: User | None = None) -> ApiToken:
    """The token with this id (of ``owner``'s, when given); AccountError when there is none."""
    found = session.get(ApiToken, token_id)
    if found is None or (owner is not None and found.user_id != owner.id):
        whose = f"{owner.email} has" if owner is not None else "There is"
        raise AccountError(
            f"{whose} no API token {token_id}; `parley users tokens EMAIL` lists them."
        )
    return found


def revoke_token(session: Session, token: ApiToken) -> bool:
    """Revoke one token; False when it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    session.flush()
    return True


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke every token of the account not revoked yet; how many that was."""
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(revoked, "rowcount", 0) or 0)


def user_for_token(session: Session, token: str) -> User:
    """The account a bearer token acts as; TokenRefused says why not."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.digest == token_digest(token))
    ).first()
    if found is None:
        raise TokenRefused(f"The API token is not valid; {MAKE_ONE}.")
    api_token, user = found
    now = utcnow()
    state = token_state(api_token, now)
    if state == "revoked":
        raise TokenRefused(
            f"This API token ({api_token.prefix}…) was revoked on "
            f"{_day(api_token.revoked_at)}; {MAKE_ONE}."
        )
    if state == "expired":
        raise TokenRefused(
            f"This API token ({api_token.prefix}…) expired on {_day(api_token.expires_at)}; "
            f"{MAKE_ONE}."
        )
    if not user.active:
        raise TokenRefused(f"The account of this API token ({user.email}) is deactivated.")
    last = as_utc(api_token.last_used_at)
    if last is None or now - last > USE_GRANULARITY:  # not a write on every request
        api_token.last_used_at = now
    return user


def _day(moment: datetime | None) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC") if moment else "an unknown date"
