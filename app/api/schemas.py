"""The JSON API's shapes: what each endpoint answers, and the article it accepts.

These models are the contract /docs shows; the routes build them from the ORM rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from app.dates import ISO_DAY
from app.ingest.fields import (
    MAX_OUTLET,
    MAX_TEXT,
    MAX_TITLE,
    MAX_URL,
    FieldError,
    check_published,
    clean_url,
)
from app.ingest.schemas import JobOut

T = TypeVar("T")


def _invalid(message: str) -> PydanticCustomError:
    """A validation error whose message reads as written (no "Value error, " before it)."""
    return PydanticCustomError("value_error", message)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(
        description="Give this as `after` to get the next page; null on the last page."
    )


class Links(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    self_: str = Field(alias="self", description="This record in the API.")
    html: str = Field(description="This record's page in the web application.")


class SpeakerOut(BaseModel):
    slug: str
    name: str
    kind: str = Field(description="person, organization, state or group")


class ArticleRef(BaseModel):
    id: int
    title: str
    outlet: str | None
    url: str | None
    published: date | None


class StatementLinks(Links):
    evidence: str = Field(description="The statement highlighted in its article's text.")


class StatementOut(BaseModel):
    id: int
    speaker: SpeakerOut | None = Field(description="Null when the speaker is not known.")
    speaker_role: str | None
    kind: str = Field(description="direct_quote or reported")
    text: str
    start: int = Field(description="Character offset of the words in the article's text.")
    end: int
    said_on: date | None
    said_on_precision: str | None = Field(description="day, week, month, year or unknown")
    stance: str = Field(description="supports, opposes, conditional or neutral")
    stance_target: str | None
    reported_by: str | None = Field(
        default=None, description="The news outlet that carried the words, when named."
    )
    issues: list[str] = Field(description="Issue slugs, best match first.")
    confidence: float
    review_status: str = Field(description="machine, confirmed, edited or rejected")
    origin: str = Field(description="machine (extraction) or analyst (added by a person)")
    article: ArticleRef
    corroboration: int = Field(
        description="How many statements in other outlets' articles repeat this one."
    )
    corroborates: int | None = Field(
        description="For a copy: the earlier statement it repeats (copies are left out of lists)."
    )
    links: StatementLinks


class StatementPage(Page[StatementOut]):
    pass


class ActorRef(BaseModel):
    slug: str
    name: str


class ActorLinks(Links):
    statements: str = Field(description="The actor's statements in the API.")


class ActorOut(BaseModel):
    id: int
    slug: str
    name: str
    kind: str = Field(description="person, organization, state or group")
    affiliation: ActorRef | None
    needs_review: bool
    links: ActorLinks


class ActorPage(Page[ActorOut]):
    pass


class RoleOut(BaseModel):
    title: str
    start: date | None
    end: date | None


class PositionOut(BaseModel):
    """An actor's stance on an issue in force now, since the day of the statement that shows it."""

    issue: str = Field(description="Issue slug")
    issue_name: str
    stance: str
    since: date
    evidence_statement_id: int | None
    confidence: float
    human_confirmed: bool


class ActorDetail(ActorOut):
    description: str | None
    aliases: list[str]
    roles: list[RoleOut]
    positions: list[PositionOut] = Field(description="The current position on each issue.")


class IssueLinks(Links):
    statements: str = Field(description="The issue's statements in the API.")
    positions: str = Field(description="Each actor's stance over time (the issue page's chart).")


class IssueOut(BaseModel):
    id: int
    slug: str
    name: str
    question: str
    keywords: list[str]
    statement_count: int = Field(description="Statements about the issue, rejected ones aside.")
    links: IssueLinks


class IssuePage(Page[IssueOut]):
    pass


class ActorPositionOut(BaseModel):
    actor: SpeakerOut
    stance: str
    since: date
    evidence_statement_id: int | None


class IssueDetail(IssueOut):
    positions: list[ActorPositionOut] = Field(description="Each actor's current stance.")


class ArticleOut(BaseModel):
    id: int
    title: str
    outlet: str | None
    outlet_id: int | None = Field(description="Filter statements or articles with `outlet=`.")
    url: str | None
    published: date | None
    published_precision: str
    language: str
    duplicate_of: int | None = Field(description="The original, for a syndicated copy.")
    needs_review: bool
    imported_at: datetime
    statement_count: int
    links: Links


class ArticlePage(Page[ArticleOut]):
    pass


class StatementSpan(BaseModel):
    id: int
    start: int
    end: int
    speaker: str | None = Field(description="Actor slug")
    kind: str
    stance: str
    review_status: str


class ArticleDetail(ArticleOut):
    text: str
    statements: list[StatementSpan] = Field(
        description="Where the article's statements are in its text (rejected ones left out)."
    )


class JobPage(Page[JobOut]):
    pass


class ArticleIn(BaseModel):
    """An article to import: its words and what is known about where they come from."""

    model_config = ConfigDict(extra="forbid")

    # The bounds are the shared field rules' (app/ingest/fields.py), stated here so that the
    # OpenAPI schema shows them; ArticleFields applies the rules themselves, as for the form.
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT,
        description="Plain text; at most PARLEY_MAX_UPLOAD_BYTES and 1,000,000 characters.",
    )
    outlet: str | None = Field(default=None, max_length=MAX_OUTLET)
    url: str | None = Field(default=None, max_length=MAX_URL, description="http:// or https://")
    published: date | None = Field(
        default=None, description="YYYY-MM-DD, from 1900 on and not in the future"
    )

    @field_validator("title", "text", "outlet", "url")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "\x00" in value:
            raise _invalid("contains a NUL character; send plain text")
        return value

    @field_validator("title", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise _invalid("must not be blank")
        return value

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        try:
            return clean_url(value)
        except FieldError as exc:
            raise _invalid(exc.message) from exc

    @field_validator("published", mode="before")
    @classmethod
    def _iso_day(cls, value: Any) -> Any:
        # Pydantic alone would also take a number of seconds since 1970 for a date.
        if value is not None and not (isinstance(value, str) and ISO_DAY.fullmatch(value)):
            raise _invalid("give the publication date as YYYY-MM-DD, for example 2025-05-16")
        return value

    @field_validator("published")
    @classmethod
    def _plausible_day(cls, value: date | None) -> date | None:
        try:
            return check_published(value)
        except FieldError as exc:
            raise _invalid(exc.message) from exc


class QueuedLinks(BaseModel):
    job: str = Field(description="Poll this until the job's state is done or failed.")


class ArticleQueued(BaseModel):
    job: JobOut
    links: QueuedLinks


class ErrorOut(BaseModel):
    detail: str


class Problem(BaseModel):
    field: str = Field(description="Where the value was: a body field or query parameter.")
    message: str


class ProblemsOut(BaseModel):
    """What a 422 answers: every value that is not valid, with the reason."""

    detail: list[Problem]
