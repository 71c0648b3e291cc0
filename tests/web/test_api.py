"""The JSON API: pages that walk exactly what the database holds, each record read alone, an
article queued with a bearer token, refusals that write nothing, and the /docs page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.tokens import issue_token
from app.accounts.users import get_user
from app.extraction.pipeline import Extractor
from app.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Article,
    ImportJob,
    Issue,
    Position,
    Source,
    Statement,
    StatementIssue,
)
from app.queries.timeline import TimelineFilters, statements_query
from app.settings import Settings
from tests.conftest import USERS, client_for, page_csrf

ARTICLE = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that Russia was ready for a third round of "
    "talks in Istanbul. “We are waiting for Kyiv’s answer,” he told reporters."
)


def walk(client: TestClient, url: str, limit: int) -> list[dict[str, Any]]:
    """Every item of a list endpoint, page by page, checking each page's size on the way."""
    items: list[dict[str, Any]] = []
    separator = "&" if "?" in url else "?"
    next_url: str | None = f"{url}{separator}limit={limit}"
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        if page["next"] is None:
            break
        assert len(page["items"]) == limit  # only a full page says there is more
        next_url = f"{url}{separator}limit={limit}&after={page['next']}"
    return items


def timeline_ids(session: Session, filters: TimelineFilters) -> list[int]:
    query = statements_query(session, filters).order_by(
        Statement.said_on.desc().nulls_last(), Statement.id.desc()
    )
    return [s.id for s in session.scalars(query)]


def token(session: Session, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(session, get_user(session, USERS[role]))}"}


def totals(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Article)) or 0,
        session.scalar(select(func.count()).select_from(ImportJob)) or 0,
    )


def problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {p["field"]: p["message"] for p in response.json()["detail"]}


# --- statements ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", TimelineFilters()),
        ("issue=negotiations_process", TimelineFilters(issues=("negotiations_process",))),
        ("actor=Zelenskyy", TimelineFilters(actors=("Zelenskyy",))),
        (
            "actor=dmitry-peskov&actor=vladimir-putin",
            TimelineFilters(actors=("dmitry-peskov", "vladimir-putin")),
        ),
        ("stance=opposes&stance=conditional", TimelineFilters(stances=("opposes", "conditional"))),
        (
            "kind=direct_quote&review=machine",
            TimelineFilters(kinds=("direct_quote",), reviews=("machine",)),
        ),
        (
            "from=2025-03-01&to=2025-12-31",
            TimelineFilters(date_from=date(2025, 3, 1), date_to=date(2025, 12, 31)),
        ),
        ("q=ceasefire", TimelineFilters(q="ceasefire")),
    ],
)
def test_pages_walk_the_filtered_timeline_once_each(
    client: TestClient, session: Session, query: str, filters: TimelineFilters
) -> None:
    items = walk(client, f"/api/statements?{query}" if query else "/api/statements", limit=7)
    ids = [item["id"] for item in items]
    assert ids, "the seed articles should give every filter something to show"
    assert len(ids) == len(set(ids))
    assert ids == timeline_ids(session, filters)
    assert all(
        item["review_status"] != "rejected" and item["corroborates"] is None for item in items
    )
    dated = [item["said_on"] for item in items if item["said_on"]]
    assert dated == sorted(dated, reverse=True)
    assert all(item["said_on"] is None for item in items[len(dated) :])  # undated ones last


def test_filters_mean_what_they_say(client: TestClient, session: Session) -> None:
    opposing = walk(client, "/api/statements?stance=opposes", limit=500)
    assert opposing and {item["stance"] for item in opposing} == {"opposes"}
    peskov = walk(client, "/api/statements?actor=dmitry-peskov", limit=500)
    assert peskov and {item["speaker"]["slug"] for item in peskov} == {"dmitry-peskov"}
    zelensky = walk(client, "/api/statements?actor=Zelenskyy", limit=500)  # an alias
    assert zelensky and {item["speaker"]["slug"] for item in zelensky} == {"volodymyr-zelensky"}
    territory = walk(client, "/api/statements?issue=territory", limit=500)
    assert territory and all("territory" in item["issues"] for item in territory)
    source = session.scalars(select(Source).order_by(Source.id)).first()
    assert source is not None
    from_outlet = walk(client, f"/api/statements?outlet={source.id}", limit=500)
    assert from_outlet and {item["article"]["outlet"] for item in from_outlet} == {source.name}
    spring = walk(client, "/api/statements?from=2025-03-01&to=2025-06-30", limit=500)
    assert all("2025-03-01" <= item["said_on"] <= "2025-06-30" for item in spring)


def test_a_statement_reads_as_the_database_has_it(client: TestClient, session: Session) -> None:
    original = session.scalars(
        select(Statement).where(Statement.corroborates_id.is_not(None))
    ).first()
    assert original is not None, "the seeds have statements repeated by other outlets"
    statement = session.get_one(Statement, original.corroborates_id)
    body = client.get(f"/api/statements/{statement.id}").json()
    copies = session.scalar(select(func.count()).where(Statement.corroborates_id == statement.id))
    article = session.get_one(Article, statement.article_id)
    assert body["text"] == statement.text
    speaker = session.get(Actor, statement.speaker_id) if statement.speaker_id else None
    assert (body["speaker"] or {}).get("slug") == (speaker.slug if speaker else None)
    assert (body["start"], body["end"]) == (statement.start, statement.end)
    assert body["stance"] == statement.stance
    issues = session.scalars(
        select(Issue.slug)
        .join(StatementIssue, StatementIssue.issue_id == Issue.id)
        .where(StatementIssue.statement_id == statement.id)
        .order_by(StatementIssue.rank)
    ).all()
    assert body["issues"] == list(issues)  # best first
    assert body["corroboration"] == copies >= 1
    assert body["article"]["id"] == article.id
    assert body["article"]["title"] == article.title
    assert body["links"]["self"] == f"/api/statements/{statement.id}"
    assert client.get(body["links"]["html"], headers={"Accept": "text/html"}).status_code == 200
    evidence = BeautifulSoup(client.get(body["links"]["evidence"]).text, "html.parser")
    assert evidence.select_one(f"#statement-{statement.id}") is not None


def test_rejected_statements_and_copies_are_left_out_of_lists_but_readable(
    client: TestClient, session: Session
) -> None:
    shown = walk(client, "/api/statements", limit=500)
    rejected = session.get_one(Statement, shown[0]["id"])
    rejected.review_status = "rejected"
    session.flush()
    copy = session.scalars(select(Statement).where(Statement.corroborates_id.is_not(None))).first()
    assert copy is not None
    ids = [item["id"] for item in walk(client, "/api/statements", limit=500)]
    assert rejected.id not in ids and copy.id not in ids
    assert len(ids) == len(shown) - 1
    assert client.get(f"/api/statements/{rejected.id}").json()["review_status"] == "rejected"
    assert client.get(f"/api/statements/{copy.id}").json()["corroborates"] == copy.corroborates_id


@pytest.mark.parametrize(
    "path",
    ["/api/statements/999999", "/api/articles/999999", "/api/actors/nobody", "/api/issues/nothing"],
)
def test_missing_records_are_404_with_a_reason(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "There is no" in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/statements?after=not-a-cursor", "after"),
        ("/api/statements?after=2025-13-45_3", "after"),
        ("/api/statements?from=yesterday", "from"),
        ("/api/statements?limit=0", "limit"),
        ("/api/statements?limit=501", "limit"),
        ("/api/statements?stance=furious", "stance"),
        ("/api/statements?outlet=99999999999999999999", "outlet"),
        ("/api/statements/99999999999999999999", "statement_id"),
        ("/api/actors?after=abc", "after"),
        ("/api/actors?kind=planet", "kind"),
        ("/api/articles?to=2025-02-30", "to"),
        ("/api/articles/0", "article_id"),
        ("/api/jobs/9223372036854775808", "job_id"),
        ("/api/actors?after=9999999999", "after"),
        ("/api/jobs?after=9999999999", "after"),
        ("/api/statements?after=none_99999999999999999999", "after"),
    ],
)
def test_bad_parameters_are_422_with_the_field(client: TestClient, url: str, field: str) -> None:
    # A repeatable parameter names the bad value's position too ("stance.0").
    assert field in {name.split(".")[0] for name in problems(client.get(url))}


@pytest.mark.parametrize(
    "url",
    [
        "/api/actors/%00",
        "/api/issues/%00",
        "/api/actors?q=%00",
        "/api/statements?actor=%00",
        "/api/statements?issue=%00",
        "/api/statements?q=%00",
    ],
)
def test_a_nul_character_is_no_server_error(client: TestClient, url: str) -> None:
    """PostgreSQL cannot compare text with a NUL in it: such a value is refused (422) or, in
    free text, ignored; never a server error."""
    response = client.get(url)
    assert response.status_code in (200, 404, 422), response.text
    assert response.headers["content-type"] == "application/json"


# --- actors, issues, articles, jobs -------------------------------------------------------


def test_actor_pages_walk_every_unmerged_actor(client: TestClient, session: Session) -> None:
    survivor, merged = session.scalars(select(Actor).order_by(Actor.id).limit(2)).all()
    merged.merged_into_id = survivor.id
    session.flush()
    ids = [item["id"] for item in walk(client, "/api/actors", limit=40)]
    expected = session.scalars(
        select(Actor.id).where(Actor.merged_into_id.is_(None)).order_by(Actor.id)
    ).all()
    assert ids == list(expected)
    assert merged.id not in ids
    # The merged actor's address leads to the survivor, as its page does.
    moved = client.get(f"/api/actors/{merged.slug}", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == f"/api/actors/{survivor.slug}"


def test_actor_filters(client: TestClient, session: Session) -> None:
    found = walk(client, "/api/actors?q=zelenskyy", limit=50)
    assert "volodymyr-zelensky" in {item["slug"] for item in found}  # by alias
    states = walk(client, "/api/actors?kind=state", limit=50)
    expected = session.scalars(
        select(Actor.slug).where(Actor.kind == "state", Actor.merged_into_id.is_(None))
    ).all()
    assert sorted(item["slug"] for item in states) == sorted(expected)


def test_an_actor_with_aliases_roles_and_positions(client: TestClient, session: Session) -> None:
    actor_id = session.scalars(
        select(Position.actor_id).group_by(Position.actor_id).order_by(func.count().desc())
    ).first()
    actor = session.get_one(Actor, actor_id)
    body = client.get(f"/api/actors/{actor.slug}").json()
    assert body["name"] == actor.name
    aliases = session.scalars(select(ActorAlias.alias).where(ActorAlias.actor_id == actor.id))
    assert sorted(body["aliases"]) == sorted(aliases)
    roles = session.scalars(select(ActorRole.title).where(ActorRole.actor_id == actor.id))
    assert sorted(role["title"] for role in body["roles"]) == sorted(roles)
    if actor.affiliation_id:
        assert body["affiliation"]["slug"] == session.get_one(Actor, actor.affiliation_id).slug
    latest: dict[str, tuple[str, str]] = {}
    for slug, stance, since in session.execute(
        select(Issue.slug, Position.stance, Position.valid_from)
        .join(Issue, Issue.id == Position.issue_id)
        .where(Position.actor_id == actor.id)
        .order_by(Position.valid_from, Position.id)
    ):
        latest[slug] = (stance, since.isoformat())
    assert latest
    assert {p["issue"]: (p["stance"], p["since"]) for p in body["positions"]} == latest
    assert body["links"]["statements"] == f"/api/statements?actor={actor.slug}"


def test_issues_list_and_one(client: TestClient, session: Session) -> None:
    page = client.get("/api/issues").json()
    slugs = session.scalars(select(Issue.slug).order_by(Issue.sort_order, Issue.id)).all()
    assert [item["slug"] for item in page["items"]] == list(slugs)
    assert page["next"] is None
    issue_id = session.scalars(
        select(Position.issue_id).group_by(Position.issue_id).order_by(func.count().desc())
    ).first()
    issue = session.get_one(Issue, issue_id)
    body = client.get(f"/api/issues/{issue.slug}").json()
    assert body["question"] == issue.question
    listed = next(item for item in page["items"] if item["slug"] == issue.slug)
    assert body["statement_count"] == listed["statement_count"] > 0
    latest: dict[str, str] = {}
    for slug, stance in session.execute(
        select(Actor.slug, Position.stance)
        .join(Actor, Actor.id == Position.actor_id)
        .where(Position.issue_id == issue.id)
        .order_by(Position.valid_from, Position.id)
    ):
        latest[slug] = stance
    assert latest
    assert {p["actor"]["slug"]: p["stance"] for p in body["positions"]} == latest
    assert client.get(body["links"]["positions"]).status_code == 200


def test_article_pages_and_filters(client: TestClient, session: Session) -> None:
    ids = [item["id"] for item in walk(client, "/api/articles", limit=2)]
    assert ids == list(session.scalars(select(Article.id).order_by(Article.id.desc())))
    article = session.get_one(Article, ids[-1])
    assert article.source_id is not None and article.published_on is not None
    by_outlet = walk(client, f"/api/articles?outlet={article.source_id}", limit=50)
    assert {item["outlet_id"] for item in by_outlet} == {article.source_id}
    day = article.published_on.isoformat()
    that_day = walk(client, f"/api/articles?from={day}&to={day}", limit=50)
    assert article.id in {item["id"] for item in that_day}
    assert {item["published"] for item in that_day} == {day}


def test_an_article_with_its_text_and_statement_spans(client: TestClient, session: Session) -> None:
    article = session.scalars(select(Article).order_by(Article.id)).first()
    assert article is not None
    body = client.get(f"/api/articles/{article.id}").json()
    assert body["text"] == article.text
    statements = session.scalars(
        select(Statement)
        .where(Statement.article_id == article.id, Statement.review_status != "rejected")
        .order_by(Statement.start)
    ).all()
    assert [(s["id"], s["start"], s["end"]) for s in body["statements"]] == [
        (s.id, s.start, s.end) for s in statements
    ]
    assert body["statement_count"] == len(statements)
    listed = client.get("/api/articles?limit=500").json()["items"]
    assert next(item for item in listed if item["id"] == article.id)["statement_count"] == len(
        statements
    )


# --- importing an article -----------------------------------------------------------------


def test_an_analyst_token_queues_an_article(anonymous: TestClient, session: Session) -> None:
    before = totals(session)
    response = anonymous.post(
        "/api/articles",
        json={
            "title": "Peskov on Istanbul",
            "text": ARTICLE,
            "outlet": "Test Wire",
            "url": "https://example.org/peskov",
            "published": "2025-07-18",
        },
        headers=token(session, "analyst"),
    )
    assert response.status_code == 202, response.text
    body = response.json()
    job_url = f"/api/jobs/{body['job']['id']}"
    assert response.headers["location"] == body["links"]["job"] == job_url
    job = anonymous.get(job_url).json()  # jobs run inline in tests: done already
    assert job["state"] == "done" and job["origin"] == "api"
    assert job["counts"]["imported"] == 1
    article = session.get_one(Article, job["items"][0]["article_id"])
    assert (article.title, article.text, article.url) == (
        "Peskov on Istanbul",
        ARTICLE,
        "https://example.org/peskov",
    )
    assert article.published_on == date(2025, 7, 18)
    assert session.get_one(Source, article.source_id).name == "Test Wire"
    statements = session.scalar(select(func.count()).where(Statement.article_id == article.id))
    assert statements == job["items"][0]["statements"] >= 2
    assert totals(session) == (before[0] + 1, before[1] + 1)
    listed = anonymous.get("/api/jobs").json()["items"]
    assert listed[0]["id"] == job["id"]

    again = anonymous.post(
        "/api/articles",
        json={"title": "Same words", "text": ARTICLE},
        headers=token(session, "admin"),
    )
    assert again.status_code == 202  # not an error at queue time: the job says duplicate
    assert again.json()["job"]["counts"]["duplicate"] == 1
    assert totals(session) == (before[0] + 1, before[1] + 2)


def test_a_signed_in_analyst_may_post_with_the_csrf_header(
    client: TestClient, session: Session
) -> None:
    headers = {"X-CSRF-Token": page_csrf(client)}
    response = client.post(
        "/api/articles", json={"title": "Pasted", "text": ARTICLE}, headers=headers
    )
    assert response.status_code == 202, response.text
    assert response.json()["job"]["counts"]["imported"] == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("nobody", 401), ("invalid", 401), ("viewer", 403), ("cookie without csrf", 403)],
)
def test_who_may_not_post(
    anonymous: TestClient, client: TestClient, session: Session, who: str, status: int
) -> None:
    before = totals(session)
    body = {"title": "Refused", "text": ARTICLE}
    if who == "nobody":  # signed out, though with a session and its CSRF token
        response = anonymous.post("/api/articles", json=body)
    elif who == "invalid":
        response = anonymous.post(
            "/api/articles", json=body, headers={"Authorization": "Bearer pk_not-a-token"}
        )
    elif who == "viewer":
        response = anonymous.post("/api/articles", json=body, headers=token(session, "viewer"))
    else:
        response = client.post("/api/articles", json=body, headers={"X-CSRF-Token": ""})
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    assert totals(session) == before


def test_a_post_without_any_cookie_or_token_is_refused(
    client: TestClient, session: Session
) -> None:
    """A bare client (no session cookie, no token): nothing to forge, so no CSRF check; the
    login check answers 401, and nothing is written."""
    before = totals(session)
    bare = TestClient(client.app)
    response = bare.post("/api/articles", json={"title": "Refused", "text": ARTICLE})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert totals(session) == before
    # With the session cookie but without the page's token, the CSRF check refuses it.
    cookied = client.post(
        "/api/articles",
        json={"title": "Refused", "text": ARTICLE},
        headers={"X-CSRF-Token": "forged"},
    )
    assert cookied.status_code == 403
    assert "did not come from Parley" in cookied.json()["detail"]
    assert totals(session) == before


@pytest.fixture
def small_client(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    yield from client_for(settings.model_copy(update={"max_upload_bytes": 200}), factory, extractor)


TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"text": ARTICLE}, "title", "required"),
        ({"title": "   ", "text": ARTICLE}, "title", "blank"),
        ({"title": "T", "text": " \n\t "}, "text", "blank"),
        ({"title": "T", "text": ""}, "text", "at least 1"),
        ({"title": "T" * 501, "text": ARTICLE}, "title", "at most 500"),
        ({"title": "T", "text": ARTICLE, "url": "ftp://example.org/a"}, "url", "http"),
        ({"title": "T", "text": ARTICLE, "url": "example.org"}, "url", "http"),
        ({"title": "T", "text": ARTICLE, "published": TOMORROW}, "published", "future"),
        ({"title": "T", "text": ARTICLE, "published": "18 July 2025"}, "published", "YYYY-MM-DD"),
        ({"title": "T", "text": ARTICLE, "published": 1752796800}, "published", "YYYY-MM-DD"),
        ({"title": "T", "text": ARTICLE, "publised": "2025-07-18"}, "publised", "not permitted"),
        ({"title": "T", "text": "a" * 201}, "text", "limit"),
    ],
)
def test_invalid_articles_are_422_and_write_nothing(
    small_client: TestClient, session: Session, body: dict[str, Any], field: str, words: str
) -> None:
    before = totals(session)
    response = small_client.post("/api/articles", json=body, headers=token(session, "analyst"))
    found = problems(response)
    assert field in found
    assert words.lower() in found[field].lower()
    assert totals(session) == before


def test_malformed_json_is_422_and_writes_nothing(anonymous: TestClient, session: Session) -> None:
    before = totals(session)
    response = anonymous.post(
        "/api/articles",
        content=b'{"title": "T", "text": ',
        headers={**token(session, "analyst"), "Content-Type": "application/json"},
    )
    found = problems(response)
    assert any("JSON" in message for message in found.values())
    assert totals(session) == before


# --- documentation ------------------------------------------------------------------------


@pytest.fixture
def private_client(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """Signed out, on a Parley that does not let anonymous visitors read."""
    yield from client_for(
        settings.model_copy(update={"public_read": False}), factory, extractor, role=None
    )


def test_docs_page_uses_only_our_static_files(private_client: TestClient) -> None:
    response = private_client.get("/docs")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    scripts = soup.select("script")
    assert scripts and all(s.get("src", "").startswith("/static/") for s in scripts)
    assert not any(s.get_text(strip=True) for s in scripts)  # no inline script
    assert not soup.select("style, [style]")  # no inline style
    sheets = [link["href"] for link in soup.select("link[href]")]
    assert sheets and all(href.startswith("/static/") for href in sheets)
    for asset in [s["src"] for s in scripts] + sheets:
        assert private_client.get(asset).status_code == 200, asset
    root = soup.select_one("#swagger-ui")
    assert root is not None and root["data-spec-url"] == "/openapi.json"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_openapi_describes_the_api_without_a_login(private_client: TestClient) -> None:
    spec = private_client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/statements",
        "/api/statements/{statement_id}",
        "/api/actors",
        "/api/actors/{slug}",
        "/api/issues",
        "/api/issues/{slug}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/jobs",
        "/api/jobs/{job_id}",
    ):
        assert "get" in paths[path], path
    create = paths["/api/articles"]["post"]
    assert "202" in create["responses"] and "422" in create["responses"]
    assert create["security"] == [{"token": []}]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert set(problem) == {"field", "message"}
    # The data itself still needs a login here.
    assert private_client.get("/api/statements").status_code == 401
