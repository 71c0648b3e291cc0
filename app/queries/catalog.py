"""Articles, actors and issues as lists and single records, for the browsing pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.extraction.codebook import normalize_name
from app.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventArticle,
    Issue,
    Statement,
    StatementIssue,
)
from app.vocabulary import ReviewStatus


@dataclass
class ArticleRow:
    article: Article
    statements: int


def list_articles(session: Session, limit: int = 500) -> list[ArticleRow]:
    counts = (
        select(Statement.article_id, func.count().label("n"))
        .group_by(Statement.article_id)
        .subquery()
    )
    rows = session.execute(
        select(Article, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.article_id == Article.id)
        .options(joinedload(Article.source), joinedload(Article.duplicate_of))
        .order_by(Article.published_on.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    ).all()
    return [ArticleRow(article=article, statements=count) for article, count in rows]


@dataclass
class ArticleDetail:
    article: Article
    statements: list[Statement]
    events: list[Event]
    copies: list[Article]


def get_article(session: Session, article_id: int) -> ArticleDetail | None:
    article = session.scalar(
        select(Article)
        .options(joinedload(Article.source), joinedload(Article.duplicate_of))
        .where(Article.id == article_id)
    )
    if article is None:
        return None
    statements = session.scalars(
        select(Statement)
        .options(
            joinedload(Statement.speaker),
            selectinload(Statement.issues).joinedload(StatementIssue.issue),
        )
        .where(Statement.article_id == article_id)
        .order_by(Statement.start)
    ).all()
    events = session.scalars(
        select(Event)
        .join(EventArticle)
        .options(selectinload(Event.participants))
        .where(EventArticle.article_id == article_id)
        .order_by(Event.occurred_on)
    ).all()
    copies = session.scalars(
        select(Article)
        .options(joinedload(Article.source))
        .where(Article.duplicate_of_id == article_id)
    ).all()
    return ArticleDetail(
        article=article, statements=list(statements), events=list(events), copies=list(copies)
    )


def actor_options(session: Session, typed: str = "", limit: int = 20) -> list[tuple[str, str]]:
    """(slug, label) for actor names and aliases containing what was typed: the actor
    filter's suggestions."""
    needle = normalize_name(typed)
    if not needle:
        return []
    rows = session.execute(
        select(Actor.slug, Actor.name, ActorAlias.alias)
        .join(ActorAlias, ActorAlias.actor_id == Actor.id)
        .where(
            ActorAlias.normalized.contains(needle, autoescape=True),
            Actor.merged_into_id.is_(None),
        )
        .order_by(func.length(ActorAlias.alias), Actor.name)
        .limit(limit)
    ).all()
    options = []
    for slug, name, alias in rows:
        options.append((slug, name if alias == name else f"{alias} ({name})"))
    return options


@dataclass
class ActorRow:
    actor: Actor
    statements: int


def list_actors(session: Session) -> list[ActorRow]:
    counts = (
        select(Statement.speaker_id, func.count().label("n"))
        .where(Statement.review_status != ReviewStatus.rejected)
        .group_by(Statement.speaker_id)
        .subquery()
    )
    rows = session.execute(
        select(Actor, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.speaker_id == Actor.id)
        .options(joinedload(Actor.affiliation), selectinload(Actor.aliases))
        .where(Actor.merged_into_id.is_(None))
        .order_by(func.coalesce(counts.c.n, 0).desc(), Actor.name)
    ).all()
    return [ActorRow(actor=actor, statements=count) for actor, count in rows]


def get_actor_by_id(session: Session, actor_id: int) -> Actor | None:
    return session.scalar(select(Actor).where(Actor.id == actor_id))


def get_actor(session: Session, slug: str) -> Actor | None:
    return session.scalar(
        select(Actor)
        .options(
            joinedload(Actor.affiliation),
            selectinload(Actor.aliases),
            selectinload(Actor.roles),
        )
        .where(Actor.slug == slug)
    )


@dataclass
class IssueRow:
    issue: Issue
    statements: int


def list_issues(session: Session) -> list[IssueRow]:
    counts = (
        select(StatementIssue.issue_id, func.count().label("n"))
        .join(Statement)
        .where(Statement.review_status != ReviewStatus.rejected)
        .group_by(StatementIssue.issue_id)
        .subquery()
    )
    rows = session.execute(
        select(Issue, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.issue_id == Issue.id)
        .order_by(Issue.sort_order, Issue.id)
    ).all()
    return [IssueRow(issue=issue, statements=count) for issue, count in rows]


def get_issue(session: Session, slug: str) -> Issue | None:
    return session.scalar(select(Issue).where(Issue.slug == slug))
