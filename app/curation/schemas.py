"""What an analyst's change to an actor or a statement must be, checked once for every door
(the forms, and any API route or command that makes the change later): a Pydantic model per
write, with the messages people see. ``checked`` turns the first problem into a
``CurationError`` on its field; ``problems`` gives a form every field's message at once."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from app.curation.audit import CurationError
from app.dates import NotADay, parse_day
from app.vocabulary import ActorKind, DatePrecision, Stance, StatementKind, is_word

MAX_NAME = 200
MAX_DESCRIPTION = 2000
Model = TypeVar("Model", bound=BaseModel)


def _refused(message: str) -> PydanticCustomError:
    """A validation error whose message reads as written (no "Value error, " before it)."""
    return PydanticCustomError("value_error", message)


def checked(model: type[Model], **values: Any) -> Model:
    """The write's model, or a CurationError on the first field that is wrong."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else None
        raise CurationError(problem["msg"], field=field) from None


def _one_line(value: str, missing: str, what: str) -> str:
    """A name or title on one line, spaces collapsed: required, at most MAX_NAME characters."""
    text = " ".join(value.split())
    if not text:
        raise _refused(missing)
    if len(text) > MAX_NAME:
        raise _refused(f"Keep the {what} under {MAX_NAME} characters.")
    return text


class NewActor(BaseModel):
    """An actor to add by name (the codebook's fields come later, on its edit page)."""

    name: str
    kind: str = ActorKind.person

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _one_line(value, "Give the actor a name.", "name")

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if not is_word(ActorKind, value):
            raise _refused(f"Choose one of: {', '.join(ActorKind)}.")
        return value


class ActorEdit(NewActor):
    """An actor's name, kind, affiliation (a name, slug or alias) and description."""

    affiliation: str = ""
    description: str = ""
    needs_review: bool = False

    @field_validator("description")
    @classmethod
    def _short_enough(cls, value: str) -> str:
        if len(value) > MAX_DESCRIPTION:
            raise _refused(f"Keep the description under {MAX_DESCRIPTION:,} characters.")
        return value


def _optional_day(value: object) -> object:
    if isinstance(value, str):
        try:
            return parse_day(value)
        except NotADay:
            raise _refused("Give the date as YYYY-MM-DD, or leave it empty.") from None
    return value


class RoleIn(BaseModel):
    """A role an actor held: its title, the nouns that name it in text, and when."""

    title: str
    nouns: str = ""
    start_on: date | None = None
    end_on: date | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return _one_line(value, "Give the role a title.", "title")

    @field_validator("start_on", "end_on", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        return _optional_day(value)

    @field_validator("end_on")
    @classmethod
    def _in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_on")
        if start and value and value < start:
            raise _refused("The role cannot end before it starts.")
        return value

    @property
    def noun_list(self) -> list[str]:
        return [n.strip().lower() for n in self.nouns.split(",") if n.strip()]


SAID_ON_PRECISIONS = tuple(p for p in DatePrecision if p is not DatePrecision.unknown)
MAX_TARGET = 500
SPAN_NEEDED = "The span needs a start and an end offset (whole numbers)."


class StatementEdit(BaseModel):
    """A statement as a person states it in a form: who, how, when, where it stands and on
    what. What needs the database (the speaker and issues named, the span inside the article's
    text) is checked after, by ``app.curation.statements.parse_fields``."""

    speaker: str = ""
    kind: str = ""
    stance: str = ""
    stance_target: str | None = None
    issues: list[str] = []
    said_on: date | None = None
    said_on_precision: str | None = None
    start: int
    end: int

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> str:
        if not isinstance(value, str) or not is_word(StatementKind, value):
            raise _refused("Choose direct quote or reported speech.")
        return value

    @field_validator("stance", mode="before")
    @classmethod
    def _stance(cls, value: object) -> str:
        if not isinstance(value, str) or not is_word(Stance, value):
            raise _refused(f"Choose one of: {', '.join(Stance)}.")
        return value

    @field_validator("stance_target", mode="before")
    @classmethod
    def _target(cls, value: object) -> str | None:
        target = str(value or "").strip() or None
        if target and len(target) > MAX_TARGET:
            raise _refused(f"Keep the stance target under {MAX_TARGET} characters.")
        return target

    @field_validator("issues", mode="before")
    @classmethod
    def _slugs(cls, value: object) -> list[str]:
        return [str(slug) for slug in value or [] if str(slug).strip()]  # type: ignore[attr-defined]

    @field_validator("said_on", mode="before")
    @classmethod
    def _said_on(cls, value: object) -> date | None:
        if isinstance(value, date):
            return value
        try:
            day = parse_day(str(value or ""))
        except NotADay:
            raise _refused("Give the date as YYYY-MM-DD, or leave it empty when unknown.") from None
        if day is not None and day > date.today():
            raise _refused("The date is in the future.")
        return day

    @field_validator("said_on_precision", mode="before")
    @classmethod
    def _precision(cls, value: object, info: ValidationInfo) -> str | None:
        if info.data.get("said_on") is None:  # no day (or one that is refused): no precision
            return None
        precision = str(value or DatePrecision.day)
        if precision not in SAID_ON_PRECISIONS:
            raise _refused(f"Choose one of: {', '.join(SAID_ON_PRECISIONS)}.")
        return precision

    @field_validator("start", "end", mode="before")
    @classmethod
    def _offset(cls, value: object) -> int:
        try:
            return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise _refused(SPAN_NEEDED) from None


def problems(exc: ValidationError) -> dict[str, str]:
    """The first message for each field a form shows (a span's two offsets are one field)."""
    found: dict[str, str] = {}
    for problem in exc.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "form"
        if field in ("start", "end"):  # missing or not a number: one message for the span
            found.setdefault("span", SPAN_NEEDED)
        else:
            found.setdefault(field, problem["msg"])
    return found
