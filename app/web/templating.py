"""The Jinja environment: one template per page, whose blocks htmx can ask for alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.responses import Response

from app.curation.audit import changed_fields
from app.ingest.fields import is_web_url
from app.queries.timeline import FACET_WINDOW, count_label
from app.settings import PROJECT_ROOT
from app.vocabulary import (
    ActorKind,
    DatePrecision,
    ItemStatus,
    JobState,
    Origin,
    ReviewStatus,
    Role,
    Stance,
    StatementKind,
)
from app.web.highlight import excerpt
from app.web.security import csrf_token_for_template
from app.web.urls import url_path

templates = Jinja2Blocks(directory=str(PROJECT_ROOT / "templates"))

PRECISION_FORMATS: dict[str, str] = {
    DatePrecision.day: "%-d %b %Y",
    DatePrecision.week: "week of %-d %b %Y",
    DatePrecision.month: "%B %Y",
    DatePrecision.year: "%Y",
}


def format_date(day: date | None, precision: str | None = DatePrecision.day) -> str:
    if day is None or precision in (None, DatePrecision.unknown):
        return "date unknown"
    return day.strftime(PRECISION_FORMATS.get(precision, "%-d %b %Y"))


@pass_context
def url_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
    """A root-relative link to a named route, so pages work behind any proxy or host name."""
    request: Request = context["request"]
    return url_path(request.app, name, params)


@pass_context
def signed_in_user(context: dict[str, Any]) -> Any:
    """The user the request's access check found (None when anonymous)."""
    return getattr(context["request"].state, "user", None)


def show_value(value: Any) -> str:
    """A before/after value of the audit log, for reading."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


templates.env.filters["fdate"] = format_date
# Only http(s) addresses ever reach an href, whatever was stored before the rule existed.
templates.env.tests["web_url"] = is_web_url
templates.env.globals["show_value"] = show_value
templates.env.globals["count_label"] = count_label
# The vocabularies, so a template compares with ReviewStatus.rejected, never a spelled-out word.
templates.env.globals.update(
    ActorKind=ActorKind,
    DatePrecision=DatePrecision,
    ItemStatus=ItemStatus,
    JobState=JobState,
    Origin=Origin,
    ReviewStatus=ReviewStatus,
    Role=Role,
    Stance=Stance,
    StatementKind=StatementKind,
)
templates.env.globals["facet_window"] = FACET_WINDOW
templates.env.globals["changed"] = changed_fields
templates.env.globals["excerpt"] = excerpt
templates.env.globals["url_for"] = url_for
templates.env.globals["csrf_token"] = csrf_token_for_template
templates.env.globals["signed_in_user"] = signed_in_user


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
    fragment: bool = False,
    headers: dict[str, str] | None = None,
    blocks: list[str] | None = None,
) -> Response:
    """The whole page, or only ``block`` when htmx asks for a piece of it (or always, for an
    endpoint that only ever serves a fragment)."""
    if blocks:  # several pieces of one page at once (an htmx swap plus out-of-band ones)
        return templates.TemplateResponse(
            request, name, context, block_names=blocks, status_code=status_code, headers=headers
        )
    wants_piece = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    if block and (fragment or wants_piece):
        return templates.TemplateResponse(
            request, name, context, block_name=block, status_code=status_code, headers=headers
        )
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=headers
    )
