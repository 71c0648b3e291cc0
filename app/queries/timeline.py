"""The timeline: statements and events, newest day first, with the filters analysts use."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Article, Event, Issue, Statement, StatementIssue


@dataclass(frozen=True)
class TimelineFilters:
    actor_ids: tuple[int, ...] = ()
    issue_slugs: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    article_id: int | None = None


@dataclass
class TimelineDay:
    day: date | None
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


def statements_query(filters: TimelineFilters) -> Select[Statement]:
    # A statement another outlet repeated is shown once, with its corroborations.
    query = select(Statement).where(
        Statement.review_status != "rejected", Statement.corroborates_id.is_(None)
    )
    if filters.actor_ids:
        query = query.where(Statement.speaker_id.in_(filters.actor_ids))
    if filters.stances:
        query = query.where(Statement.stance.in_(filters.stances))
    if filters.date_from:
        query = query.where(Statement.said_on >= filters.date_from)
    if filters.date_to:
        query = query.where(Statement.said_on <= filters.date_to)
    if filters.article_id:
        query = query.where(Statement.article_id == filters.article_id)
    if filters.issue_slugs:
        query = query.where(
            Statement.id.in_(
                select(StatementIssue.statement_id)
                .join(Issue)
                .where(Issue.slug.in_(filters.issue_slugs))
            )
        )
    return query


def load_timeline(
    session: Session, filters: TimelineFilters, limit: int = 200
) -> list[TimelineDay]:
    """Days newest first; statements without a known day come last."""
    statements = session.scalars(
        statements_query(filters)
        .options(
            joinedload(Statement.speaker),
            joinedload(Statement.article).joinedload(Article.source),
            selectinload(Statement.issues).joinedload(StatementIssue.issue),
            selectinload(Statement.corroborations)
            .joinedload(Statement.article)
            .joinedload(Article.source),
        )
        .order_by(Statement.said_on.desc().nulls_last(), Statement.id.desc())
        .limit(limit)
    ).all()
    events = session.scalars(
        select(Event)
        .options(selectinload(Event.participants), selectinload(Event.mentions))
        .where(Event.occurred_on.is_not(None))
        .order_by(Event.occurred_on.desc(), Event.id.desc())
        .limit(limit)
    ).all()
    days: dict[date | None, TimelineDay] = defaultdict(lambda: TimelineDay(day=None))
    for event in events:
        if filters.date_from and event.occurred_on and event.occurred_on < filters.date_from:
            continue
        day = days[event.occurred_on]
        day.day = event.occurred_on
        day.events.append(event)
    for statement in statements:
        day = days[statement.said_on]
        day.day = statement.said_on
        day.statements.append(statement)
    return sorted(days.values(), key=lambda d: (d.day is not None, d.day or date.min), reverse=True)
