"""An import job's summary as JSON: its state, counts and each item's result (what the API
answers for a job, and what a page polling a job may read)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from app.ingest.jobs import JobView
from app.models.common import as_utc
from app.vocabulary import ItemStatus


class ItemOut(BaseModel):
    id: int
    position: int
    file_name: str
    status: str
    article_id: int | None
    statements: int
    error: str | None


class JobOut(BaseModel):
    id: int
    state: str
    origin: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    counts: dict[str, int]
    items: list[ItemOut]


def job_out(view: JobView) -> JobOut:
    job = view.job
    counts = {"total": view.total, "finished": view.finished}
    for status in ItemStatus:
        counts[status.value] = view.counts.get(status, 0)
    return JobOut(
        id=job.id,
        state=job.state,
        origin=job.origin,
        created_at=as_utc(job.created_at),
        started_at=as_utc(job.started_at),
        finished_at=as_utc(job.finished_at),
        seconds=round(view.seconds, 2) if view.seconds is not None else None,
        counts=counts,
        items=[
            ItemOut(
                id=item.id,
                position=item.position,
                file_name=item.file_name,
                status=item.status,
                article_id=item.article_id,
                statements=item.statements,
                error=item.error,
            )
            for item in job.items
        ],
    )
