"""Browsing pages: timeline, articles, issues and actors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from app.db import DbSession
from app.queries import catalog
from app.queries.timeline import TimelineFilters, load_timeline
from app.web.highlight import segments
from app.web.templating import render

router = APIRouter()


@router.get("/", name="home")
@router.get("/timeline", name="timeline")
def timeline(
    request: Request,
    session: DbSession,
    actor: Annotated[list[int], Query()] = [],  # noqa: B006 (FastAPI reads defaults, never mutates)
    issue: Annotated[list[str], Query()] = [],  # noqa: B006
    stance: Annotated[list[str], Query()] = [],  # noqa: B006
    date_from: date | None = None,
    date_to: date | None = None,
) -> Response:
    filters = TimelineFilters(
        actor_ids=tuple(actor),
        issue_slugs=tuple(issue),
        stances=tuple(stance),
        date_from=date_from,
        date_to=date_to,
    )
    days = load_timeline(session, filters)
    return render(request, "timeline/index.html", {"days": days, "filters": filters}, block="feed")


@router.get("/articles", name="articles")
def articles(request: Request, session: DbSession) -> Response:
    return render(request, "articles/list.html", {"rows": catalog.list_articles(session)})


@router.get("/articles/{article_id}", name="article")
def article(request: Request, session: DbSession, article_id: int) -> Response:
    detail = catalog.get_article(session, article_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
    context = {
        "detail": detail,
        "article": detail.article,
        "segments": segments(detail.article.text, detail.statements),
    }
    return render(request, "articles/detail.html", context)


@router.get("/issues", name="issues")
def issues(request: Request, session: DbSession) -> Response:
    return render(request, "issues/list.html", {"rows": catalog.list_issues(session)})


@router.get("/issues/{slug}", name="issue")
def issue(request: Request, session: DbSession, slug: str) -> Response:
    found = catalog.get_issue(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no issue called “{slug}”.")
    days = load_timeline(session, TimelineFilters(issue_slugs=(slug,)))
    return render(request, "issues/detail.html", {"issue": found, "days": days})


@router.get("/actors", name="actors")
def actors(request: Request, session: DbSession) -> Response:
    return render(request, "actors/list.html", {"rows": catalog.list_actors(session)})


@router.get("/actors/{slug}", name="actor")
def actor(request: Request, session: DbSession, slug: str) -> Response:
    found = catalog.get_actor(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no actor called “{slug}”.")
    days = load_timeline(session, TimelineFilters(actor_ids=(found.id,)))
    return render(request, "actors/detail.html", {"actor": found, "days": days})
