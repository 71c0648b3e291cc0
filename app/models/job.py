"""Import jobs: one per upload or import run, with one item per file, each imported on its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.article import Article
from app.models.common import created_at_column, one_of
from app.vocabulary import ItemStatus, JobOrigin, JobState


class ImportJob(Base):
    __tablename__ = "import_job"
    __table_args__ = (one_of("state", JobState), Index("ix_import_job_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    origin: Mapped[str] = mapped_column(String(20), default=JobOrigin.upload)
    created_at: Mapped[datetime] = created_at_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[ImportItem]] = relationship(
        back_populates="job",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="ImportItem.position",
    )


class ImportItem(Base):
    """One file (or pasted text) of a job: its bytes and metadata until it is imported."""

    __tablename__ = "import_item"
    __table_args__ = (
        one_of("status", ItemStatus),
        Index("ix_import_item_job_id_status", "job_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str] = mapped_column(String(500))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    statements: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    job: Mapped[ImportJob] = relationship(back_populates="items", lazy="raise")
    article: Mapped[Article | None] = relationship(lazy="raise")
