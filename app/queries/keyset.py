"""Keyset pages of statements, actors, articles and import jobs (what the API lists), an
issue's current positions, and the counts beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.extraction.codebook import normalize_name
from app.ingest.jobs import JobView
from app.models import (
    Actor,
    ActorAlias,
    Article,
    ImportItem,
    ImportJob,
    Position,
    Statement,
    StatementIssue,
)
from app.queries.review import card_options
from app.queries.timeline import Cursor, TimelineFilters, _after, statements_query
from app.vocabulary import ReviewStatus

T = TypeVar("T")


@dataclass
class Keyset(Generic[T]):
    """One page of rows and where the next one starts (None: this was the last)."""

    rows: list[T]
    next: str | None


def _cut(rows: list[T], limit: int, key: str | None) -> Keyset[T]:
    """``rows`` was fetched with ``limit + 1``: the extra row only says there is more."""
    return Keyset(rows[:limit], key if len(rows) > limit else None)


def statements(
    session: Session, filters: TimelineFilters, limit: int, after: Cursor | None
) -> Keyset[Statement]:
    """The timeline's statements in the timeline's order (newest first, undated last)."""
    query = statements_query(session, filters)
    if after is not None:
        query = query.where(_after(after))
    rows = list(
        session.scalars(
            query.options(*card_options())
            .order_by(Statement.said_on.desc().nulls_last(), Statement.id.desc())
            .limit(limit + 1)
        )
    )
    last = rows[limit - 1] if len(rows) > limit else None
    return _cut(rows, limit, Cursor(last.said_on, last.id).encode() if last else None)


def actors(
    session: Session, q: str, kinds: list[str], limit: int, after: int | None
) -> Keyset[Actor]:
    """Actors by id, merged ones left out; ``q`` is looked for in names and aliases."""
    query = (
        select(Actor)
        .options(joinedload(Actor.affiliation))
        .where(Actor.merged_into_id.is_(None))
        .order_by(Actor.id)
        .limit(limit + 1)
    )
    if q.strip():
        needle = normalize_name(q)
        aliased = select(ActorAlias.actor_id).where(
            ActorAlias.normalized.contains(needle, autoescape=True)
        )
        query = query.where(
            or_(Actor.name.icontains(q.strip(), autoescape=True), Actor.id.in_(aliased))
        )
    if kinds:
        query = query.where(Actor.kind.in_(kinds))
    if after is not None:
        query = query.where(Actor.id > after)
    rows = list(session.scalars(query))
    return _cut(rows, limit, str(rows[limit - 1].id) if len(rows) > limit else None)


def current_positions(session: Session, issue_id: int) -> list[Position]:
    """Each actor's latest position on the issue, by actor name."""
    latest: dict[int, Position] = {}
    for position in session.scalars(
        select(Position)
        .options(joinedload(Position.actor))
        .where(Position.issue_id == issue_id)
        .order_by(Position.valid_from, Position.id)
    ):
        latest[position.actor_id] = position
    return sorted(latest.values(), key=lambda p: p.actor.name)


def issue_statement_count(session: Session, issue_id: int) -> int:
    """As the issues page counts: statements about the issue that were not rejected."""
    return (
        session.scalar(
            select(func.count())
            .select_from(StatementIssue)
            .join(Statement)
            .where(
                StatementIssue.issue_id == issue_id,
                Statement.review_status != ReviewStatus.rejected,
            )
        )
        or 0
    )


def articles(
    session: Session,
    outlets: list[int],
    date_from: date | None,
    date_to: date | None,
    limit: int,
    after: int | None,
) -> Keyset[Article]:
    """Articles newest id first (the order they came in), with their outlets."""
    query = (
        select(Article)
        .options(joinedload(Article.source))
        .order_by(Article.id.desc())
        .limit(limit + 1)
    )
    if outlets:
        query = query.where(Article.source_id.in_(outlets))
    if date_from:
        query = query.where(Article.published_on >= date_from)
    if date_to:
        query = query.where(Article.published_on <= date_to)
    if after is not None:
        query = query.where(Article.id < after)
    rows = list(session.scalars(query))
    return _cut(rows, limit, str(rows[limit - 1].id) if len(rows) > limit else None)


def statement_counts(session: Session, article_ids: list[int]) -> dict[int, int]:
    """How many statements each article has, rejected ones aside (one grouped query)."""
    rows = session.execute(
        select(Statement.article_id, func.count())
        .where(
            Statement.article_id.in_(article_ids), Statement.review_status != ReviewStatus.rejected
        )
        .group_by(Statement.article_id)
    ).tuples()
    return dict(rows.all())


def jobs(session: Session, limit: int, after: int | None) -> Keyset[JobView]:
    """Import jobs, newest first, each with its items and their counts."""
    query = (
        select(ImportJob)
        .options(selectinload(ImportJob.items).selectinload(ImportItem.article))
        .order_by(ImportJob.id.desc())
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(ImportJob.id < after)
    rows = list(session.scalars(query))
    page = _cut(rows, limit, str(rows[limit - 1].id) if len(rows) > limit else None)
    views = [JobView(job=job, counts=_counts(job)) for job in page.rows]
    return Keyset(views, page.next)


def _counts(job: ImportJob) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in job.items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts
