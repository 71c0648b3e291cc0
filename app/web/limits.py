"""Bounds on what a request may send, enforced before anything reads its body.

Someone not signed in (no session user, no bearer token) may send a small body only: enough to
log in, never enough to make the server read megabytes before refusing them. A signed-in
request may send up to ``max_request_bytes``. A body that claims more in Content-Length is
refused at once; one that sends more than it claimed, or sends chunks without a length, is cut
off as soon as it passes the bound. Forms are then parsed with Parley's own limits, so a pasted
text over the framework's 1 MiB field default meets Parley's size message, not a bare 400.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts.access import SESSION_KEY
from app.ingest.fields import size_label

ANONYMOUS_BODY_BYTES = 64 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_FIELDS = 100


class BodyTooLarge(Exception):
    """The client sent more than it may."""


def _is_anonymous(scope: Scope) -> bool:
    headers = dict(scope.get("headers", []))
    if headers.get(b"authorization", b"").lower().startswith(b"bearer "):
        return False
    session: dict[str, Any] = scope.get("session") or {}
    return session.get(SESSION_KEY) is None


def _refusal(scope: Scope, limit: int, anonymous: bool) -> tuple[int, bytes, bytes]:
    message = (
        f"Requests from someone not logged in are limited to {size_label(limit)}; log in first."
        if anonymous
        else f"The request is larger than the {size_label(limit)} Parley accepts at once; "
        "send fewer or smaller files."
    )
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    if scope["path"].startswith("/api/") or b"text/html" not in accept:
        return 413, b"application/json", json.dumps({"detail": message}).encode()
    page = f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{message}</p>"
    return 413, b"text/html; charset=utf-8", page.encode()


class BodyLimit:
    """Refuse or cut off request bodies over the bound for who is asking (see the module)."""

    def __init__(self, app: ASGIApp, max_request_bytes: int) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        anonymous = _is_anonymous(scope)
        limit = ANONYMOUS_BODY_BYTES if anonymous else self.max_request_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        try:
            too_long = declared is not None and int(declared) > limit
        except ValueError:
            too_long = True
        if too_long:
            await self._refuse(scope, send, limit, anonymous)
            return
        received = 0
        started = False

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, send, limit, anonymous)

    async def _refuse(self, scope: Scope, send: Send, limit: int, anonymous: bool) -> None:
        status, content_type, body = _refusal(scope, limit, anonymous)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def read_form(request: Request) -> FormData:
    """The submitted form, parsed once per request with Parley's limits: a field may be as large
    as the whole request (so the handler, not the parser, says a pasted text is too long), and
    there may be as many files as an upload may hold."""
    settings = request.app.state.settings
    try:
        return await request.form(
            max_files=settings.max_upload_files + 1,
            max_fields=FORM_FIELDS,
            max_part_size=settings.max_request_bytes,
        )
    except StarletteHTTPException as exc:  # what the parser raises; FastAPI's is a subclass
        raise HTTPException(
            status_code=400 if exc.status_code < 500 else exc.status_code,
            detail=f"The form could not be read: {exc.detail}",
        ) from exc
