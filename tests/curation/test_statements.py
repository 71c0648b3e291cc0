"""Confirming, editing, rejecting and adding statements: values, positions, audit, undo."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.curation import statements as curation
from app.curation.audit import CurationError, Editor, history
from app.curation.undo import undo
from app.models import Actor, Article, AuditEntry, Issue, Position, Statement
from app.queries.timeline import TimelineFilters, statements_query

EDITOR = Editor(None, "tester")


def a_statement(session: Session, **where: Any) -> Statement:
    query = select(Statement).where(
        Statement.speaker_id.is_not(None), Statement.said_on.is_not(None)
    )
    for name, value in where.items():
        query = query.where(getattr(Statement, name) == value)
    return session.scalars(query.order_by(Statement.id)).first()


def actor(session: Session, slug: str) -> Actor:
    return session.scalars(select(Actor).where(Actor.slug == slug)).one()


def form_for(statement: Statement, session: Session, **changes: Any) -> dict[str, Any]:
    values = {
        "speaker": session.get(Actor, statement.speaker_id).slug if statement.speaker_id else "",
        "kind": statement.kind,
        "stance": statement.stance,
        "stance_target": statement.stance_target or "",
        "issues": curation.issue_slugs(session, statement.id),
        "said_on": statement.said_on.isoformat() if statement.said_on else "",
        "said_on_precision": statement.said_on_precision or "day",
        "start": statement.start,
        "end": statement.end,
    }
    return {**values, **changes}


def positions(session: Session, actor_id: int, slug: str) -> list[tuple[str, bool, int | None]]:
    issue_id = session.scalars(select(Issue.id).where(Issue.slug == slug)).one()
    return [
        (p.stance, p.human_confirmed, p.evidence_statement_id)
        for p in session.scalars(
            select(Position)
            .where(Position.actor_id == actor_id, Position.issue_id == issue_id)
            .order_by(Position.valid_from)
        )
    ]


def test_confirm_records_before_and_after_and_outranks_the_machine(session: Session) -> None:
    statement = a_statement(session, review_status="machine")
    entry = curation.confirm(session, EDITOR, statement)
    assert statement.review_status == "confirmed"
    assert entry.before["review_status"] == "machine"
    assert entry.after["review_status"] == "confirmed"
    assert entry.actor_label == "tester" and entry.action == "statement.confirm"
    assert history(session, "statement", statement.id)[0].id == entry.id


def test_editing_speaker_and_stance_moves_the_position(session: Session) -> None:
    putin, cooper = actor(session, "vladimir-putin"), actor(session, "yvette-cooper")
    statement = a_statement(session, review_status="machine", speaker_id=putin.id)
    article = session.get(Article, statement.article_id)
    form = form_for(
        statement, session, speaker="Yvette Cooper", stance="opposes", issues=["territory"]
    )
    fields, errors = curation.parse_fields(session, article, form)
    assert errors == {} and fields is not None
    entry = curation.edit(session, EDITOR, statement, fields)
    assert statement.speaker_id == cooper.id
    assert statement.stance == "opposes"
    assert statement.review_status == "edited"
    assert entry.before["speaker_id"] != cooper.id
    assert entry.after["speaker"] == "Yvette Cooper"
    assert statement.said_on and ("opposes", True, statement.id) in positions(
        session, cooper.id, "territory"
    )
    assert "speaker" in entry.summary
    assert statement.id not in [e for _, _, e in positions(session, putin.id, "territory")]


def test_a_rejected_statement_leaves_the_timeline_and_positions_and_undo_restores_it(
    session: Session,
) -> None:
    position = session.scalars(
        select(Position).where(Position.evidence_statement_id.is_not(None))
    ).first()
    statement = session.get(Statement, position.evidence_statement_id)
    issue_slug = session.get(Issue, position.issue_id).slug
    entry = curation.reject(session, EDITOR, statement)
    session.flush()
    visible = set(
        session.scalars(
            statements_query(session, TimelineFilters()).with_only_columns(Statement.id)
        )
    )
    assert statement.id not in visible
    evidence = [e for _, _, e in positions(session, statement.speaker_id, issue_slug)]
    assert statement.id not in evidence
    undo(session, EDITOR, entry)
    assert statement.review_status == "machine"
    evidence = [e for _, _, e in positions(session, statement.speaker_id, issue_slug)]
    assert statement.id in evidence
    assert entry.undone_by_id is not None
    with pytest.raises(CurationError, match="already undone"):
        undo(session, EDITOR, entry)


def statuses(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(
        select(Statement.id, Statement.review_status).where(Statement.id.in_(ids))
    ).all()
    return {statement_id: status for statement_id, status in rows}


def test_confirming_an_article_confirms_only_its_machine_statements_each_undoable(
    session: Session,
) -> None:
    queued = (Statement.review_status == "machine", Statement.corroborates_id.is_(None))
    article_id = session.scalars(
        select(Statement.article_id)
        .where(*queued, Statement.speaker_id.is_not(None), Statement.said_on.is_not(None))
        .group_by(Statement.article_id)
        .order_by(func.count().desc())
    ).first()
    of_article = set(
        session.scalars(select(Statement.id).where(Statement.article_id == article_id))
    )
    elsewhere = set(
        session.scalars(select(Statement.id).where(*queued, Statement.article_id != article_id))
    )
    # One of the article's statements is rejected first: it stays rejected.
    rejected = session.scalars(
        select(Statement).where(Statement.article_id == article_id, *queued).order_by(Statement.id)
    ).first()
    curation.reject(session, EDITOR, rejected)
    before = statuses(session, of_article)
    expected = {
        s.id
        for s in session.scalars(select(Statement).where(Statement.id.in_(of_article), *queued))
    }
    assert len(expected) >= 2

    entries = curation.confirm_article(session, EDITOR, article_id)

    assert {entry.entity_id for entry in entries} == expected
    assert all(entry.action == "statement.confirm" for entry in entries)
    after = statuses(session, of_article)
    assert {i for i, status in after.items() if status != before[i]} == expected
    assert {after[i] for i in expected} == {"confirmed"}
    assert after[rejected.id] == "rejected"
    assert set(statuses(session, elsewhere).values()) == {"machine"}
    # The positions they start now carry a person's confirmation.
    evidence = session.scalars(
        select(Position).where(Position.evidence_statement_id.in_(expected))
    ).all()
    assert evidence and all(position.human_confirmed for position in evidence)

    # Each confirmation is undone alone; the others stay.
    first, *rest = entries
    undo(session, EDITOR, first)
    assert statuses(session, {first.entity_id})[first.entity_id] == "machine"
    assert {statuses(session, expected)[e.entity_id] for e in rest} == {"confirmed"}
    for entry in rest:
        undo(session, EDITOR, entry)
    assert statuses(session, of_article) == before


def test_an_article_with_nothing_to_confirm_changes_nothing(session: Session) -> None:
    article_id = session.scalars(select(Article.id).order_by(Article.id)).first()
    curation.confirm_article(session, EDITOR, article_id)
    assert curation.confirm_article(session, EDITOR, article_id) == []


def test_an_undo_never_throws_away_a_later_change(session: Session) -> None:
    statement = a_statement(session, review_status="machine")
    article = session.get(Article, statement.article_id)
    first, _ = curation.parse_fields(
        session, article, form_for(statement, session, stance="supports")
    )
    early = curation.edit(session, EDITOR, statement, first)
    second, _ = curation.parse_fields(
        session, article, form_for(statement, session, stance="opposes")
    )
    late = curation.edit(session, EDITOR, statement, second)
    with pytest.raises(CurationError, match="changed since") as refused:
        undo(session, EDITOR, early)
    assert refused.value.status == 409
    undo(session, EDITOR, late)
    assert statement.stance == "supports"
    undo(session, EDITOR, early)
    assert statement.stance == early.before["stance"]
    assert statement.review_status == "machine"


def test_adding_a_missed_statement_uses_the_articles_exact_words(session: Session) -> None:
    article = session.scalars(select(Article).order_by(Article.id)).first()
    start = article.text.index("Putin")
    end = start + 40
    form = {
        "speaker": "vladimir-putin",
        "kind": "reported",
        "stance": "opposes",
        "issues": ["ceasefire", "territory"],
        "said_on": "2025-12-01",
        "said_on_precision": "day",
        "start": start,
        "end": end,
    }
    fields, errors = curation.parse_fields(session, article, form)
    assert errors == {}
    statement, entry = curation.add(session, EDITOR, article, fields)
    assert statement.text == article.text[start:end]
    assert statement.origin == "analyst" and statement.review_status == "confirmed"
    assert curation.issue_slugs(session, statement.id) == ["ceasefire", "territory"]
    assert statement.said_on == date(2025, 12, 1)
    assert entry.action == "statement.add" and entry.before is None
    undo(session, EDITOR, entry)
    assert session.get(Statement, statement.id) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"speaker": "Nobody Atall"}, "speaker", "No actor is called"),
        ({"kind": "rumour"}, "kind", "direct quote or reported"),
        ({"stance": "maybe"}, "stance", "Choose one of"),
        ({"issues": ["territory", "weather"]}, "issues", "Unknown issue: weather"),
        ({"said_on": "16/05/2025"}, "said_on", "YYYY-MM-DD"),
        ({"said_on": "2999-01-01"}, "said_on", "in the future"),
        ({"said_on_precision": "hour"}, "said_on_precision", "Choose one of"),
        ({"start": "ten"}, "span", "whole numbers"),
        ({"start": 50, "end": 40}, "span", "start before end"),
        ({"start": 0, "end": 10_000_000}, "span", "inside the article"),
    ],
)
def test_bad_values_are_refused_by_field(
    session: Session, changes: dict[str, Any], field: str, message: str
) -> None:
    statement = a_statement(session)
    article = session.get(Article, statement.article_id)
    fields, errors = curation.parse_fields(
        session, article, form_for(statement, session, **changes)
    )
    assert fields is None
    assert message in errors[field]


def test_a_blank_span_is_refused(session: Session) -> None:
    article = session.scalars(select(Article).order_by(Article.id)).first()
    blank = article.text.index("\n")
    fields, errors = curation.parse_fields(
        session,
        article,
        {"kind": "reported", "stance": "neutral", "start": blank, "end": blank + 1},
    )
    assert fields is None and errors["span"] == "The span holds no words."


def test_every_change_is_in_the_audit_log(session: Session) -> None:
    statement = a_statement(session, review_status="machine")
    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) or 0
    curation.confirm(session, EDITOR, statement)
    curation.reject(session, EDITOR, statement)
    actions = list(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.id > before).order_by(AuditEntry.id)
        )
    )
    assert actions == ["statement.confirm", "statement.reject"]
