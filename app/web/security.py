"""Request-level protections: CSRF tokens for every unsafe method and the security headers."""

from __future__ import annotations

import secrets
from hmac import compare_digest
from typing import Any

from fastapi import HTTPException, Request
from jinja2 import pass_context
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.limits import read_form

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_COOKIE = "parley_session"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def csrf_refused() -> HTTPException:
    return HTTPException(
        status_code=403,
        detail="This form has expired or did not come from Parley's own pages: "
        "reload the page and try again.",
    )


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return str(token)


@pass_context
def csrf_token_for_template(context: dict[str, Any]) -> str:
    return csrf_token(context["request"])


def uses_bearer_token(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


async def csrf_protect(request: Request) -> None:
    """Every unsafe request carries the session's token, in the X-CSRF-Token header (htmx, set
    by app.js) or the csrf_token form field (plain forms). Bearer-token API calls, and API calls
    without a session cookie, carry nothing a browser sends on its own, so they need none.
    (Pages keep the check even without a cookie: that is what stops login CSRF.)"""
    if request.method in SAFE_METHODS or uses_bearer_token(request):
        return
    if request.url.path.startswith("/api/") and SESSION_COOKIE not in request.cookies:
        return  # no cookie, so no ambient authority to forge: the API answers 401 itself
    expected = request.session.get(CSRF_SESSION_KEY)
    if not expected:  # no page of Parley's was ever shown to this client: refuse unread
        raise csrf_refused()
    candidates = [request.headers.get(CSRF_HEADER)]
    content_type = request.headers.get("content-type", "")
    if not candidates[0] and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await read_form(request)).get(CSRF_FIELD)
        candidates.append(value if isinstance(value, str) else None)
    if not any(given and compare_digest(str(expected), given) for given in candidates):
        raise csrf_refused()


class SecurityHeaders:
    """Adds a strict Content-Security-Policy (no inline scripts or styles), frame and referrer
    policies to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
