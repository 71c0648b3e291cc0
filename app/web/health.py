"""Liveness and readiness: /healthz answers only when the database does."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter()


@router.get("/healthz", name="healthz")
def healthz(request: Request) -> JSONResponse:
    """Status of the app and its database (with the schema revision it is at)."""
    factory = request.app.state.sessionmaker
    try:
        with factory() as session:
            connection = session.connection()
            connection.execute(text("SELECT 1"))
            revision = MigrationContext.configure(connection).get_current_revision()
            dialect = connection.dialect.name
    except SQLAlchemyError as exc:
        return JSONResponse(
            {"status": "error", "database": "unreachable", "detail": exc.__class__.__name__},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": dialect, "schema_revision": revision})
