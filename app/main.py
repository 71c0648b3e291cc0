"""The web application: routers, static files, templates, and the engine's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from app.db import make_engine, make_sessionmaker
from app.ingest.queue import make_dispatcher
from app.settings import PROJECT_ROOT, Settings
from app.web import health, jobs, pages, uploads
from app.web.templating import templates


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, echo=settings.echo_sql)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
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
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(uploads.router)
    app.include_router(jobs.router)
    _install_error_pages(app)
    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", "text/html"
    )


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_html(request):
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status": exc.status_code, "message": exc.detail},
                status_code=exc.status_code,
            )
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
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
