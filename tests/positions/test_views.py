"""What an issue's matrix and chart count, why the others are left out, and the span of the
chart's time axis."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.curation import statements as curation
from app.curation.audit import Editor
from app.models import Issue, Position, Statement, StatementIssue
from app.positions.views import LEFT_OUT, chart_series, issue_coverage, issue_matrix

EDITOR = Editor(None, "tester")


def busiest_issue(session: Session) -> Issue:
    issue_id = session.scalars(
        select(Position.issue_id).group_by(Position.issue_id).order_by(func.count().desc())
    ).first()
    return session.get(Issue, issue_id)


def reason_for(statement: Statement, rank: int) -> str:
    """The rules, written out once more in Python, in the order the page gives them."""
    if statement.review_status == "rejected":
        return "rejected"
    if statement.corroborates_id is not None:
        return "repeat"
    if rank > 0:
        return "other_issue"
    if statement.speaker_id is None:
        return "unattributed"
    if statement.said_on is None:
        return "undated"
    if statement.stance == "neutral":
        return "neutral"
    return "counted"


def test_every_statement_on_the_issue_is_counted_or_left_out_for_one_reason(
    session: Session,
) -> None:
    issue = busiest_issue(session)
    rows = session.execute(
        select(Statement, StatementIssue.rank)
        .join(StatementIssue, StatementIssue.statement_id == Statement.id)
        .where(StatementIssue.issue_id == issue.id)
    ).all()
    expected: dict[str, int] = {}
    for statement, rank in rows:
        reason = reason_for(statement, rank)
        expected[reason] = expected.get(reason, 0) + 1
    coverage = issue_coverage(session, issue)
    assert coverage.total == len(rows)
    assert coverage.counted == expected.pop("counted", 0) > 0
    assert coverage.left_out == [
        (text, expected[name]) for name, text in LEFT_OUT.items() if name in expected
    ]
    # The positions are made from exactly the statements counted.
    evidence = set(
        session.scalars(select(Position.evidence_statement_id).where(Position.issue_id == issue.id))
    )
    counted = {s.id for s, rank in rows if reason_for(s, rank) == "counted"}
    assert evidence <= counted
    days = [s.said_on for s, rank in rows if s.id in counted]
    assert (coverage.first, coverage.last) == (min(days), max(days))


def test_a_rejected_statement_moves_from_counted_to_left_out(session: Session) -> None:
    issue = busiest_issue(session)
    before = issue_coverage(session, issue)
    evidence = session.scalars(
        select(Position.evidence_statement_id).where(Position.issue_id == issue.id)
    ).first()
    curation.reject(session, EDITOR, session.get(Statement, evidence))
    after = issue_coverage(session, issue)
    assert after.counted == before.counted - 1
    rejected = dict(after.left_out)[LEFT_OUT["rejected"]]
    assert rejected == dict(before.left_out).get(LEFT_OUT["rejected"], 0) + 1


def test_the_chart_spans_the_statements_it_counts(session: Session) -> None:
    issue = busiest_issue(session)
    coverage = issue_coverage(session, issue)
    series = chart_series(session, issue)
    assert series["span"] == {
        "first": coverage.first.isoformat(),
        "last": coverage.last.isoformat(),
    }
    # Each line runs on to the last statement counted: a stance lasts until it changes.
    assert series["series"]
    assert {line["points"][-1]["date"] for line in series["series"]} == {series["span"]["last"]}
    matrix = issue_matrix(session, issue, until=coverage.last)
    assert matrix.months[-1] == coverage.last.replace(day=1)
    assert matrix.actor_count >= len(matrix.rows)


def test_an_issue_without_statements_has_an_empty_span(session: Session) -> None:
    counted = select(StatementIssue.issue_id)
    issue = session.scalars(select(Issue).where(Issue.id.not_in(counted))).first()
    if issue is None:  # every issue of the codebook has a statement: make one
        issue = Issue(slug="an-issue-nobody-raised", name="An issue nobody raised", question="?")
        session.add(issue)
        session.flush()
    coverage = issue_coverage(session, issue)
    assert (coverage.total, coverage.first, coverage.last) == (0, None, None)
    assert chart_series(session, issue)["span"] == {"first": None, "last": None}
