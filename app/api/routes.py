"""The /api/ routes: statements, actors, issues, articles and jobs to read (keyset pages and one
record each), an article to import with a bearer token, and the /docs page that describes them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBearer
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.accounts.access import Analyst, require_reader
from app.api.schemas import (
    ActorDetail,
    ActorLinks,
    ActorOut,
    ActorPage,
    ActorPositionOut,
    ActorRef,
    ArticleDetail,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticleQueued,
    ArticleRef,
    ErrorOut,
    IssueDetail,
    IssueLinks,
    IssueOut,
    IssuePage,
    JobPage,
    Links,
    PositionOut,
    ProblemsOut,
    QueuedLinks,
    RoleOut,
    SpeakerOut,
    StatementLinks,
    StatementOut,
    StatementPage,
    StatementSpan,
)
from app.db import DbSession
from app.deps import AppSettings, Sessions
from app.ingest.jobs import get_job
from app.ingest.schemas import ArticleFields, JobOut, job_out
from app.ingest.uploads import job_now, pasted_article, queue_upload
from app.models import Actor, Article, Issue, Statement
from app.models.common import MAX_ID, as_utc
from app.positions.views import actor_positions, chart_series
from app.queries import catalog, keyset
from app.queries.filters import Filters
from app.queries.review import get_statement
from app.queries.timeline import Cursor
from app.vocabulary import ActorKind, JobOrigin, ReviewStatus

# Declares the bearer scheme in /openapi.json (the Authorize button on /docs); the access
# checks themselves are require_reader and Analyst, which also accept a session cookie.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `parley users token EMAIL`: `Authorization: Bearer pk_…`",
)
router = APIRouter()
reading = APIRouter(
    dependencies=[Depends(bearer), Depends(require_reader)],
    responses={401: {"model": ErrorOut, "description": "Reading needs a login or a token."}},
)

Limit = Annotated[int, Query(ge=1, le=500, description="How many items per page")]
After = Annotated[
    str, Query(max_length=100, description="The `next` of the previous page (opaque)")
]
IdAfter = Annotated[
    str, Query(pattern=r"^\d{0,10}$", description="The `next` of the previous page (opaque)")
]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
# No control characters: none is in a name or slug, and PostgreSQL refuses a NUL in text.
PLAIN = r"^[^\x00-\x1f]*$"
Slug = Annotated[str, Path(max_length=200, pattern=PLAIN)]
OutletIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Query(description="Source ids")]
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemsOut, "description": "Some values are not valid: each one and why."}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such record."},
    **INVALID,
}


def _problem(where: tuple[str, str], message: str) -> RequestValidationError:
    """The same 422 FastAPI's own validation gives (the app turns it into field messages)."""
    return RequestValidationError([{"loc": where, "msg": message, "type": "value_error"}])


def _id_after(after: str) -> int | None:
    if not after:
        return None
    if int(after) > MAX_ID:
        raise _problem(("query", "after"), "not a cursor this API gave; start again without it")
    return int(after)


def _statement_cursor(after: str) -> Cursor | None:
    if not after:
        return None
    try:
        cursor = Cursor.decode(after)
    except ValueError:  # the right shape, but no such day
        cursor = None
    if cursor is None or cursor.id > MAX_ID:
        raise _problem(("query", "after"), "not a cursor this API gave; start again without it")
    return cursor


def _path(
    request: Request, name: str, query: dict[str, str] | None = None, **params: object
) -> str:
    path = str(request.app.url_path_for(name, **params))
    return f"{path}?{urlencode(query)}" if query else path


def statement_out(request: Request, s: Statement) -> StatementOut:
    article, speaker = s.article, s.speaker
    return StatementOut(
        id=s.id,
        speaker=SpeakerOut(slug=speaker.slug, name=speaker.name, kind=speaker.kind)
        if speaker
        else None,
        speaker_role=s.speaker_role,
        kind=s.kind,
        text=s.text,
        start=s.start,
        end=s.end,
        said_on=s.said_on,
        said_on_precision=s.said_on_precision,
        stance=s.stance,
        stance_target=s.stance_target,
        reported_by=s.reported_by,
        issues=[link.issue.slug for link in s.issues],
        confidence=s.confidence,
        review_status=s.review_status,
        origin=s.origin,
        article=ArticleRef(
            id=article.id,
            title=article.title,
            outlet=article.source.name if article.source else None,
            url=article.url,
            published=article.published_on,
        ),
        corroboration=len(s.corroborations),
        corroborates=s.corroborates_id,
        links=StatementLinks(
            self_=_path(request, "api_statement", statement_id=s.id),
            html=_path(request, "statement", statement_id=s.id),
            evidence=_path(request, "article", article_id=s.article_id) + f"#statement-{s.id}",
        ),
    )


@reading.get(
    "/api/statements",
    name="api_statements",
    operation_id="list_statements",
    response_model=StatementPage,
    tags=["statements"],
    responses=INVALID,
)
def list_statements(
    request: Request,
    session: DbSession,
    filters: Filters,
    limit: Limit = 50,
    after: After = "",
) -> StatementPage:
    """Statements newest first (undated ones last), filtered as the timeline filters them;
    rejected statements and other outlets' copies of a statement are left out."""
    page = keyset.statements(session, filters, limit, _statement_cursor(after))
    return StatementPage(items=[statement_out(request, s) for s in page.rows], next=page.next)


@reading.get(
    "/api/statements/{statement_id}",
    name="api_statement",
    operation_id="read_statement",
    response_model=StatementOut,
    tags=["statements"],
    responses=NOT_FOUND,
)
def read_statement(request: Request, session: DbSession, statement_id: RecordId) -> StatementOut:
    """One statement, whatever its review status (a rejected one says so)."""
    found = get_statement(session, statement_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no statement {statement_id}.")
    return statement_out(request, found)


def _actor_fields(request: Request, actor: Actor) -> dict[str, object]:
    affiliation = actor.affiliation
    return {
        "id": actor.id,
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "affiliation": ActorRef(slug=affiliation.slug, name=affiliation.name)
        if affiliation
        else None,
        "needs_review": actor.needs_review,
        "links": ActorLinks(
            self_=_path(request, "api_actor", slug=actor.slug),
            html=_path(request, "actor", slug=actor.slug),
            statements=_path(request, "api_statements", {"actor": actor.slug}),
        ),
    }


@reading.get(
    "/api/actors",
    name="api_actors",
    operation_id="list_actors",
    response_model=ActorPage,
    tags=["actors"],
    responses=INVALID,
)
def list_actors(
    request: Request,
    session: DbSession,
    q: Annotated[
        str, Query(max_length=200, pattern=PLAIN, description="Part of a name or alias")
    ] = "",
    kind: Annotated[list[ActorKind], Query()] = [],  # noqa: B006
    limit: Limit = 50,
    after: IdAfter = "",
) -> ActorPage:
    """Actors in the order they were added; actors merged into another are left out."""
    page = keyset.actors(session, q, [k.value for k in kind], limit, _id_after(after))
    items = [ActorOut.model_validate(_actor_fields(request, actor)) for actor in page.rows]
    return ActorPage(items=items, next=page.next)


@reading.get(
    "/api/actors/{slug}",
    name="api_actor",
    operation_id="read_actor",
    response_model=ActorDetail,
    tags=["actors"],
    responses={**NOT_FOUND, 307: {"description": "Merged into another actor: go there."}},
)
def read_actor(request: Request, session: DbSession, slug: Slug) -> Response | ActorDetail:
    """An actor with aliases, roles, affiliation and current position on each issue."""
    found = catalog.get_actor(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no actor called “{slug}”.")
    if found.merged_into_id is not None:
        survivor = catalog.get_actor_by_id(session, found.merged_into_id)
        if survivor is not None:
            return RedirectResponse(_path(request, "api_actor", slug=survivor.slug), 307)
    positions = [
        PositionOut(
            issue=item.issue.slug,
            issue_name=item.issue.name,
            stance=item.current.stance,
            since=item.current.valid_from,
            evidence_statement_id=item.current.evidence_statement_id,
            confidence=item.current.confidence,
            human_confirmed=item.current.human_confirmed,
        )
        for item in actor_positions(session, found.id)
    ]
    return ActorDetail.model_validate(
        {
            **_actor_fields(request, found),
            "description": found.description,
            "aliases": [alias.alias for alias in found.aliases],
            "roles": [RoleOut(title=r.title, start=r.start_on, end=r.end_on) for r in found.roles],
            "positions": positions,
        }
    )


def _issue_fields(request: Request, issue: Issue, statements: int) -> dict[str, object]:
    return {
        "id": issue.id,
        "slug": issue.slug,
        "name": issue.name,
        "question": issue.question,
        "keywords": list(issue.keywords or []),
        "statement_count": statements,
        "links": IssueLinks(
            self_=_path(request, "api_issue", slug=issue.slug),
            html=_path(request, "issue", slug=issue.slug),
            statements=_path(request, "api_statements", {"issue": issue.slug}),
            positions=_path(request, "api_issue_positions", slug=issue.slug),
        ),
    }


@reading.get(
    "/api/issues",
    name="api_issues",
    operation_id="list_issues",
    response_model=IssuePage,
    tags=["issues"],
)
def list_issues(request: Request, session: DbSession) -> IssuePage:
    """The codebook's issues in its order: one page holds them all (`next` is always null)."""
    rows = catalog.list_issues(session)
    items = [IssueOut.model_validate(_issue_fields(request, r.issue, r.statements)) for r in rows]
    return IssuePage(items=items, next=None)


@reading.get(
    "/api/issues/{slug}",
    name="api_issue",
    operation_id="read_issue",
    response_model=IssueDetail,
    tags=["issues"],
    responses=NOT_FOUND,
)
def read_issue(request: Request, session: DbSession, slug: Slug) -> IssueDetail:
    """An issue with each actor's current stance on it."""
    found = catalog.get_issue(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no issue called “{slug}”.")
    positions = [
        ActorPositionOut(
            actor=SpeakerOut(slug=p.actor.slug, name=p.actor.name, kind=p.actor.kind),
            stance=p.stance,
            since=p.valid_from,
            evidence_statement_id=p.evidence_statement_id,
        )
        for p in keyset.current_positions(session, found.id)
    ]
    count = keyset.issue_statement_count(session, found.id)
    return IssueDetail.model_validate(
        {**_issue_fields(request, found, count), "positions": positions}
    )


@reading.get("/api/issues/{slug}/positions", name="api_issue_positions", tags=["issues"])
def issue_positions(session: DbSession, slug: str) -> dict[str, Any]:
    """Each actor's stance on the issue over time (the issue page's chart)."""
    found = catalog.get_issue(session, slug)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no issue called “{slug}”.")
    return chart_series(session, found)


def _article_fields(request: Request, article: Article, statements: int) -> dict[str, object]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.source.name if article.source else None,
        "outlet_id": article.source_id,
        "url": article.url,
        "published": article.published_on,
        "published_precision": article.published_precision,
        "language": article.language,
        "duplicate_of": article.duplicate_of_id,
        "needs_review": article.needs_review,
        "imported_at": as_utc(article.imported_at),
        "statement_count": statements,
        "links": Links(
            self_=_path(request, "api_article", article_id=article.id),
            html=_path(request, "article", article_id=article.id),
        ),
    }


@reading.get(
    "/api/articles",
    name="api_articles",
    operation_id="list_articles",
    response_model=ArticlePage,
    tags=["articles"],
    responses=INVALID,
)
def list_articles(
    request: Request,
    session: DbSession,
    outlet: OutletIds = [],  # noqa: B006
    date_from: Annotated[
        date | None, Query(alias="from", description="Published on or after")
    ] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Published on or before")] = None,
    limit: Limit = 50,
    after: IdAfter = "",
) -> ArticlePage:
    """Articles, the last imported first."""
    page = keyset.articles(session, outlet, date_from, date_to, limit, _id_after(after))
    counts = keyset.statement_counts(session, [a.id for a in page.rows])
    items = [
        ArticleOut.model_validate(_article_fields(request, a, counts.get(a.id, 0)))
        for a in page.rows
    ]
    return ArticlePage(items=items, next=page.next)


@reading.get(
    "/api/articles/{article_id}",
    name="api_article",
    operation_id="read_article",
    response_model=ArticleDetail,
    tags=["articles"],
    responses=NOT_FOUND,
)
def read_article(request: Request, session: DbSession, article_id: RecordId) -> ArticleDetail:
    """An article with its text and where its statements are in it."""
    detail = catalog.get_article(session, article_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"There is no article {article_id}.")
    shown = [s for s in detail.statements if s.review_status != ReviewStatus.rejected]
    spans = [
        StatementSpan(
            id=s.id,
            start=s.start,
            end=s.end,
            speaker=s.speaker.slug if s.speaker else None,
            kind=s.kind,
            stance=s.stance,
            review_status=s.review_status,
        )
        for s in shown
    ]
    fields = _article_fields(request, detail.article, len(shown))
    return ArticleDetail.model_validate(
        {**fields, "text": detail.article.text, "statements": spans}
    )


@router.post(
    "/api/articles",
    name="api_article_create",
    operation_id="create_article",
    dependencies=[Depends(bearer)],
    status_code=202,
    response_model=ArticleQueued,
    tags=["articles"],
    responses={
        401: {"model": ErrorOut, "description": "No token (or session), or not a valid one."},
        403: {"model": ErrorOut, "description": "The account may read but not import."},
        **INVALID,
    },
)
async def create_article(
    request: Request,
    response: Response,
    _user: Analyst,
    settings: AppSettings,
    factory: Sessions,
    article: ArticleIn,
) -> ArticleQueued:
    """Queue an article for import, as the upload form does (analysts and administrators).

    Answers at once with the job; poll `links.job` until its state is done or failed. A text
    Parley already has is not an error here: the job reports it as a duplicate."""
    limit = settings.max_upload_bytes
    if len(article.text.encode("utf-8")) > limit:
        raise _problem(("body", "text"), f"the text is larger than the {limit:,}-byte limit")
    fields, problems = ArticleFields.checked(article.model_dump(exclude={"text"}))
    if problems:
        raise RequestValidationError(
            [{"loc": ("body", f), "msg": m, "type": "value_error"} for f, m in problems.items()]
        )
    item = pasted_article(article.text, fields)
    job_id = await run_in_threadpool(queue_upload, factory, [item], JobOrigin.api)
    await run_in_threadpool(request.app.state.dispatcher.dispatch, job_id)
    view = await run_in_threadpool(job_now, factory, job_id)
    location = _path(request, "api_job", job_id=job_id)
    response.headers["Location"] = location
    return ArticleQueued(job=job_out(view), links=QueuedLinks(job=location))


@reading.get(
    "/api/jobs",
    name="api_jobs",
    operation_id="list_jobs",
    response_model=JobPage,
    tags=["jobs"],
    responses=INVALID,
)
def list_jobs(session: DbSession, limit: Limit = 50, after: IdAfter = "") -> JobPage:
    """Import jobs, newest first, each with its items' results."""
    page = keyset.jobs(session, limit, _id_after(after))
    return JobPage(items=[job_out(view) for view in page.rows], next=page.next)


@reading.get("/api/jobs/{job_id}", name="api_job", response_model=JobOut, tags=["jobs"])
def api_job(session: DbSession, job_id: RecordId) -> JobOut:
    """An import job's state, counts and each item's result."""
    view = get_job(session, job_id)
    if view is None:
        raise HTTPException(status_code=404, detail=f"There is no import job {job_id}.")
    return job_out(view)


router.include_router(reading)
