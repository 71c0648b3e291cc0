"""The rules for an article's descriptive fields (title, outlet, URL, publication date) and the
bounds of its text, written once for every door an article comes in by: the upload form, the API,
the command line and metadata files."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from app.dates import NotADay, parse_day

MAX_TITLE = 500
MAX_OUTLET = 200
MAX_URL = 2000
MAX_TEXT = 1_000_000  # characters: spaCy parses no longer text in one piece
# Relative dates in the text ("on Tuesday") are resolved from the publication date; a news
# article from before this is a typing mistake, and year 1 would leave no room to count back.
EARLIEST_PUBLISHED = date(1900, 1, 1)
WEB_SCHEMES = ("http", "https")
# Unicode's control characters (category Cc), as a pattern: checking each character in Python
# took a second for a metadata file of 19,000 entries.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


class FieldError(ValueError):
    """A field that cannot be stored, with the field's name and a reason a person can act on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _bounded(field: str, label: str, value: str | None, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise FieldError(field, f"The {label} is {len(text):,} characters long; at most {limit:,}.")
    if CONTROL_CHARACTERS.search(text):
        raise FieldError(field, f"The {label} contains control characters.")
    return text or None


def clean_title(value: str | None) -> str | None:
    return _bounded("title", "title", value, MAX_TITLE)


def clean_outlet(value: str | None) -> str | None:
    return _bounded("outlet", "outlet name", value, MAX_OUTLET)


def is_web_url(value: str | None) -> bool:
    """True for an absolute http(s) URL with a host: the only kind Parley ever links to."""
    if not value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def clean_url(value: str | None) -> str | None:
    text = _bounded("url", "URL", value, MAX_URL)
    if text is None:
        return None
    if any(ch.isspace() for ch in text) or not is_web_url(text):
        raise FieldError("url", "The URL must be a web address starting with http:// or https://.")
    return text


def check_published(day: date | None, today: date | None = None) -> date | None:
    if day is not None and day > (today or date.today()):
        raise FieldError("published", "The publication date is in the future.")
    if day is not None and day < EARLIEST_PUBLISHED:
        raise FieldError(
            "published",
            f"The publication date is before {EARLIEST_PUBLISHED.year}; check the year.",
        )
    return day


def check_text(value: str) -> str:
    """An article's words: no NUL (PostgreSQL refuses it in text), and no more than extraction
    reads in one piece (spaCy's limit)."""
    if "\x00" in value:
        raise FieldError("text", "The text contains a NUL character; send plain text.")
    if len(value) > MAX_TEXT:
        raise FieldError(
            "text",
            f"The text is {len(value):,} characters long; one article may have at most "
            f"{MAX_TEXT:,}. Split it into several.",
        )
    return value


def parse_published(value: str | None) -> date | None:
    """A YYYY-MM-DD date (blank: none), not in the future."""
    try:
        day = parse_day(value)
    except NotADay as exc:
        text = str(exc)
        raise FieldError(
            "published",
            f"{text[:40]!r} is not a date: give the publication date as YYYY-MM-DD, "
            "for example 2025-05-16.",
        ) from None
    return check_published(day)


def size_label(size: int) -> str:
    """A size in bytes as people read it in a message: "10 MB" for Parley's 10 MiB default,
    "64 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.4g} MB"
    return f"{size / 1024:.4g} KB"
