"""Submitting Parley's pages as a browser does: find the form on the page, send its hidden
fields (the CSRF token among them) with what the person typed, to the form's own action.

htmx requests carry the page's token in the X-CSRF-Token header, as static/app.js adds it;
``htmx_headers`` reads it from the page the same way."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import page_csrf


def find_form(html: str, selector: str = "main form[method=post]") -> Tag:
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, f"no {selector} on the page"
    return form


def hidden_fields(form: Tag) -> dict[str, str]:
    return {
        str(field["name"]): str(field.get("value", ""))
        for field in form.select("input[type=hidden][name]")
    }


def submit(
    client: TestClient,
    page: str,
    data: dict[str, Any] | None = None,
    selector: str = "main form[method=post]",
    **request: Any,
) -> Response:
    """GET ``page``, then submit its form (the first matching ``selector``) with ``data`` over
    its hidden fields, as a browser would."""
    shown = client.get(page)
    assert shown.status_code == 200, (page, shown.status_code)
    form = find_form(shown.text, selector)
    action = str(form.get("action") or page)
    return client.post(action, data={**hidden_fields(form), **(data or {})}, **request)


def htmx_headers(client: TestClient, page: str = "/login") -> dict[str, str]:
    """The headers app.js sends with an htmx request from ``page``."""
    return {"HX-Request": "true", "X-CSRF-Token": page_csrf(client, page)}
