"""The /docs page: Swagger UI over /openapi.json, from vendored files (no CDN, no inline script).

A page about the API, so it lives with the pages; the API itself (app/api) answers only JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.web.templating import render

router = APIRouter()


@router.get("/docs", name="api_docs", include_in_schema=False)
def api_docs(request: Request) -> Response:
    """Swagger UI over /openapi.json, from vendored files (no CDN, no inline script)."""
    return render(request, "api_docs.html", {"spec_url": request.app.openapi_url})
