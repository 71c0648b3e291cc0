"""Creating, finding and changing accounts (role, password, deactivation); every function takes
the caller's session. The web pages and the ``parley users`` command both go through these."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.errors import AccountError
from app.accounts.passwords import (
    generate_password,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from app.accounts.schemas import NewAccount, RoleChoice, normalize_email
from app.accounts.sessions import end_sessions
from app.accounts.tokens import revoke_tokens
from app.models import User
from app.models.common import utcnow
from app.vocabulary import Role

FIRST_ADMIN_EMAIL = "admin@localhost"
# Verifying against a real hash when the email is unknown keeps both answers equally slow.
_DUMMY_HASH = hash_password("parley-no-such-user")


class AccountDeactivated(AccountError):
    """The right password for an account an administrator deactivated."""


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def get_user(session: Session, email: str) -> User:
    """The account with this email; AccountError when there is none."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"There is no account for {normalize_email(email)}.")
    return user


def create_user(
    session: Session, email: str, password: str, role: str, *, must_change_password: bool = False
) -> User:
    account = NewAccount.checked(email=email, role=role)
    normalized = account.email
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


@dataclass(frozen=True)
class OneTimePassword:
    """An account and the password made for it, to show once; the first login must change it."""

    user: User
    password: str


def create_user_with_one_time_password(session: Session, email: str, role: str) -> OneTimePassword:
    password = generate_password()
    user = create_user(session, email, password, role, must_change_password=True)
    return OneTimePassword(user, password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account when the password is right (None otherwise); AccountDeactivated for the
    right password of a deactivated account."""
    user = find_user(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active:
        raise AccountDeactivated(
            "This account is deactivated; ask an administrator to reactivate it."
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """The account's own new password: every session ends and every API token is revoked (the
    caller signs the person in again)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    _replace_password(session, user, password, must_change=False)


def reset_password(session: Session, user: User) -> str:
    """An administrator's reset: a one-time password to hand over, to be changed at first login;
    every session ends and every API token is revoked."""
    password = generate_password()
    _replace_password(session, user, password, must_change=True)
    return password


def set_role(session: Session, user: User, role: str) -> User:
    """Change the account's role; its sessions end (they log in again with the new role)."""
    RoleChoice.checked(role=role)
    if role != Role.admin:
        _keep_an_admin(session, user, "demote")
    if user.role != role:
        user.role = role
        end_sessions(session, user)
        session.flush()
    return user


def deactivate(session: Session, user: User) -> User:
    """The account can no longer log in; its sessions end and its API tokens are revoked."""
    _keep_an_admin(session, user, "deactivate")
    user.active = False
    end_sessions(session, user)
    revoke_tokens(session, user)
    session.flush()
    return user


def reactivate(session: Session, user: User) -> User:
    """The account may log in again (with its password; revoked tokens stay revoked)."""
    user.active = True
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


@dataclass(frozen=True)
class FirstAdmin:
    email: str
    password: str


def ensure_first_admin(session: Session) -> FirstAdmin | None:
    """On a database without accounts, create an administrator with a one-time password (to be
    changed at first login) and return it; otherwise do nothing."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    made = create_user_with_one_time_password(session, FIRST_ADMIN_EMAIL, "admin")
    return FirstAdmin(made.user.email, made.password)


def _replace_password(session: Session, user: User, password: str, *, must_change: bool) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_sessions(session, user)
    revoke_tokens(session, user)
    session.flush()


def _keep_an_admin(session: Session, user: User, change: str) -> None:
    """Refuse the change that would leave no active administrator."""
    if user.role != Role.admin or not user.active:
        return
    admins = session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.admin, User.active)
    )
    if (admins or 0) <= 1:
        raise AccountError(
            f"{user.email} is the only active administrator; make another one before you "
            f"{change} this account."
        )
