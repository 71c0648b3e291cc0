"""Positions: an actor's stance on an issue from a date on, with the statement that shows it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.actor import Actor
from app.models.common import one_of
from app.models.issue import Issue
from app.models.statement import Statement
from app.vocabulary import Stance


class Position(Base):
    __tablename__ = "position"
    __table_args__ = (
        one_of("stance", Stance),
        Index("ix_position_actor_id_issue_id_valid_from", "actor_id", "issue_id", "valid_from"),
        Index("ix_position_issue_id_valid_from", "issue_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"))
    stance: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date] = mapped_column(Date)
    evidence_statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement.id", ondelete="SET NULL"), index=True
    )
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    human_confirmed: Mapped[bool] = mapped_column(default=False)

    actor: Mapped[Actor] = relationship(lazy="raise")
    issue: Mapped[Issue] = relationship(lazy="raise")
    evidence: Mapped[Statement | None] = relationship(lazy="raise")
