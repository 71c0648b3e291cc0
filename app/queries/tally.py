"""The statement and issue tallies counted again from scratch, in Python: what the tests compare
with the tallies that the database triggers keep (a bulk load refills them by the migrations'
upgrades)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Article, IssueTally, Statement, StatementIssue, StatementTally
from app.models.tally import (
    ANY_ID,
    ANY_TEXT,
    GRAINS,
    NO_ACTOR,
    NO_DAY,
    NO_SOURCE,
    Grain,
    issue_set,
)

TallyKey = tuple[int, date, int, int, str, str, str, str]


def recount(session: Session) -> dict[TallyKey, int]:
    """What the tally should hold, counted in Python from the statements, their issues and
    articles (independently of the SQL the triggers run)."""
    issue_sets: dict[int, list[int]] = defaultdict(list)
    for statement_id, issue_id in session.execute(
        select(StatementIssue.statement_id, StatementIssue.issue_id)
    ):
        issue_sets[statement_id].append(issue_id)
    counts: Counter[TallyKey] = Counter()
    rows = session.execute(
        select(
            Statement.id,
            Statement.said_on,
            Statement.speaker_id,
            Article.source_id,
            Statement.stance,
            Statement.kind,
            Statement.review_status,
        )
        .join(Article, Article.id == Statement.article_id)
        .where(Statement.review_status != "rejected", Statement.corroborates_id.is_(None))
    )
    for statement_id, said_on, speaker_id, source_id, stance, kind, review in rows:
        issues = issue_sets.get(statement_id, [])
        full = (
            said_on or NO_DAY,
            speaker_id or NO_ACTOR,
            source_id or NO_SOURCE,
            stance,
            kind,
            review,
            issue_set(issues),
        )
        for grain in GRAINS:
            counts[_in_grain(grain, full)] += 1
    return dict(counts)


def _in_grain(grain: Grain, full: tuple[object, ...]) -> TallyKey:
    """A statement's full key as one grain counts it: what the grain leaves out becomes "any"."""
    day, speaker, source, stance, kind, review, issues = full
    assert isinstance(day, date)
    dims = grain.dims
    counted = "K" in dims
    return (
        grain.id,
        day if "D" in dims else day.replace(day=1) if "M" in dims else NO_DAY,
        speaker if "S" in dims else ANY_ID,
        source if "O" in dims else ANY_ID,
        stance if counted else ANY_TEXT,
        kind if counted else ANY_TEXT,
        review if counted else ANY_TEXT,
        issues if "I" in dims else ANY_TEXT,
    )  # type: ignore[return-value]


def tallied(session: Session) -> dict[TallyKey, int]:
    """What the tally holds."""
    rows = session.execute(select(StatementTally))
    return {
        (
            t.grain,
            t.said_on,
            t.speaker_id,
            t.source_id,
            t.stance,
            t.kind,
            t.review_status,
            t.issue_ids,
        ): t.n
        for t in rows.scalars()
    }


IssueTallyKey = tuple[int, str, date]


def _issue_reason(
    review: str,
    copy_of: int | None,
    rank: int,
    speaker_id: int | None,
    said_on: date | None,
    stance: str,
) -> str:
    """The rules of app.positions.views.LEFT_OUT, written out in Python, in their order."""
    checks = (
        ("rejected", review == "rejected"),
        ("repeat", copy_of is not None),
        ("other_issue", rank > 0),
        ("unattributed", speaker_id is None),
        ("undated", said_on is None),
        ("neutral", stance == "neutral"),
    )
    return next((reason for reason, applies in checks if applies), "counted")


def recount_issues(session: Session) -> dict[IssueTallyKey, int]:
    """What the issue tally should hold: each statement on each issue, by reason and day
    (columns, not entities: a session's entities may predate what triggers and cascades did)."""
    counts: Counter[IssueTallyKey] = Counter()
    rows = session.execute(
        select(
            StatementIssue.issue_id,
            Statement.review_status,
            Statement.corroborates_id,
            StatementIssue.rank,
            Statement.speaker_id,
            Statement.said_on,
            Statement.stance,
        ).join(StatementIssue, StatementIssue.statement_id == Statement.id)
    )
    for issue_id, review, copy_of, rank, speaker_id, said_on, stance in rows:
        reason = _issue_reason(review, copy_of, rank, speaker_id, said_on, stance)
        counts[(issue_id, reason, said_on or NO_DAY)] += 1
    return dict(counts)


def issues_tallied(session: Session) -> dict[IssueTallyKey, int]:
    """What the issue tally holds."""
    return {(t.issue_id, t.reason, t.said_on): t.n for t in session.scalars(select(IssueTally))}
