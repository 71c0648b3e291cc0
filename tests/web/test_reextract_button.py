"""The article page's "Re-extract this article" button, pressed as a browser does: extraction
runs again in a child process under the imports' time budget, so the web process never runs
the pipeline itself, and an article that outlasts the budget is left exactly as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.extraction.pipeline import Extractor
from app.extraction.types import ExtractionResult
from app.extraction.types import Statement as Found
from app.ingest.importer import ArticleInput, store_article
from app.models import Statement
from app.settings import Settings
from tests.conftest import client_for
from tests.forms import submit
from tests.ingest.test_budget import GOOD, SLOW

BUTTON = "form.reextract"


@pytest.fixture
def hurried(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """An analyst on a server whose extraction budget is two seconds."""
    budget = settings.model_copy(update={"extract_timeout_seconds": 2.0})
    yield from client_for(budget, factory, extractor)


def stored(factory: sessionmaker[Session], text: str, extractor: Extractor) -> int:
    """An article stored with one statement that extraction would not find (a stale result)."""
    stale = Found(kind="reported", text=text[:20], start=0, end=20, said_on=date(2025, 3, 3))
    item = ArticleInput(text=text, title="Re-extract me", published_on=date(2025, 3, 3))
    with transaction(factory) as session:
        outcome = store_article(session, item, ExtractionResult([stale]), extractor.codebook)
    assert outcome.article_id is not None
    return outcome.article_id


def spans(session: Session, article_id: int) -> list[tuple[int, int]]:
    session.expire_all()
    rows = select(Statement.start, Statement.end).where(Statement.article_id == article_id)
    return sorted((start, end) for start, end in session.execute(rows))


def test_the_button_extracts_the_article_again(
    hurried: TestClient, factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    article_id = stored(factory, GOOD, extractor)
    assert spans(session, article_id) == [(0, 20)]

    response = submit(hurried, f"/articles/{article_id}", selector=BUTTON)

    assert response.status_code == 200 and "statements" in response.text
    assert "reextracted=" in str(response.url)
    found = spans(session, article_id)
    assert found and (0, 20) not in found  # the stale statement replaced by what is found now
    assert GOOD[found[0][0] : found[0][1]].startswith("Moscow would not accept")


def test_an_article_over_the_budget_is_left_as_it_was(
    hurried: TestClient, factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    article_id = stored(factory, SLOW, extractor)
    before = session.scalar(select(func.count()).select_from(Statement))

    response = submit(hurried, f"/articles/{article_id}", selector=BUTTON)

    assert response.status_code == 422
    assert "Extraction took longer than 2 s; nothing was changed." in response.text
    assert spans(session, article_id) == [(0, 20)]
    assert session.scalar(select(func.count()).select_from(Statement)) == before
    assert hurried.get("/timeline").status_code == 200  # and the server goes on
