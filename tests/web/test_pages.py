"""Every page answers with real content from the seeded database, parsed as a user sees it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Article, Issue, Statement
from app.positions.views import issue_coverage


def soup(client: TestClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


READING = {
    "Timeline": "/timeline",
    "Issues": "/issues",
    "Actors": "/actors",
    "Articles": "/articles",
    "Imports": "/jobs",
    "API docs": "/docs",
}


def test_navigation_links_every_section(client: TestClient) -> None:
    page = soup(client, "/")
    links = {a.get_text(strip=True): a["href"] for a in page.select("header nav a")}
    assert links == {**READING, "Review": "/review", "Upload": "/upload", "History": "/history"}
    assert list(links)[-1] == "API docs"
    for href in links.values():
        soup(client, href)


def test_anonymous_readers_see_only_the_reading_sections(anonymous: TestClient) -> None:
    page = soup(anonymous, "/")
    links = {a.get_text(strip=True): a["href"] for a in page.select("header nav a")}
    assert links == READING
    assert page.select_one("header .account a")["href"].startswith("/login")


def test_timeline_shows_seed_statements_newest_first(client: TestClient) -> None:
    page = soup(client, "/timeline")
    days = [h.get_text(strip=True) for h in page.select(".day-heading")]
    assert days[0] == "3 Dec 2025"
    statements = page.select("article.statement")
    assert len(statements) >= 20
    speakers = {s.select_one(".speaker").get_text(strip=True) for s in statements}
    assert {"Yvette Cooper", "Dmitry Peskov"} <= speakers
    first = statements[0]
    assert first.select_one(".evidence")["href"].startswith("/articles/")
    assert first.select_one(".stance-badge").get_text(strip=True) in {
        "supports",
        "opposes",
        "conditional",
        "neutral",
    }


def test_each_statement_says_what_its_stance_is_about(client: TestClient, session: Session) -> None:
    statement = session.scalars(
        select(Statement)
        .where(
            Statement.stance == "opposes",
            Statement.stance_target.is_not(None),
            Statement.said_on.is_not(None),
            Statement.review_status != "rejected",
            Statement.corroborates_id.is_(None),
        )
        .order_by(Statement.id)
    ).first()
    assert statement is not None
    day = statement.said_on.isoformat()
    for url in (f"/statements/{statement.id}", f"/timeline?stance=opposes&from={day}&to={day}"):
        card = soup(client, url).select_one(f"article#statement-{statement.id}")
        assert card is not None, url
        stance = card.select_one("header .stance").get_text(" ", strip=True)
        assert stance == f"opposes — {statement.stance_target}"
    untargeted = session.scalars(
        select(Statement).where(Statement.stance_target.is_(None)).order_by(Statement.id)
    ).first()
    card = soup(client, f"/statements/{untargeted.id}").select_one("article.statement")
    assert card.select_one(".stance-target") is None
    assert card.select_one("header .stance").get_text(strip=True) == untargeted.stance


def test_home_is_the_timeline(client: TestClient) -> None:
    assert soup(client, "/").select_one("h1").get_text() == "Timeline"


def test_articles_list_has_the_five_seeds(client: TestClient) -> None:
    rows = soup(client, "/articles").select("table.data tbody tr")
    titles = [row.select_one("td:nth-of-type(2) a").get_text(strip=True) for row in rows]
    assert len(titles) == 5
    assert (
        "Europeans accuse Putin of feigning interest in peace after talks with U.S. envoys"
        in titles
    )


def test_article_page_highlights_each_statement(client: TestClient, session: Session) -> None:
    article = session.scalars(select(Article).where(Article.title.like("Europeans accuse%"))).one()
    statements = session.scalars(select(Statement).where(Statement.article_id == article.id)).all()
    page = soup(client, f"/articles/{article.id}")
    assert page.select_one("h1").get_text(strip=True) == article.title
    marks = page.select(".article-text mark")
    assert {mark["id"] for mark in marks} <= {f"statement-{s.id}" for s in statements}
    assert len(marks) >= len(statements) // 2
    # The text on the page is the stored text, character for character.
    assert page.select_one(".article-text").get_text() == article.text


def test_issue_and_actor_lists_and_pages(client: TestClient) -> None:
    issues = soup(client, "/issues").select("table.data tbody tr")
    assert len(issues) == 13
    territory = soup(client, "/issues/territory")
    assert territory.select_one("h1").get_text(strip=True) == "Territory"
    actors = soup(client, "/actors").select("table.data tbody tr")
    assert len(actors) >= 60
    putin = soup(client, "/actors/vladimir-putin")
    assert putin.select_one("h1").get_text(" ", strip=True).startswith("Vladimir Putin")
    assert "President of Russia" in putin.select_one("ul.roles").get_text()
    assert putin.select("article.statement")


def test_the_issue_view_says_what_its_matrix_and_chart_count(
    client: TestClient, session: Session
) -> None:
    issue = session.scalars(select(Issue).where(Issue.slug == "negotiations_process")).one()
    coverage = issue_coverage(session, issue)
    page = soup(client, "/issues/negotiations_process")
    panel = page.select_one("#coverage")
    said = panel.get_text(" ", strip=True)
    assert f"They count {coverage.counted} of the {coverage.total} statements" in said
    assert f"said from {coverage.first:%-d %b %Y} to {coverage.last:%-d %b %Y}" in said
    reasons = [li.get_text(" ", strip=True) for li in panel.select("ul.left-out li")]
    assert reasons == [
        f"{count} statement{'s' if count != 1 else ''} {reason}"
        for reason, count in coverage.left_out
    ]
    assert reasons  # the seeds have neutral and unattributed statements on it at least
    # The matrix runs to the month of the last statement counted.
    months = [th.get_text(strip=True) for th in page.select("table.matrix thead th")[1:]]
    assert months[-1] == f"{coverage.last:%b %Y}"


def test_unknown_records_are_404_pages(client: TestClient) -> None:
    assert "no article 999999" in soup(client, "/articles/999999", 404).get_text()
    assert soup(client, "/issues/no-such-issue", 404).select_one("h1").get_text() == "Not found"
    assert soup(client, "/actors/nobody", 404)
    assert soup(client, "/no/such/page", 404)


def test_bad_path_parameter_is_422(client: TestClient) -> None:
    page = soup(client, "/articles/not-a-number", 422)
    assert "not valid" in page.get_text()
    api = client.get("/articles/not-a-number", headers={"Accept": "application/json"})
    assert api.status_code == 422
    assert api.json()["detail"][0]["field"] == "article_id"


def test_healthz_reports_the_database(client: TestClient, backend: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == backend
    assert body["schema_revision"]


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "Parley"
    assert client.get("/docs").status_code == 200


def test_vendored_assets_are_served(client: TestClient) -> None:
    page = soup(client, "/")
    for script in page.select("script[src]"):
        assert not script["src"].startswith("http")
        assert client.get(script["src"]).status_code == 200
    stylesheet = page.select_one("link[rel=stylesheet]")["href"]
    assert client.get(stylesheet).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/timeline?after=2025-13-45_3",
        "/timeline?after=none_99999999999999999999",
        "/articles/99999999999",
        "/statements/99999999999",
        "/statements/0",
    ],
)
def test_impossible_values_in_urls_are_not_server_errors(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 404, 422), (url, response.status_code)


def test_a_value_the_database_refuses_is_a_422(client: TestClient, backend: str) -> None:
    """A NUL in a slug passes routing; PostgreSQL refuses it: the app answers 422, not 500."""
    response = client.get("/actors/a%00b", headers={"Accept": "application/json"})
    assert response.status_code == (422 if backend == "postgresql" else 404)
