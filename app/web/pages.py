"""Browsing pages: timeline, articles, issues and actors."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.curation import audit
from app.curation.undo import can_undo
from app.db import DbSession
from app.positions.derive import shifts
from app.positions.views import (
    CHART_ACTORS,
    actor_positions,
    alignments,
    issue_coverage,
    issue_matrix,
)
from app.queries import catalog
from app.queries.filters import PageFilters, filter_params
from app.queries.review import issue_choices
from app.queries.timeline import (
    Cursor,
    TimelineFilters,
    TimelinePage,
    count_statements,
    facets,
    load_timeline,
    plain_facets,
)
from app.vocabulary import ReviewStatus, Stance, StatementKind
from app.web.highlight import segments
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter()


@router.get("/", name="home")
@router.get("/timeline", name="timeline")
def timeline(
    request: Request,
    session: DbSession,
    checked: PageFilters,
    after: Annotated[
        str, Query(max_length=100, description="Keyset cursor of the previous page")
    ] = "",
) -> Response:
    """Statements and events by day; htmx asks for the results alone, a plain GET gets the
    whole page. Facet counts come in a second request (/timeline/facets). Filters that cannot
    be applied are left out and named on the page (422)."""
    filters = checked.filters
    cursor = Cursor.decode(after) if after else None
    # The total is counted by the page's second request, with the facets (/timeline/facets).
    page = load_timeline(
        session, filters, limit=request.app.state.settings.page_size, cursor=cursor, count=False
    )
    context = {
        "page": page,
        "days": page.days,
        "filters": filters,
        "problems": checked.problems,
        "more_url": _more_url(request, filters, page),
        "facets_url": _filters_url(request, "timeline_facets", filter_params(filters)),
        "filter_query": urlencode(filter_params(filters)),
    }
    status = 422 if checked.problems else 200
    if cursor is not None and request.headers.get("HX-Request"):
        return render(request, "timeline/index.html", context, block="page", status_code=status)
    context["facets"] = plain_facets(session, filters, page)
    return render(request, "timeline/index.html", context, block="results", status_code=status)


@router.get("/timeline/facets", name="timeline_facets")
def timeline_facets(request: Request, session: DbSession, checked: PageFilters) -> Response:
    """The filter form with how many statements each choice would show, and the total (the
    page swaps in the lists of choices and the total, never the boxes)."""
    context = {
        "filters": checked.filters,
        "facets": facets(session, checked.filters, request.app.state.settings.facet_window),
        "facets_url": None,
        "total": count_statements(session, checked.filters),
    }
    return render(request, "timeline/index.html", context, blocks=["filters", "count"])


@router.get("/actors/suggest", name="actor_suggestions")
def actor_suggestions(
    request: Request,
    session: DbSession,
    actor: Annotated[str, Query(max_length=100)] = "",
    speaker: Annotated[str, Query(max_length=100)] = "",
    into: Annotated[str, Query(max_length=100)] = "",
    affiliation: Annotated[str, Query(max_length=100)] = "",
    list_id: Annotated[str, Query(alias="list", pattern=r"^[a-z0-9-]{1,60}$")] = "actor-options",
) -> Response:
    """Names and aliases matching what was typed (in whichever actor field), as a <datalist>."""
    typed = actor or speaker or into or affiliation
    options = catalog.actor_options(session, typed)
    context = {"options": options, "list_id": list_id}
    return render(request, "timeline/_actor_options.html", context)


def _filters_url(request: Request, name: str, params: list[tuple[str, str]]) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"{request.app.url_path_for(name)}{query}"


def _more_url(request: Request, filters: TimelineFilters, page: TimelinePage) -> str | None:
    if page.next_cursor is None:
        return None
    params = [*filter_params(filters), ("after", page.next_cursor.encode())]
    return _filters_url(request, "timeline", params)


@router.get("/articles", name="articles")
def articles(request: Request, session: DbSession) -> Response:
    return render(request, "articles/list.html", {"rows": catalog.list_articles(session)})


@router.get("/articles/{article_id}", name="article")
def article(request: Request, session: DbSession, article_id: RecordId) -> Response:
    detail = catalog.get_article(session, article_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
    shown = [s for s in detail.statements if s.review_status != ReviewStatus.rejected]
    context = {
        "detail": detail,
        "article": detail.article,
        "segments": segments(detail.article.text, shown),
        "issue_list": issue_choices(session),
        "stances": list(Stance),
        "kinds": list(StatementKind),
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
    coverage = issue_coverage(session, found)
    context = {
        "issue": found,
        "coverage": coverage,
        "chart_actors": CHART_ACTORS,
        "matrix": issue_matrix(session, found, until=coverage.last),
        "shifts": shifts(session, issue_id=found.id)[:20],
        "days": load_timeline(session, TimelineFilters(issues=(slug,)), limit=30, count=False).days,
    }
    return render(request, "issues/detail.html", context)


@router.get("/actors", name="actors")
def actors(request: Request, session: DbSession) -> Response:
    return render(request, "actors/list.html", {"rows": catalog.list_actors(session)})


@router.get("/actors/{slug}", name="actor")
def actor(request: Request, session: DbSession, slug: str) -> Response:
    found = catalog.get_actor(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no actor called “{slug}”.")
    if found.merged_into_id is not None:
        survivor = catalog.get_actor_by_id(session, found.merged_into_id)
        if survivor is not None:
            target = request.app.url_path_for("actor", slug=survivor.slug)
            return RedirectResponse(f"{target}?merged={found.slug}", status_code=303)
    agree, disagree = alignments(session, found.id)
    context = {
        "actor": found,
        "positions": actor_positions(session, found.id),
        "agree": agree,
        "disagree": disagree,
        "days": load_timeline(session, TimelineFilters(actor_ids=(found.id,)), limit=100).days,
        "history": audit.history(session, "actor", found.id)[:20],
        "can_undo": can_undo,
        "merged_from": request.query_params.get("merged", ""),
    }
    return render(request, "actors/detail.html", context)
