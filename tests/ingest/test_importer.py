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
from app.models import Actor, Article, Statement, StatementIssue
from app.models.tally import issue_set

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


def test_statements_are_inserted_with_the_issue_sets_the_triggers_keep(session: Session) -> None:
    """The importer writes each statement's sets of issues and of issues ranked first with the
    row, so the triggers on its links find them right and never rewrite the statement (which
    would take it out of the tallies and put it back); here they agree with the links."""
    rows = session.execute(
        select(
            Statement.id,
            Statement.issue_ids,
            Statement.lead_issue_ids,
            StatementIssue.issue_id,
            StatementIssue.rank,
        ).outerjoin(StatementIssue, StatementIssue.statement_id == Statement.id)
    ).all()
    links: dict[int, list[tuple[int, int]]] = {}
    stored: dict[int, tuple[str, str]] = {}
    for statement_id, issue_ids, lead_issue_ids, issue_id, rank in rows:
        stored[statement_id] = (issue_ids, lead_issue_ids)
        if issue_id is not None:
            links.setdefault(statement_id, []).append((issue_id, rank))
    assert any(lead for _, lead in stored.values()), "the seeds rank some issues first"
    for statement_id, (issue_ids, lead_issue_ids) in stored.items():
        its = links.get(statement_id, [])
        assert issue_ids == issue_set(issue for issue, _ in its)
        assert lead_issue_ids == issue_set(issue for issue, rank in its if rank == 0)


def test_a_new_statement_repeating_an_earlier_one_is_linked_to_it(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    importer = ArticleImporter(factory, extractor)
    first = importer.import_input(
        ArticleInput(text=TEXT, title="First", outlet="Wire One", published_on=date(2025, 5, 16))
    )
    again = importer.import_input(
        ArticleInput(
            text="In other news today. " + TEXT,
            title="Second",
            outlet="Wire Two",
            published_on=date(2025, 5, 16),
        )
    )
    assert first.status == again.status == "imported"
    earlier = {
        s.text: s.id
        for s in session.scalars(select(Statement).where(Statement.article_id == first.article_id))
    }
    later = session.scalars(select(Statement).where(Statement.article_id == again.article_id)).all()
    assert later and all(s.corroborates_id == earlier[s.text] for s in later)
