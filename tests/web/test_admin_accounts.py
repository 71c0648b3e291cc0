"""The administrator's accounts page, used as a browser does: each form read from the page and
submitted with its hidden fields (the CSRF token among them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.tokens import issue_token, list_tokens, token_state
from app.accounts.users import get_user
from app.extraction.pipeline import Extractor
from app.settings import Settings
from tests.conftest import PASSWORD, USERS, client_for, page_csrf
from tests.forms import submit

ACCOUNTS = "/admin/accounts"


@pytest.fixture
def admin(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    yield from client_for(settings, factory, extractor, role="admin")


@pytest.fixture
def analyst(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    yield from client_for(settings, factory, extractor, role="analyst")


def page_of(session: Session, email: str) -> str:
    return f"{ACCOUNTS}/{get_user(session, email).id}"


def soup(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def message(response: Response) -> str:
    found = soup(response).select_one("main .message")
    assert found is not None, response.text[:500]
    return found.get_text(" ", strip=True)


def log_in_as(client: TestClient, email: str, password: str) -> Response:
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": page_csrf(client)},
        follow_redirects=False,
    )


def test_only_administrators_see_the_page_and_its_link(
    admin: TestClient, analyst: TestClient, anonymous: TestClient
) -> None:
    listed = admin.get(ACCOUNTS)
    assert listed.status_code == 200
    rows = {row.select_one("td a").get_text(): row for row in soup(listed).select("tr.account")}
    assert set(USERS.values()) <= set(rows)
    assert rows[USERS["viewer"]].select("td")[1].get_text() == "viewer"
    assert soup(admin.get("/timeline")).select_one(f"nav a[href='{ACCOUNTS}']") is not None
    refused = analyst.get(ACCOUNTS)
    assert refused.status_code == 403 and "Only an administrator" in refused.text
    assert soup(analyst.get("/timeline")).select_one(f"nav a[href='{ACCOUNTS}']") is None
    login = anonymous.get(ACCOUNTS, follow_redirects=False)
    assert login.headers["location"] == "/login?next=%2Fadmin%2Faccounts"


def test_create_with_a_one_time_password_shown_once(
    admin: TestClient, anonymous: TestClient, session: Session
) -> None:
    made = submit(
        admin, ACCOUNTS, {"email": "New@Example.org", "role": "viewer"}, "form.create-account"
    )
    assert made.status_code == 201
    password = soup(made).select_one("code.one-time-password").get_text()
    assert "new@example.org" in message(made) and len(password) >= 10
    page = admin.get(page_of(session, "new@example.org"))
    assert "one-time password" in page.text and password not in page.text  # shown once only
    assert "new@example.org" in admin.get(ACCOUNTS).text
    first = log_in_as(anonymous, "new@example.org", password)
    assert first.status_code == 303 and first.headers["location"] == "/account"
    assert anonymous.get("/timeline", follow_redirects=False).headers["location"] == "/account"


def test_create_with_a_chosen_password(admin: TestClient, anonymous: TestClient) -> None:
    data = {"email": "ana@example.org", "role": "analyst", "password": "a chosen passphrase"}
    made = submit(admin, ACCOUNTS, data, "form.create-account", follow_redirects=False)
    assert made.status_code == 303
    page = admin.get(made.headers["location"])
    assert "made with the password you gave" in message(page)
    assert soup(page).select_one(".account-role").get_text() == "analyst"
    assert log_in_as(anonymous, "ana@example.org", "a chosen passphrase").headers["location"] == "/"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"email": USERS["viewer"], "role": "viewer"}, "already an account"),
        ({"email": "not an email", "role": "viewer"}, "is not an email address"),
        ({"email": "x@example.org", "role": "king"}, "is not a role"),
        ({"email": "x@example.org", "role": "viewer", "password": "short"}, "at least 10"),
    ],
)
def test_create_mistakes_are_said_and_what_was_typed_kept(
    admin: TestClient, data: dict[str, str], said: str
) -> None:
    refused = submit(admin, ACCOUNTS, data, "form.create-account")
    assert refused.status_code == 422
    assert said in message(refused)
    assert soup(refused).select_one("#email")["value"] == data["email"]


def test_a_role_change_takes_effect_and_signs_the_account_out(
    admin: TestClient, analyst: TestClient, session: Session
) -> None:
    assert analyst.get("/review").status_code == 200
    page = page_of(session, USERS["analyst"])
    changed = submit(admin, page, {"role": "viewer"}, "form.role-form")
    assert changed.status_code == 200
    assert "role is changed" in message(changed)
    assert soup(changed).select_one(".account-role").get_text() == "viewer"
    assert analyst.get("/review", follow_redirects=False).status_code == 303  # signed out


def test_the_last_administrator_cannot_be_demoted_or_deactivated(
    admin: TestClient, session: Session
) -> None:
    page = page_of(session, USERS["admin"])
    for data, selector in [({"role": "analyst"}, "form.role-form"), ({}, "form.deactivate-form")]:
        refused = submit(admin, page, data, selector)
        assert refused.status_code == 409
        assert "only active administrator" in message(refused)
    assert admin.get(ACCOUNTS).status_code == 200  # still an administrator, still signed in


def test_deactivate_then_reactivate(
    admin: TestClient, analyst: TestClient, anonymous: TestClient, session: Session
) -> None:
    bearer = {
        "Authorization": f"Bearer {issue_token(session, get_user(session, USERS['analyst']))}"
    }
    page = page_of(session, USERS["analyst"])
    off = submit(admin, page, {}, "form.deactivate-form")
    assert "deactivated" in message(off)
    assert soup(off).select_one(".account-state").get_text() == "deactivated"
    assert analyst.get("/review", follow_redirects=False).status_code == 303
    assert anonymous.get("/api/jobs", headers=bearer).status_code == 401
    refused = log_in_as(anonymous, USERS["analyst"], PASSWORD)
    assert refused.status_code == 403 and "deactivated" in refused.text
    on = submit(admin, page, {}, "form.reactivate-form")
    assert "may log in again" in message(on)
    assert log_in_as(anonymous, USERS["analyst"], PASSWORD).status_code == 303
    assert anonymous.get("/api/jobs", headers=bearer).status_code == 401  # stays revoked


def test_reset_a_password(
    admin: TestClient, analyst: TestClient, anonymous: TestClient, session: Session
) -> None:
    issue_token(session, get_user(session, USERS["analyst"]))
    reset = submit(admin, page_of(session, USERS["analyst"]), {}, "form.reset-form")
    assert reset.status_code == 200
    password = soup(reset).select_one("code.one-time-password").get_text()
    assert analyst.get("/review", follow_redirects=False).status_code == 303
    session.expire_all()
    assert [token_state(t) for t in list_tokens(session, get_user(session, USERS["analyst"]))] == [
        "revoked"
    ]
    assert log_in_as(anonymous, USERS["analyst"], PASSWORD).status_code == 401
    first = log_in_as(anonymous, USERS["analyst"], password)
    assert first.headers["location"] == "/account"


def test_revoke_one_token_then_all(admin: TestClient, session: Session) -> None:
    viewer = get_user(session, USERS["viewer"])
    first, second = issue_token(session, viewer), issue_token(session, viewer, expires_days=7)
    page = page_of(session, USERS["viewer"])
    shown = soup(admin.get(page))
    assert len(shown.select("tr.token-live")) == 2
    one = submit(admin, page, {}, "table.tokens form")
    assert "revoked" in message(one)
    assert len(soup(one).select("tr.token-revoked")) == 1
    assert admin.get("/api/jobs", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    every = submit(admin, page, {}, "form.revoke-form")
    assert len(soup(every).select("tr.token-revoked")) == 2
    assert admin.get("/api/jobs", headers={"Authorization": f"Bearer {second}"}).status_code == 401


def test_an_unknown_account_is_404(admin: TestClient) -> None:
    assert admin.get(f"{ACCOUNTS}/999999").status_code == 404
