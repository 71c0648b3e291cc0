"""Curation in the browser's terms: the review queue, in-place (htmx) and plain-form confirm,
edit and reject, adding a statement from the article, actor edits, history and undo."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Actor, ActorAlias, Article, AuditEntry, Statement
from tests.conftest import page_csrf
from tests.forms import hidden_fields, htmx_headers, submit

HTMX = {"HX-Request": "true"}


def html(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]


def machine_statement(session: Session) -> Statement:
    return session.scalars(
        select(Statement)
        .where(Statement.review_status == "machine", Statement.speaker_id.is_not(None))
        .order_by(Statement.id)
    ).first()


def test_the_queue_lists_machine_statements_least_confident_first(
    client: TestClient, session: Session
) -> None:
    page = html(client.get("/review"))
    ids = [int(item["id"].removeprefix("review-")) for item in page.select(".review-item")]
    assert ids
    rows = {s.id: s for s in session.scalars(select(Statement).where(Statement.id.in_(ids)))}
    assert all(rows[i].review_status == "machine" for i in ids)
    confidences = [rows[i].confidence for i in ids]
    assert confidences == sorted(confidences)
    least = session.scalar(
        select(func.min(Statement.confidence)).where(Statement.review_status == "machine")
    )
    assert confidences[0] == least
    remaining = session.scalar(
        select(func.count())
        .select_from(Statement)
        .where(Statement.review_status == "machine", Statement.corroborates_id.is_(None))
    )
    assert f"{remaining:,} machine-made" in page.select_one("h1").get_text()
    # Each item carries its keyboard-driven actions.
    first = page.select_one(".review-item")
    assert {b.get("data-key") for b in first.select("[data-key]")} == {"c", "e", "x"}


def test_each_queued_statement_shows_its_words_in_their_article(
    client: TestClient, session: Session
) -> None:
    page = html(client.get("/review"))
    items = page.select(".review-item")
    assert items
    for item in items:
        statement = session.get(Statement, int(item["id"].removeprefix("review-")))
        article = session.get(Article, statement.article_id)
        source = item.select_one("p.source-text")
        # Right under the statement, the article's own words, the statement's highlighted.
        assert source.find_previous_sibling("article")["id"] == f"statement-{statement.id}"
        assert source.select_one("mark").get_text() == statement.text
        around = source.get_text().removeprefix("In the article: ").strip("…")
        assert around in article.text
        # Its actions in one row, in the order the keys are listed.
        row = item.select_one(".review-actions .one-line")
        assert [b.get("data-key") for b in row.select("[data-key]")] == ["c", "e", "x"]


def test_confirm_all_from_an_article_confirms_its_statements_each_undoable(
    client: TestClient, session: Session
) -> None:
    page = html(client.get("/review"))
    form = page.select_one("form.confirm-article")
    article_id = int(re.search(r"/articles/(\d+)/confirm", form["action"]).group(1))
    queued = (Statement.review_status == "machine", Statement.corroborates_id.is_(None))
    waiting = set(
        session.scalars(select(Statement.id).where(Statement.article_id == article_id, *queued))
    )
    assert form.select_one("button").get_text(strip=True) == (
        f"Confirm all {len(waiting)} from this article"
    )
    elsewhere = session.scalar(
        select(func.count()).where(Statement.article_id != article_id, *queued)
    )
    response = submit(
        client,
        "/review",
        selector=f"form.confirm-article[action='/articles/{article_id}/confirm']",
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/review?confirmed={len(waiting)}&article={article_id}"
    notice = html(client.get(response.headers["location"])).select_one(".message.success")
    assert f"Confirmed {len(waiting)} statements" in notice.get_text()
    session.expire_all()
    statuses = session.scalars(select(Statement.review_status).where(Statement.id.in_(waiting)))
    assert set(statuses) == {"confirmed"}
    assert session.scalar(select(func.count()).where(*queued)) == elsewhere
    # One entry each in the history, each with its own undo.
    history = html(client.get("/history?entity=statement"))
    entries = [
        li for li in history.select("li.history-entry") if f"article {article_id})" in li.get_text()
    ]
    assert len(entries) == len(waiting)
    undo = entries[0].select_one("form[action^='/history/']")
    undone = client.post(undo["action"], data={**hidden_fields(undo), "next": "/review"})
    assert undone.status_code == 200
    session.expire_all()
    statuses = session.scalars(select(Statement.review_status).where(Statement.id.in_(waiting)))
    assert sorted(statuses) == ["confirmed"] * (len(waiting) - 1) + ["machine"]


def test_confirm_all_of_an_unknown_article_is_a_404(client: TestClient) -> None:
    token = {"csrf_token": page_csrf(client, "/review")}
    assert client.post("/articles/999999/confirm", data=token).status_code == 404


def test_the_queue_pages_by_keyset_without_repeats(client: TestClient, session: Session) -> None:
    seen: list[int] = []
    url: str | None = "/review"
    while url:
        page = html(client.get(url, headers=HTMX if seen else {}))
        seen += [int(i["id"].removeprefix("review-")) for i in page.select(".review-item")]
        more = page.select_one("#review-more a")
        url = more["href"] if more else None
    expected = session.scalar(
        select(func.count())
        .select_from(Statement)
        .where(Statement.review_status == "machine", Statement.corroborates_id.is_(None))
    )
    assert len(seen) == len(set(seen)) == expected


def test_htmx_confirm_swaps_the_item_and_offers_undo(client: TestClient, session: Session) -> None:
    statement = machine_statement(session)
    response = client.post(
        f"/statements/{statement.id}/confirm", headers=htmx_headers(client, "/review")
    )
    assert response.status_code == 200
    item = html(response).select_one(f"#review-{statement.id}")
    assert item is not None and "status-confirmed" in item["class"]
    assert "Confirmed statement" in item.get_text()
    undo_form = item.select_one("form[action^='/history/']")
    assert undo_form is not None
    session.expire_all()
    assert session.get(Statement, statement.id).review_status == "confirmed"
    client.post(undo_form["action"], data={**hidden_fields(undo_form), "next": "/review"})
    session.expire_all()
    assert session.get(Statement, statement.id).review_status == "machine"


def test_plain_form_reject_redirects_back(client: TestClient, session: Session) -> None:
    statement = machine_statement(session)
    response = submit(
        client,
        f"/statements/{statement.id}",
        {"next": "/review"},
        selector=f"form[action='/statements/{statement.id}/reject']",
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/review"
    session.expire_all()
    assert session.get(Statement, statement.id).review_status == "rejected"
    # A page opened before the rejection still holds the forms: sent again, they are refused.
    token = {"csrf_token": page_csrf(client)}
    again = client.post(f"/statements/{statement.id}/reject", data=token)
    assert again.status_code == 409
    assert client.post(f"/statements/{statement.id}/confirm", data=token).status_code == 409


def edit_form(statement: Statement, **changes: str) -> dict[str, str]:
    return {
        "speaker": "dmitry-peskov",
        "kind": statement.kind,
        "stance": "opposes",
        "stance_target": "a ceasefire",
        "issue": "ceasefire",
        "issues": "territory",
        "said_on": "2025-05-16",
        "said_on_precision": "day",
        "start": str(statement.start),
        "end": str(statement.end),
        **changes,
    }


def test_an_edit_with_mistakes_shows_them_by_field_and_saves_nothing(
    client: TestClient, session: Session
) -> None:
    statement = machine_statement(session)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.post(
        f"/statements/{statement.id}/edit",
        data=edit_form(statement, speaker="Nobody Atall", said_on="16 May"),
        headers=htmx_headers(client, "/review"),
    )
    assert response.status_code == 422
    page = html(response)
    assert "No actor is called" in page.select_one(f"#speaker-error-{statement.id}").get_text()
    assert "YYYY-MM-DD" in page.select_one(f"#said_on-error-{statement.id}").get_text()
    assert page.select_one("input[name=speaker]")["value"] == "Nobody Atall"  # kept for fixing
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert session.get(Statement, statement.id).review_status == "machine"


def test_an_edit_saves_every_field_and_shows_in_the_history(
    client: TestClient, session: Session
) -> None:
    statement = machine_statement(session)
    form = html(client.get(f"/statements/{statement.id}/edit", headers=HTMX))
    assert form.select_one("form.statement-form")["hx-post"] == f"/statements/{statement.id}/edit"
    # A stance other than the one extraction gave, so that the history has a change to show.
    stance = "conditional" if statement.stance != "conditional" else "supports"
    response = submit(
        client,
        f"/statements/{statement.id}/edit",
        edit_form(statement, stance=stance),
        selector="form.statement-form",
    )
    assert response.status_code == 200  # followed to the statement's page
    session.expire_all()
    saved = session.get(Statement, statement.id)
    peskov = session.scalars(select(Actor).where(Actor.slug == "dmitry-peskov")).one()
    assert (saved.speaker_id, saved.stance, saved.stance_target) == (
        peskov.id,
        stance,
        "a ceasefire",
    )
    assert saved.review_status == "edited"
    page = html(response)
    history = page.select_one("ol.history").get_text(" ", strip=True)
    assert "statement.edit" in history and "analyst@example.org" in history
    diff = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
        for row in page.select("table.diff tbody tr")
    }
    assert diff["speaker"][1] == "Dmitry Peskov"
    assert diff["stance"][1] == stance


def test_adding_a_statement_from_the_article(client: TestClient, session: Session) -> None:
    article = session.scalars(select(Article).order_by(Article.id)).first()
    page = html(client.get(f"/articles/{article.id}"))
    form = page.select_one("#add-statement form")
    assert form["action"] == f"/articles/{article.id}/statements"
    runs = page.select("#article-text [data-offset]")
    assert "".join(r.get_text() for r in runs) == article.text
    assert all(article.text.startswith(r.get_text(), int(r["data-offset"])) for r in runs)
    start = article.text.index("Putin")
    response = client.post(
        form["action"],
        data={
            **hidden_fields(form),
            "speaker": "Putin",
            "kind": "reported",
            "stance": "neutral",
            "issue": "ceasefire",
            "start": str(start),
            "end": str(start + 25),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    new_id = int(re.search(r"/statements/(\d+)", response.headers["location"]).group(1))
    added = session.get(Statement, new_id)
    assert added.text == article.text[start : start + 25] and added.origin == "analyst"
    bad = client.post(
        form["action"], data={**hidden_fields(form), "kind": "reported", "stance": "neutral"}
    )
    assert bad.status_code == 422
    assert "start and an end" in bad.text


def test_actor_rename_alias_and_merge_through_the_pages(
    client: TestClient, session: Session
) -> None:
    create = submit(
        client, "/actors", {"name": "Vladimir Z", "kind": "person"}, "form[action='/actors']"
    )
    assert create.status_code == 200
    twin = session.scalars(select(Actor).where(Actor.name == "Vladimir Z")).one()
    assert client.get(f"/actors/{twin.slug}/edit").status_code == 200
    edit = f"/actors/{twin.slug}/edit"
    aliases = f"form[action='/actors/{twin.slug}/aliases']"
    merge = f"form[action='/actors/{twin.slug}/merge']"
    taken = submit(client, edit, {"alias": "Zelenskyy"}, aliases)
    assert taken.status_code == 422
    assert "already names Volodymyr Zelensky" in taken.text
    ok = submit(client, edit, {"alias": "V. Zelenskyi"}, aliases)
    assert ok.status_code == 200
    assert "V. Zelenskyi" in set(
        session.scalars(select(ActorAlias.alias).where(ActorAlias.actor_id == twin.id))
    )
    unknown = submit(client, edit, {"into": "Nobody Atall"}, merge)
    assert unknown.status_code == 422 and "No actor is called" in unknown.text
    merged = submit(client, edit, {"into": "volodymyr-zelensky"}, merge, follow_redirects=False)
    assert merged.status_code == 303
    assert merged.headers["location"] == "/actors/volodymyr-zelensky"
    old = client.get(f"/actors/{twin.slug}", follow_redirects=False)
    assert old.headers["location"] == f"/actors/volodymyr-zelensky?merged={twin.slug}"
    survivor = html(client.get(old.headers["location"]))
    assert "was merged into Volodymyr Zelensky" in survivor.get_text()
    undo = survivor.select_one("ol.history form[action^='/history/']")
    undone = client.post(undo["action"], data={**hidden_fields(undo), "next": "/actors"})
    assert undone.status_code == 200
    session.expire_all()
    assert session.get(Actor, twin.id).merged_into_id is None


def test_the_history_page_lists_changes_with_their_authors(
    client: TestClient, session: Session
) -> None:
    statement = machine_statement(session)
    client.post(f"/statements/{statement.id}/confirm", headers=htmx_headers(client, "/review"))
    page = html(client.get("/history?entity=statement"))
    first = page.select_one("li.history-entry")
    assert "analyst@example.org" in first.get_text()
    assert first.select_one(f"a[href='/statements/{statement.id}']") is not None
    assert client.get("/history?entity=planets").status_code == 422
