"""Import jobs: the list, one job's live progress (htmx polling), and the same as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel
from starlette.responses import Response

from app.db import DbSession
from app.ingest.jobs import JobView, get_job, recent_jobs
from app.models.common import as_utc
from app.web.templating import render

router = APIRouter()
# Ids are 32-bit on PostgreSQL (and SQLite stops at 64): a larger number is refused (422)
# before it reaches the database, where it would be an error.
JobId = Annotated[int, Path(ge=1, le=2_147_483_647)]


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
    for state in ("queued", "running", "imported", "duplicate", "failed"):
        counts[state] = view.counts.get(state, 0)
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


@router.get("/jobs", name="jobs")
def jobs(request: Request, session: DbSession) -> Response:
    return render(request, "jobs/list.html", {"views": recent_jobs(session)})


@router.get("/jobs/{job_id}", name="job")
def job(request: Request, session: DbSession, job_id: JobId) -> Response:
    view = get_job(session, job_id)
    if view is None:
        raise HTTPException(status_code=404, detail=f"There is no import job {job_id}.")
    return render(request, "jobs/detail.html", {"view": view, "job": view.job})


@router.get("/api/jobs/{job_id}", name="api_job", response_model=JobOut, tags=["jobs"])
def api_job(session: DbSession, job_id: JobId) -> JobOut:
    """An import job's state, counts and each item's result."""
    view = get_job(session, job_id)
    if view is None:
        raise HTTPException(status_code=404, detail=f"There is no import job {job_id}.")
    return job_out(view)
