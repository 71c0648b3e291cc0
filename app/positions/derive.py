"""Derive positions from statements, and find the shifts between them.

A position is an actor's stance on an issue from a date on. It starts with the first statement
that takes a stance (neutral descriptions do not) and lasts until a statement takes another
one. On a day with several statements, a person's confirmation or edit outranks the machine,
then the more confident statement wins. Recomputed per (actor, issue) pair whenever an article
is imported or a statement edited, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session, joinedload

from app.models import Position, Statement, StatementIssue
from app.vocabulary import ReviewStatus, Stance

HUMAN_STATUSES = (ReviewStatus.confirmed, ReviewStatus.edited)
STANCE_VALUE: dict[str, float] = {
    Stance.supports: 1.0,
    Stance.conditional: 0.5,
    Stance.neutral: 0.0,
    Stance.opposes: -1.0,
}


@dataclass(frozen=True)
class Evidence:
    statement_id: int
    actor_id: int
    issue_id: int
    stance: str
    day: date
    confidence: float
    human: bool

    @property
    def rank(self) -> tuple[bool, float]:
        return (self.human, self.confidence)


def pairs_of(statements: Iterable[Statement]) -> set[tuple[int, int]]:
    """The (actor, issue) pairs whose positions these statements can change."""
    return {
        (statement.speaker_id, link.issue_id)
        for statement in statements
        if statement.speaker_id is not None
        for link in statement.issues
        if link.rank == 0
    }


def _evidence(
    session: Session, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], list[Evidence]]:
    rows = session.execute(
        select(
            Statement.id,
            Statement.speaker_id,
            StatementIssue.issue_id,
            Statement.stance,
            Statement.said_on,
            Statement.confidence,
            Statement.review_status,
        )
        .join(StatementIssue, StatementIssue.statement_id == Statement.id)
        .where(
            tuple_(Statement.speaker_id, StatementIssue.issue_id).in_(pairs),
            StatementIssue.rank == 0,
            Statement.stance != Stance.neutral,
            Statement.review_status != ReviewStatus.rejected,
            Statement.said_on.is_not(None),
            Statement.corroborates_id.is_(None),
        )
        .order_by(Statement.said_on, Statement.id)
    ).all()
    grouped: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    for statement_id, actor_id, issue_id, stance, day, confidence, status in rows:
        if actor_id is None or day is None:  # excluded by the query; this tells the type checker
            continue
        grouped[(actor_id, issue_id)].append(
            Evidence(
                statement_id, actor_id, issue_id, stance, day, confidence, status in HUMAN_STATUSES
            )
        )
    return grouped


def positions_from(evidence: list[Evidence]) -> list[Evidence]:
    """The statements that start a position: the best one of each day, kept when the stance
    changes."""
    best_per_day: dict[date, Evidence] = {}
    for item in evidence:
        current = best_per_day.get(item.day)
        if current is None or item.rank > current.rank:
            best_per_day[item.day] = item
    starts: list[Evidence] = []
    for day in sorted(best_per_day):
        item = best_per_day[day]
        if not starts or starts[-1].stance != item.stance:
            starts.append(item)
    return starts


def recompute(session: Session, pairs: set[tuple[int, int]]) -> int:
    """Rebuild the positions of these (actor, issue) pairs; returns how many there are now."""
    if not pairs:
        return 0
    session.execute(delete(Position).where(tuple_(Position.actor_id, Position.issue_id).in_(pairs)))
    rows = [
        {
            "actor_id": actor_id,
            "issue_id": issue_id,
            "stance": start.stance,
            "valid_from": start.day,
            "evidence_statement_id": start.statement_id,
            "confidence": start.confidence,
            "human_confirmed": start.human,
        }
        for (actor_id, issue_id), evidence in _evidence(session, pairs).items()
        for start in positions_from(evidence)
    ]
    if rows:
        session.execute(insert(Position), rows)
    return len(rows)


@dataclass
class Shift:
    """An actor moved from one stance to another on an issue, with the two statements."""

    before: Position
    after: Position


def shifts(
    session: Session, issue_id: int | None = None, actor_id: int | None = None
) -> list[Shift]:
    query = select(Position).options(
        joinedload(Position.actor),
        joinedload(Position.issue),
        joinedload(Position.evidence).joinedload(Statement.article),
    )
    if issue_id is not None:
        query = query.where(Position.issue_id == issue_id)
    if actor_id is not None:
        query = query.where(Position.actor_id == actor_id)
    ordered = session.scalars(
        query.order_by(Position.actor_id, Position.issue_id, Position.valid_from)
    ).all()
    found = []
    for before, after in pairwise(ordered):
        same_line = before.actor_id == after.actor_id and before.issue_id == after.issue_id
        if same_line and before.stance != after.stance:
            found.append(Shift(before, after))
    return sorted(found, key=lambda shift: shift.after.valid_from, reverse=True)
