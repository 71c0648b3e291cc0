"""Finding the actor a person means: by slug, name or alias, following merges (``surviving``,
which ingestion uses too, lives with the model)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.extraction.codebook import normalize_name
from app.models import Actor, ActorAlias
from app.models.actor import surviving


def find_actor(session: Session, typed: str) -> Actor | None:
    """The actor whose slug, name or alias this is (the form's autocomplete sends slugs)."""
    typed = typed.strip()
    if not typed:
        return None
    normalized = normalize_name(typed)
    found = session.scalar(
        select(Actor)
        .outerjoin(ActorAlias, ActorAlias.actor_id == Actor.id)
        .where(
            or_(
                Actor.slug == typed,
                ActorAlias.normalized == normalized,
                Actor.name == typed,
            )
        )
        .order_by(Actor.merged_into_id.is_not(None), Actor.id)
        .limit(1)
    )
    return surviving(session, found) if found is not None else None
