"""Account changes an administrator makes: role, deactivation, password reset; never leaving the
site without an active administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.errors import AccountError
from app.accounts.passwords import verify_password
from app.accounts.sessions import start_session, user_for_session
from app.accounts.users import (
    AccountDeactivated,
    authenticate,
    create_user_with_one_time_password,
    deactivate,
    get_user,
    reactivate,
    reset_password,
    set_role,
)
from app.models import LoginSession
from tests.conftest import PASSWORD, USERS

DAY = timedelta(days=1)


def sessions_of(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
        )
        or 0
    )


def test_a_one_time_password_must_be_changed(session: Session) -> None:
    made = create_user_with_one_time_password(session, "New@Example.org", "viewer")
    assert made.user.email == "new@example.org" and made.user.must_change_password
    assert authenticate(session, "new@example.org", made.password) is made.user


def test_deactivation_ends_sessions_and_stops_logins_until_reactivated(session: Session) -> None:
    analyst = get_user(session, USERS["analyst"])
    key = start_session(session, analyst)
    assert user_for_session(session, key, DAY) is analyst
    deactivate(session, analyst)
    assert sessions_of(session, analyst.id) == 0
    assert user_for_session(session, key, DAY) is None
    with pytest.raises(AccountDeactivated, match="deactivated"):
        authenticate(session, USERS["analyst"], PASSWORD)
    assert authenticate(session, USERS["analyst"], "a wrong password") is None  # says nothing
    reactivate(session, analyst)
    assert authenticate(session, USERS["analyst"], PASSWORD) is analyst


def test_a_session_idle_too_long_has_expired(session: Session) -> None:
    viewer = get_user(session, USERS["viewer"])
    key = start_session(session, viewer)
    login = session.scalars(select(LoginSession).where(LoginSession.user_id == viewer.id)).one()
    login.last_seen_at = login.last_seen_at - 2 * DAY
    assert user_for_session(session, key, DAY) is None
    assert sessions_of(session, viewer.id) == 0


def test_a_reset_password_is_one_time_and_signs_out(session: Session) -> None:
    viewer = get_user(session, USERS["viewer"])
    start_session(session, viewer)
    password = reset_password(session, viewer)
    assert verify_password(viewer.password_hash, password) and viewer.must_change_password
    assert not verify_password(viewer.password_hash, PASSWORD)
    assert sessions_of(session, viewer.id) == 0


def test_a_role_change_ends_sessions(session: Session) -> None:
    viewer = get_user(session, USERS["viewer"])
    start_session(session, viewer)
    set_role(session, viewer, "analyst")
    assert viewer.role == "analyst" and sessions_of(session, viewer.id) == 0


def test_the_last_active_admin_stays(session: Session) -> None:
    admin = get_user(session, USERS["admin"])
    for change in (lambda: set_role(session, admin, "viewer"), lambda: deactivate(session, admin)):
        with pytest.raises(AccountError, match="only active administrator"):
            change()
    assert admin.role == "admin" and admin.active
    # With a second administrator, the first may go; a deactivated one does not count.
    other = create_user_with_one_time_password(session, "second@example.org", "admin").user
    deactivate(session, other)
    with pytest.raises(AccountError, match="only active administrator"):
        deactivate(session, admin)
    reactivate(session, other)
    set_role(session, admin, "analyst")
    assert admin.role == "analyst"
    with pytest.raises(AccountError, match="only active administrator"):
        deactivate(session, other)
