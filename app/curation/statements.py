"""Confirming, editing, rejecting and adding statements, each recorded in the audit log and
followed by a recomputation of the positions it can change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.curation.audit import CurationError, Editor, record
from app.curation.lookup import find_actor
from app.curation.schemas import StatementEdit, problems
from app.dates import parse_day
from app.models import Actor, Article, AuditEntry, Issue, Statement, StatementIssue
from app.positions.derive import recompute
from app.vocabulary import Origin, ReviewStatus

MAX_SPAN = 5000
HUMAN_STATUSES = (ReviewStatus.confirmed, ReviewStatus.edited, ReviewStatus.rejected)


@dataclass(frozen=True)
class StatementFields:
    """A statement as a person states it: every editable value, already checked."""

    speaker_id: int | None
    kind: str
    start: int
    end: int
    said_on: date | None
    said_on_precision: str | None
    stance: str
    stance_target: str | None
    issues: tuple[str, ...]  # issue slugs, best first


def touched_by_a_person(statement: Statement) -> bool:
    return statement.review_status in HUMAN_STATUSES or statement.origin == Origin.analyst


def issue_slugs(session: Session, statement_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Issue.slug)
            .join(StatementIssue, StatementIssue.issue_id == Issue.id)
            .where(StatementIssue.statement_id == statement_id)
            .order_by(StatementIssue.rank)
        )
    )


def snapshot(session: Session, statement: Statement) -> dict[str, Any]:
    """Every value a person can change, as JSON (ids for restoring, names for reading)."""
    speaker = session.get(Actor, statement.speaker_id) if statement.speaker_id else None
    return {
        "speaker_id": statement.speaker_id,
        "speaker": speaker.name if speaker else None,
        "kind": statement.kind,
        "start": statement.start,
        "end": statement.end,
        "text": statement.text,
        "said_on": statement.said_on.isoformat() if statement.said_on else None,
        "said_on_precision": statement.said_on_precision,
        "stance": statement.stance,
        "stance_target": statement.stance_target,
        "issues": issue_slugs(session, statement.id),
        "review_status": statement.review_status,
    }


def parse_fields(
    session: Session, article: Article, form: dict[str, Any]
) -> tuple[StatementFields | None, dict[str, str]]:
    """Check a submitted statement (``StatementEdit``), then against the article and the
    codebook; every field's problem at once."""
    try:
        edit: StatementEdit | None = StatementEdit.model_validate(form)
        errors: dict[str, str] = {}
    except ValidationError as exc:
        edit, errors = None, problems(exc)
    speaker_id = _speaker_id(session, str(form.get("speaker") or "").strip(), errors)
    wanted = edit.issues if edit else [str(s) for s in form.get("issues") or [] if str(s).strip()]
    unknown = _unknown_issues(session, wanted)
    if unknown:
        errors["issues"] = f"Unknown issue: {', '.join(unknown)}."
    if "span" not in errors:  # offsets that are numbers: inside the article, with words?
        _check_span(article, int(form["start"]), int(form["end"]), errors)
    if errors or edit is None:
        return None, errors
    return (
        StatementFields(
            speaker_id=speaker_id,
            kind=edit.kind,
            start=edit.start,
            end=edit.end,
            said_on=edit.said_on,
            said_on_precision=edit.said_on_precision,
            stance=edit.stance,
            stance_target=edit.stance_target,
            issues=tuple(dict.fromkeys(wanted)),
        ),
        {},
    )


def _speaker_id(session: Session, typed: str, errors: dict[str, str]) -> int | None:
    if not typed:
        return None
    speaker = find_actor(session, typed)
    if speaker is None:
        errors["speaker"] = (
            f"No actor is called “{typed}”: pick one from the list, add them on "
            "the Actors page first, or leave this empty for an unattributed statement."
        )
        return None
    return speaker.id


def _unknown_issues(session: Session, wanted: list[str]) -> list[str]:
    known = set(session.scalars(select(Issue.slug).where(Issue.slug.in_(wanted))))
    return [slug for slug in wanted if slug not in known]


def _check_span(article: Article, start: int, end: int, errors: dict[str, str]) -> None:
    size = len(article.text)
    if not 0 <= start < end <= size:
        errors["span"] = f"The span must lie inside the article (0 to {size}), start before end."
    elif end - start > MAX_SPAN:
        errors["span"] = f"A statement can be at most {MAX_SPAN:,} characters long."
    elif not article.text[start:end].strip():
        errors["span"] = "The span holds no words."


def _pairs(session: Session, *snapshots: dict[str, Any] | None) -> set[tuple[int, int]]:
    slugs = {snap["issues"][0] for snap in snapshots if snap and snap["issues"]}
    ids = dict(
        session.execute(select(Issue.slug, Issue.id).where(Issue.slug.in_(slugs))).tuples().all()
    )
    return {
        (snap["speaker_id"], ids[snap["issues"][0]])
        for snap in snapshots
        if snap and snap["speaker_id"] and snap["issues"] and snap["issues"][0] in ids
    }


def _apply(session: Session, statement: Statement, values: dict[str, Any], text: str) -> None:
    statement.speaker_id = values["speaker_id"]
    statement.kind = values["kind"]
    statement.start, statement.end = values["start"], values["end"]
    statement.text = text[values["start"] : values["end"]]
    said_on = values["said_on"]
    statement.said_on = parse_day(said_on) if isinstance(said_on, str) else said_on
    statement.said_on_precision = values["said_on_precision"] if said_on else None
    statement.stance = values["stance"]
    statement.stance_target = values["stance_target"]
    statement.review_status = values.get("review_status", statement.review_status)
    session.flush()
    session.execute(delete(StatementIssue).where(StatementIssue.statement_id == statement.id))
    slugs = list(values["issues"])
    ids = dict(
        session.execute(select(Issue.slug, Issue.id).where(Issue.slug.in_(slugs))).tuples().all()
    )
    for rank, slug in enumerate(slug for slug in slugs if slug in ids):
        session.add(
            StatementIssue(statement_id=statement.id, issue_id=ids[slug], rank=rank, score=1.0)
        )
    session.flush()


def _fields_dict(fields: StatementFields) -> dict[str, Any]:
    return {
        "speaker_id": fields.speaker_id,
        "kind": fields.kind,
        "start": fields.start,
        "end": fields.end,
        "said_on": fields.said_on,
        "said_on_precision": fields.said_on_precision,
        "stance": fields.stance,
        "stance_target": fields.stance_target,
        "issues": list(fields.issues),
    }


def _article_text(session: Session, statement: Statement) -> str:
    return session.scalar(select(Article.text).where(Article.id == statement.article_id)) or ""


def _record_status(
    session: Session,
    editor: Editor,
    statement: Statement,
    status: str,
    action: str,
    summary: str,
) -> AuditEntry:
    """Set the review status and record the change (positions are the caller's to recompute)."""
    before = snapshot(session, statement)
    statement.review_status = status
    session.flush()
    after = snapshot(session, statement)
    return record(
        session,
        editor,
        AuditEntry(
            action=action,
            entity_type="statement",
            entity_id=statement.id,
            summary=summary,
            before=before,
            after=after,
        ),
    )


def _set_status(
    session: Session, editor: Editor, statement: Statement, status: str, action: str, verb: str
) -> AuditEntry:
    summary = f"{verb} statement {statement.id}"
    entry = _record_status(session, editor, statement, status, action, summary)
    recompute(session, _pairs(session, entry.before, entry.after))
    return entry


def confirm(session: Session, editor: Editor, statement: Statement) -> AuditEntry:
    """A person vouches for the statement as extracted (an edited one stays "edited")."""
    if statement.review_status == ReviewStatus.rejected:
        raise CurationError(
            "A rejected statement cannot be confirmed; undo the rejection.", status=409
        )
    status = "edited" if statement.review_status == ReviewStatus.edited else "confirmed"
    return _set_status(session, editor, statement, status, "statement.confirm", "Confirmed")


def confirm_article(session: Session, editor: Editor, article_id: int) -> list[AuditEntry]:
    """Every machine-made statement of one article that the review queue shows (repeats of
    another outlet's report are not), confirmed at once: one history entry each, so that each
    can be undone alone, and the positions recomputed once."""
    statements = session.scalars(
        select(Statement)
        .where(
            Statement.article_id == article_id,
            Statement.review_status == ReviewStatus.machine,
            Statement.corroborates_id.is_(None),
        )
        .order_by(Statement.start, Statement.id)
    ).all()
    entries = [
        _record_status(
            session,
            editor,
            statement,
            "confirmed",
            "statement.confirm",
            f"Confirmed statement {statement.id} (all of article {article_id})",
        )
        for statement in statements
    ]
    snapshots = [snap for entry in entries for snap in (entry.before, entry.after)]
    recompute(session, _pairs(session, *snapshots))
    return entries


def reject(session: Session, editor: Editor, statement: Statement) -> AuditEntry:
    """Not a statement (or not this one): hidden from views and positions, never re-created."""
    if statement.review_status == ReviewStatus.rejected:
        raise CurationError("This statement is already rejected.", status=409)
    return _set_status(session, editor, statement, "rejected", "statement.reject", "Rejected")


def edit(
    session: Session, editor: Editor, statement: Statement, fields: StatementFields
) -> AuditEntry:
    before = snapshot(session, statement)
    _apply(
        session,
        statement,
        {**_fields_dict(fields), "review_status": "edited"},
        _article_text(session, statement),
    )
    after = snapshot(session, statement)
    recompute(session, _pairs(session, before, after))
    changed = [key for key in after if after[key] != before[key] and key != "review_status"]
    return record(
        session,
        editor,
        AuditEntry(
            action="statement.edit",
            entity_type="statement",
            entity_id=statement.id,
            summary=f"Edited statement {statement.id}: {', '.join(changed) or 'no values changed'}",
            before=before,
            after=after,
        ),
    )


def add(
    session: Session, editor: Editor, article: Article, fields: StatementFields
) -> tuple[Statement, AuditEntry]:
    """A statement extraction missed, added by a person from the article's words."""
    statement = Statement(
        article_id=article.id,
        kind=fields.kind,
        text="",
        start=fields.start,
        end=fields.end,
        stance=fields.stance,
        confidence=1.0,
        review_status="confirmed",
        origin="analyst",
    )
    session.add(statement)
    session.flush()
    _apply(
        session,
        statement,
        {**_fields_dict(fields), "review_status": "confirmed"},
        article.text,
    )
    after = snapshot(session, statement)
    recompute(session, _pairs(session, after))
    entry = record(
        session,
        editor,
        AuditEntry(
            action="statement.add",
            entity_type="statement",
            entity_id=statement.id,
            summary=f"Added statement {statement.id} to article {article.id}",
            after=after,
        ),
    )
    return statement, entry


def restore(session: Session, statement: Statement, values: dict[str, Any]) -> None:
    """Put back a snapshot (undo)."""
    current = snapshot(session, statement)
    _apply(session, statement, values, _article_text(session, statement))
    recompute(session, _pairs(session, current, values))


def remove(session: Session, statement: Statement) -> None:
    """Delete a statement a person added (undoing the addition)."""
    current = snapshot(session, statement)
    session.execute(delete(Statement).where(Statement.id == statement.id))
    session.expunge(statement)
    recompute(session, _pairs(session, current))
