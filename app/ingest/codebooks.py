"""Load the actor and issue codebooks into the database, and read them back for extraction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.extraction.codebook import Codebook, normalize_name
from app.extraction.types import ActorEntry, IssueEntry, RoleEntry
from app.models import Actor, ActorAlias, ActorRole, Issue


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0


def sync_issues(session: Session, issues: list[IssueEntry]) -> SyncCounts:
    """Upsert issues by slug; running it twice with the same codebook changes nothing."""
    counts = SyncCounts()
    existing = {issue.slug: issue for issue in session.scalars(select(Issue))}
    for order, entry in enumerate(issues):
        values = {
            "name": entry.name,
            "question": entry.question,
            "keywords": list(entry.keywords),
            "sort_order": order,
        }
        issue = existing.get(entry.slug)
        if issue is None:
            session.add(Issue(slug=entry.slug, **values))
            counts.created += 1
        elif any(getattr(issue, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(issue, key, value)
            counts.updated += 1
    session.flush()
    return counts


def sync_actors(session: Session, actors: list[ActorEntry]) -> SyncCounts:
    """Upsert actors by slug with their aliases and roles; analysts' own additions are kept."""
    counts = SyncCounts()
    existing = {
        actor.slug: actor
        for actor in session.scalars(
            select(Actor).options(selectinload(Actor.aliases), selectinload(Actor.roles))
        )
    }
    for entry in actors:
        actor = existing.get(entry.slug)
        created = actor is None
        if actor is None:
            actor = Actor(slug=entry.slug, name=entry.name, kind=entry.kind, aliases=[], roles=[])
            session.add(actor)
            existing[entry.slug] = actor
        changed = _apply_actor_fields(actor, entry)
        changed |= _merge_aliases(actor, entry)
        changed |= _merge_roles(actor, entry.roles)
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
    session.flush()
    for entry in actors:
        parent = existing.get(entry.affiliation) if entry.affiliation else None
        actor = existing[entry.slug]
        if parent is not None and actor.affiliation_id != parent.id:
            actor.affiliation_id = parent.id
    session.flush()
    return counts


def _apply_actor_fields(actor: Actor, entry: ActorEntry) -> bool:
    values = {
        "name": entry.name,
        "kind": entry.kind,
        "gender": entry.gender,
        "description": entry.description,
    }
    changed = False
    for key, value in values.items():
        if getattr(actor, key) != value:
            setattr(actor, key, value)
            changed = True
    return changed


def _merge_aliases(actor: Actor, entry: ActorEntry) -> bool:
    known = {alias.normalized for alias in actor.aliases}
    changed = False
    for form in (entry.name, *entry.aliases):
        normalized = normalize_name(form)
        if normalized and normalized not in known:
            actor.aliases.append(ActorAlias(alias=form, normalized=normalized))
            known.add(normalized)
            changed = True
    return changed


def _merge_roles(actor: Actor, roles: tuple[RoleEntry, ...]) -> bool:
    known = {(role.title, role.start_on) for role in actor.roles}
    changed = False
    for role in roles:
        if (role.title, role.start) not in known:
            actor.roles.append(
                ActorRole(
                    title=role.title, nouns=list(role.nouns), start_on=role.start, end_on=role.end
                )
            )
            changed = True
    return changed


def load_codebook(session: Session) -> Codebook:
    """The codebook as the database holds it now, analysts' additions included."""
    actors = session.scalars(
        select(Actor)
        .options(
            selectinload(Actor.aliases),
            selectinload(Actor.roles),
            selectinload(Actor.affiliation),
        )
        .order_by(Actor.id)
    ).all()
    issues = session.scalars(select(Issue).order_by(Issue.sort_order, Issue.id)).all()
    return Codebook(
        actors=[
            ActorEntry(
                name=actor.name,
                slug=actor.slug,
                kind=actor.kind,
                gender=actor.gender,
                aliases=tuple(alias.alias for alias in actor.aliases),
                roles=tuple(
                    RoleEntry(
                        title=role.title,
                        nouns=tuple(role.nouns),
                        start=role.start_on,
                        end=role.end_on,
                    )
                    for role in actor.roles
                ),
                affiliation=actor.affiliation.slug if actor.affiliation else None,
                description=actor.description,
            )
            for actor in actors
        ],
        issues=[
            IssueEntry(
                slug=issue.slug,
                name=issue.name,
                question=issue.question,
                keywords=tuple(issue.keywords),
            )
            for issue in issues
        ],
    )
