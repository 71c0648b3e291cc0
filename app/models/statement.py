"""Statements: who said what, when, quoted or reported, with the exact span of source text."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.actor import Actor
from app.models.article import Article
from app.models.common import created_at_column, one_of, utcnow
from app.models.issue import Issue
from app.vocabulary import DatePrecision, ReviewStatus, Stance, StatementKind


class Statement(Base):
    __tablename__ = "statement"
    __table_args__ = (
        one_of("kind", StatementKind),
        one_of("stance", Stance),
        one_of("review_status", ReviewStatus),
        one_of("said_on_precision", DatePrecision),
        Index("ix_statement_review_status_confidence", "review_status", "confidence"),
        # Only the copies: a full index of a column that is almost always null misleads
        # SQLite's planner into scanning the table for a page's corroborations.
        Index(
            "ix_statement_corroborates_id",
            "corroborates_id",
            postgresql_where=text("corroborates_id IS NOT NULL"),
            sqlite_where=text("corroborates_id IS NOT NULL"),
        ),
        Index("ix_statement_said_on_id", "said_on", "id"),
        Index("ix_statement_speaker_id_said_on", "speaker_id", "said_on"),
        Index("ix_statement_article_id_start", "article_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id", ondelete="SET NULL"))
    speaker_text: Mapped[str | None] = mapped_column(String(300))
    speaker_role: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int]
    end: Mapped[int]
    said_on: Mapped[date | None] = mapped_column(Date)
    said_on_precision: Mapped[str | None] = mapped_column(String(10))
    stance: Mapped[str] = mapped_column(String(20), default="neutral")
    stance_target: Mapped[str | None] = mapped_column(String(500))
    # The news outlet that carried the words, when the article names one ("reported by Reuters").
    reported_by: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    review_status: Mapped[str] = mapped_column(String(20), default="machine")
    # machine: found by extraction; analyst: added by a person from the article view. (No CHECK:
    # adding one would make SQLite rebuild the table and drop its full-text triggers.)
    origin: Mapped[str] = mapped_column(String(10), default="machine", server_default="machine")
    # The earlier statement this one repeats (same speaker, nearly the same words, another
    # outlet): the timeline shows the earlier one, "reported by N outlets".
    corroborates_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # The statement's set of issues (",3,7,"), kept by the tally's triggers from statement_issue
    # (migration statement_tally; never loaded). The importer alone writes it, at the insert,
    # with the links it is about to add: the triggers then find it right and leave it alone.
    issue_ids: Mapped[str] = mapped_column(String(400), server_default="", deferred=True)
    # The issues of that set it ranks first (",3,"; migration issue_tally), for the issue
    # tally's triggers; written, like ``issue_ids``, by the importer alone, at the insert.
    lead_issue_ids: Mapped[str] = mapped_column(String(400), server_default="", deferred=True)

    article: Mapped[Article] = relationship(lazy="raise")
    speaker: Mapped[Actor | None] = relationship(lazy="raise")
    corroborations: Mapped[list[Statement]] = relationship(
        back_populates="corroborates", lazy="raise", order_by="Statement.id"
    )
    corroborates: Mapped[Statement | None] = relationship(
        remote_side=[id], back_populates="corroborations", lazy="raise"
    )
    issues: Mapped[list[StatementIssue]] = relationship(
        back_populates="statement",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="StatementIssue.rank",
    )


class StatementIssue(Base):
    """An issue a statement is about; rank 0 is the best match."""

    __tablename__ = "statement_issue"
    __table_args__ = (
        Index("ix_statement_issue_issue_id_statement_id", "issue_id", "statement_id"),
    )

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(Float, default=0.0)

    statement: Mapped[Statement] = relationship(back_populates="issues", lazy="raise")
    issue: Mapped[Issue] = relationship(lazy="raise")
