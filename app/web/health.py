"""Liveness and readiness: /healthz answers only when the database does."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.migrate import current_revision

router = APIRouter()


@router.get("/healthz", name="healthz")
def healthz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        return JSONResponse(
            {"status": "error", "database": "unreachable", "detail": str(exc.__class__.__name__)},
            status_code=503,
        )
    return JSONResponse(
        {"status": "ok", "database": engine.dialect.name, "schema_revision": revision}
    )
