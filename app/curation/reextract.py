"""Re-running extraction on stored articles after the pipeline improves.

What a person confirmed, edited, rejected or added is never touched, and extraction never
re-creates a statement over its words. Machine statements found again at the same span are
updated in place (their ids and links stay); the others are replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.curation.audit import Editor, record
from app.curation.statements import touched_by_a_person
from app.db import transaction
from app.extraction.codebook import Codebook
from app.extraction.types import ExtractionResult
from app.ingest.dedup import corroborate
from app.ingest.importer import (
    ActorResolver,
    issue_ids_by_slug,
    issue_links,
    statement_values,
    store_events,
)
from app.models import Article, AuditEntry, Event, EventArticle, Statement, StatementIssue
from app.positions.derive import pairs_of, recompute


class ArticleExtractor(Protocol):
    """What re-extraction needs: the pipeline (``Extractor``) or the same under a time budget
    (``app.ingest.budget.BudgetedExtractor``)."""

    codebook: Codebook

    def extract(
        self, text: str, published: date | None = None, title: str | None = None
    ) -> ExtractionResult: ...


OVERLAP = 0.5  # of the shorter span: more than this and the new statement is the same words


@dataclass
class ReextractReport:
    article_id: int
    kept: int = 0  # statements a person confirmed, edited, rejected or added
    updated: int = 0
    added: int = 0
    removed: int = 0
    skipped: int = 0  # found again over words a person already decided on
    events: int = 0

    @property
    def summary(self) -> str:
        return (
            f"Re-extracted article {self.article_id}: {self.updated} updated, {self.added} new, "
            f"{self.removed} removed, {self.kept} kept as people left them, {self.skipped} "
            f"skipped over reviewed words; {self.events} events"
        )


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    for other_start, other_end in spans:
        shared = min(end, other_end) - max(start, other_start)
        if shared > 0 and shared >= OVERLAP * min(end - start, other_end - other_start):
            return True
    return False


def apply_reextraction(
    session: Session,
    article: Article,
    result: ExtractionResult,
    codebook: Codebook,
    editor: Editor,
) -> ReextractReport:
    """Store a fresh extraction of ``article``; the caller owns the transaction."""
    report = ReextractReport(article.id)
    existing = list(
        session.scalars(
            select(Statement)
            .options(selectinload(Statement.issues))
            .where(Statement.article_id == article.id)
            .order_by(Statement.id)
        )
    )
    reviewed = [s for s in existing if touched_by_a_person(s)]
    report.kept = len(reviewed)
    reviewed_spans = [(s.start, s.end) for s in reviewed]
    machine = {(s.start, s.end): s for s in existing if not touched_by_a_person(s)}
    pairs = pairs_of(machine.values())

    resolver = ActorResolver(session, codebook, result)
    issue_ids = issue_ids_by_slug(session)
    fresh: list[Statement] = []
    for extracted in result.statements:
        if _overlaps(extracted.start, extracted.end, reviewed_spans):
            report.skipped += 1
            continue
        values = statement_values(extracted, resolver)
        statement = machine.pop((extracted.start, extracted.end), None)
        if statement is None:
            statement = Statement(article_id=article.id, **values)
            statement.issues = issue_links(extracted, issue_ids)
            session.add(statement)
            report.added += 1
        else:
            for name, value in values.items():
                setattr(statement, name, value)
            session.execute(
                delete(StatementIssue).where(StatementIssue.statement_id == statement.id)
            )
            session.expire(statement, ["issues"])
            for link in issue_links(extracted, issue_ids):
                link.statement_id = statement.id
                session.add(link)
            report.updated += 1
        fresh.append(statement)
    session.flush()
    stale = [s.id for s in machine.values()]
    if stale:
        session.execute(delete(Statement).where(Statement.id.in_(stale)))
        for statement in machine.values():
            session.expunge(statement)
    report.removed = len(stale)

    _drop_events(session, article.id)
    report.events = store_events(session, article, result, resolver)
    session.flush()
    fresh = list(
        session.scalars(
            select(Statement)
            .options(selectinload(Statement.issues))
            .where(Statement.id.in_([s.id for s in fresh]))
        )
    )
    corroborate(session, article, [s for s in fresh if s.corroborates_id is None])
    recompute(session, pairs | pairs_of(fresh))
    record(
        session,
        editor,
        AuditEntry(
            action="article.reextract",
            entity_type="article",
            entity_id=article.id,
            summary=report.summary,
            after={
                "updated": report.updated,
                "added": report.added,
                "removed": report.removed,
                "kept": report.kept,
                "skipped": report.skipped,
            },
        ),
    )
    return report


def _drop_events(session: Session, article_id: int) -> None:
    """The article's events that no other article mentions (extraction makes them again)."""
    elsewhere = exists().where(
        EventArticle.event_id == Event.id, EventArticle.article_id != article_id
    )
    mentioned = select(EventArticle.event_id).where(EventArticle.article_id == article_id)
    session.execute(delete(Event).where(Event.id.in_(mentioned), ~elsewhere))
    # Events other articles report too stay; this article's mention of them goes, and comes
    # back if extraction finds the event again.
    session.execute(delete(EventArticle).where(EventArticle.article_id == article_id))


def reextract(
    factory: sessionmaker[Session],
    extractor: ArticleExtractor,
    article_ids: Iterable[int],
    editor: Editor,
) -> Iterator[ReextractReport]:
    """Re-extract each article in its own transaction (extraction runs outside it)."""
    for article_id in article_ids:
        with transaction(factory) as session:
            article = session.get(Article, article_id)
            if article is None:
                continue
            text, published, title = article.text, article.published_on, article.title
        result = extractor.extract(text, published=published, title=title)
        with transaction(factory) as session:
            article = session.get(Article, article_id)
            if article is None:  # deleted meanwhile
                continue
            yield apply_reextraction(session, article, result, extractor.codebook, editor)


def article_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Article.id).order_by(Article.id)))


def missing_articles(session: Session, wanted: Iterable[int]) -> list[int]:
    wanted = list(wanted)
    found = set(session.scalars(select(Article.id).where(Article.id.in_(wanted))))
    return [article_id for article_id in wanted if article_id not in found]
