"""The exports as a researcher uses them: the CSV, JSON Lines and GraphML files parsed back and
compared with what the database holds for the same filters."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from app.extraction.pipeline import Extractor
from app.models import Actor, Article, Issue, Statement, StatementIssue
from app.queries.timeline import TimelineFilters, statements_query
from app.settings import Settings
from tests.conftest import client_for

REQUIRED_COLUMNS = [
    "id",
    "said_on",
    "said_on_precision",
    "speaker",
    "speaker_kind",
    "speaker_role",
    "kind",
    "text",
    "issue",
    "issues",
    "stance",
    "stance_target",
    "article_title",
    "outlet",
    "url",
    "published",
    "review_status",
    "corroboration",
]


def download(client: TestClient, url: str) -> Response:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return response


def csv_rows(response: Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def jsonl_records(response: Response) -> list[dict[str, Any]]:
    # Split on "\n" only: a record's words may hold other line separators.
    return [json.loads(line) for line in response.text.split("\n") if line]


def timeline_statements(session: Session, filters: TimelineFilters) -> list[Statement]:
    """What the timeline shows for these filters, with everything an export row mentions."""
    return list(
        session.scalars(
            statements_query(session, filters).options(
                joinedload(Statement.speaker),
                joinedload(Statement.article).joinedload(Article.source),
                selectinload(Statement.issues).joinedload(StatementIssue.issue),
                selectinload(Statement.corroborations),
            )
        )
    )


def timeline_ids(session: Session, filters: TimelineFilters) -> set[int]:
    return {statement.id for statement in timeline_statements(session, filters)}


# --- CSV -----------------------------------------------------------------------------------


def test_csv_has_the_columns_and_every_statement_of_the_timeline(
    client: TestClient, session: Session
) -> None:
    response = download(client, "/export/statements.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="parley-statements-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["content-disposition"],
    )
    header = next(csv.reader(io.StringIO(response.text, newline="")))
    assert header[: len(REQUIRED_COLUMNS)] == REQUIRED_COLUMNS

    rows = csv_rows(response)
    statements = {s.id: s for s in timeline_statements(session, TimelineFilters())}
    assert len(statements) > 50  # the seeds
    assert sorted(int(row["id"]) for row in rows) == sorted(statements)
    for row in rows:
        assert None not in row, f"row {row['id']} has more cells than the header"
        s = statements[int(row["id"])]
        slugs = [link.issue.slug for link in s.issues]  # rank order
        assert row["issues"] == ";".join(slugs)
        assert row["issue"] == (slugs[0] if slugs else "")
        assert row["speaker"] == (s.speaker.name if s.speaker else s.speaker_text or "")
        assert row["speaker_kind"] == (s.speaker.kind if s.speaker else "")
        assert row["said_on"] == (s.said_on.isoformat() if s.said_on else "")
        assert row["stance"] == s.stance and row["kind"] == s.kind
        assert row["review_status"] == s.review_status != "rejected"
        assert int(row["corroboration"]) == 1 + len(s.corroborations)
        assert row["article_title"] == s.article.title
        assert row["outlet"] == (s.article.source.name if s.article.source else "")
        assert row["url"] == (s.article.url or "")
        assert row["published"] == (
            s.article.published_on.isoformat() if s.article.published_on else ""
        )
        assert row["statement_url"] == f"http://testserver/statements/{s.id}"
    # Newest first, as on the timeline, undated last.
    days = [row["said_on"] or "0000" for row in rows]
    assert days == sorted(days, reverse=True)


def test_a_story_several_outlets_ran_is_one_row_counting_them(
    client: TestClient, session: Session
) -> None:
    copies = dict(
        session.execute(
            select(Statement.corroborates_id, func.count())
            .where(Statement.corroborates_id.is_not(None))
            .group_by(Statement.corroborates_id)
        )
        .tuples()
        .all()
    )
    assert copies, "the seeds hold statements that several outlets reported"
    rows = {int(row["id"]): row for row in csv_rows(download(client, "/export/statements.csv"))}
    for original, count in copies.items():
        assert int(rows[original]["corroboration"]) == 1 + count
    copy_ids = session.scalars(select(Statement.id).where(Statement.corroborates_id.is_not(None)))
    assert not set(copy_ids) & set(rows)


FILTERED = [
    (
        "actor=vladimir-putin&issue=territory",
        TimelineFilters(actors=("vladimir-putin",), issues=("territory",)),
    ),
    (
        "from=2025-12-01&to=2025-12-31",
        TimelineFilters(date_from=date(2025, 12, 1), date_to=date(2025, 12, 31)),
    ),
    ("stance=opposes", TimelineFilters(stances=("opposes",))),
    ("kind=direct_quote&q=ceasefire", TimelineFilters(kinds=("direct_quote",), q="ceasefire")),
]


@pytest.mark.parametrize(("query", "filters"), FILTERED, ids=[q for q, _ in FILTERED])
def test_csv_honours_the_timeline_filters(
    client: TestClient, session: Session, query: str, filters: TimelineFilters
) -> None:
    rows = csv_rows(download(client, f"/export/statements.csv?{query}"))
    assert rows, "choose filters that match some seed statements"
    assert {int(row["id"]) for row in rows} == timeline_ids(session, filters)
    assert len(rows) < len(timeline_ids(session, TimelineFilters()))
    for row in rows:
        if filters.actors:
            assert row["speaker_slug"] in filters.actors
            assert row["speaker"] == "Vladimir Putin"
        if filters.issues:
            assert set(filters.issues) & set(row["issues"].split(";"))
        if filters.date_from and filters.date_to:
            assert filters.date_from <= date.fromisoformat(row["said_on"]) <= filters.date_to
        if filters.stances:
            assert row["stance"] in filters.stances
        if filters.kinds:
            assert row["kind"] in filters.kinds


@pytest.fixture
def speaker(session: Session) -> Actor:
    """A new actor whose statements are the only ones an export filtered on it shows."""
    actor = Actor(name="Export Tester", slug="export-tester", kind="person")
    session.add(actor)
    session.flush()
    return actor


def say(
    session: Session,
    actor: Actor,
    text: str,
    *,
    stance: str = "neutral",
    issues: tuple[str, ...] = (),
    said_on: date = date(2025, 6, 1),
) -> Statement:
    article_id = session.scalars(select(Article.id).order_by(Article.id)).first()
    issue_ids = dict(session.execute(select(Issue.slug, Issue.id)).tuples().all())
    statement = Statement(
        article_id=article_id,
        speaker_id=actor.id,
        kind="direct_quote",
        text=text,
        start=0,
        end=len(text),
        said_on=said_on,
        said_on_precision="day",
        stance=stance,
        issues=[
            StatementIssue(issue_id=issue_ids[slug], rank=rank) for rank, slug in enumerate(issues)
        ],
    )
    session.add(statement)
    session.flush()
    return statement


TRICKY = 'We said, "no" — twice;\nand then, again:\r\n"no".'
FORMULAS = [
    '=HYPERLINK("http://example.org","x")',
    "+1+1",
    "-2 plus",
    "@SUM(A1)",
    "\tindented",
    "\rreturn",
]


def test_csv_round_trips_commas_quotes_and_newlines(
    client: TestClient, session: Session, speaker: Actor
) -> None:
    statement = say(session, speaker, TRICKY)
    rows = csv_rows(download(client, "/export/statements.csv?actor=export-tester"))
    assert [(int(row["id"]), row["text"]) for row in rows] == [(statement.id, TRICKY)]


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(
    client: TestClient, session: Session, speaker: Actor
) -> None:
    ids = {say(session, speaker, text).id: text for text in [*FORMULAS, "plain words"]}
    rows = csv_rows(download(client, "/export/statements.csv?actor=export-tester"))
    texts = {int(row["id"]): row["text"] for row in rows}
    assert texts == {
        id_: text if text == "plain words" else f"'{text}" for id_, text in ids.items()
    }
    # JSON Lines is read by programs: the words come unchanged.
    records = jsonl_records(download(client, "/export/statements.jsonl?actor=export-tester"))
    assert {r["id"]: r["text"] for r in records} == ids


# --- JSON Lines ----------------------------------------------------------------------------


def test_jsonl_has_the_same_statements_and_fields_as_the_csv(client: TestClient) -> None:
    query = "issue=territory"
    response = download(client, f"/export/statements.jsonl?{query}")
    assert response.headers["content-type"] == "application/x-ndjson"
    assert re.fullmatch(
        r'attachment; filename="parley-statements-\d{4}-\d{2}-\d{2}\.jsonl"',
        response.headers["content-disposition"],
    )
    records = jsonl_records(response)
    rows = csv_rows(download(client, f"/export/statements.csv?{query}"))
    assert records and [r["id"] for r in records] == [int(row["id"]) for row in rows]
    for record, row in zip(records, rows, strict=True):
        assert list(record) == list(row)  # the same fields, in the same order
        assert isinstance(record["issues"], list)
        assert ";".join(record["issues"]) == row["issues"]
        assert "territory" in record["issues"]
        assert record["issue"] == record["issues"][0]
        if record["said_on"] is not None:
            assert date.fromisoformat(record["said_on"]).isoformat() == row["said_on"]
        assert record["corroboration"] == int(row["corroboration"]) >= 1
        assert isinstance(record["confidence"], float)


def test_jsonl_keeps_each_record_on_one_line(
    client: TestClient, session: Session, speaker: Actor
) -> None:
    text = "line one\nline two\u2028still the same record"
    statement = say(session, speaker, text)
    response = download(client, "/export/statements.jsonl?actor=export-tester")
    assert response.text.count("\n") == 1
    assert response.text.splitlines() == [response.text.rstrip("\n")]
    [record] = jsonl_records(response)
    assert (record["id"], record["text"]) == (statement.id, text)


# --- the actor network ---------------------------------------------------------------------


@pytest.fixture
def three_actors(session: Session) -> dict[str, Actor]:
    """A and B support and C opposes on territory; on ceasefire A and B are conditional and C
    both opposes and (mainly) supports. Neutral words and rank-1 issues tie no one."""
    actors = {
        "a": Actor(name='Ann & "Co" <A>', slug="dna-a", kind="person"),
        "b": Actor(name="Bea", slug="dna-b", kind="state"),
        "c": Actor(name="Cy", slug="dna-c", kind="group"),
    }
    session.add_all(actors.values())
    session.flush()
    a, b, c = actors["a"], actors["b"], actors["c"]
    for _ in range(2):
        say(session, a, "A backs the line.", stance="supports", issues=("territory",))
        say(session, a, "A would, if.", stance="conditional", issues=("ceasefire",))
    say(session, a, "A describes the map.", stance="neutral", issues=("territory",))
    for _ in range(3):
        say(session, b, "B backs the line.", stance="supports", issues=("territory",))
    say(session, b, "B would, if.", stance="conditional", issues=("ceasefire",))
    say(session, c, "C rejects the line.", stance="opposes", issues=("territory",))
    say(session, c, "C rejects a truce.", stance="opposes", issues=("ceasefire",))
    # Mainly about the ceasefire; territory only second: no congruence with A and B on it.
    say(session, c, "C wants a truce.", stance="supports", issues=("ceasefire", "territory"))
    return actors


NETWORK_URL = "/export/network.graphml?actor=dna-a&actor=dna-b&actor=dna-c"


def read_graphml(response: Response) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(response.content))


def edges(graph: nx.Graph) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Edges by (relation, one end, other end), ends sorted."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for u, v, data in graph.edges(data=True):
        key = (data["relation"], *sorted((u, v)))
        assert key not in found, f"two {key} edges"
        found[key] = data
    return found


def test_congruence_network_links_actors_on_the_same_side(
    client: TestClient, three_actors: dict[str, Actor]
) -> None:
    response = download(client, NETWORK_URL)
    assert response.headers["content-type"] == "application/graphml+xml; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="parley-network-\d{4}-\d{2}-\d{2}\.graphml"',
        response.headers["content-disposition"],
    )
    graph = read_graphml(response)
    assert not graph.is_directed() and not graph.is_multigraph()
    assert dict(graph.nodes(data=True)) == {
        "dna-a": {"label": 'Ann & "Co" <A>', "slug": "dna-a", "kind": "person", "statements": 5},
        "dna-b": {"label": "Bea", "slug": "dna-b", "kind": "state", "statements": 4},
        "dna-c": {"label": "Cy", "slug": "dna-c", "kind": "group", "statements": 3},
    }
    # territory/supports: min(2, 3) = 2; ceasefire/conditional: min(2, 1) = 1.
    assert edges(graph) == {
        ("congruence", "dna-a", "dna-b"): {
            "weight": 3.0,
            "relation": "congruence",
            "issues": "ceasefire;territory",
            "id": "e0",
        }
    }


def test_conflict_network_links_supporters_and_opponents(
    client: TestClient, three_actors: dict[str, Actor]
) -> None:
    graph = read_graphml(download(client, f"{NETWORK_URL}&relation=conflict"))
    # territory: A (2) and B (3) support, C (1) opposes. C's own "supports" and "opposes" on
    # the ceasefire are no tie: nobody else opposes or supports it.
    assert {key: (d["weight"], d["issues"]) for key, d in edges(graph).items()} == {
        ("conflict", "dna-a", "dna-c"): (1.0, "territory"),
        ("conflict", "dna-b", "dna-c"): (1.0, "territory"),
    }


def test_both_relations_make_a_multigraph_with_an_id_per_edge(
    client: TestClient, session: Session, three_actors: dict[str, Actor]
) -> None:
    # B also opposes territory once: B and A are then tied both ways.
    say(session, three_actors["b"], "B, later, no.", stance="opposes", issues=("territory",))
    response = download(client, f"{NETWORK_URL}&relation=both")
    graph = read_graphml(response)
    assert graph.is_multigraph() and not graph.is_directed()
    found = {key: (d["weight"], d["issues"]) for key, d in edges(graph).items()}
    assert found == {
        ("congruence", "dna-a", "dna-b"): (3.0, "ceasefire;territory"),
        # Both oppose territory once now.
        ("congruence", "dna-b", "dna-c"): (1.0, "territory"),
        # territory: min(A supports 2, B opposes 1) + min(B supports 3, A opposes 0)
        ("conflict", "dna-a", "dna-b"): (1.0, "territory"),
        ("conflict", "dna-a", "dna-c"): (1.0, "territory"),
        # territory: min(B supports 3, C opposes 1) + min(C supports 0, B opposes 1)
        ("conflict", "dna-b", "dna-c"): (1.0, "territory"),
    }
    ids = re.findall(r'<edge id="([^"]+)"', response.text)
    assert len(ids) == len(set(ids)) == graph.number_of_edges() == 5
    assert re.search(
        r'<key id="weight" for="edge" attr.name="weight" attr.type="double"/>', response.text
    )


def test_network_of_the_seeds_counts_what_the_timeline_shows(
    client: TestClient, session: Session
) -> None:
    filters = TimelineFilters(issues=("territory",))
    graph = read_graphml(download(client, "/export/network.graphml?issue=territory&relation=both"))
    spoken: dict[str, int] = {}
    for statement in timeline_statements(session, filters):
        if statement.speaker is not None:
            spoken[statement.speaker.slug] = spoken.get(statement.speaker.slug, 0) + 1
    assert spoken and {n: d["statements"] for n, d in graph.nodes(data=True)} == spoken
    for u, v, data in graph.edges(data=True):
        assert data["relation"] in {"congruence", "conflict"} and data["weight"] >= 1
        assert u != v and data["issues"]


# --- errors, streaming, access, links -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "words"),
    [
        ("/export/statements.csv?stance=maybe", "stance.0", "supports"),
        ("/export/statements.jsonl?from=notadate", "from", "YYYY-MM-DD"),
        ("/export/network.graphml?relation=friends", "relation", "congruence"),
        # Values PostgreSQL cannot compare are refused before the download starts.
        ("/export/statements.csv?actor=%00", "actor", "control characters"),
        (
            "/export/statements.csv?outlet=99999999999",
            "outlet.0",
            "less than or equal to 2147483647",
        ),
    ],
)
def test_bad_values_are_422_with_a_message(
    client: TestClient, url: str, field: str, words: str
) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == field and words in problem["message"]
    page = client.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 422 and "not valid" in page.text


@pytest.fixture
def executed(client: TestClient) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Each SQL statement the app runs, with its execution options."""
    connection: Connection = client.app.state.sessionmaker.kw["bind"]  # type: ignore[attr-defined]
    seen: list[tuple[str, dict[str, Any]]] = []

    def record(_conn, _cursor, statement, _params, context, _many):  # type: ignore[no-untyped-def]
        seen.append((statement, dict(context.execution_options)))

    event.listen(connection, "before_cursor_execute", record)
    yield seen
    event.remove(connection, "before_cursor_execute", record)


def test_statements_are_streamed_in_chunks(
    client: TestClient, executed: list[tuple[str, dict[str, Any]]]
) -> None:
    with client.stream("GET", "/export/statements.csv") as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # a stream, not a body built first
        body = "".join(response.iter_text())
    assert body.startswith("id,said_on,")
    reads = [options for sql, options in executed if "statement.text" in sql]
    assert reads and all(options.get("yield_per") == 1000 for options in reads)


def test_network_is_counted_by_the_database(
    client: TestClient, executed: list[tuple[str, dict[str, Any]]]
) -> None:
    download(client, "/export/network.graphml?relation=both")
    grouped = [sql for sql, _ in executed if "GROUP BY" in sql and "statement" in sql]
    assert any("statement.stance" in sql.split("GROUP BY")[1] for sql in grouped)
    # No query reads the statements' words: only counts leave the database.
    assert not any("statement.text" in sql for sql, _ in executed)


def test_anonymous_readers_download_when_reading_is_public(anonymous: TestClient) -> None:
    assert download(anonymous, "/export/statements.csv?issue=territory").text.startswith("id,")


def test_exports_need_a_login_when_reading_is_not_public(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> None:
    closed = settings.model_copy(update={"public_read": False})
    for private in client_for(closed, factory, extractor, role=None):
        for url in (
            "/export/statements.csv",
            "/export/statements.jsonl",
            "/export/network.graphml",
        ):
            refused = private.get(url, headers={"Accept": "application/json"})
            assert refused.status_code == 401, url
            assert not refused.text.startswith("id,")


def test_timeline_links_to_the_exports_with_its_filters(
    client: TestClient, session: Session
) -> None:
    url = "/timeline?actor=vladimir-putin&issue=territory&q=&after=2025-12-01_1"
    soup = BeautifulSoup(client.get(url, headers={"Accept": "text/html"}).text, "html.parser")
    links = {a.get_text(strip=True): a for a in soup.select("#results .export-links a")}
    assert list(links) == ["CSV", "JSON Lines", "Network (GraphML)"]
    paths = {
        "CSV": "/export/statements.csv",
        "JSON Lines": "/export/statements.jsonl",
        "Network (GraphML)": "/export/network.graphml",
    }
    for label, link in links.items():
        href = urlsplit(link["href"])
        assert href.path == paths[label]
        assert href.query == "actor=vladimir-putin&issue=territory"  # no cursor, no blanks
        # Plain downloads: nothing htmx would take over, on the link or around it.
        assert not [name for name in link.attrs if name.startswith("hx-")]
        assert not [p for p in link.parents if p.has_attr("hx-boost") or p.has_attr("hx-get")]
    rows = csv_rows(download(client, links["CSV"]["href"]))
    filters = TimelineFilters(actors=("vladimir-putin",), issues=("territory",))
    assert {int(row["id"]) for row in rows} == timeline_ids(session, filters)
    # htmx asks for the results alone when a filter changes: the links follow the filters.
    fragment = client.get("/timeline?stance=opposes", headers={"HX-Request": "true"})
    soup = BeautifulSoup(fragment.text, "html.parser")
    hrefs = [a["href"] for a in soup.select(".export-links a")]
    assert hrefs[0] == "/export/statements.csv?stance=opposes"
    plain = BeautifulSoup(client.get("/timeline").text, "html.parser")
    assert plain.select_one(".export-links a")["href"] == "/export/statements.csv"
