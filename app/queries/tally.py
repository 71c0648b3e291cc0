"""The statement tally counted again from scratch, in Python: what the tests compare with the
tally that the database triggers keep (a bulk load refills it by the migration's upgrade)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Article, Statement, StatementIssue, StatementTally
from app.models.tally import ANY_ID, ANY_TEXT, GRAINS, NO_ACTOR, NO_DAY, NO_SOURCE, Grain

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
        issues = sorted(issue_sets.get(statement_id, []))
        full = (
            said_on or NO_DAY,
            speaker_id or NO_ACTOR,
            source_id or NO_SOURCE,
            stance,
            kind,
            review,
            "".join(f",{i}" for i in issues) + ("," if issues else ""),
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
