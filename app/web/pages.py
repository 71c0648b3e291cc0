"""Browsing pages: timeline, articles, issues and actors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.db import DbSession
from app.positions.derive import shifts
from app.positions.views import actor_positions, alignments, chart_series, issue_matrix
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


@router.get("/statements/{statement_id}", name="statement")
def statement(request: Request, session: DbSession, statement_id: int) -> Response:
    """A statement's evidence: its words highlighted in the article."""
    article_id = catalog.statement_article(session, statement_id)
    if article_id is None:
        raise HTTPException(status_code=404, detail=f"There is no statement {statement_id}.")
    target = request.app.url_path_for("article", article_id=article_id)
    return RedirectResponse(f"{target}#statement-{statement_id}", status_code=303)


@router.get("/issues", name="issues")
def issues(request: Request, session: DbSession) -> Response:
    return render(request, "issues/list.html", {"rows": catalog.list_issues(session)})


@router.get("/issues/{slug}", name="issue")
def issue(request: Request, session: DbSession, slug: str) -> Response:
    found = catalog.get_issue(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no issue called “{slug}”.")
    context = {
        "issue": found,
        "matrix": issue_matrix(session, found),
        "shifts": shifts(session, issue_id=found.id)[:20],
        "days": load_timeline(session, TimelineFilters(issue_slugs=(slug,)), limit=30),
    }
    return render(request, "issues/detail.html", context)


@router.get("/api/issues/{slug}/positions", name="api_issue_positions", tags=["issues"])
def issue_positions(session: DbSession, slug: str) -> dict[str, Any]:
    """Each actor's stance on the issue over time (the issue page's chart)."""
    found = catalog.get_issue(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no issue called “{slug}”.")
    return chart_series(session, found)


@router.get("/actors", name="actors")
def actors(request: Request, session: DbSession) -> Response:
    return render(request, "actors/list.html", {"rows": catalog.list_actors(session)})


@router.get("/actors/{slug}", name="actor")
def actor(request: Request, session: DbSession, slug: str) -> Response:
    found = catalog.get_actor(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no actor called “{slug}”.")
    agree, disagree = alignments(session, found.id)
    context = {
        "actor": found,
        "positions": actor_positions(session, found.id),
        "agree": agree,
        "disagree": disagree,
        "days": load_timeline(session, TimelineFilters(actor_ids=(found.id,)), limit=100),
    }
    return render(request, "actors/detail.html", context)
