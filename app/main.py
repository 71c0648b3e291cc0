"""The web application: routers, middleware, static files, templates, and the engine's lifetime."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import api
from app.accounts.access import (
    LoginRequired,
    PasswordChangeRequired,
    require_analyst,
    require_reader,
)
from app.accounts.secret import session_secret
from app.curation.audit import CurationError
from app.db import make_engine, make_read_sessionmaker, make_sessionmaker
from app.ingest.queue import make_dispatcher
from app.settings import PROJECT_ROOT, Settings
from app.web import (
    accounts,
    actor_edits,
    admin,
    docs,
    exports,
    health,
    history,
    jobs,
    pages,
    review,
    uploads,
)
from app.web.limits import BodyLimit
from app.web.security import SESSION_COOKIE, SecurityHeaders, csrf_protect
from app.web.templating import templates

logger = logging.getLogger("parley")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    secret_key = session_secret(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, echo=settings.echo_sql)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.read_sessionmaker = make_read_sessionmaker(engine)
        app.state.dispatcher = make_dispatcher(settings, app.state.sessionmaker)
        try:
            yield
        finally:
            app.state.dispatcher.stop()
            engine.dispose()

    app = FastAPI(
        title="Parley",
        summary="Peace-negotiation positions over time: who said what, when, about which issue.",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # Innermost: it reads the session the middleware below has decoded.
    app.add_middleware(BodyLimit, max_request_bytes=settings.max_request_bytes)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_days * 24 * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        # Outermost: the client's address and scheme are settled before anything reads them.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    readers = [Depends(require_reader)]
    app.include_router(health.router)
    # Pages that only ever answer HTML stay out of the API's documentation.
    app.include_router(accounts.router, include_in_schema=False)
    app.include_router(admin.router, include_in_schema=False)
    app.include_router(pages.router, dependencies=readers)
    app.include_router(review.router, include_in_schema=False)
    app.include_router(actor_edits.router, include_in_schema=False)
    app.include_router(history.router, include_in_schema=False)
    app.include_router(
        uploads.router, dependencies=[Depends(require_analyst)], include_in_schema=False
    )
    app.include_router(jobs.router, dependencies=readers)
    app.include_router(exports.router, dependencies=readers)
    app.include_router(api.router)
    app.include_router(docs.router)
    _install_error_pages(app)
    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", "text/html"
    )


def _is_page(request: Request) -> bool:
    """A request for a page (not the JSON API, not a client that asked only for JSON)."""
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith("/api/") and accept != "application/json"


def _explained(request: Request, exc: HTTPException) -> Any:
    """The error's detail; for the router's bare reason phrase (an address no route has, a
    method a route does not take), a sentence a person can act on."""
    if exc.detail == HTTPStatus(exc.status_code).phrase:
        if exc.status_code == 404:
            return f"There is no page at {request.url.path}; check the address."
        if exc.status_code == 405:
            return f"{request.url.path} does not accept {request.method} requests."
    return exc.detail


def _error(
    request: Request, status: int, message: Any, headers: Mapping[str, str] | None = None
) -> Response:
    """The error page for a person, the same as JSON ({"detail": …}) for a program."""
    if _wants_html(request):
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message},
            status_code=status,
            headers=headers,
        )
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, _explained(request, exc), exc.headers)


async def refused_change(request: Request, exc: Exception) -> Response:
    """A change curation refused (a form that can show the reason by its field catches the
    error itself and shows the form again)."""
    assert isinstance(exc, CurationError)
    return _error(request, exc.status, str(exc))


async def login_required(request: Request, _exc: Exception) -> Response:
    """A page asked for with GET goes to the login form and back; anything else is a 401."""
    login = request.app.url_path_for("login")
    if _is_page(request) and request.method == "GET" and not request.headers.get("HX-Request"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{login}?{urlencode({'next': target})}", status_code=303)
    message = "Log in first: this needs an account (or an API token)."
    if _is_page(request):
        return templates.TemplateResponse(
            request, "error.html", {"status": 401, "message": message}, status_code=401
        )
    return JSONResponse(
        {"detail": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
    )


async def password_change_required(request: Request, _exc: Exception) -> Response:
    account = request.app.url_path_for("account")
    if _is_page(request) and request.method == "GET":
        return RedirectResponse(account, status_code=303)
    return JSONResponse(
        {"detail": "Choose your own password first (the one-time password is spent)."},
        status_code=403,
    )


async def value_the_database_refuses(request: Request, exc: Exception) -> Response:
    """The last line of defence for a value that passed validation but that the database
    cannot hold or compare (the checks above should catch each one first)."""
    assert isinstance(exc, DataError)
    logger.warning("a value the database refuses reached %s: %s", request.url.path, exc.orig)
    message = "A value given is out of range or not allowed."
    if _wants_html(request):
        return templates.TemplateResponse(
            request, "error.html", {"status": 422, "message": message}, status_code=422
        )
    return JSONResponse({"detail": [{"field": "", "message": message}]}, status_code=422)


async def validation_error(request: Request, exc: Exception) -> Response:
    """Every value that is not valid, with where it was and why."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(part) for part in error["loc"][1:]), "message": error["msg"]}
        for error in exc.errors()
    ]
    if _wants_html(request):
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": 422, "message": f"Some of the values given are not valid — {message}"},
            status_code=422,
        )
    return JSONResponse({"detail": problems}, status_code=422)


ERROR_HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    HTTPException: http_error,
    CurationError: refused_change,
    LoginRequired: login_required,
    PasswordChangeRequired: password_change_required,
    DataError: value_the_database_refuses,
    RequestValidationError: validation_error,
}


def _install_error_pages(app: FastAPI) -> None:
    for error, handler in ERROR_HANDLERS.items():
        app.add_exception_handler(error, handler)
