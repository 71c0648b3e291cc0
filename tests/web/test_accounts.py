"""Signing in and out, the rate limit, CSRF, the session cookie, security headers, and reading
behind a login."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.tokens import issue_token, list_tokens
from app.accounts.users import deactivate, ensure_first_admin, get_user, set_role
from app.extraction.pipeline import Extractor
from app.main import create_app
from app.models import AuditEntry, Statement, User
from app.models.common import utcnow
from app.settings import InsecureSettings, Settings
from tests.conftest import PASSWORD, USERS, client_for, log_in, page_csrf


def sign_in(
    client: TestClient,
    email: str,
    password: str,
    headers: dict[str, str] | None = None,
    **extra: str,
) -> Response:
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": page_csrf(client), **extra},
        headers=headers,
        follow_redirects=False,
    )


def test_login_then_logout(anonymous: TestClient) -> None:
    response = sign_in(anonymous, USERS["analyst"], PASSWORD, next="/issues")
    assert response.status_code == 303
    assert response.headers["location"] == "/issues"
    account = anonymous.get("/account")
    assert account.status_code == 200
    assert USERS["analyst"] in account.text
    assert anonymous.get("/review", follow_redirects=False).status_code == 200

    token = page_csrf(anonymous, "/account")
    out = anonymous.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    back = anonymous.get("/review", follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == "/login?next=%2Freview"


def test_a_cookie_replayed_after_logout_is_anonymous(anonymous: TestClient) -> None:
    sign_in(anonymous, USERS["analyst"], PASSWORD)
    captured = anonymous.cookies.get("parley_session")
    assert anonymous.get("/review", follow_redirects=False).status_code == 200
    token = page_csrf(anonymous, "/account")
    assert anonymous.post("/logout", data={"csrf_token": token}).status_code == 200
    anonymous.cookies.clear()
    anonymous.cookies.set("parley_session", captured)  # the copy taken before logging out
    replayed = anonymous.get("/review", follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"] == "/login?next=%2Freview"
    assert "analyst@example.org" not in anonymous.get("/").text


def test_a_password_change_ends_other_sessions_and_revokes_tokens(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor, session: Session
) -> None:
    bearer = {
        "Authorization": f"Bearer {issue_token(session, get_user(session, USERS['analyst']))}"
    }
    session.commit()
    for other in client_for(settings, factory, extractor, role="analyst"):
        for mine in client_for(settings, factory, extractor, role="analyst"):
            assert mine.get("/api/jobs", headers=bearer).status_code == 200
            token = page_csrf(mine, "/account")
            new = "another long passphrase"
            changed = mine.post(
                "/account/password",
                data={"csrf_token": token, "current": PASSWORD, "new": new, "repeat": new},
            )
            assert changed.status_code == 200 and "API tokens revoked" in changed.text
            assert mine.get("/review", follow_redirects=False).status_code == 200  # still in
            assert other.get("/review", follow_redirects=False).status_code == 303  # signed out
            refused = mine.get("/api/jobs", headers=bearer)
            assert refused.status_code == 401 and "was revoked" in refused.json()["detail"]


def test_a_deactivated_account_is_signed_out_and_cannot_log_in(
    client: TestClient, anonymous: TestClient, session: Session
) -> None:
    analyst = get_user(session, USERS["analyst"])
    bearer = {"Authorization": f"Bearer {issue_token(session, analyst)}"}
    assert client.get("/api/jobs", headers=bearer).status_code == 200
    deactivate(session, analyst)
    session.commit()
    assert client.get("/review", follow_redirects=False).status_code == 303
    assert anonymous.get("/api/jobs", headers=bearer).status_code == 401
    refused = sign_in(anonymous, USERS["analyst"], PASSWORD)
    assert refused.status_code == 403
    assert "deactivated" in refused.text


def test_an_expired_or_unknown_token_gets_401_saying_why(
    anonymous: TestClient, session: Session
) -> None:
    analyst = get_user(session, USERS["analyst"])
    token = issue_token(session, analyst, expires_days=1)
    (issued,) = list_tokens(session, analyst)
    issued.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    expired = anonymous.get("/api/jobs", headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == "Bearer"
    assert "expired on" in expired.json()["detail"]
    unknown = anonymous.get("/api/jobs", headers={"Authorization": "Bearer pk_nothing"})
    assert unknown.status_code == 401 and "not valid" in unknown.json()["detail"]


def test_login_never_redirects_to_another_site(anonymous: TestClient) -> None:
    response = sign_in(anonymous, USERS["viewer"], PASSWORD, next="//evil.example/")
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("email", "password"),
    [(USERS["analyst"], "wrong password!"), ("nobody@example.org", PASSWORD), ("", "")],
)
def test_a_wrong_password_or_unknown_email_is_refused(
    anonymous: TestClient, email: str, password: str
) -> None:
    response = sign_in(anonymous, email, password)
    assert response.status_code == 401
    assert "do not match an account" in response.text
    assert anonymous.get("/account", follow_redirects=False).status_code == 303


def test_failed_logins_are_rate_limited(anonymous: TestClient) -> None:
    for _ in range(5):
        assert sign_in(anonymous, USERS["admin"], "not the password").status_code == 401
    blocked = sign_in(anonymous, USERS["admin"], PASSWORD)  # even the right one, for now
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many failed logins" in blocked.text
    # Another account from the same address is not yet blocked.
    assert sign_in(anonymous, USERS["viewer"], PASSWORD).status_code == 303


def from_address(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor, address: str
) -> Iterator[TestClient]:
    return client_for(settings, factory, extractor, role=None, address=address)


def test_guessing_from_one_address_never_locks_the_owner_out(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> None:
    for guesser in from_address(settings, factory, extractor, "203.0.113.9"):
        for _ in range(5):
            assert sign_in(guesser, USERS["admin"], "a guess at it").status_code == 401
        assert sign_in(guesser, USERS["admin"], "another guess").status_code == 429
        assert sign_in(guesser, USERS["admin"], PASSWORD).status_code == 429
    for owner in from_address(settings, factory, extractor, "198.51.100.4"):
        assert sign_in(owner, USERS["admin"], PASSWORD).status_code == 303


def test_one_address_is_limited_across_accounts(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> None:
    for guesser in from_address(settings, factory, extractor, "203.0.113.10"):
        for n in range(20):
            assert sign_in(guesser, f"user{n}@example.org", "a guess").status_code == 401
        assert sign_in(guesser, USERS["viewer"], PASSWORD).status_code == 429
    for elsewhere in from_address(settings, factory, extractor, "203.0.113.11"):
        assert sign_in(elsewhere, USERS["viewer"], PASSWORD).status_code == 303


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> None:
    # No proxy configured: the header is the client's to invent, so it changes nothing.
    for direct in from_address(settings, factory, extractor, "198.51.100.20"):
        for n in range(5):
            forged = {"X-Forwarded-For": f"192.0.2.{n}"}
            assert sign_in(direct, USERS["analyst"], "a guess", headers=forged).status_code == 401
        assert sign_in(direct, USERS["analyst"], PASSWORD, headers=forged).status_code == 429
    behind = settings.model_copy(update={"trusted_proxies": ["10.0.0.0/24"]})
    for proxy in from_address(behind, factory, extractor, "10.0.0.2"):
        guesser = {"X-Forwarded-For": "203.0.113.50, 10.0.0.7"}  # the client, then a proxy
        for _ in range(5):
            assert sign_in(proxy, USERS["viewer"], "a guess", headers=guesser).status_code == 401
        assert sign_in(proxy, USERS["viewer"], PASSWORD, headers=guesser).status_code == 429
        owner = {"X-Forwarded-For": "198.51.100.30"}
        assert sign_in(proxy, USERS["viewer"], PASSWORD, headers=owner).status_code == 303
    # A peer outside the trusted network is not believed either.
    for stranger in from_address(behind, factory, extractor, "198.51.100.20"):
        owner = {"X-Forwarded-For": "198.51.100.31"}
        assert sign_in(stranger, USERS["analyst"], PASSWORD, headers=owner).status_code == 429


def test_a_successful_login_clears_earlier_failures(anonymous: TestClient) -> None:
    for _ in range(4):
        sign_in(anonymous, USERS["analyst"], "nope nope nope")
    assert sign_in(anonymous, USERS["analyst"], PASSWORD).status_code == 303
    anonymous.cookies.clear()
    for _ in range(4):
        assert sign_in(anonymous, USERS["analyst"], "nope nope nope").status_code == 401
    assert sign_in(anonymous, USERS["analyst"], PASSWORD).status_code == 303


def test_unsafe_requests_without_the_csrf_token_are_refused(
    client: TestClient, session: Session
) -> None:
    statement_id = session.scalars(select(Statement.id).order_by(Statement.id)).first()
    url = f"/statements/{statement_id}/reject"
    token = page_csrf(client, f"/statements/{statement_id}")
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    assert client.post(url).status_code == 403
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 403
    assert client.post(url, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert session.get(Statement, statement_id).review_status == "machine"
    # The page's token works in the form field (plain forms) and in the header (htmx).
    assert client.post(url, data={"csrf_token": token}, follow_redirects=False).status_code == 303
    undo = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc())).first()
    response = client.post(f"/history/{undo}/undo", headers={"X-CSRF-Token": token})
    assert response.status_code == 200


def test_a_tampered_session_cookie_is_anonymous(client: TestClient) -> None:
    cookie = client.cookies.get("parley_session")
    assert cookie
    client.cookies.set(
        "parley_session", cookie[:-4] + ("AAAA" if cookie[-4:] != "AAAA" else "BBBB")
    )
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_security_headers_and_no_inline_code(client: TestClient, session: Session) -> None:
    statement_id = session.scalars(select(Statement.id)).first()
    for url in [
        "/",
        "/issues/territory",
        "/actors/vladimir-putin",
        f"/statements/{statement_id}",
        "/review",
        "/history",
        "/upload",
        "/account",
        "/login",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        page = BeautifulSoup(response.text, "html.parser")
        assert all(tag.get("src") for tag in page.find_all("script")), url
        assert not page.find_all(style=True), url
        assert not page.find_all("style"), url
        inline_handlers = [
            attr for tag in page.find_all(True) for attr in tag.attrs if attr.startswith("on")
        ]
        assert not inline_handlers, url


@pytest.fixture
def private(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """A client of an app whose reading needs a login (PARLEY_PUBLIC_READ=false)."""
    closed = settings.model_copy(update={"public_read": False})
    yield from client_for(closed, factory, extractor, role=None)


def test_reading_needs_a_login_unless_public(private: TestClient) -> None:
    page = private.get("/timeline?issue=territory", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Ftimeline%3Fissue%3Dterritory"
    api = private.get("/api/issues/territory/positions")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"
    assert "Log in" in api.json()["detail"]
    assert private.get("/healthz").status_code == 200
    assert private.get("/login").status_code == 200
    log_in(private, "viewer")
    assert private.get("/timeline?issue=territory").status_code == 200


def test_viewers_read_but_cannot_write(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> None:
    for viewer in client_for(settings, factory, extractor, role="viewer"):
        assert viewer.get("/timeline").status_code == 200
        refused = viewer.get("/review")
        assert refused.status_code == 403
        assert "may read but not change" in refused.text


def test_first_run_admin_must_choose_a_password(anonymous: TestClient, session: Session) -> None:
    session.execute(delete(User))
    first = ensure_first_admin(session)
    assert first is not None and first.email == "admin@localhost"
    assert ensure_first_admin(session) is None  # only when there are no accounts
    session.flush()
    response = sign_in(anonymous, first.email, first.password)
    assert response.headers["location"] == "/account"
    assert anonymous.get("/timeline", follow_redirects=False).headers["location"] == "/account"
    token = page_csrf(anonymous, "/account")
    short = anonymous.post(
        "/account/password",
        data={"csrf_token": token, "current": first.password, "new": "short", "repeat": "short"},
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    new = "a much better passphrase"
    changed = anonymous.post(
        "/account/password",
        data={"csrf_token": token, "current": first.password, "new": new, "repeat": new},
    )
    assert changed.status_code == 200
    assert anonymous.get("/timeline", follow_redirects=False).status_code == 200
    anonymous.cookies.clear()
    assert sign_in(anonymous, first.email, first.password).status_code == 401
    assert sign_in(anonymous, first.email, new).status_code == 303


def test_a_role_change_ends_the_users_sessions(client: TestClient, session: Session) -> None:
    assert client.get("/review").status_code == 200
    set_role(session, get_user(session, USERS["analyst"]), "viewer")
    session.flush()
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_the_last_admin_cannot_be_demoted(session: Session) -> None:
    from app.accounts.users import AccountError

    with pytest.raises(AccountError, match="only active administrator"):
        set_role(session, get_user(session, USERS["admin"]), "analyst")


def test_no_built_in_secret_signs_sessions(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url="postgresql+psycopg://x@localhost/x")  # type: ignore[call-arg]
    with pytest.raises(InsecureSettings, match="PARLEY_SECRET_KEY is not set"):
        create_app(settings)
    old_default = settings.model_copy(update={"secret_key": "parley-development-secret-change-me"})
    with pytest.raises(InsecureSettings, match="published"):
        create_app(old_default)
    # SQLite (a laptop) starts with a key of its own, made beside the database and kept.
    local = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'parley.db'}")  # type: ignore[call-arg]
    create_app(local)
    assert (tmp_path / "parley.db.secret").exists()
