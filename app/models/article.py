"""Outlets and the articles they published, stored exactly as imported."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.common import one_of, utcnow
from app.vocabulary import DatePrecision


class Source(Base):
    """An outlet: a newspaper, agency, broadcaster or website."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str | None] = mapped_column(String(200))

    articles: Mapped[list[Article]] = relationship(back_populates="source", lazy="raise")


class Article(Base):
    """One text from one outlet; a syndicated copy points at its original."""

    __tablename__ = "article"
    __table_args__ = (
        one_of("published_precision", DatePrecision),
        Index("ix_article_published_on_id", "published_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    published_on: Mapped[date | None] = mapped_column(Date)
    published_precision: Mapped[str] = mapped_column(String(10), default="day")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"), index=True
    )
    file_name: Mapped[str | None] = mapped_column(String(500))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    needs_review: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    source: Mapped[Source | None] = relationship(back_populates="articles", lazy="raise")
    duplicate_of: Mapped[Article | None] = relationship(
        remote_side=[id], back_populates="copies", lazy="raise"
    )
    copies: Mapped[list[Article]] = relationship(back_populates="duplicate_of", lazy="raise")
