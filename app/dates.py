"""The one way Parley reads a day that a person (or a stored value) gives: YYYY-MM-DD.

Forms, query strings, the API, the command line and metadata all go through ``parse_day``; each
door words its own message around ``NotADay``. (Dates written in an article's text are
extraction's business: ``app.extraction.dates``.)"""

from __future__ import annotations

import re
from datetime import date

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class NotADay(ValueError):
    """The value is not blank and not a YYYY-MM-DD day."""


def parse_day(value: str | None) -> date | None:
    """The day written as YYYY-MM-DD (surrounding spaces ignored), None for a blank value.

    Stricter than ``date.fromisoformat``, which on Python 3.11 also takes "20250516" and
    "2025-W20-5": a person who typed those meant something else."""
    text = (value or "").strip()
    if not text:
        return None
    if not ISO_DAY.fullmatch(text):
        raise NotADay(text)
    try:
        return date.fromisoformat(text)
    except ValueError:  # the right shape, but no such day (2025-02-30)
        raise NotADay(text) from None
