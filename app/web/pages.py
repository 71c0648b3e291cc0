"""Browsing pages: timeline, articles, issues and actors."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from pydantic import Field, StringConstraints
from starlette.responses import Response

from app.curation import audit
from app.curation.undo import can_undo
from app.db import DbSession
from app.models.common import STANCES, STATEMENT_KINDS
from app.positions.derive import shifts
from app.positions.views import actor_positions, alignments, chart_series, issue_matrix
from app.queries import catalog
from app.queries.review import issue_choices
from app.queries.timeline import (
    MAX_ID,
    Cursor,
    TimelineFilters,
    TimelinePage,
    count_statements,
    facets,
    load_timeline,
    plain_facets,
)
from app.web.highlight import segments
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter()


# PostgreSQL refuses a NUL in text, and no name, slug or search needs a control character.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SourceId = Annotated[int, Field(ge=1, le=MAX_ID)]
Slug = Annotated[str, StringConstraints(max_length=100)]
Stance = Literal["supports", "opposes", "conditional", "neutral"]
Kind = Literal["direct_quote", "reported"]
Review = Literal["machine", "confirmed", "edited"]


def timeline_filters(
    actor: Annotated[list[Slug], Query(max_length=50, description="Actor slugs")] = [],  # noqa: B006
    issue: Annotated[list[Slug], Query(max_length=50, description="Issue slugs")] = [],  # noqa: B006
    stance: Annotated[list[Stance], Query()] = [],  # noqa: B006
    outlet: Annotated[list[SourceId], Query(description="Source ids")] = [],  # noqa: B006
    kind: Annotated[list[Kind], Query()] = [],  # noqa: B006
    review: Annotated[list[Review], Query()] = [],  # noqa: B006
    date_from: Annotated[str, Query(alias="from", max_length=10, description="YYYY-MM-DD")] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10, description="YYYY-MM-DD")] = "",
    q: Annotated[str, Query(max_length=200, description="Words to search for")] = "",
) -> TimelineFilters:
    """The timeline's filters, all from the query string (so every view is a shareable URL)."""
    for name, values in (("actor", actor), ("issue", issue), ("q", [q])):
        if any(CONTROL_CHARACTERS.search(value) for value in values):
            raise RequestValidationError(
                [
                    {
                        "loc": ("query", name),
                        "msg": "control characters are not allowed",
                        "type": "value_error",
                    }
                ]
            )
    return TimelineFilters(
        actors=tuple(a for a in actor if a),
        issues=tuple(i for i in issue if i),
        stances=tuple(stance),
        outlets=tuple(outlet),
        kinds=tuple(kind),
        reviews=tuple(review),
        date_from=_optional_date("from", date_from),
        date_to=_optional_date("to", date_to),
        q=q,
    )


Filters = Annotated[TimelineFilters, Depends(timeline_filters)]


@router.get("/", name="home")
@router.get("/timeline", name="timeline")
def timeline(
    request: Request,
    session: DbSession,
    filters: Filters,
    after: Annotated[
        str, Query(max_length=100, description="Keyset cursor of the previous page")
    ] = "",
) -> Response:
    """Statements and events by day; htmx asks for the results alone, a plain GET gets the
    whole page. Facet counts come in a second request (/timeline/facets)."""
    cursor = Cursor.decode(after) if after else None
    # The total is counted by the page's second request, with the facets (/timeline/facets).
    page = load_timeline(
        session, filters, limit=request.app.state.settings.page_size, cursor=cursor, count=False
    )
    context = {
        "page": page,
        "days": page.days,
        "filters": filters,
        "more_url": _more_url(request, page),
        "facets_url": _facets_url(request),
    }
    if cursor is not None and request.headers.get("HX-Request"):
        return render(request, "timeline/index.html", context, block="page")
    context["facets"] = plain_facets(session, filters, page)
    return render(request, "timeline/index.html", context, block="results")


@router.get("/timeline/facets", name="timeline_facets")
def timeline_facets(request: Request, session: DbSession, filters: Filters) -> Response:
    """The filter form with how many statements each choice would show, and the total (which
    the page swaps in out of band)."""
    context = {
        "filters": filters,
        "facets": facets(session, filters),
        "facets_url": None,
        "total": count_statements(session, filters),
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


def _facets_url(request: Request) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after" and v]
    query = f"?{urlencode(params)}" if params else ""
    return f"{request.app.url_path_for('timeline_facets')}{query}"


def _optional_date(name: str, value: str) -> date | None:
    """An empty form field is no filter; anything else must be a date."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RequestValidationError(
            [{"loc": ("query", name), "msg": "give a date as YYYY-MM-DD", "type": "value_error"}]
        ) from None


def _more_url(request: Request, page: TimelinePage) -> str | None:
    if page.next_cursor is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
    params.append(("after", page.next_cursor.encode()))
    return f"{request.app.url_path_for('timeline')}?{urlencode(params)}"


@router.get("/articles", name="articles")
def articles(request: Request, session: DbSession) -> Response:
    return render(request, "articles/list.html", {"rows": catalog.list_articles(session)})


@router.get("/articles/{article_id}", name="article")
def article(request: Request, session: DbSession, article_id: RecordId) -> Response:
    detail = catalog.get_article(session, article_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
    shown = [s for s in detail.statements if s.review_status != "rejected"]
    context = {
        "detail": detail,
        "article": detail.article,
        "segments": segments(detail.article.text, shown),
        "issue_list": issue_choices(session),
        "stances": STANCES,
        "kinds": STATEMENT_KINDS,
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
    context = {
        "issue": found,
        "matrix": issue_matrix(session, found),
        "shifts": shifts(session, issue_id=found.id)[:20],
        "days": load_timeline(session, TimelineFilters(issues=(slug,)), limit=30, count=False).days,
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
