"""One article into the database, whole or not at all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.codebook import Codebook
from app.extraction.pipeline import Extractor
from app.extraction.types import ExtractionResult
from app.extraction.types import Statement as ExtractedStatement
from app.ingest.importer import ArticleInput, content_hash, store_article
from app.ingest.service import ArticleImporter
from app.models import Actor, Article, Statement

TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that Moscow was ready for a new round of "
    "talks in Istanbul. “We are not against a ceasefire,” Aistė Vaitiekūnienė, a Lithuanian "
    "deputy minister, told reporters."
)


def test_content_hash_ignores_whitespace_and_case() -> None:
    assert content_hash("A  text\nhere ") == content_hash("a text here")
    assert content_hash("a text") != content_hash("another text")


def test_import_stores_text_statements_and_new_actors(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    importer = ArticleImporter(factory, extractor)
    outcome = importer.import_input(
        ArticleInput(
            text=TEXT, title="Test article", outlet="Test Wire", published_on=date(2025, 5, 16)
        )
    )
    assert outcome.status == "imported"
    article = session.get(Article, outcome.article_id)
    assert article is not None and article.text == TEXT
    statements = session.scalars(select(Statement).where(Statement.article_id == article.id)).all()
    assert {s.text for s in statements} >= {
        "Moscow was ready for a new round of talks in Istanbul",
        "We are not against a ceasefire,",
    }
    for statement in statements:
        assert TEXT[statement.start : statement.end] == statement.text
    peskov = next(s for s in statements if s.text.startswith("Moscow"))
    assert peskov.said_on == date(2025, 5, 13)
    new_actor = session.scalars(select(Actor).where(Actor.name == "Aistė Vaitiekūnienė")).one()
    assert new_actor.needs_review


def test_reimporting_the_same_text_is_a_duplicate(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    importer = ArticleImporter(factory, extractor)
    first = importer.import_input(ArticleInput(text=TEXT, title="One"))
    again = importer.import_input(ArticleInput(text=TEXT.replace(" ", "  "), title="Two"))
    assert again.status == "duplicate"
    assert again.article_id == first.article_id
    assert (
        session.scalar(select(func.count()).select_from(Article).where(Article.title == "Two")) == 0
    )


def test_a_failing_import_leaves_nothing_behind(
    factory: sessionmaker[Session], session: Session, codebook: Codebook
) -> None:
    before = session.scalar(select(func.count()).select_from(Article))
    broken = ExtractionResult(
        statements=[ExtractedStatement(kind="not-a-kind", text="x", start=0, end=1)]
    )
    with pytest.raises(IntegrityError), factory() as writer, writer.begin():
        store_article(
            writer, ArticleInput(text="Some new text entirely.", title="Broken"), broken, codebook
        )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Article)) == before


def test_publication_date_falls_back_to_the_dateline_then_to_unknown() -> None:
    from app.ingest.documents import Document
    from app.ingest.service import article_input

    dated = Document(
        text="MOSCOW, May 16, 2025 (Reuters) — Peskov said talks would go on.",
        file_name="a.txt",
        file_type="text/plain",
        sha256="",
    )
    item = article_input(dated, None)
    assert item.published_on == date(2025, 5, 16)
    assert item.published_precision == "day" and not item.needs_review
    undated = Document(
        text="Peskov said on Tuesday that talks would go on.",
        file_name="b.txt",
        file_type="text/plain",
        sha256="",
    )
    item = article_input(undated, None)
    assert item.published_on is None
    assert item.published_precision == "unknown" and item.needs_review
