"""Changing actors from the browser: create, rename and describe, aliases, roles, merge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.accounts.access import Analyst
from app.curation import actors as curation
from app.curation.audit import CurationError, Editor, history
from app.curation.lookup import find_actor
from app.curation.schemas import ActorEdit, RoleIn, checked
from app.curation.undo import can_undo
from app.db import DbSession
from app.models import Actor
from app.queries import catalog
from app.vocabulary import ActorKind
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter(tags=["actors"])
Text = Annotated[str, Form(max_length=2000)]


def _actor_or_404(session: DbSession, slug: str) -> Actor:
    found = catalog.get_actor(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no actor called “{slug}”.")
    if found.merged_into_id is not None:
        raise HTTPException(
            status_code=409, detail=f"{found.name} was merged into another actor; edit that one."
        )
    return found


def _edit_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    affiliation = session.get(Actor, actor.affiliation_id) if actor.affiliation_id else None
    defaults = {
        "name": actor.name,
        "kind": actor.kind,
        "affiliation": affiliation.name if affiliation else "",
        "description": actor.description or "",
        "needs_review": actor.needs_review,
    }
    context = {
        "actor": actor,
        "kinds": list(ActorKind),
        "values": {**defaults, **(values or {})},
        "errors": errors or {},
        "history": history(session, "actor", actor.id),
        "can_undo": can_undo,
        "statement_count": curation.statement_count(session, actor.id),
    }
    return render(request, "actors/edit.html", context, status_code=status_code)


def _back(request: Request, actor: Actor) -> Response:
    target = request.app.url_path_for("actor_edit", slug=actor.slug)
    return RedirectResponse(str(target), status_code=303)


def _refused(
    request: Request, session: DbSession, actor: Actor, exc: CurationError, values: dict[str, Any]
) -> Response:
    session.rollback()
    actor = _actor_or_404(session, actor.slug)
    field = exc.field or "form"
    return _edit_page(
        request, session, actor, errors={field: str(exc)}, values=values, status_code=exc.status
    )


@router.post("/actors", name="actor_create")
def create(
    request: Request,
    session: DbSession,
    user: Analyst,
    name: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=20)] = "person",
) -> Response:
    return _back(request, curation.create(session, Editor.of(user), name, kind))


@router.get("/actors/{slug}/edit", name="actor_edit")
def edit_page(request: Request, session: DbSession, user: Analyst, slug: str) -> Response:
    return _edit_page(request, session, _actor_or_404(session, slug))


class ActorForm(BaseModel):
    """The edit form as sent (bounds only: the rules, with their messages, are ActorEdit's)."""

    name: str = Field("", max_length=300)
    kind: str = Field("", max_length=20)
    affiliation: str = Field("", max_length=300)
    description: str = Field("", max_length=2000)
    needs_review: bool = False


@router.post("/actors/{slug}/edit", name="actor_update")
def update(
    request: Request,
    session: DbSession,
    user: Analyst,
    slug: str,
    form: Annotated[ActorForm, Form()],
) -> Response:
    actor = _actor_or_404(session, slug)
    values = form.model_dump()
    try:
        curation.update(session, Editor.of(user), actor, checked(ActorEdit, **values))
    except CurationError as exc:
        return _refused(request, session, actor, exc, values)
    return _back(request, actor)


@router.post("/actors/{slug}/aliases", name="actor_alias_add")
def add_alias(
    request: Request,
    session: DbSession,
    user: Analyst,
    slug: str,
    alias: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    actor = _actor_or_404(session, slug)
    try:
        curation.add_alias(session, Editor.of(user), actor, alias)
    except CurationError as exc:
        return _refused(request, session, actor, exc, {"alias": alias})
    return _back(request, actor)


@router.post("/actors/{slug}/aliases/{alias_id}/delete", name="actor_alias_remove")
def remove_alias(
    request: Request, session: DbSession, user: Analyst, slug: str, alias_id: RecordId
) -> Response:
    actor = _actor_or_404(session, slug)
    curation.remove_alias(session, Editor.of(user), actor, alias_id)
    return _back(request, actor)


class RoleForm(BaseModel):
    """The role form as sent (bounds only: the rules, with their messages, are RoleIn's)."""

    title: str = Field("", max_length=300)
    nouns: str = Field("", max_length=2000)
    start_on: str = Field("", max_length=20)
    end_on: str = Field("", max_length=20)


@router.post("/actors/{slug}/roles", name="actor_role_add")
def add_role(
    request: Request,
    session: DbSession,
    user: Analyst,
    slug: str,
    form: Annotated[RoleForm, Form()],
) -> Response:
    actor = _actor_or_404(session, slug)
    values = form.model_dump()
    try:
        curation.add_role(session, Editor.of(user), actor, checked(RoleIn, **values))
    except CurationError as exc:
        return _refused(request, session, actor, exc, values)
    return _back(request, actor)


@router.post("/actors/{slug}/roles/{role_id}/delete", name="actor_role_remove")
def remove_role(
    request: Request, session: DbSession, user: Analyst, slug: str, role_id: RecordId
) -> Response:
    actor = _actor_or_404(session, slug)
    curation.remove_role(session, Editor.of(user), actor, role_id)
    return _back(request, actor)


@router.post("/actors/{slug}/merge", name="actor_merge")
def merge(
    request: Request,
    session: DbSession,
    user: Analyst,
    slug: str,
    into: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Merge this actor into the one named in ``into``; the survivor's page follows."""
    actor = _actor_or_404(session, slug)
    survivor = find_actor(session, into) if into.strip() else None
    try:
        if survivor is None:
            raise CurationError(
                f"No actor is called “{into}”." if into.strip() else "Choose the actor to keep.",
                field="into",
            )
        curation.merge(session, Editor.of(user), actor, survivor)
    except CurationError as exc:
        return _refused(request, session, actor, exc, {"into": into})
    target = request.app.url_path_for("actor", slug=survivor.slug)
    return RedirectResponse(str(target), status_code=303)
