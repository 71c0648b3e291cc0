"""The timeline's filters read from a query string, for every door that filters statements: the
timeline page, the exports and the API (``Filters``: all valid or a 422; ``PageFilters``: the
ones that cannot be applied set aside, for the page to name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.dates import NotADay, parse_day
from app.db import DbSession
from app.models.common import MAX_ID
from app.queries.timeline import TimelineFilters, resolve_names
from app.vocabulary import SHOWN_REVIEW_STATUSES, ReviewStatus, Stance, StatementKind

# PostgreSQL refuses a NUL in text, and no name, slug or search needs a control character.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SourceId = Annotated[int, Field(ge=1, le=MAX_ID)]
Slug = Annotated[str, StringConstraints(max_length=100)]


def _shown(value: object) -> object:
    """Only the statuses the timeline shows (a rejected statement never is)."""
    if value not in SHOWN_REVIEW_STATUSES:
        words = [f"'{s}'" for s in SHOWN_REVIEW_STATUSES]
        message = f"Input should be {', '.join(words[:-1])} or {words[-1]}"
        raise PydanticCustomError("literal_error", message)
    return value


ShownReview = Annotated[
    ReviewStatus,
    BeforeValidator(_shown),
    WithJsonSchema({"type": "string", "enum": list(SHOWN_REVIEW_STATUSES)}),
]


@dataclass(frozen=True)
class FilterProblem:
    """A filter that was asked for but cannot be applied, and why."""

    field: str  # the query parameter
    value: str
    message: str

    @property
    def label(self) -> str:
        return FILTER_LABELS.get(self.field, self.field)


FILTER_LABELS = {"from": "From", "to": "To", "actor": "Actor", "issue": "Issue"}


@dataclass(frozen=True)
class CheckedFilters:
    """The filters that can be applied, and the ones that cannot (the page tells which)."""

    filters: TimelineFilters
    problems: tuple[FilterProblem, ...] = ()


class FilterQuery(BaseModel):
    """The timeline's filters as the query string gives them."""

    actor: list[Slug] = Field([], max_length=50, description="Actor slugs")
    issue: list[Slug] = Field([], max_length=50, description="Issue slugs")
    stance: list[Stance] = []
    outlet: list[SourceId] = Field([], description="Source ids")
    kind: list[StatementKind] = []
    review: list[ShownReview] = []
    date_from: str = Field("", alias="from", max_length=10, description="YYYY-MM-DD")
    date_to: str = Field("", alias="to", max_length=10, description="YYYY-MM-DD")
    q: str = Field("", max_length=200, description="Words to search for")


def read_filters(given: Annotated[FilterQuery, Query()]) -> CheckedFilters:
    """The timeline's filters, all from the query string (so every view is a shareable URL); a
    date that is no date is set aside as a problem to tell."""
    _refuse_control_characters(actor=given.actor, issue=given.issue, q=[given.q])
    problems: list[FilterProblem] = []
    filters = TimelineFilters(
        actors=tuple(a for a in given.actor if a),
        issues=tuple(i for i in given.issue if i),
        stances=tuple(s.value for s in given.stance),
        outlets=tuple(given.outlet),
        kinds=tuple(k.value for k in given.kind),
        reviews=tuple(r.value for r in given.review),
        date_from=_optional_date("from", given.date_from, problems),
        date_to=_optional_date("to", given.date_to, problems),
        q=given.q,
    )
    return CheckedFilters(filters, tuple(problems))


def _refuse_control_characters(**fields: list[str]) -> None:
    for name, values in fields.items():
        if any(CONTROL_CHARACTERS.search(value) for value in values):
            raise RequestValidationError(
                [
                    {
                        "loc": ("query", name),
                        "msg": "control characters are not allowed",
                        "type": "value_error",
                    }
                ]
            )


def _optional_date(name: str, value: str, problems: list[FilterProblem]) -> date | None:
    """An empty form field is no filter; anything else must be a date (else a problem)."""
    try:
        return parse_day(value)
    except NotADay:
        message = f"“{value}” is not a date; give it as YYYY-MM-DD"
        problems.append(FilterProblem(name, value, message))
        return None


def timeline_filters(checked: Annotated[CheckedFilters, Depends(read_filters)]) -> TimelineFilters:
    """The filters, every one of them valid: exports and the API refuse what they cannot read."""
    if checked.problems:
        raise RequestValidationError(
            [
                {"loc": ("query", problem.field), "msg": problem.message, "type": "value_error"}
                for problem in checked.problems
            ]
        )
    return checked.filters


def page_filters(
    session: DbSession, checked: Annotated[CheckedFilters, Depends(read_filters)]
) -> CheckedFilters:
    """The timeline page's filters: actors typed by name or alias found, and the actors and
    issues that name nothing set aside with the unreadable dates, for the page to tell."""
    filters, unknown = resolve_names(session, checked.filters)
    messages = {
        "actor": "no actor is called “{}”; pick a name from the suggestions",
        "issue": "there is no issue “{}”",
    }
    found = tuple(FilterProblem(f, v, messages[f].format(v)) for f, v in unknown)
    return CheckedFilters(filters, checked.problems + found)


Filters = Annotated[TimelineFilters, Depends(timeline_filters)]
PageFilters = Annotated[CheckedFilters, Depends(page_filters)]


def filter_params(filters: TimelineFilters) -> list[tuple[str, str]]:
    """The query string of these filters, in the form's order, for links that keep them."""
    params = [("q", filters.q)] if filters.q.strip() else []
    params += [("actor", slug) for slug in filters.actors]
    params += [("issue", slug) for slug in filters.issues]
    params += [("stance", stance) for stance in filters.stances]
    params += [("kind", kind) for kind in filters.kinds]
    params += [("from", filters.date_from.isoformat())] if filters.date_from else []
    params += [("to", filters.date_to.isoformat())] if filters.date_to else []
    params += [("outlet", str(outlet)) for outlet in filters.outlets]
    params += [("review", review) for review in filters.reviews]
    return params
