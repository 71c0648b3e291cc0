"""Import jobs: the list, and one job's live progress (htmx polling); the JSON is /api/jobs."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from app.db import DbSession
from app.ingest.jobs import get_job, recent_jobs
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter()


@router.get("/jobs", name="jobs")
def jobs(request: Request, session: DbSession) -> Response:
    return render(request, "jobs/list.html", {"views": recent_jobs(session)})


@router.get("/jobs/{job_id}", name="job")
def job(request: Request, session: DbSession, job_id: RecordId) -> Response:
    view = get_job(session, job_id)
    if view is None:
        raise HTTPException(status_code=404, detail=f"There is no import job {job_id}.")
    return render(request, "jobs/detail.html", {"view": view, "job": view.job})
