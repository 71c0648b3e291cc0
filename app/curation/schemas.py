"""What an analyst's change to an actor must be, checked once for every door (the actor forms,
and any API route or command that changes actors later): a Pydantic model per write, with the
messages people see. ``checked`` turns the first problem into a ``CurationError`` on its field.
(A statement's edit is checked in ``app.curation.statements.check_fields``: it needs the
article's text to check its span.)"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from app.curation.audit import CurationError
from app.dates import NotADay, parse_day
from app.vocabulary import ActorKind, is_word

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


def _actor_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise _refused("Give the actor a name.")
    if len(name) > MAX_NAME:
        raise _refused(f"Keep the name under {MAX_NAME} characters.")
    return name


def _actor_kind(value: str) -> str:
    if not is_word(ActorKind, value):
        raise _refused(f"Choose one of: {', '.join(ActorKind)}.")
    return value


class NewActor(BaseModel):
    """An actor to add by name (the codebook's fields come later, on its edit page)."""

    name: str
    kind: str = ActorKind.person

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _actor_name(value)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _actor_kind(value)


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
        title = " ".join(value.split())
        if not title:
            raise _refused("Give the role a title.")
        if len(title) > MAX_NAME:
            raise _refused(f"Keep the title under {MAX_NAME} characters.")
        return title

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
