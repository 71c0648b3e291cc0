"""When something was said: time expressions resolved against the publication date.

Relative days ("on Tuesday", "yesterday", "last week") are resolved here, by hand, because their
meaning in news copy is fixed: a weekday is the most recent such day on or before publication.
Explicit dates ("16 May", "March 11, 2025") go through dateparser.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBREVIATIONS = {name[:3]: index + 1 for index, name in enumerate(MONTHS)} | {"sept": 9}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# Ordered: the first pattern that matches at a position wins, so longer forms come first
# ("Thursday, May 15" is one date, not a Thursday and a May 15).
TIME_EXPRESSION = re.compile(
    rf"""
    (?P<day_month_year>\b(?:{_WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}
        (?:,?\s+\d{{4}})?\b)
  | (?P<month_day_year>\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b
        (?:,?\s+\d{{4}}\b)?)
  | (?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)
  | (?P<weekday_last_week>\b(?:on\s+)?{_WEEKDAY}\s+(?:of\s+)?last\s+week\b)
  | (?P<last_weekday>\blast\s+{_WEEKDAY}\b)
  | (?P<weekday>\b{_WEEKDAY}(?:'s|’s)?\b)
  | (?P<yesterday>\byesterday\b|\bthe\s+day\s+before\b|\ba\s+day\s+earlier\b)
  | (?P<today>\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b
      |\b(?:earlier|later)\s+in\s+the\s+day\b)
  | (?P<last_week>\blast\s+week\b|\bthe\s+previous\s+week\b|\ba\s+week\s+ago\b)
  | (?P<this_week>\bthis\s+week\b|\bearlier\s+this\s+week\b)
  | (?P<last_month>\blast\s+month\b|\bthe\s+previous\s+month\b)
  | (?P<this_month>\b(?:earlier\s+)?this\s+month\b)
  | (?P<month_year>\b(?:in\s+)?{_MONTH}\s+\d{{4}}\b)
  | (?P<in_month>\bin\s+(?:early\s+|mid-|late\s+)?{_MONTH}(?=[\s,.;]|$))
  | (?P<last_year>\blast\s+year\b)
  | (?P<this_year>\bthis\s+year\b|\bearlier\s+this\s+year\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class ResolvedDate:
    day: date
    precision: str  # day, week, month or year
    start: int  # where the expression stands in the text it was found in
    end: int


def month_number(token: str) -> int | None:
    lowered = token.lower().rstrip(".")
    if lowered not in MONTHS and lowered not in MONTH_ABBREVIATIONS:
        return None
    return MONTH_ABBREVIATIONS[lowered[:3]]


def most_recent_weekday(weekday: int, reference: date) -> date:
    """The most recent day with that weekday on or before ``reference`` (Monday is 0)."""
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_of_previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


UPCOMING_DAYS = 45


def _year_for(month: int, day: int | None, reference: date) -> int:
    """A date written without its year is the latest one not after the reference, unless it
    falls within the coming weeks ("the truce runs from May 8" in an article of April 28)."""
    candidate = date(reference.year, month, min(day or 1, 28 if month == 2 else 30))
    if day is not None:
        following = candidate.replace(year=reference.year + 1)
        if 0 < (following - reference).days <= UPCOMING_DAYS:
            return reference.year + 1  # "January 10" in an article of December 28
        if 0 < (candidate - reference).days <= UPCOMING_DAYS:
            return reference.year
    return reference.year if candidate <= reference else reference.year - 1


def _explicit(text: str, reference: date | None) -> tuple[date, str] | None:
    """Day-month or month-day dates, with or without a year."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    words = re.findall(r"[A-Za-z]+", text)
    month = next((m for w in words if (m := month_number(w)) and w.lower() != "of"), None)
    if month is None:
        return None
    day = next((n for n in numbers if 1 <= n <= 31), None)
    year = next((n for n in numbers if n > 1900), None)
    if day is None:
        return None
    if year is None:
        if reference is None:
            return None
        year = _year_for(month, day, reference)
    try:
        return date(year, month, day), "day"
    except ValueError:
        return _with_dateparser(text, reference)


@lru_cache(maxsize=2048)
def _parse_with_dateparser(text: str, reference: date | None) -> date | None:
    import dateparser

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if reference is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(reference.year, reference.month, reference.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _with_dateparser(text: str, reference: date | None) -> tuple[date, str] | None:
    parsed = _parse_with_dateparser(text, reference)
    return (parsed, "day") if parsed else None


Resolved = tuple[date, str]  # a day and its precision


def resolve(kind: str, text: str, reference: date | None) -> Resolved | None:
    """Resolve one matched expression; relative ones need a reference date."""
    absolute = ABSOLUTE.get(kind)
    if absolute is not None:
        return absolute(text, reference)
    relative = RELATIVE.get(kind)
    if relative is None or reference is None:
        return None
    return relative(text.lower(), reference)


def _iso(text: str, _reference: date | None) -> Resolved | None:
    try:
        return date.fromisoformat(text), "day"
    except ValueError:
        return None


def _named_month(text: str) -> int | None:
    return next((m for w in re.findall(r"[A-Za-z]+", text) if (m := month_number(w))), None)


def _month_year(text: str, _reference: date | None) -> Resolved | None:
    month = _named_month(text)
    year = int(re.findall(r"\d{4}", text)[0])
    return (date(year, month, 1), "month") if month else None


def _weekday(lowered: str) -> int:
    return next(i for i, name in enumerate(WEEKDAYS) if name in lowered)


def _last_weekday(lowered: str, reference: date) -> Resolved:
    day = most_recent_weekday(_weekday(lowered), reference)
    return (day - timedelta(days=7) if day == reference else day), "day"


def _in_month(text: str, reference: date) -> Resolved | None:
    month = _named_month(text)
    if month is None:
        return None
    return date(_year_for(month, None, reference), month, 1), "month"


ABSOLUTE: dict[str, Callable[[str, date | None], Resolved | None]] = {
    "day_month_year": _explicit,
    "month_day_year": _explicit,
    "iso": _iso,
    "month_year": _month_year,
}
RELATIVE: dict[str, Callable[[str, date], Resolved | None]] = {
    "weekday_last_week": lambda lowered, reference: (
        monday_of(reference) - timedelta(days=7) + timedelta(days=_weekday(lowered)),
        "day",
    ),
    "last_weekday": _last_weekday,
    "weekday": lambda lowered, reference: (
        most_recent_weekday(_weekday(lowered), reference),
        "day",
    ),
    "yesterday": lambda _lowered, reference: (reference - timedelta(days=1), "day"),
    "today": lambda _lowered, reference: (reference, "day"),
    "last_week": lambda _lowered, reference: (monday_of(reference) - timedelta(days=7), "week"),
    "this_week": lambda _lowered, reference: (monday_of(reference), "week"),
    "last_month": lambda _lowered, reference: (first_of_previous_month(reference), "month"),
    "this_month": lambda _lowered, reference: (reference.replace(day=1), "month"),
    "in_month": _in_month,
    "last_year": lambda _lowered, reference: (date(reference.year - 1, 1, 1), "year"),
    "this_year": lambda _lowered, reference: (date(reference.year, 1, 1), "year"),
}


def find_dates(text: str, reference: date | None, offset: int = 0) -> list[ResolvedDate]:
    """Every time expression in ``text`` that resolves, in order; offsets shifted by ``offset``."""
    found: list[ResolvedDate] = []
    for match in TIME_EXPRESSION.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        resolved = resolve(kind, match.group(0), reference)
        if resolved is not None:
            found.append(
                ResolvedDate(resolved[0], resolved[1], offset + match.start(), offset + match.end())
            )
    return found


def dates_from(dates: list[ResolvedDate], start: int, end: int) -> list[ResolvedDate]:
    """The dates (in order of position) that start within ``start:end``."""
    found = []
    for position in range(bisect_left(dates, start, key=lambda dated: dated.start), len(dates)):
        if dates[position].start >= end:
            break
        found.append(dates[position])
    return found
