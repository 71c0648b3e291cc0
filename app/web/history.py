"""The audit log in the browser: recent changes, with undo."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts.access import Analyst
from app.curation import audit
from app.curation.audit import Editor
from app.curation.undo import can_undo, undo
from app.db import DbSession
from app.models import AuditEntry
from app.models.common import MAX_ID
from app.web.accounts import safe_next
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter(tags=["history"])
PAGE = 100


@router.get("/history", name="audit")
def changes(
    request: Request,
    session: DbSession,
    user: Analyst,
    entity: Annotated[Literal["", "statement", "actor", "article"], Query()] = "",
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    entries = audit.recent(session, limit=PAGE + 1, before_id=before, entity_type=entity or None)
    more = len(entries) > PAGE
    entries = entries[:PAGE]
    older = None
    if more and entries:
        older = f"{request.app.url_path_for('audit')}?before={entries[-1].id}"
        if entity:
            older += f"&entity={entity}"
    context = {"entries": entries, "entity": entity, "older": older, "can_undo": can_undo}
    return render(request, "audit/list.html", context)


@router.post("/history/{entry_id}/undo", name="audit_undo")
def undo_change(
    request: Request,
    session: DbSession,
    user: Analyst,
    entry_id: RecordId,
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    entry = session.get(AuditEntry, entry_id)
    if entry is None:
        raise HTTPException(status_code=404, detail=f"There is no change {entry_id}.")
    undo(session, Editor.of(user), entry)
    target = safe_next(next) if next else str(request.app.url_path_for("audit"))
    return RedirectResponse(target, status_code=303)
