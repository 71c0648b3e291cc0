"""Reading for curation: one statement with everything its card shows, and the review queue."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from app.models import Article, Issue, Statement, StatementIssue
from app.models.common import MAX_ID
from app.vocabulary import ReviewStatus


def card_options() -> list[ExecutableOption]:
    """What a statement card shows: speaker, issues, its article and outlet, corroborations."""
    return [
        joinedload(Statement.speaker),
        joinedload(Statement.article).joinedload(Article.source),
        selectinload(Statement.issues).joinedload(StatementIssue.issue),
        selectinload(Statement.corroborations)
        .joinedload(Statement.article)
        .joinedload(Article.source),
    ]


def get_statement(session: Session, statement_id: int) -> Statement | None:
    return session.scalar(
        select(Statement).options(*card_options()).where(Statement.id == statement_id)
    )


@dataclass(frozen=True)
class QueueCursor:
    confidence: float
    id: int

    def encode(self) -> str:
        return f"{self.confidence!r}_{self.id}"

    @classmethod
    def decode(cls, value: str) -> QueueCursor | None:
        """The cursor, or None for anything encode() could not have made (an id the database
        cannot compare, a confidence that is no number)."""
        confidence, _, ident = value.partition("_")
        try:
            cursor = cls(float(confidence), int(ident))
        except ValueError:
            return None
        if not math.isfinite(cursor.confidence) or not 1 <= cursor.id <= MAX_ID:
            return None
        return cursor


@dataclass
class ReviewQueue:
    statements: list[Statement]
    remaining: int
    next_cursor: QueueCursor | None
    # For each article on the page, how many of its statements are still to review (what
    # "confirm all from this article" would confirm).
    per_article: dict[int, int] = field(default_factory=dict)


def _to_review() -> list[ColumnElement[bool]]:
    """Made by the machine, not checked by anyone; repeats of another outlet's report are
    reviewed through the statement they repeat."""
    return [Statement.review_status == ReviewStatus.machine, Statement.corroborates_id.is_(None)]


def review_queue(
    session: Session,
    *,
    limit: int = 30,
    after: QueueCursor | None = None,
    issue: str | None = None,
) -> ReviewQueue:
    """Machine-made statements nobody has reviewed, least confident first."""
    where = _to_review()
    if issue:
        where.append(
            Statement.id.in_(
                select(StatementIssue.statement_id)
                .join(Issue, Issue.id == StatementIssue.issue_id)
                .where(Issue.slug == issue)
            )
        )
    remaining = session.scalar(select(func.count()).select_from(Statement).where(*where)) or 0
    if after is not None:
        where.append(
            or_(
                Statement.confidence > after.confidence,
                and_(Statement.confidence == after.confidence, Statement.id > after.id),
            )
        )
    rows = list(
        session.scalars(
            select(Statement)
            .options(*card_options())
            .where(*where)
            .order_by(Statement.confidence, Statement.id)
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = QueueCursor(rows[-1].confidence, rows[-1].id) if more and rows else None
    return ReviewQueue(rows, remaining, cursor, _to_review_per_article(session, rows))


def _to_review_per_article(session: Session, statements: list[Statement]) -> dict[int, int]:
    if not statements:
        return {}
    rows = session.execute(
        select(Statement.article_id, func.count())
        .where(Statement.article_id.in_({s.article_id for s in statements}), *_to_review())
        .group_by(Statement.article_id)
    ).tuples()
    return dict(rows.all())


def issue_choices(session: Session) -> list[Issue]:
    return list(session.scalars(select(Issue).order_by(Issue.name)))
