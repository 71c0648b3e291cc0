"""Reviewing statements: the queue, a statement's page, confirm / edit / reject in place (htmx
or plain forms), and adding a statement extraction missed from the article's words."""

from __future__ import annotations

import threading
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts.access import Analyst, require_reader
from app.curation import statements as curation
from app.curation.audit import Editor, history
from app.curation.reextract import missing_articles, reextract
from app.curation.undo import can_undo
from app.db import DbSession, transaction
from app.extraction.codebook import Codebook
from app.ingest.budget import BudgetedExtractor, ExtractionTimeout
from app.ingest.codebooks import load_codebook
from app.models import Article, AuditEntry, Statement
from app.models.common import MAX_ID
from app.queries.review import QueueCursor, get_statement, issue_choices, review_queue
from app.vocabulary import Stance, StatementKind
from app.web.accounts import safe_next
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter(tags=["review"])
readers = [Depends(require_reader)]


def _statement_or_404(session: DbSession, statement_id: int) -> Statement:
    found = get_statement(session, statement_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no statement {statement_id}.")
    return found


def form_values(statement: Statement) -> dict[str, Any]:
    return {
        "speaker": statement.speaker.slug if statement.speaker else "",
        "speaker_label": statement.speaker.name if statement.speaker else "",
        "kind": statement.kind,
        "stance": statement.stance,
        "stance_target": statement.stance_target or "",
        "issue": statement.issues[0].issue.slug if statement.issues else "",
        "issues": [link.issue.slug for link in statement.issues[1:]],
        "said_on": statement.said_on.isoformat() if statement.said_on else "",
        "said_on_precision": statement.said_on_precision or "day",
        "start": statement.start,
        "end": statement.end,
    }


def _form_context(session: DbSession, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "issue_list": issue_choices(session),
        "stances": list(Stance),
        "kinds": list(StatementKind),
    }


async def _submitted(request: Request) -> dict[str, Any]:
    """The statement form's fields; the main issue first, then the others in form order."""
    form = await request.form()
    values: dict[str, Any] = {
        key: str(form.get(key) or "")
        for key in (
            "speaker",
            "kind",
            "stance",
            "stance_target",
            "issue",
            "said_on",
            "said_on_precision",
            "start",
            "end",
            "next",
        )
    }
    values["speaker_label"] = values["speaker"]
    others = [str(v) for v in form.getlist("issues") if str(v) and str(v) != values["issue"]]
    values["issues"] = others
    values["all_issues"] = ([values["issue"]] if values["issue"] else []) + others
    return values


# The form is read on the event loop; the handlers that take it are plain functions, which
# FastAPI runs in worker threads, so one waiting for the database (SQLite's write lock) never
# holds up the other requests.
Submitted = Annotated[dict[str, Any], Depends(_submitted)]


def _card(
    request: Request,
    session: DbSession,
    statement_id: int,
    *,
    entry: AuditEntry | None = None,
    status_code: int = 200,
) -> Response:
    statement = _statement_or_404(session, statement_id)
    context = {"s": statement, "entry": entry, "can_undo": can_undo}
    return render(request, "statements/_review_item.html", context, status_code=status_code)


def _after_change(
    request: Request, session: DbSession, statement_id: int, entry: AuditEntry, next: str
) -> Response:
    if request.headers.get("HX-Request"):
        return _card(request, session, statement_id, entry=entry)
    target = (
        safe_next(next)
        if next
        else request.app.url_path_for("statement", statement_id=statement_id)
    )
    return RedirectResponse(str(target), status_code=303)


@router.get("/review", name="review")
def queue(
    request: Request,
    session: DbSession,
    user: Analyst,
    after: Annotated[str, Query(max_length=60)] = "",
    issue: Annotated[str, Query(max_length=100)] = "",
    confirmed: Annotated[int, Query(ge=0, le=MAX_ID, description="Just confirmed")] = 0,
    article: Annotated[int, Query(ge=0, le=MAX_ID, description="Of this article")] = 0,
) -> Response:
    """Machine-made statements, least confident first, each with its words in their article:
    j/k to move, c confirm, x reject, e edit; or confirm all of one article at once."""
    cursor = QueueCursor.decode(after) if after else None
    if after and cursor is None:
        raise HTTPException(status_code=422, detail="That page cursor is not valid.")
    page = review_queue(session, after=cursor, issue=issue or None)
    more_url = None
    if page.next_cursor is not None:
        params = {"after": page.next_cursor.encode(), **({"issue": issue} if issue else {})}
        more_url = f"{request.app.url_path_for('review')}?{urlencode(params)}"
    context = {
        "queue": page,
        "issue": issue,
        "issue_list": issue_choices(session),
        "more_url": more_url,
        "can_undo": can_undo,
        "entry": None,
        "confirmed": confirmed,
        "confirmed_article": article,
    }
    if cursor is not None and request.headers.get("HX-Request"):
        return render(request, "review/queue.html", context, block="items")
    return render(request, "review/queue.html", context)


@router.get("/statements/{statement_id}", name="statement", dependencies=readers)
def statement_page(request: Request, session: DbSession, statement_id: RecordId) -> Response:
    """A statement: its card (with its words in their paragraph), the edit form, and its
    history."""
    statement = _statement_or_404(session, statement_id)
    context = {
        "s": statement,
        "history": history(session, "statement", statement.id),
        "can_undo": can_undo,
        **_form_context(session, form_values(statement)),
        "errors": {},
    }
    return render(request, "statements/detail.html", context)


@router.get("/statements/{statement_id}/edit", name="statement_edit")
def edit_form(
    request: Request, session: DbSession, user: Analyst, statement_id: RecordId
) -> Response:
    statement = _statement_or_404(session, statement_id)
    context = {"s": statement, "errors": {}, **_form_context(session, form_values(statement))}
    if request.headers.get("HX-Request"):
        return render(request, "statements/_edit_form.html", context)
    return render(request, "statements/edit.html", context)


@router.post("/statements/{statement_id}/edit", name="statement_update")
def update(
    request: Request,
    session: DbSession,
    user: Analyst,
    statement_id: RecordId,
    values: Submitted,
) -> Response:
    statement = _statement_or_404(session, statement_id)
    fields, errors = curation.parse_fields(
        session, statement.article, {**values, "issues": values["all_issues"]}
    )
    if fields is None:
        context = {"s": statement, "errors": errors, **_form_context(session, values)}
        name = (
            "statements/_edit_form.html"
            if request.headers.get("HX-Request")
            else "statements/edit.html"
        )
        return render(request, name, context, status_code=422)
    entry = curation.edit(session, Editor.of(user), statement, fields)
    session.expire_all()
    return _after_change(request, session, statement_id, entry, values["next"])


@router.post("/statements/{statement_id}/confirm", name="statement_confirm")
def confirm(
    request: Request,
    session: DbSession,
    user: Analyst,
    statement_id: RecordId,
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    entry = curation.confirm(session, Editor.of(user), _statement_or_404(session, statement_id))
    session.expire_all()
    return _after_change(request, session, statement_id, entry, next)


@router.post("/articles/{article_id}/confirm", name="article_confirm_all")
def confirm_article(
    request: Request,
    session: DbSession,
    user: Analyst,
    article_id: RecordId,
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Every statement of the article still to review, confirmed at once (each one undoable)."""
    if session.get(Article, article_id) is None:
        raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
    entries = curation.confirm_article(session, Editor.of(user), article_id)
    target = safe_next(next) if next else request.app.url_path_for("review")
    notice = urlencode({"confirmed": len(entries), "article": article_id})
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}{notice}", status_code=303)


@router.post("/statements/{statement_id}/reject", name="statement_reject")
def reject(
    request: Request,
    session: DbSession,
    user: Analyst,
    statement_id: RecordId,
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    entry = curation.reject(session, Editor.of(user), _statement_or_404(session, statement_id))
    session.expire_all()
    return _after_change(request, session, statement_id, entry, next)


@router.post("/articles/{article_id}/statements", name="statement_add")
def add(
    request: Request,
    session: DbSession,
    user: Analyst,
    article_id: RecordId,
    values: Submitted,
) -> Response:
    """A statement made from words selected in the article view."""
    article = session.get(Article, article_id)
    if article is None:
        raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
    fields, errors = curation.parse_fields(
        session, article, {**values, "issues": values["all_issues"]}
    )
    if fields is None:
        context = {"article": article, "errors": errors, **_form_context(session, values)}
        return render(request, "statements/add.html", context, status_code=422)
    statement, _entry = curation.add(session, Editor.of(user), article, fields)
    target = request.app.url_path_for("statement", statement_id=statement.id)
    return RedirectResponse(str(target), status_code=303)


_reextractor_lock = threading.Lock()


def _extractor(request: Request, codebook: Codebook) -> BudgetedExtractor:
    """Extraction for the re-extract button: in a child process, under the same time budget as
    imports (the web process never runs the pipeline itself), with the codebook as it is now."""
    state = request.app.state
    with _reextractor_lock:
        if getattr(state, "reextractor", None) is None:
            state.reextractor = BudgetedExtractor(codebook, state.settings.extract_timeout_seconds)
        shared: BudgetedExtractor = state.reextractor
    return shared.for_codebook(codebook)


@router.post("/articles/{article_id}/reextract", name="article_reextract")
def reextract_article(request: Request, user: Analyst, article_id: RecordId) -> Response:
    """Run extraction on the article again; what people reviewed stays as they left it."""
    factory = request.app.state.sessionmaker
    with transaction(factory) as session:
        if missing_articles(session, [article_id]):
            raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
        codebook = load_codebook(session)
    try:
        reports = list(
            reextract(factory, _extractor(request, codebook), [article_id], Editor.of(user))
        )
    except ExtractionTimeout as timeout:
        detail = f"Extraction took longer than {timeout.seconds:g} s; nothing was changed."
        raise HTTPException(status_code=422, detail=detail) from None
    target = request.app.url_path_for("article", article_id=article_id)
    notice = urlencode({"reextracted": reports[0].summary}) if reports else ""
    return RedirectResponse(f"{target}?{notice}", status_code=303)
