"""Input nobody should send gets a clear 4xx and changes nothing: absurd integers, overlong
fields, non-web URLs, bodies over the limits (refused before they are read)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.pipeline import Extractor
from app.models import Article, ImportJob
from app.settings import Settings
from tests.conftest import client_for, page_csrf
from tests.forms import submit

ARTICLE = "Kremlin spokesman Dmitry Peskov said on Tuesday that Russia was ready for talks."


def totals(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Article)) or 0,
        session.scalar(select(func.count()).select_from(ImportJob)) or 0,
    )


@pytest.fixture
def limited(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """An analyst whose uploads may be 1 MB each and whose requests 3 MB."""
    small = settings.model_copy(
        update={"max_upload_bytes": 1_000_000, "max_request_bytes": 3_000_000}
    )
    yield from client_for(small, factory, extractor)


@pytest.mark.parametrize(
    "url",
    [
        "/history?before=99999999999999999999",
        "/history?before=-1",
        "/statements/99999999999999999999",
        "/timeline?outlet=99999999999999999999",
        "/timeline?from=2025-13-45",
        "/timeline?from=" + "9" * 5000,
        "/timeline?after=" + "x" * 5000,
        "/timeline?q=" + "peace " * 1000,
        "/timeline?" + "&".join(f"actor=a{i}" for i in range(200)),
        "/timeline?actor=" + "a" * 5000,
        "/api/statements?limit=99999999999999999999",
    ],
)
def test_absurd_query_values_are_a_clear_4xx(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "text/html"})
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert "not valid" in response.text or "out of range" in response.text or response.json()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "T" * 20_000, "text": ARTICLE}, "title", "at most 500"),
        ({"title": "T", "text": ARTICLE, "url": "https://x.org/" + "a" * 5000}, "url", "at most"),
        ({"title": "T", "text": ARTICLE, "url": "javascript:alert(1)"}, "url", "http://"),
        ({"title": "T", "text": ARTICLE, "url": "https://x.org/a b"}, "url", "http://"),
        ({"title": "T", "text": ARTICLE, "outlet": "O" * 1000}, "outlet", "at most 200"),
        ({"title": "T\x07", "text": ARTICLE}, "title", "control characters"),
        ({"title": "T", "text": ARTICLE, "published": "2025-02-30"}, "published", "YYYY-MM-DD"),
    ],
)
def test_overlong_or_unsafe_fields_are_refused_by_field(
    client: TestClient, session: Session, data: dict[str, str], field: str, message: str
) -> None:
    before = totals(session)
    response = submit(client, "/upload", data, headers={"Accept": "text/html"})
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").select_one(f"#{field}-error")
    assert error is not None and message in error.get_text()
    assert totals(session) == before


def test_a_javascript_url_from_metadata_is_refused(client: TestClient, session: Session) -> None:
    before = totals(session)
    metadata = json.dumps([{"file": "a.txt", "url": "javascript:alert(document.cookie)"}])
    response = submit(
        client,
        "/upload",
        files=[
            ("files", ("a.txt", ARTICLE.encode(), "text/plain")),
            ("metadata", ("meta.json", metadata.encode(), "application/json")),
        ],
    )
    assert response.status_code == 422
    assert "http://" in response.text
    assert totals(session) == before


def test_a_javascript_url_through_the_api_is_refused(client: TestClient, session: Session) -> None:
    before = totals(session)
    response = client.post(
        "/api/articles",
        json={"title": "T", "text": ARTICLE, "url": "javascript:alert(1)"},
        headers={"X-CSRF-Token": page_csrf(client)},
    )
    assert response.status_code == 422
    assert "http://" in response.text
    assert totals(session) == before


def test_pasted_text_over_a_mebibyte_meets_parleys_own_limit(
    limited: TestClient, session: Session
) -> None:
    """The framework's parser would refuse a 1 MiB field with a bare 400; Parley's limit and
    message apply instead."""
    before = totals(session)
    response = submit(
        limited,
        "/upload",
        {"title": "Long", "text": "word " * 240_000},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").select_one("#text-error")
    assert error is not None and "larger than the 1 MB limit" in error.get_text()
    assert totals(session) == before


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(
    limited: TestClient, session: Session
) -> None:
    before = totals(session)
    body = b"x" * 3_500_000
    response = limited.post(
        "/upload",
        content=body,
        headers={"Content-Type": "application/octet-stream", "Accept": "text/html"},
    )
    assert response.status_code == 413
    assert "larger than the 3 MB" in response.text
    assert totals(session) == before


def test_a_large_anonymous_body_is_refused_unread(anonymous: TestClient, session: Session) -> None:
    before = totals(session)
    token = page_csrf(anonymous, "/login")
    response = anonymous.post(
        "/upload",
        files=[("files", ("big.txt", b"a" * 40_000_000, "text/plain"))],
        data={"csrf_token": token},
    )
    assert response.status_code == 413
    assert "not logged in" in response.json()["detail"]
    assert totals(session) == before


def test_the_upload_form_is_still_served_after_hostile_input(limited: TestClient) -> None:
    limited.post("/upload", content=b"\x00" * 10, headers={"Content-Type": "multipart/form-data"})
    limited.post(
        "/upload",
        content=b"--x\r\n" * 1000,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert limited.get("/upload").status_code == 200
    assert limited.get("/healthz").status_code == 200
