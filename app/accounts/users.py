"""Creating, finding and changing accounts; every function takes the caller's session."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.passwords import (
    generate_password,
    generate_token,
    hash_password,
    needs_rehash,
    password_problem,
    token_digest,
    verify_password,
)
from app.models import ApiToken, User
from app.models.account import ROLES
from app.models.common import utcnow

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")
FIRST_ADMIN_EMAIL = "admin@localhost"
TOKEN_USE_GRANULARITY = timedelta(minutes=5)
# Verifying against a real hash when the email is unknown keeps both answers equally slow.
_DUMMY_HASH = hash_password("parley-no-such-user")


class AccountError(ValueError):
    """A request about accounts that cannot be met, with a reason a person can act on."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    normalized = normalize_email(email)
    if not EMAIL_PATTERN.match(normalized) or len(normalized) > 254:
        raise AccountError(f"“{email}” is not an email address.")
    return normalized


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"“{role}” is not a role; choose one of {', '.join(ROLES)}.")
    return role


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    session: Session, email: str, password: str, role: str, *, must_change_password: bool = False
) -> User:
    normalized = check_email(email)
    check_role(role)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if find_user(session, normalized) is not None:
        raise AccountError(f"There is already an account for {normalized}.")
    user = User(
        email=normalized,
        password_hash=hash_password(password),
        role=role,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.session_version += 1


def set_role(session: Session, email: str, role: str) -> User:
    check_role(role)
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"There is no account for {normalize_email(email)}.")
    if user.role == "admin" and role != "admin" and _admin_count(session) == 1:
        raise AccountError("This is the only administrator; make another one first.")
    user.role = role
    user.session_version += 1
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def issue_token(session: Session, email: str) -> str:
    """A new API token for the account; the token itself is shown once and never stored."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"There is no account for {normalize_email(email)}.")
    token = generate_token()
    session.add(ApiToken(user_id=user.id, digest=token_digest(token), prefix=token[:10]))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.digest == token_digest(token))
    ).first()
    if found is None:
        return None
    api_token, user = found
    now = utcnow()
    last = api_token.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or now - last > TOKEN_USE_GRANULARITY:  # not a write on every request
        api_token.last_used_at = now
    return user


@dataclass(frozen=True)
class FirstAdmin:
    email: str
    password: str


def ensure_first_admin(session: Session) -> FirstAdmin | None:
    """On a database without accounts, create an administrator with a one-time password (to be
    changed at first login) and return it; otherwise do nothing."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = generate_password()
    create_user(session, FIRST_ADMIN_EMAIL, password, "admin", must_change_password=True)
    return FirstAdmin(FIRST_ADMIN_EMAIL, password)


def _admin_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin")) or 0
