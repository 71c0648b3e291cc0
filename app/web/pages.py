"""Browsing pages: timeline, articles, issues and actors."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
from app.positions.views import (
    CHART_ACTORS,
    actor_positions,
    alignments,
    chart_series,
    issue_coverage,
    issue_matrix,
)
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
    resolve_names,
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


@dataclass(frozen=True)
class FilterProblem:
    """A filter that was asked for but cannot be applied, and why."""

    field: str  # the query parameter
    value: str
    message: str

    @property
    def label(self) -> str:
        return FILTER_LABELS.get(self.field, self.field)


FILTER_LABELS = {"from": "From", "to": "To", "actor": "Actor", "issue": "Issue"}


@dataclass(frozen=True)
class CheckedFilters:
    """The filters that can be applied, and the ones that cannot (the page tells which)."""

    filters: TimelineFilters
    problems: tuple[FilterProblem, ...] = ()


def read_filters(
    actor: Annotated[list[Slug], Query(max_length=50, description="Actor slugs")] = [],  # noqa: B006
    issue: Annotated[list[Slug], Query(max_length=50, description="Issue slugs")] = [],  # noqa: B006
    stance: Annotated[list[Stance], Query()] = [],  # noqa: B006
    outlet: Annotated[list[SourceId], Query(description="Source ids")] = [],  # noqa: B006
    kind: Annotated[list[Kind], Query()] = [],  # noqa: B006
    review: Annotated[list[Review], Query()] = [],  # noqa: B006
    date_from: Annotated[str, Query(alias="from", max_length=10, description="YYYY-MM-DD")] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10, description="YYYY-MM-DD")] = "",
    q: Annotated[str, Query(max_length=200, description="Words to search for")] = "",
) -> CheckedFilters:
    """The timeline's filters, all from the query string (so every view is a shareable URL); a
    date that is no date is set aside as a problem to tell."""
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
    problems: list[FilterProblem] = []
    filters = TimelineFilters(
        actors=tuple(a for a in actor if a),
        issues=tuple(i for i in issue if i),
        stances=tuple(stance),
        outlets=tuple(outlet),
        kinds=tuple(kind),
        reviews=tuple(review),
        date_from=_optional_date("from", date_from, problems),
        date_to=_optional_date("to", date_to, problems),
        q=q,
    )
    return CheckedFilters(filters, tuple(problems))


def timeline_filters(checked: Annotated[CheckedFilters, Depends(read_filters)]) -> TimelineFilters:
    """The filters, every one of them valid: exports and the API refuse what they cannot read."""
    if checked.problems:
        raise RequestValidationError(
            [
                {"loc": ("query", problem.field), "msg": problem.message, "type": "value_error"}
                for problem in checked.problems
            ]
        )
    return checked.filters


def page_filters(
    session: DbSession, checked: Annotated[CheckedFilters, Depends(read_filters)]
) -> CheckedFilters:
    """The timeline page's filters: actors typed by name or alias found, and the actors and
    issues that name nothing set aside with the unreadable dates, for the page to tell."""
    filters, unknown = resolve_names(session, checked.filters)
    messages = {
        "actor": "no actor is called “{}”; pick a name from the suggestions",
        "issue": "there is no issue “{}”",
    }
    found = tuple(FilterProblem(f, v, messages[f].format(v)) for f, v in unknown)
    return CheckedFilters(filters, checked.problems + found)


Filters = Annotated[TimelineFilters, Depends(timeline_filters)]
PageFilters = Annotated[CheckedFilters, Depends(page_filters)]


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
        "facets": facets(session, checked.filters),
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


def filter_params(filters: TimelineFilters) -> list[tuple[str, str]]:
    """The query string of these filters, in the form's order, for links that keep them."""
    params = [("q", filters.q)] if filters.q.strip() else []
    params += [("actor", slug) for slug in filters.actors]
    params += [("issue", slug) for slug in filters.issues]
    params += [("stance", stance) for stance in filters.stances]
    params += [("kind", kind) for kind in filters.kinds]
    params += [("from", filters.date_from.isoformat())] if filters.date_from else []
    params += [("to", filters.date_to.isoformat())] if filters.date_to else []
    params += [("outlet", str(outlet)) for outlet in filters.outlets]
    params += [("review", review) for review in filters.reviews]
    return params


def _filters_url(request: Request, name: str, params: list[tuple[str, str]]) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"{request.app.url_path_for(name)}{query}"


def _optional_date(name: str, value: str, problems: list[FilterProblem]) -> date | None:
    """An empty form field is no filter; anything else must be a date (else a problem)."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = f"“{value}” is not a date; give it as YYYY-MM-DD"
        problems.append(FilterProblem(name, value, message))
        return None


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
