"""Positions as analysts read them: the actor × month matrix of an issue, the series behind its
chart, which of the issue's statements they count (and why the others are left out), and an
actor's current position on each issue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Actor, Issue, IssueTally, Position
from app.positions.derive import STANCE_VALUE


@dataclass
class Cell:
    """The stance in force at the end of a month; ``position`` is set in the month it began."""

    stance: str
    position: Position
    started_here: bool


@dataclass
class MatrixRow:
    actor: Actor
    cells: list[Cell | None]


@dataclass
class IssueMatrix:
    months: list[date] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    actor_count: int = 0  # actors with a position, shown or not


# Why a statement on an issue does not count toward its positions, in the order they are
# checked: each statement left out is counted once, under the first reason that applies. The
# conditions are those of app.positions.derive (the evidence a position is made from).
LEFT_OUT = {
    "rejected": "rejected by an analyst",
    "repeat": "repeating what another outlet reported first (that report counts)",
    "other_issue": "mainly about another issue (this one is not their first)",
    "unattributed": "with no identified speaker",
    "undated": "without a date",
    "neutral": "taking no stance (neutral)",
}


@dataclass
class Coverage:
    """Which of an issue's statements its matrix and chart count, and why the others do not;
    ``first`` and ``last`` are the days of the earliest and latest statements counted."""

    counted: int = 0
    left_out: list[tuple[str, int]] = field(default_factory=list)  # (reason, statements)
    first: date | None = None
    last: date | None = None

    @property
    def total(self) -> int:
        return self.counted + sum(count for _reason, count in self.left_out)


def issue_coverage(session: Session, issue: Issue) -> Coverage:
    """Summed from the issue tally (kept exact by triggers), not counted over the statements:
    an issue can have millions."""
    rows = session.execute(
        select(
            IssueTally.reason,
            func.sum(IssueTally.n),
            func.min(IssueTally.said_on),
            func.max(IssueTally.said_on),
        )
        .where(IssueTally.issue_id == issue.id, IssueTally.n > 0)
        .group_by(IssueTally.reason)
    ).all()
    found = {name: (int(count), first, last) for name, count, first, last in rows}
    counted, first, last = found.get("counted", (0, None, None))
    left_out = [(text, found[name][0]) for name, text in LEFT_OUT.items() if name in found]
    return Coverage(counted, left_out, first, last)


def _month(day: date) -> date:
    return day.replace(day=1)


def _months_between(first: date, last: date) -> list[date]:
    months, current = [], _month(first)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _positions(session: Session, issue_id: int) -> list[Position]:
    return list(
        session.scalars(
            select(Position)
            .options(joinedload(Position.actor))
            .where(Position.issue_id == issue_id)
            .order_by(Position.actor_id, Position.valid_from)
        )
    )


def issue_matrix(
    session: Session, issue: Issue, max_actors: int = 40, until: date | None = None
) -> IssueMatrix:
    """Each actor's stance at the end of each month, from the first position to ``until`` (the
    last statement counted; by default the last position's start)."""
    positions = _positions(session, issue.id)
    if not positions:
        return IssueMatrix()
    last = max(p.valid_from for p in positions)
    months = _months_between(min(p.valid_from for p in positions), max(last, until or last))
    by_actor: dict[int, list[Position]] = defaultdict(list)
    for position in positions:
        by_actor[position.actor_id].append(position)
    busiest = sorted(by_actor.values(), key=lambda items: (-len(items), items[0].actor.name))
    rows = []
    for items in busiest[:max_actors]:
        cells: list[Cell | None] = []
        for month in months:
            in_force = [p for p in items if _month(p.valid_from) <= month]
            if not in_force:
                cells.append(None)
                continue
            latest = in_force[-1]
            cells.append(Cell(latest.stance, latest, _month(latest.valid_from) == month))
        rows.append(MatrixRow(items[0].actor, cells))
    rows.sort(key=lambda row: row.actor.name)
    return IssueMatrix(months, rows, len(by_actor))


CHART_ACTORS = 12  # lines a chart can hold and still be read


def chart_series(
    session: Session,
    issue: Issue,
    max_actors: int = CHART_ACTORS,
    coverage: Coverage | None = None,
) -> dict[str, Any]:
    """Stepped lines, one per actor: supports 1, conditional 0.5, neutral 0, opposes -1; and
    the span of the time axis, from the first statement counted to the last."""
    coverage = coverage or issue_coverage(session, issue)
    by_actor: dict[int, list[Position]] = defaultdict(list)
    for position in _positions(session, issue.id):
        by_actor[position.actor_id].append(position)
    busiest = sorted(by_actor.values(), key=lambda items: -len(items))[:max_actors]
    # Each line runs on to the last statement counted: a stance lasts until it changes.
    starts = [p.valid_from for items in busiest for p in items]
    last = max([*starts, *([coverage.last] if coverage.last else [])], default=None)
    first = min([*starts, *([coverage.first] if coverage.first else [])], default=None)
    return {
        "issue": issue.slug,
        "stances": STANCE_VALUE,
        "span": {
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
        },
        "actors": len(by_actor),
        "series": [
            {
                "actor": items[0].actor.name,
                "slug": items[0].actor.slug,
                "points": [
                    {
                        "date": p.valid_from.isoformat(),
                        "stance": p.stance,
                        "value": STANCE_VALUE[p.stance],
                        "statement_id": p.evidence_statement_id,
                    }
                    for p in items
                ]
                + (
                    [
                        {
                            "date": last.isoformat(),
                            "stance": items[-1].stance,
                            "value": STANCE_VALUE[items[-1].stance],
                            "statement_id": None,
                        }
                    ]
                    if last is not None and items[-1].valid_from < last
                    else []
                ),
            }
            for items in busiest
        ],
    }


@dataclass
class CurrentPosition:
    issue: Issue
    current: Position
    history: list[Position]


def actor_positions(session: Session, actor_id: int) -> list[CurrentPosition]:
    positions = session.scalars(
        select(Position)
        .options(joinedload(Position.issue))
        .where(Position.actor_id == actor_id)
        .order_by(Position.issue_id, Position.valid_from)
    ).all()
    grouped: dict[int, list[Position]] = defaultdict(list)
    for position in positions:
        grouped[position.issue_id].append(position)
    found = [CurrentPosition(items[0].issue, items[-1], items) for items in grouped.values()]
    return sorted(found, key=lambda item: item.issue.sort_order)


@dataclass
class Alignment:
    actor: Actor
    agree: int
    disagree: int


def alignments(
    session: Session, actor_id: int, limit: int = 8
) -> tuple[list[Alignment], list[Alignment]]:
    """Who shares or opposes this actor's current stances (on the same issues)."""
    current: dict[tuple[int, int], str] = {}
    for position in session.scalars(
        select(Position).options(joinedload(Position.actor)).order_by(Position.valid_from)
    ):
        current[(position.actor_id, position.issue_id)] = position.stance
    mine = {issue: stance for (actor, issue), stance in current.items() if actor == actor_id}
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (other, issue), stance in current.items():
        if other == actor_id or issue not in mine:
            continue
        if stance == mine[issue]:
            tallies[other][0] += 1
        elif {stance, mine[issue]} == {"supports", "opposes"}:
            tallies[other][1] += 1
    if not tallies:
        return [], []
    actors = {a.id: a for a in session.scalars(select(Actor).where(Actor.id.in_(tallies)))}
    rows = [Alignment(actors[i], agree, disagree) for i, (agree, disagree) in tallies.items()]
    agree = sorted((r for r in rows if r.agree), key=lambda r: (-r.agree, r.actor.name))[:limit]
    disagree = sorted((r for r in rows if r.disagree), key=lambda r: (-r.disagree, r.actor.name))[
        :limit
    ]
    return agree, disagree
