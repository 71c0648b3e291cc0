"""The statement tally stays exact whatever door a change comes through: after each import,
edit, review, merge, undo, re-extraction, deletion and move, it equals a count from scratch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.curation import actors as actor_curation
from app.curation import statements as curation
from app.curation.audit import Editor
from app.curation.reextract import apply_reextraction
from app.curation.undo import undo
from app.db import transaction
from app.extraction.pipeline import Extractor
from app.ingest.importer import ArticleInput, store_article
from app.ingest.service import ArticleImporter
from app.models import Actor, Article, Issue, Source, Statement, StatementIssue
from app.queries.tally import issues_tallied, recount, recount_issues, tallied
from tests.conftest import SEEDS_DIR, CommittedDatabase

EDITOR = Editor(None, "tester")
TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that Moscow was ready for a new round of "
    "talks in Istanbul. “We are not against a ceasefire,” Aistė Vaitiekūnienė, a Lithuanian "
    "deputy minister, told reporters."
)


def assert_exact(session: Session) -> None:
    session.flush()
    expected = recount(session)
    assert expected, "the tally must have something to count"
    assert tallied(session) == expected
    # The issue tally (the issue page's counts by reason) too.
    by_issue = recount_issues(session)
    assert by_issue, "the issue tally must have something to count"
    assert issues_tallied(session) == by_issue


def busiest_article(session: Session) -> Article:
    article_id = session.scalar(
        select(Statement.article_id)
        .group_by(Statement.article_id)
        .order_by(func.count().desc(), Statement.article_id)
        .limit(1)
    )
    return session.get(Article, article_id)


def statements_of(session: Session, article_id: int) -> list[Statement]:
    return list(
        session.scalars(
            select(Statement).where(Statement.article_id == article_id).order_by(Statement.id)
        )
    )


def test_the_seeded_tally_is_exact(session: Session) -> None:
    assert_exact(session)


def test_an_import_is_counted(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    before = sum(tallied(session).values())
    outcome = ArticleImporter(factory, extractor).import_input(
        ArticleInput(text=TEXT, title="Tally", outlet="Tally Wire", published_on=date(2025, 5, 16))
    )
    assert outcome.status == "imported"
    assert sum(tallied(session).values()) > before
    assert_exact(session)


def test_edits_reviews_and_their_undo_are_counted(session: Session) -> None:
    article = busiest_article(session)
    first, second, third = statements_of(session, article.id)[:3]
    other = session.scalars(select(Actor).where(Actor.id != first.speaker_id)).first()
    form = {
        "speaker": other.slug,
        "kind": "reported" if first.kind == "direct_quote" else "direct_quote",
        "stance": "opposes" if first.stance != "opposes" else "supports",
        "issues": ["territory", "sanctions"],
        "said_on": "2025-01-02",
        "said_on_precision": "day",
        "start": first.start,
        "end": first.end,
    }
    fields, errors = curation.parse_fields(session, article, form)
    assert not errors and fields is not None
    edited = curation.edit(session, EDITOR, first, fields)
    assert_exact(session)
    rejected = curation.reject(session, EDITOR, second)
    assert_exact(session)
    curation.confirm(session, EDITOR, third)
    assert_exact(session)
    undo(session, EDITOR, rejected)
    assert_exact(session)
    undo(session, EDITOR, edited)
    assert_exact(session)
    curation.confirm_article(session, EDITOR, article.id)
    assert_exact(session)


def test_merging_actors_and_undoing_the_merge_are_counted(session: Session) -> None:
    speakers = session.execute(
        select(Statement.speaker_id)
        .where(Statement.speaker_id.is_not(None))
        .group_by(Statement.speaker_id)
        .order_by(func.count().desc())
        .limit(2)
    ).scalars()
    survivor, loser = (session.get(Actor, actor_id) for actor_id in speakers)
    entry = actor_curation.merge(session, EDITOR, loser, survivor)
    assert_exact(session)
    undo(session, EDITOR, entry)
    assert_exact(session)


def test_reextraction_is_counted(session: Session, extractor: Extractor) -> None:
    article = busiest_article(session)
    statements = statements_of(session, article.id)
    curation.reject(session, EDITOR, statements[0])
    statements[1].stance, statements[1].said_on = "conditional", date(2020, 1, 1)
    session.execute(delete(StatementIssue).where(StatementIssue.statement_id == statements[2].id))
    session.flush()
    assert_exact(session)
    result = extractor.extract(article.text, published=article.published_on, title=article.title)
    apply_reextraction(session, article, result, extractor.codebook, EDITOR)
    assert_exact(session)


def test_deleting_an_article_and_its_originals_is_counted(session: Session) -> None:
    copy = session.scalars(select(Statement).where(Statement.corroborates_id.is_not(None))).first()
    if copy is not None:  # deleting the original's article brings its copies onto the timeline
        original = session.get(Statement, copy.corroborates_id)
        session.execute(delete(Article).where(Article.id == original.article_id))
        assert_exact(session)
    article = busiest_article(session)
    session.execute(delete(Article).where(Article.id == article.id))
    assert session.scalar(select(func.count()).where(Statement.article_id == article.id)) == 0
    assert_exact(session)


def test_outlets_issues_and_actors_that_change_or_go_are_counted(session: Session) -> None:
    article = busiest_article(session)
    outlet = Source(name="Another Wire")
    session.add(outlet)
    session.flush()
    session.execute(update(Article).where(Article.id == article.id).values(source_id=outlet.id))
    assert_exact(session)
    session.execute(update(Article).where(Article.id == article.id).values(source_id=None))
    assert_exact(session)
    statement = statements_of(session, article.id)[0]
    session.execute(
        update(StatementIssue)
        .where(StatementIssue.statement_id == statement.id)
        .values(rank=StatementIssue.rank + 1)
    )
    assert_exact(session)  # the issue it ranked first is now "mainly about another issue"
    session.execute(
        update(StatementIssue)
        .where(StatementIssue.statement_id == statement.id)
        .values(rank=StatementIssue.rank - 1)
    )
    session.execute(
        update(Statement).where(Statement.id == statement.id).values(corroborates_id=None)
    )
    assert_exact(session)
    issue_id = session.scalar(select(StatementIssue.issue_id).limit(1))
    session.execute(delete(Issue).where(Issue.id == issue_id))
    assert_exact(session)
    speaker_id = session.scalar(
        select(Statement.speaker_id).where(Statement.speaker_id.is_not(None))
    )
    session.execute(delete(Actor).where(Actor.id == speaker_id))
    assert_exact(session)


@pytest.mark.parametrize("committed_database", ["postgresql", "sqlite"], indirect=True)
def test_concurrent_imports_keep_the_tally_exact(
    committed_database: CommittedDatabase, extractor: Extractor
) -> None:
    """Imports in parallel touch the same coarse tally rows: they must queue, not deadlock,
    and leave the tally exact."""
    factory = committed_database.factory
    texts = [path.read_text() for path in sorted((SEEDS_DIR / "articles").glob("*.txt"))[:8]]
    results = [extractor.extract(text) for text in texts]

    def attempt(n: int) -> str:
        with transaction(factory) as session:
            return store_article(
                session,
                ArticleInput(text=texts[n], title=f"Parallel {n}"),
                results[n],
                extractor.codebook,
            ).status

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(attempt, range(len(texts))))
    assert statuses.count("imported") >= len(texts) - 1  # a rewrite may be found a duplicate
    with transaction(factory) as session:
        assert_exact(session)
