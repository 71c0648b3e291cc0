"""API tokens: issued with an expiry, listed, revoked, and refused with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from app.accounts.errors import AccountError, TokenRefused
from app.accounts.tokens import (
    find_token,
    issue_token,
    list_tokens,
    revoke_token,
    revoke_tokens,
    token_state,
    user_for_token,
)
from app.accounts.users import get_user, reset_password, set_password
from app.models.common import as_utc, utcnow
from tests.conftest import USERS


def test_a_token_acts_as_its_account_and_records_its_use(session: Session) -> None:
    analyst = get_user(session, USERS["analyst"])
    token = issue_token(session, analyst)
    assert user_for_token(session, token) is analyst
    (listed,) = list_tokens(session, analyst)
    assert listed.last_used_at is not None and listed.expires_at is None
    assert token.startswith(listed.prefix) and token_state(listed) == "live"


def test_an_expired_token_is_refused_with_its_date(session: Session) -> None:
    analyst = get_user(session, USERS["analyst"])
    token = issue_token(session, analyst, expires_days=30)
    (issued,) = list_tokens(session, analyst)
    assert timedelta(days=29) < as_utc(issued.expires_at) - utcnow() <= timedelta(days=30)
    issued.expires_at = utcnow() - timedelta(minutes=1)
    assert token_state(issued) == "expired"
    with pytest.raises(TokenRefused, match=r"expired on \d{4}-\d\d-\d\d"):
        user_for_token(session, token)


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_an_expiry_out_of_range_is_refused(session: Session, days: int) -> None:
    with pytest.raises(AccountError, match="1 to 3650 days"):
        issue_token(session, get_user(session, USERS["analyst"]), expires_days=days)


def test_revoked_tokens_are_refused_and_unknown_ones_too(session: Session) -> None:
    viewer = get_user(session, USERS["viewer"])
    first, second, third = (issue_token(session, viewer) for _ in range(3))
    one = list_tokens(session, viewer)[0]
    assert revoke_token(session, find_token(session, one.id))
    assert not revoke_token(session, one)  # already revoked
    with pytest.raises(TokenRefused, match="was revoked on"):
        user_for_token(session, first)
    assert user_for_token(session, second) is viewer
    assert revoke_tokens(session, viewer) == 2
    session.expire_all()
    assert [token_state(t) for t in list_tokens(session, viewer)] == ["revoked"] * 3
    for token in (second, third):
        with pytest.raises(TokenRefused, match="was revoked"):
            user_for_token(session, token)
    with pytest.raises(TokenRefused, match="not valid"):
        user_for_token(session, "pk_made_up")
    with pytest.raises(AccountError, match="no API token 999999"):
        find_token(session, 999999)


@pytest.mark.parametrize("change", ["own", "reset"])
def test_a_new_password_revokes_every_token(session: Session, change: str) -> None:
    analyst = get_user(session, USERS["analyst"])
    token = issue_token(session, analyst)
    if change == "own":
        set_password(session, analyst, "a brand new passphrase")
    else:
        reset_password(session, analyst)
    with pytest.raises(TokenRefused, match="was revoked"):
        user_for_token(session, token)
    assert user_for_token(session, issue_token(session, analyst)) is analyst  # new ones work
