"""Events: talks, summits, proposals, ceasefires, exchanges — dated, located, with participants."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.actor import Actor
from app.models.article import Article
from app.models.common import created_at_column, one_of
from app.vocabulary import DatePrecision, EventKind

event_actor = Table(
    "event_actor",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(Base):
    __tablename__ = "event"
    __table_args__ = (
        one_of("kind", EventKind),
        one_of("date_precision", DatePrecision),
        Index("ix_event_occurred_on_id", "occurred_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(500))
    occurred_on: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(10), default="unknown")
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    participants: Mapped[list[Actor]] = relationship(secondary=event_actor, lazy="raise")
    mentions: Mapped[list[EventArticle]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise"
    )


class EventArticle(Base):
    """Where an article reports an event: the span of text that says so."""

    __tablename__ = "event_article"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    start: Mapped[int]
    end: Mapped[int]

    event: Mapped[Event] = relationship(back_populates="mentions", lazy="raise")
    article: Mapped[Article] = relationship(lazy="raise")
