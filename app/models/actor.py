"""Actors (people, states, organisations, groups), their aliases and their roles over time."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.db import Base
from app.models.common import created_at_column, one_of
from app.vocabulary import ActorKind


class Actor(Base):
    __tablename__ = "actor"
    __table_args__ = (one_of("kind", ActorKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="person")
    gender: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("actor.id", ondelete="SET NULL"), index=True
    )
    needs_review: Mapped[bool] = mapped_column(default=False)
    # Set when an analyst merged this actor into another; kept so that the merge can be undone.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("actor.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()

    affiliation: Mapped[Actor | None] = relationship(
        remote_side=[id], foreign_keys=[affiliation_id], lazy="raise"
    )
    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", lazy="raise"
    )
    roles: Mapped[list[ActorRole]] = relationship(
        back_populates="actor",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="ActorRole.start_on",
    )


class ActorAlias(Base):
    """Another way a text names the actor; ``normalized`` is what lookups compare."""

    __tablename__ = "actor_alias"
    __table_args__ = (
        UniqueConstraint("actor_id", "normalized"),
        Index("ix_actor_alias_normalized", "normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200))

    actor: Mapped[Actor] = relationship(back_populates="aliases", lazy="raise")


class ActorRole(Base):
    """A role an actor held between two dates, and the nouns that refer to its holder."""

    __tablename__ = "actor_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    nouns: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)

    actor: Mapped[Actor] = relationship(back_populates="roles", lazy="raise")


def surviving(session: Session, actor: Actor) -> Actor:
    """The actor itself, or the one it was merged into (following chains of merges)."""
    seen = {actor.id}
    while actor.merged_into_id is not None and actor.merged_into_id not in seen:
        survivor = session.get(Actor, actor.merged_into_id)
        if survivor is None:
            break
        seen.add(survivor.id)
        actor = survivor
    return actor
