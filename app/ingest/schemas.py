"""What an article's sender says of it, checked once for every door (``ArticleFields``: the
upload form's pasted text and the API's article), and an import job's summary as JSON (its
state, counts and each item's result)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from app.ingest.fields import (
    FieldError,
    check_published,
    clean_outlet,
    clean_title,
    clean_url,
    parse_published,
)
from app.ingest.jobs import JobView
from app.models.common import as_utc
from app.vocabulary import ItemStatus


class ArticleFields(BaseModel):
    """An article's title, outlet, URL and publication date, by the rules of
    ``app.ingest.fields`` (blank is none), with the messages people see."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None

    @field_validator("title", "outlet", "url", "published", mode="before")
    @classmethod
    def _by_the_rules(cls, value: Any, info: Any) -> Any:
        rule = FIELD_RULES[info.field_name]
        try:
            if isinstance(value, date):
                return check_published(value)
            return rule(value)
        except FieldError as exc:
            raise PydanticCustomError("value_error", exc.message) from None

    @classmethod
    def checked(cls, values: dict[str, Any]) -> tuple[ArticleFields, dict[str, str]]:
        """The fields, and each one's problem by name (the fields left blank where refused)."""
        try:
            return cls.model_validate(values), {}
        except ValidationError as exc:
            problems = {str(e["loc"][0]): e["msg"] for e in exc.errors() if e["loc"]}
            kept = {k: v for k, v in values.items() if k not in problems}
            return cls.model_validate(kept), problems


FIELD_RULES = {
    "title": clean_title,
    "outlet": clean_outlet,
    "url": clean_url,
    "published": parse_published,
}


class ItemOut(BaseModel):
    id: int
    position: int
    file_name: str
    status: str
    article_id: int | None
    statements: int
    error: str | None


class JobOut(BaseModel):
    id: int
    state: str
    origin: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    counts: dict[str, int]
    items: list[ItemOut]


def job_out(view: JobView) -> JobOut:
    job = view.job
    counts = {"total": view.total, "finished": view.finished}
    for status in ItemStatus:
        counts[status.value] = view.counts.get(status, 0)
    return JobOut(
        id=job.id,
        state=job.state,
        origin=job.origin,
        created_at=as_utc(job.created_at),
        started_at=as_utc(job.started_at),
        finished_at=as_utc(job.finished_at),
        seconds=round(view.seconds, 2) if view.seconds is not None else None,
        counts=counts,
        items=[
            ItemOut(
                id=item.id,
                position=item.position,
                file_name=item.file_name,
                status=item.status,
                article_id=item.article_id,
                statements=item.statements,
                error=item.error,
            )
            for item in job.items
        ],
    )
