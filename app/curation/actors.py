"""Changing actors: names, kinds, affiliations, aliases and roles, creating them, and merging
two actors that are one. Each change is recorded with enough to undo it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from app.curation.audit import AuditEntry, CurationError, Editor, record
from app.curation.lookup import find_actor
from app.curation.schemas import ActorEdit, NewActor, RoleIn, checked
from app.dates import parse_day
from app.extraction.codebook import normalize_name, slugify
from app.models import Actor, ActorAlias, ActorRole, Position, Statement, StatementIssue
from app.models.event import event_actor
from app.positions.derive import recompute


def snapshot(session: Session, actor: Actor) -> dict[str, Any]:
    affiliation = session.get(Actor, actor.affiliation_id) if actor.affiliation_id else None
    return {
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "affiliation_id": actor.affiliation_id,
        "affiliation": affiliation.name if affiliation else None,
        "needs_review": actor.needs_review,
        "merged_into_id": actor.merged_into_id,
    }


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, suffix = base, 2
    while session.scalar(select(Actor.id).where(Actor.slug == slug)) is not None:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _owner_of_alias(session: Session, normalized: str) -> Actor | None:
    return session.scalar(
        select(Actor)
        .join(ActorAlias, ActorAlias.actor_id == Actor.id)
        .where(ActorAlias.normalized == normalized, Actor.merged_into_id.is_(None))
        .limit(1)
    )


def create(session: Session, editor: Editor, name: str, kind: str) -> Actor:
    new = checked(NewActor, name=name, kind=kind)
    name, kind = new.name, new.kind
    owner = _owner_of_alias(session, normalize_name(name))
    if owner is not None:
        raise CurationError(f"“{name}” already names {owner.name}.", field="name")
    actor = Actor(name=name, slug=_unique_slug(session, name), kind=kind)
    actor.aliases = [ActorAlias(alias=name, normalized=normalize_name(name))]
    session.add(actor)
    session.flush()
    record(
        session,
        editor,
        AuditEntry(
            action="actor.create",
            entity_type="actor",
            entity_id=actor.id,
            summary=f"Created {kind} {name}",
            after=snapshot(session, actor),
        ),
    )
    return actor


def update(session: Session, editor: Editor, actor: Actor, edit: ActorEdit) -> AuditEntry:
    """Rename, set kind, affiliation and description (the old name stays as an alias)."""
    affiliated = None
    if edit.affiliation.strip():
        affiliated = find_actor(session, edit.affiliation)
        if affiliated is None:
            raise CurationError(f"No actor is called “{edit.affiliation}”.", field="affiliation")
        if affiliated.id == actor.id:
            raise CurationError("An actor cannot be affiliated with itself.", field="affiliation")
    before = snapshot(session, actor)
    actor.name = edit.name
    actor.kind = edit.kind
    actor.affiliation_id = affiliated.id if affiliated else None
    actor.description = edit.description.strip() or None
    actor.needs_review = edit.needs_review
    session.flush()
    after = snapshot(session, actor)
    changed = [key for key in after if after[key] != before[key] and not key.endswith("_id")]
    return record(
        session,
        editor,
        AuditEntry(
            action="actor.update",
            entity_type="actor",
            entity_id=actor.id,
            summary=f"Changed {', '.join(changed) or 'nothing'} of {actor.name}",
            before=before,
            after=after,
        ),
    )


def add_alias(session: Session, editor: Editor, actor: Actor, alias: str) -> AuditEntry:
    alias = " ".join(alias.split())
    normalized = normalize_name(alias)
    if not normalized:
        raise CurationError("Type the other name.", field="alias")
    if len(alias) > 200:
        raise CurationError("Keep the alias under 200 characters.", field="alias")
    owner = _owner_of_alias(session, normalized)
    if owner is not None and owner.id == actor.id:
        raise CurationError(f"{actor.name} already has the alias “{alias}”.", field="alias")
    if owner is not None:
        raise CurationError(
            f"“{alias}” already names {owner.name}; if they are one actor, merge them.",
            field="alias",
        )
    row = ActorAlias(actor_id=actor.id, alias=alias, normalized=normalized)
    session.add(row)
    session.flush()
    return record(
        session,
        editor,
        AuditEntry(
            action="actor.alias_add",
            entity_type="actor",
            entity_id=actor.id,
            summary=f"Added the alias “{alias}” to {actor.name}",
            after={"alias_id": row.id, "alias": alias},
        ),
    )


def remove_alias(session: Session, editor: Editor, actor: Actor, alias_id: int) -> AuditEntry:
    row = session.get(ActorAlias, alias_id)
    if row is None or row.actor_id != actor.id:
        raise CurationError(f"{actor.name} has no alias {alias_id}.", status=404)
    before = {"alias_id": row.id, "alias": row.alias}
    session.delete(row)
    session.flush()
    return record(
        session,
        editor,
        AuditEntry(
            action="actor.alias_remove",
            entity_type="actor",
            entity_id=actor.id,
            summary=f"Removed the alias “{before['alias']}” from {actor.name}",
            before=before,
        ),
    )


def add_role(session: Session, editor: Editor, actor: Actor, role: RoleIn) -> AuditEntry:
    title = role.title
    row = ActorRole(
        actor_id=actor.id,
        title=title,
        nouns=role.noun_list,
        start_on=role.start_on,
        end_on=role.end_on,
    )
    session.add(row)
    session.flush()
    return record(
        session,
        editor,
        AuditEntry(
            action="actor.role_add",
            entity_type="actor",
            entity_id=actor.id,
            summary=f"Added the role “{title}” to {actor.name}",
            after={"role_id": row.id, **_role_values(row)},
        ),
    )


def add_alias_row(session: Session, actor: Actor, alias: str) -> ActorAlias:
    """Put an alias back (undo of a removal), unless another actor has taken the name since."""
    normalized = normalize_name(alias)
    owner = _owner_of_alias(session, normalized)
    if owner is not None:
        raise CurationError(f"“{alias}” now names {owner.name}.", status=409)
    row = ActorAlias(actor_id=actor.id, alias=alias, normalized=normalized)
    session.add(row)
    return row


def add_role_row(session: Session, actor: Actor, values: dict[str, Any]) -> ActorRole:
    row = ActorRole(
        actor_id=actor.id,
        title=values["title"],
        nouns=list(values["nouns"]),
        start_on=parse_day(values["start_on"]),
        end_on=parse_day(values["end_on"]),
    )
    session.add(row)
    return row


def _role_values(row: ActorRole) -> dict[str, Any]:
    return {
        "title": row.title,
        "nouns": list(row.nouns or []),
        "start_on": row.start_on.isoformat() if row.start_on else None,
        "end_on": row.end_on.isoformat() if row.end_on else None,
    }


def remove_role(session: Session, editor: Editor, actor: Actor, role_id: int) -> AuditEntry:
    row = session.get(ActorRole, role_id)
    if row is None or row.actor_id != actor.id:
        raise CurationError(f"{actor.name} has no role {role_id}.", status=404)
    before = {"role_id": row.id, **_role_values(row)}
    session.delete(row)
    session.flush()
    return record(
        session,
        editor,
        AuditEntry(
            action="actor.role_remove",
            entity_type="actor",
            entity_id=actor.id,
            summary=f"Removed the role “{before['title']}” from {actor.name}",
            before=before,
        ),
    )


def _issue_pairs(session: Session, actor_ids: list[int]) -> set[tuple[int, int]]:
    rows = session.execute(
        select(Statement.speaker_id, StatementIssue.issue_id)
        .join(StatementIssue, StatementIssue.statement_id == Statement.id)
        .where(Statement.speaker_id.in_(actor_ids), StatementIssue.rank == 0)
        .distinct()
    ).tuples()
    return {(speaker, issue) for speaker, issue in rows if speaker is not None}


def _clear_positions(session: Session, actor_id: int) -> None:
    session.execute(delete(Position).where(Position.actor_id == actor_id))


def merge(session: Session, editor: Editor, loser: Actor, survivor: Actor) -> AuditEntry:
    """Fold ``loser`` into ``survivor``: statements, aliases, roles, event participation and
    affiliations move; positions are recomputed; ``loser`` stays, marked merged, for undo."""
    if loser.id == survivor.id:
        raise CurationError("Choose another actor to merge into.", field="into")
    if loser.merged_into_id is not None:
        raise CurationError(f"{loser.name} is already merged.", status=409)
    if survivor.merged_into_id is not None:
        raise CurationError(f"{survivor.name} was merged into another actor.", field="into")
    statement_ids = list(
        session.scalars(select(Statement.id).where(Statement.speaker_id == loser.id))
    )
    survivor_names = set(
        session.scalars(select(ActorAlias.normalized).where(ActorAlias.actor_id == survivor.id))
    )
    moved_aliases, dropped_aliases = [], []
    for alias in session.scalars(select(ActorAlias).where(ActorAlias.actor_id == loser.id)):
        if alias.normalized in survivor_names:
            dropped_aliases.append({"alias": alias.alias, "normalized": alias.normalized})
            session.delete(alias)
        else:
            moved_aliases.append(alias.id)
            survivor_names.add(alias.normalized)
    session.flush()
    role_ids = list(session.scalars(select(ActorRole.id).where(ActorRole.actor_id == loser.id)))
    events = list(
        session.scalars(select(event_actor.c.event_id).where(event_actor.c.actor_id == loser.id))
    )
    shared = set(
        session.scalars(
            select(event_actor.c.event_id).where(
                event_actor.c.actor_id == survivor.id, event_actor.c.event_id.in_(events)
            )
        )
    )
    affiliated = list(session.scalars(select(Actor.id).where(Actor.affiliation_id == loser.id)))
    pairs = _issue_pairs(session, [loser.id])

    session.execute(
        sql_update(Statement).where(Statement.id.in_(statement_ids)).values(speaker_id=survivor.id)
    )
    session.execute(
        sql_update(ActorAlias).where(ActorAlias.id.in_(moved_aliases)).values(actor_id=survivor.id)
    )
    session.execute(
        sql_update(ActorRole).where(ActorRole.id.in_(role_ids)).values(actor_id=survivor.id)
    )
    session.execute(
        delete(event_actor).where(
            event_actor.c.actor_id == loser.id, event_actor.c.event_id.in_(shared)
        )
    )
    session.execute(
        sql_update(event_actor)
        .where(event_actor.c.actor_id == loser.id)
        .values(actor_id=survivor.id)
    )
    session.execute(
        sql_update(Actor).where(Actor.id.in_(affiliated)).values(affiliation_id=survivor.id)
    )
    loser.merged_into_id = survivor.id
    if loser.affiliation_id == survivor.id:
        loser.affiliation_id = None
    session.flush()
    session.expire_all()
    _clear_positions(session, loser.id)
    recompute(
        session, {(survivor.id, issue) for _, issue in pairs} | _issue_pairs(session, [survivor.id])
    )
    return record(
        session,
        editor,
        AuditEntry(
            action="actor.merge",
            entity_type="actor",
            entity_id=loser.id,
            other_id=survivor.id,
            summary=f"Merged {loser.name} into {survivor.name} ({len(statement_ids)} statements)",
            before={"merged_into_id": None},
            after={
                "merged_into_id": survivor.id,
                "into": survivor.name,
                "statement_ids": statement_ids,
                "alias_ids": moved_aliases,
                "dropped_aliases": dropped_aliases,
                "role_ids": role_ids,
                "event_ids": [e for e in events if e not in shared],
                "shared_event_ids": sorted(shared),
                "affiliated_ids": affiliated,
            },
        ),
    )


def unmerge(session: Session, loser: Actor, moved: dict[str, Any]) -> None:
    """Undo a merge: move back exactly what it moved (what still belongs to the survivor)."""
    survivor_id = moved["merged_into_id"]
    session.execute(
        sql_update(Statement)
        .where(Statement.id.in_(moved["statement_ids"]), Statement.speaker_id == survivor_id)
        .values(speaker_id=loser.id)
    )
    session.execute(
        sql_update(ActorAlias)
        .where(ActorAlias.id.in_(moved["alias_ids"]), ActorAlias.actor_id == survivor_id)
        .values(actor_id=loser.id)
    )
    for alias in moved["dropped_aliases"]:
        session.add(
            ActorAlias(actor_id=loser.id, alias=alias["alias"], normalized=alias["normalized"])
        )
    session.execute(
        sql_update(ActorRole)
        .where(ActorRole.id.in_(moved["role_ids"]), ActorRole.actor_id == survivor_id)
        .values(actor_id=loser.id)
    )
    session.execute(
        sql_update(event_actor)
        .where(
            event_actor.c.actor_id == survivor_id, event_actor.c.event_id.in_(moved["event_ids"])
        )
        .values(actor_id=loser.id)
    )
    for event_id in moved["shared_event_ids"]:
        session.execute(event_actor.insert().values(event_id=event_id, actor_id=loser.id))
    session.execute(
        sql_update(Actor)
        .where(Actor.id.in_(moved["affiliated_ids"]), Actor.affiliation_id == survivor_id)
        .values(affiliation_id=loser.id)
    )
    loser.merged_into_id = None
    session.flush()
    session.expire_all()
    recompute(
        session, _issue_pairs(session, [loser.id, survivor_id]) | _stale_pairs(session, survivor_id)
    )


def _stale_pairs(session: Session, actor_id: int) -> set[tuple[int, int]]:
    """Pairs that have positions but may have lost their statements."""
    return set(
        session.execute(
            select(Position.actor_id, Position.issue_id).where(Position.actor_id == actor_id)
        ).tuples()
    )


def statement_count(session: Session, actor_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Statement).where(Statement.speaker_id == actor_id)
        )
        or 0
    )
