"""Writing and reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, User


@dataclass(frozen=True)
class Editor:
    """Who makes a change: a signed-in user, or a command run on the server."""

    user_id: int | None
    label: str

    @classmethod
    def of(cls, user: User) -> Editor:
        return cls(user.id, user.email)

    @classmethod
    def command(cls, name: str) -> Editor:
        return cls(None, name)


class CurationError(ValueError):
    """A change that cannot be made, with the reason, per form field when there is one."""

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def record(session: Session, editor: Editor, entry: AuditEntry) -> AuditEntry:
    """Keep the change in the audit log as this editor's (its summary cut to what fits)."""
    entry.user_id = editor.user_id
    entry.actor_label = editor.label
    entry.summary = entry.summary[:500]
    # A side not given is stored as JSON null, as it always was (not as SQL NULL).
    entry.before, entry.after = entry.before, entry.after
    session.add(entry)
    session.flush()
    return entry


def history(session: Session, entity_type: str, entity_id: int) -> list[AuditEntry]:
    """An entity's changes, newest first (a merge shows on both actors)."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == entity_type,
                or_(AuditEntry.entity_id == entity_id, AuditEntry.other_id == entity_id),
            )
            .order_by(AuditEntry.id.desc())
        )
    )


def recent(
    session: Session,
    *,
    limit: int = 100,
    before_id: int | None = None,
    entity_type: str | None = None,
    user_id: int | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    return list(session.scalars(query.limit(limit)))


def changed_fields(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each value the change altered, for display."""
    before, after = entry.before or {}, entry.after or {}
    keys = [k for k in (*before, *(k for k in after if k not in before)) if not k.endswith("_id")]
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
