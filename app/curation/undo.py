"""Undoing a recorded change: only when the thing is still as that change left it, so an undo
never silently throws away a later correction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.curation import actors, statements
from app.curation.audit import CurationError, Editor, record
from app.models import Actor, ActorAlias, ActorRole, AuditEntry, Statement

UNDOABLE = {
    "statement.confirm",
    "statement.reject",
    "statement.edit",
    "statement.add",
    "actor.create",
    "actor.update",
    "actor.alias_add",
    "actor.alias_remove",
    "actor.role_add",
    "actor.role_remove",
    "actor.merge",
}


def can_undo(entry: AuditEntry) -> bool:
    return entry.action in UNDOABLE and entry.undone_by_id is None


def undo(session: Session, editor: Editor, entry: AuditEntry) -> AuditEntry:
    if entry.undone_by_id is not None:
        raise CurationError("That change is already undone.", status=409)
    if entry.action not in UNDOABLE:
        raise CurationError(
            "This kind of change cannot be undone; make the opposite change instead.", status=409
        )
    if entry.entity_type == "statement":
        _undo_statement(session, entry)
    else:
        _undo_actor(session, entry)
    undone = record(
        session,
        editor,
        AuditEntry(
            action="undo",
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            other_id=entry.other_id,
            summary=f"Undid: {entry.summary}",
            before=entry.after,
            after=entry.before,
        ),
    )
    undone.undoes_id = entry.id
    entry.undone_by_id = undone.id
    session.flush()
    return undone


def _stale() -> CurationError:
    return CurationError(
        "It has changed since; undo the later changes first (newest first).", status=409
    )


def _undo_statement(session: Session, entry: AuditEntry) -> None:
    statement = session.get(Statement, entry.entity_id)
    if statement is None:
        raise CurationError("That statement no longer exists.", status=409)
    if statements.snapshot(session, statement) != entry.after:
        raise _stale()
    if entry.action == "statement.add":
        statements.remove(session, statement)
    else:
        statements.restore(session, statement, _as_values(entry.before))


def _as_values(snapshot: dict[str, Any] | None) -> dict[str, Any]:
    if snapshot is None:
        raise CurationError("The change kept no earlier values to go back to.", status=409)
    return snapshot


def _undo_actor(session: Session, entry: AuditEntry) -> None:
    actor = session.get(Actor, entry.entity_id)
    if actor is None:
        raise CurationError("That actor no longer exists.", status=409)
    ACTOR_UNDOS[entry.action](session, actor, entry.before or {}, entry.after or {})
    session.flush()


Values = dict[str, Any]


def _undo_update(session: Session, actor: Actor, before: Values, after: Values) -> None:
    if actors.snapshot(session, actor) != after:
        raise _stale()
    actor.name = before["name"]
    actor.kind = before["kind"]
    actor.description = before["description"]
    actor.affiliation_id = before["affiliation_id"]
    actor.needs_review = before["needs_review"]


def _undo_create(session: Session, actor: Actor, _before: Values, _after: Values) -> None:
    if actors.statement_count(session, actor.id) or actor.merged_into_id is not None:
        raise CurationError(
            f"{actor.name} has statements now; merge them into another actor instead.",
            status=409,
        )
    session.execute(delete(Actor).where(Actor.id == actor.id))
    session.expunge(actor)


def _undo_alias_add(session: Session, actor: Actor, _before: Values, after: Values) -> None:
    alias = session.get(ActorAlias, after["alias_id"])
    if alias is None or alias.actor_id != actor.id:
        raise _stale()
    session.delete(alias)


def _undo_alias_remove(session: Session, actor: Actor, before: Values, _after: Values) -> None:
    actors.add_alias_row(session, actor, before["alias"])


def _undo_role_add(session: Session, actor: Actor, _before: Values, after: Values) -> None:
    role = session.get(ActorRole, after["role_id"])
    if role is None or role.actor_id != actor.id:
        raise _stale()
    session.delete(role)


def _undo_role_remove(session: Session, actor: Actor, before: Values, _after: Values) -> None:
    actors.add_role_row(session, actor, before)


def _undo_merge(session: Session, actor: Actor, _before: Values, after: Values) -> None:
    if actor.merged_into_id != after["merged_into_id"]:
        raise _stale()
    actors.unmerge(session, actor, after)


# How each recorded change to an actor is taken back (each checks first that it still can be).
ACTOR_UNDOS: dict[str, Callable[[Session, Actor, Values, Values], None]] = {
    "actor.update": _undo_update,
    "actor.create": _undo_create,
    "actor.alias_add": _undo_alias_add,
    "actor.alias_remove": _undo_alias_remove,
    "actor.role_add": _undo_role_add,
    "actor.role_remove": _undo_role_remove,
    "actor.merge": _undo_merge,
}
