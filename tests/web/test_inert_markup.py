"""Article text is data, never markup: an article carrying <script> and event handlers shows
them as text on every page that shows its words."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Actor, Article, Statement
from tests.forms import submit

HOSTILE_TITLE = 'Talks <script>alert("title")</script><img src=x onerror="alert(1)">'
HOSTILE_TEXT = """KYIV — Talks resumed on Tuesday.

"We will never give up our land <script>alert('quote')</script> to anyone," Zelensky said on Tuesday.

Kremlin spokesman Dmitry Peskov said the ceasefire proposal <b onmouseover="alert(2)">was unacceptable</b>.
"""


def import_hostile_article(client: TestClient, session: Session) -> Article:
    response = submit(
        client,
        "/upload",
        data={
            "title": HOSTILE_TITLE,
            "text": HOSTILE_TEXT,
            "outlet": 'Evil <script>alert("outlet")</script> News',
            "published": "2025-05-20",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    article = session.scalars(select(Article).where(Article.title == HOSTILE_TITLE)).one()
    assert session.scalars(select(Statement).where(Statement.article_id == article.id)).first()
    return article


def assert_inert(html: str, where: str) -> None:
    page = BeautifulSoup(html, "html.parser")
    scripts = [tag for tag in page.find_all("script") if not tag.get("src")]
    assert not scripts, f"{where}: an inline script got through"
    handlers = [
        (tag.name, attr)
        for tag in page.find_all(True)
        for attr in tag.attrs
        if attr.startswith("on")
    ]
    assert not handlers, f"{where}: {handlers}"
    assert not page.find_all("img", src="x"), where


def test_hostile_article_text_is_shown_inert_everywhere(
    client: TestClient, session: Session
) -> None:
    article = import_hostile_article(client, session)
    statements = list(session.scalars(select(Statement).where(Statement.article_id == article.id)))
    speakers = {s.speaker_id for s in statements if s.speaker_id}
    slugs = list(session.scalars(select(Actor.slug).where(Actor.id.in_(speakers))))
    pages = [
        "/",
        "/timeline?q=script",
        "/timeline?from=2025-05-20&to=2025-05-20",
        "/articles",
        f"/articles/{article.id}",
        "/review",
        "/history",
        "/issues/ceasefire",
        "/jobs",
        *(f"/statements/{s.id}" for s in statements),
        *(f"/statements/{s.id}/edit" for s in statements),
        *(f"/actors/{slug}" for slug in slugs),
    ]
    shown = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.text, url)
        if "&lt;script&gt;" in response.text:
            shown += 1
    # The words themselves are there, escaped, on the article's and statements' pages.
    assert shown >= 1 + len(statements)
    article_page = client.get(f"/articles/{article.id}").text
    text = BeautifulSoup(article_page, "html.parser").select_one("#article-text").get_text()
    assert text == article.text
