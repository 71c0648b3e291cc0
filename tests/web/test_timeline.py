"""The timeline's filters, facets, search and pages, as a user reads them; and a fixed number of
queries per page whatever the data (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.pipeline import Extractor
from app.models import Actor, Statement
from app.queries.timeline import TimelineFilters
from app.settings import Settings
from tests.conftest import client_for


def page(client: TestClient, url: str) -> BeautifulSoup:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def speakers(soup: BeautifulSoup) -> set[str]:
    return {s.select_one(".speaker").get_text(strip=True) for s in soup.select("article.statement")}


def test_filter_by_actor_and_issue_is_a_shareable_url(client: TestClient) -> None:
    soup = page(client, "/timeline?actor=dmitry-peskov&issue=negotiations_process")
    assert speakers(soup) == {"Dmitry Peskov"}
    for statement in soup.select("article.statement"):
        chips = [chip.get_text(strip=True) for chip in statement.select(".chip")]
        assert "Negotiations process" in chips
    assert soup.select_one("input[name=actor][value=dmitry-peskov]").has_attr("checked")
    assert soup.select_one("input[name=issue][value=negotiations_process]").has_attr("checked")
    assert not soup.select("article.event")  # events have no issue


def test_several_actors_and_stance(client: TestClient) -> None:
    soup = page(client, "/timeline?actor=dmitry-peskov&actor=vladimir-putin&stance=opposes")
    assert speakers(soup) <= {"Dmitry Peskov", "Vladimir Putin"}
    assert {b.get_text(strip=True) for b in soup.select(".stance-badge")} == {"opposes"}


def test_the_page_comes_first_and_its_facet_counts_follow(client: TestClient) -> None:
    soup = page(client, "/timeline?issue=territory")
    assert not soup.select("#filters .count")  # choices without counts: enough without JavaScript
    assert soup.select("#filters input[name=stance]")
    loader = soup.select_one(".facet-loader")
    assert loader["hx-get"] == "/timeline/facets?issue=territory"
    counted = page(client, loader["hx-get"])
    assert counted.select_one("form#filters .count") is not None
    assert counted.select_one("header.site") is None  # the form alone


def test_facet_counts_match_what_a_click_shows(client: TestClient) -> None:
    soup = page(client, "/timeline/facets?issue=territory")
    stance_counts = {
        label.select_one("input")["value"]: int(label.select_one(".count").get_text())
        for label in soup.select("input[name=stance]")
        for label in [label.parent]
    }
    for stance, count in stance_counts.items():
        shown = page(client, f"/timeline?issue=territory&stance={stance}")
        statements = shown.select("article.statement")
        if shown.select_one(".load-more") is None:  # one page: the page says how many
            assert int(shown.select_one("#result-count strong").get_text()) == count
            assert len(statements) == count
        total = page(client, f"/timeline/facets?issue=territory&stance={stance}")
        assert total.select_one("#result-count strong").get_text() == f"{count:,}"


def test_free_text_search(client: TestClient) -> None:
    soup = page(client, "/timeline?q=wasting+time")
    texts = [s.select_one(".words").get_text() for s in soup.select("article.statement")]
    assert texts and all("wasting" in t.lower() for t in texts)
    # Words that could be query syntax are only words.
    assert page(client, '/timeline?q=" OR * NEAR(')  # no error


def test_kind_and_dates(client: TestClient) -> None:
    soup = page(client, "/timeline?kind=direct_quote&from=2025-12-01&to=2025-12-31")
    words = soup.select("article.statement .words")
    assert words and all("direct_quote" in w["class"] for w in words)
    headings = [h.get_text(strip=True) for h in soup.select(".day-heading")]
    assert all(h.endswith("2025") and "Dec" in h for h in headings)


def test_invalid_filters_are_422_with_the_field(client: TestClient) -> None:
    response = client.get("/timeline?stance=maybe", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "stance.0"
    assert (
        client.get("/timeline?from=yesterday", headers={"Accept": "text/html"}).status_code == 422
    )


def test_an_invalid_date_is_named_on_the_page_and_the_other_filters_apply(
    client: TestClient,
) -> None:
    response = client.get("/timeline?stance=opposes&from=2025-13-45")
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    problem = soup.select_one("#results #filter-problems")
    assert problem["role"] == "alert"
    assert problem.select_one("li[data-field=from]").get_text(" ", strip=True) == (
        "From : “2025-13-45” is not a date; give it as YYYY-MM-DD."
    )
    badges = {b.get_text(strip=True) for b in soup.select(".stance-badge")}
    assert badges == {"opposes"}
    # The counts, the exports and the next page are of the filters applied.
    assert soup.select_one(".facet-loader")["hx-get"] == "/timeline/facets?stance=opposes"
    assert soup.select_one(".export-links a")["href"].endswith("?stance=opposes")


def test_an_actor_or_issue_that_names_nothing_is_named_on_the_page(client: TestClient) -> None:
    response = client.get("/timeline?actor=dmitry-peskov&actor=Nobody+Atall&issue=no-such-issue")
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    problems = {
        item["data-field"]: item.get_text(" ", strip=True)
        for item in soup.select("#filter-problems li")
    }
    assert "no actor is called “Nobody Atall”" in problems["actor"]
    assert "there is no issue “no-such-issue”" in problems["issue"]
    assert speakers(soup) == {"Dmitry Peskov"}
    assert soup.select_one(".facet-loader")["hx-get"] == "/timeline/facets?actor=dmitry-peskov"
    # htmx swaps the results alone: the message comes with them.
    swapped = client.get(
        "/timeline?actor=Nobody+Atall", headers={"HX-Request": "true", "Accept": "text/html"}
    )
    assert swapped.status_code == 422
    assert BeautifulSoup(swapped.text, "html.parser").select_one("#results #filter-problems")


def test_an_actor_typed_by_alias_becomes_a_ticked_choice(client: TestClient) -> None:
    response = client.get("/timeline?actor=Dmitri+Peskov")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#filter-problems") is None
    assert soup.select_one("#facets-actor input[value=dmitry-peskov]").has_attr("checked")
    counted = page(client, soup.select_one(".facet-loader")["hx-get"])
    assert counted.select_one("#facets-actor input[value=dmitry-peskov]").has_attr("checked")


def test_the_counts_replace_the_lists_never_the_boxes(client: TestClient) -> None:
    """The facet loader swaps in (out of band) only the lists of choices and the total: the
    boxes a person types in (words, actor, dates) are in none of them."""
    soup = page(client, "/timeline?q=peace+talks&from=2025-03-01")
    loader = soup.select_one(".facet-loader")
    assert loader["hx-swap"] == "none"
    swapped = [part.strip().lstrip("#") for part in loader["hx-select-oob"].split(",")]
    counted = page(client, loader["hx-get"])
    for region_id in swapped:
        assert soup.find(id=region_id) is not None, region_id  # on the page
        region = counted.find(id=region_id)  # and in the answer
        assert region is not None, region_id
        kinds = {box.get("type") for box in region.select("input, select, textarea")}
        assert kinds <= {"checkbox"}, region_id
    for box in ("#q", "#actor-input", "#filter-from", "#filter-to"):
        assert soup.select_one(f"#filters {box}") is not None
    assert soup.select_one("#q")["value"] == "peace talks"
    assert soup.select_one("#filter-from")["value"] == "2025-03-01"
    # A year being typed (0002, 0020, 0202) is below the box's minimum: it waits (static/app.js).
    assert soup.select_one("#filter-from")["min"] == "1000-01-01"
    # Each choice has an id, so focus comes back to it after its list is replaced.
    ids = [box["id"] for box in counted.select("#facets-stance input")]
    assert ids == [f"facet-stance-{s}" for s in ("supports", "opposes", "conditional", "neutral")]


def test_load_more_walks_every_statement_once(client: TestClient, session: Session) -> None:
    expected = session.scalars(
        select(Statement.id).where(
            Statement.corroborates_id.is_(None), Statement.review_status != "rejected"
        )
    ).all()
    seen: list[str] = []
    url: str | None = "/timeline"
    while url:
        soup = page(client, url)
        seen += [s["id"] for s in soup.select("article.statement")]
        more = soup.select_one(".load-more a")
        url = more["href"] if more else None
        if url:
            assert dict(parse_qsl(urlsplit(url).query))["after"]
    assert sorted(seen) == sorted(f"statement-{i}" for i in expected)


def test_htmx_gets_the_results_alone(client: TestClient) -> None:
    response = client.get("/timeline?issue=ceasefire", headers={"HX-Request": "true"})
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#results") is not None
    assert soup.select_one("header.site") is None and soup.select_one("form#filters") is None


def test_actor_suggestions_cover_aliases(client: TestClient, session: Session) -> None:
    soup = page(client, "/timeline")
    assert soup.select_one("#actor-input")["hx-get"] == "/actors/suggest"
    options = page(client, "/actors/suggest?actor=zelenskyy").select("option")
    assert [o["value"] for o in options][:1] == ["volodymyr-zelensky"]
    assert "Zelenskyy" in options[0].get_text()
    assert page(client, "/actors/suggest?actor=").select("option") == []
    assert session.scalar(select(Actor.id).where(Actor.slug == "volodymyr-zelensky"))


def test_an_actor_typed_by_name_or_alias_filters_too(client: TestClient) -> None:
    by_slug = page(client, "/timeline?actor=dmitry-peskov")
    by_alias = page(client, "/timeline?actor=Dmitri+Peskov")
    assert speakers(by_alias) == speakers(by_slug) == {"Dmitry Peskov"}


@contextmanager
def counting(client: TestClient) -> Iterator[list[str]]:
    statements: list[str] = []
    connection: Connection = client.app.state.sessionmaker.kw["bind"]  # type: ignore[attr-defined]

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def test_pages_make_a_fixed_number_of_queries(client: TestClient, session: Session) -> None:
    article_id = session.scalars(select(Statement.article_id)).first()
    budgets = {
        "/timeline": 16,
        "/timeline?actor=vladimir-putin&issue=territory": 16,
        "/timeline?q=peace": 16,
        "/issues/ceasefire": 12,
        "/actors/vladimir-putin": 17,  # + its history
        f"/articles/{article_id}": 9,  # + the issues of the add-a-statement form
        "/articles": 4,
        "/actors": 4,
        "/issues": 4,
        "/review": 10,
        "/history": 6,
    }
    # The signed-in user is looked up in a short transaction of its own: SAVEPOINT (in the
    # tests; BEGIN outside them), SELECT, RELEASE.
    signed_in = 3
    for url, budget in budgets.items():
        budget += signed_in
        with counting(client) as statements:
            assert client.get(url).status_code == 200
        assert len(statements) <= budget, f"{url}: {len(statements)} queries"


@pytest.mark.parametrize("words", ["ceasefire", "security guarantees", "zzyzx", "Putin"])
def test_free_text_finds_the_same_statements_by_either_path(session: Session, words: str) -> None:
    """Rare words are looked up in the index first, common ones matched on the walk (on
    SQLite, against the list of matches unless there are too many): every path must give
    exactly the statements whose words match."""
    from app.queries.timeline import text_match

    def found(rare_bound: int, walk: bool = True, list_bound: int = 0) -> set[int]:
        condition = text_match(
            session, words, rare_bound=rare_bound, walk=walk, list_bound=list_bound
        )
        return set(session.scalars(select(Statement.id).where(condition)))

    by_default = found(2000)  # every one of these words is rare in the seeds
    assert found(0) == by_default  # every word counts as common: the walk asks the index
    assert found(0, list_bound=10**9) == by_default  # the walk checks the list of matches
    assert found(0, walk=False) == by_default  # every match at once, for counting
    texts = session.scalars(select(Statement.text).where(Statement.id.in_(by_default))).all()
    first = words.split()[0].lower()[:6]
    assert all(first in text.lower() for text in texts)
    if words == "zzyzx":
        assert by_default == set()
    if words in ("ceasefire", "Putin"):
        assert by_default, f"the seeds have statements with {words!r}"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("actor=%00", "actor"),
        ("q=a%00b", "q"),
        ("outlet=99999999999", "outlet.0"),
        ("outlet=0", "outlet.0"),
    ],
)
def test_values_no_database_can_compare_are_refused(
    client: TestClient, query: str, field: str
) -> None:
    response = client.get(f"/timeline?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert [problem["field"] for problem in response.json()["detail"]] == [field]


@pytest.fixture
def narrow(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """An analyst on a server whose free-text facets count at most the latest 10 matches."""
    yield from client_for(settings.model_copy(update={"facet_window": 10}), factory, extractor)


def test_facet_counts_are_exact_and_free_text_ones_bounded_to_the_latest_matches(
    client: TestClient, narrow: TestClient, session: Session
) -> None:
    """Structured filters are counted exactly however many statements match; with words, past
    FACET_WINDOW matches the counts are of the latest ones, and the page says they are estimated."""
    from app.queries import timeline

    exact = page(client, "/timeline/facets?q=peace")
    assert exact.select_one(".facet-note") is None
    unfiltered = page(narrow, "/timeline/facets")
    assert unfiltered.select_one(".facet-note") is None
    stances = [int(c.get_text()) for c in unfiltered.select("input[name=stance] ~ .count")]
    everything = timeline.statements_query(session, TimelineFilters()).subquery()
    assert sum(stances) == session.scalar(select(func.count()).select_from(everything))
    months = [int(c.get_text()) for c in unfiltered.select("#facets-month .count")]
    assert 0 < sum(months) <= sum(stances)
    windowed = page(narrow, "/timeline/facets?q=peace")
    note = windowed.select_one(".facet-note").get_text()
    assert "Estimated" in note and "latest" in note
    stances = [int(c.get_text()) for c in windowed.select("input[name=stance] ~ .count")]
    assert sum(stances) == 10
    latest = session.scalars(
        timeline.statements_query(session, TimelineFilters(q="peace"))
        .order_by(Statement.said_on.desc().nulls_last(), Statement.id.desc())
        .limit(10)
    ).all()
    supports = sum(1 for s in latest if s.stance == "supports")
    label = windowed.select_one("input[name=stance][value=supports]").parent
    assert int(label.select_one(".count").get_text()) == supports
