"""The Jinja environment: one template per page, whose blocks htmx can ask for alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.responses import Response

from app.settings import PROJECT_ROOT

templates = Jinja2Blocks(directory=str(PROJECT_ROOT / "templates"))

PRECISION_FORMATS = {"day": "%-d %b %Y", "week": "week of %-d %b %Y", "month": "%B %Y", "year": "%Y"}


def format_date(day: date | None, precision: str | None = "day") -> str:
    if day is None or precision in (None, "unknown"):
        return "date unknown"
    return day.strftime(PRECISION_FORMATS.get(precision, "%-d %b %Y"))


templates.env.filters["fdate"] = format_date


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    """The whole page, or only ``block`` when htmx asks for a piece of it."""
    if block and request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return templates.TemplateResponse(
            request, name, context, block_name=block, status_code=status_code
        )
    return templates.TemplateResponse(request, name, context, status_code=status_code)
