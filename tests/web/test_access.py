"""Every route that changes something, walked from the app's own route table: anonymous
clients and viewers are refused, and the database is left as it was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.pipeline import Extractor
from app.main import create_app
from app.models import (
    Actor,
    ActorAlias,
    ActorRole,
    ApiToken,
    Article,
    AuditEntry,
    ImportJob,
    Statement,
    User,
)
from app.settings import Settings
from app.web.urls import walk_routes
from tests.conftest import client_for
from tests.forms import htmx_headers

SAFE = {"GET", "HEAD", "OPTIONS"}
# Unsafe routes open to anyone holding the page's CSRF token, and why.
OPEN_TO_ALL = {
    ("POST", "/login"): "signing in is how one becomes someone",
    ("POST", "/logout"): "signing out needs no role",
    ("POST", "/account/password"): "every signed-in user changes their own password",
}
TABLES = [Actor, ActorAlias, ActorRole, ApiToken, Article, AuditEntry, ImportJob, Statement, User]


def unsafe_routes() -> list[tuple[str, str]]:
    app = create_app(Settings(_env_file=None, database_url="sqlite:///:memory:"))  # type: ignore[call-arg]
    return sorted(
        (method, path)
        for path, route in walk_routes(app.routes)
        if isinstance(route, APIRoute)
        for method in route.methods - SAFE
    )


UNSAFE = unsafe_routes()


def concrete(path: str, session: Session) -> str:
    """The route's path with real ids and slugs, so a refusal is not just a 404."""
    statement = session.scalars(select(Statement).order_by(Statement.id)).first()
    actor = session.scalars(select(Actor).where(Actor.slug == "vladimir-putin")).one()
    alias = session.scalars(select(ActorAlias.id).where(ActorAlias.actor_id == actor.id)).first()
    values = {
        "statement_id": statement.id,
        "article_id": statement.article_id,
        "slug": actor.slug,
        "alias_id": alias,
        "role_id": session.scalars(select(ActorRole.id)).first(),
        "entry_id": 1,
        "job_id": 1,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)


def counts(session: Session) -> dict[str, int]:
    return {
        table.__name__: session.scalar(select(func.count()).select_from(table)) or 0
        for table in TABLES
    }


@pytest.fixture
def viewer(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    yield from client_for(settings, factory, extractor, role="viewer")


def test_the_walk_finds_the_writing_routes() -> None:
    paths = {path for _, path in UNSAFE}
    assert {"/upload", "/statements/{statement_id}/edit", "/actors/{slug}/merge"} <= paths
    assert len(UNSAFE) >= 15


@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=[f"{m} {p}" for m, p in UNSAFE])
def test_unsafe_routes_need_an_analyst(
    method: str, path: str, anonymous: TestClient, viewer: TestClient, session: Session
) -> None:
    if (method, path) in OPEN_TO_ALL:
        pytest.skip(OPEN_TO_ALL[(method, path)])
    url = concrete(path, session)
    before = counts(session)
    # Both carry a valid CSRF token, so what refuses them is the role check.
    body: dict[str, Any] = {"json": {}} if path.startswith("/api/") else {"data": {"name": "x"}}
    nobody = anonymous.request(
        method, url, **body, headers=htmx_headers(anonymous), follow_redirects=False
    )
    assert nobody.status_code == 401, (url, nobody.status_code, nobody.text[:200])
    reader = viewer.request(
        method, url, **body, headers=htmx_headers(viewer), follow_redirects=False
    )
    assert reader.status_code == 403, (url, reader.status_code, reader.text[:200])
    assert counts(session) == before
