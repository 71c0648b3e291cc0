"""What an account must be, checked once for every door (the administrator's form and the
``parley users`` command): an email address and a role, with the messages people see. (A
password's rules are ``app.accounts.passwords.password_problem``: it is never echoed back.)"""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from app.accounts.errors import AccountError
from app.vocabulary import Role, is_word

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_EMAIL = 254


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _known_role(value: str) -> str:
    if not is_word(Role, value):
        raise PydanticCustomError(
            "value_error", f"“{value}” is not a role; choose one of {', '.join(Role)}."
        )
    return value


class Checked(BaseModel):
    @classmethod
    def checked(cls, **values: str) -> Self:
        """The model, or an AccountError with the first problem's message."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise AccountError(exc.errors()[0]["msg"]) from None


class RoleChoice(Checked):
    """A role to give an account."""

    role: str

    _role = field_validator("role")(_known_role)


class NewAccount(Checked):
    """An account to create: its email address (stored lower-case) and its role."""

    email: str
    role: str

    _role = field_validator("role")(_known_role)

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        normalized = normalize_email(value)
        if not EMAIL_PATTERN.match(normalized) or len(normalized) > MAX_EMAIL:
            raise PydanticCustomError("value_error", f"“{value}” is not an email address.")
        return normalized
