"""One real-world event reported by several outlets is one event with a mention in each
article; re-extracting one article keeps the event the others report."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.curation.audit import Editor
from app.curation.reextract import reextract
from app.extraction.pipeline import Extractor
from app.ingest.importer import ArticleInput
from app.ingest.service import ArticleImporter
from app.models import Event, EventArticle
from tests.forms import submit

FIRST = (
    "Russian and Ukrainian delegations held talks in Istanbul on Monday, with Rustem Umerov "
    "and Vladimir Medinsky leading the two sides. On Monday, Umerov said the talks had lasted an hour."
)
SECOND = (
    "ISTANBUL — The second round of direct talks between Russia and Ukraine took place in "
    "Istanbul on Monday. Medinsky met Umerov at the Ciragan Palace for about an hour, officials "
    "said, and both sides agreed on another prisoner exchange."
)
ELSEWHERE = (
    "Ukraine and Russia held talks in Riyadh on Monday on a maritime truce, Zelensky's office "
    "said; Umerov led Kyiv's team."
)


def talks(session: Session) -> list[Event]:
    return list(
        session.scalars(
            select(Event)
            .where(Event.kind == "talks", Event.occurred_on == date(2025, 6, 2))
            .options(selectinload(Event.mentions), selectinload(Event.participants))
            .execution_options(populate_existing=True)
        )
    )


def test_two_outlets_one_event_and_a_talk_elsewhere_another(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    importer = ArticleImporter(factory, extractor)
    ids = [
        importer.import_input(
            ArticleInput(text=text, title=title, outlet=outlet, published_on=date(2025, 6, 3))
        ).article_id
        for text, title, outlet in (
            (FIRST, "Talks in Istanbul", "Wire A"),
            (SECOND, "Second round", "Wire B"),
            (ELSEWHERE, "Riyadh talks", "Wire C"),
        )
    ]
    found = talks(session)
    istanbul = [e for e in found if e.location == "Istanbul"]
    assert len(istanbul) == 1, [(e.title, e.location) for e in found]
    assert {m.article_id for m in istanbul[0].mentions} == {ids[0], ids[1]}
    assert len(found) == 2  # Riyadh is another event
    # Re-extracting the first article keeps the shared event and its mention of it.
    list(reextract(factory, extractor, [ids[0]], Editor(None, "test")))
    again = [e for e in talks(session) if e.location == "Istanbul"]
    assert len(again) == 1
    assert {m.article_id for m in again[0].mentions} == {ids[0], ids[1]}
    mentions = session.scalar(
        select(func.count()).select_from(EventArticle).where(EventArticle.article_id == ids[0])
    )
    assert mentions >= 1


def test_the_timeline_shows_one_card_with_each_report(client: TestClient) -> None:
    for text, title in ((FIRST, "Talks in Istanbul"), (SECOND, "Second round")):
        submit(client, "/upload", {"title": title, "text": text, "published": "2025-06-03"})
    page = BeautifulSoup(client.get("/timeline?from=2025-06-02&to=2025-06-02").text, "html.parser")
    cards = [c for c in page.select("article.event-talks") if "Istanbul" in c.get_text()]
    assert len(cards) == 1
    assert "reported in 2 articles" in cards[0].select_one(".evidence").get_text()
