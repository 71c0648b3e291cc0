"""Relative and explicit dates, resolved against the publication date across month and year ends."""

from __future__ import annotations

from datetime import date

import pytest

from app.extraction.dates import find_dates, most_recent_weekday


@pytest.mark.parametrize(
    ("text", "published", "day", "precision"),
    [
        ("on Tuesday", date(2025, 5, 16), date(2025, 5, 13), "day"),
        ("on Friday", date(2025, 5, 16), date(2025, 5, 16), "day"),
        ("on Friday", date(2025, 3, 2), date(2025, 2, 28), "day"),
        ("on Monday", date(2025, 1, 2), date(2024, 12, 30), "day"),
        ("on Sunday", date(2025, 12, 1), date(2025, 11, 30), "day"),
        ("yesterday", date(2025, 3, 1), date(2025, 2, 28), "day"),
        ("yesterday", date(2025, 1, 1), date(2024, 12, 31), "day"),
        ("earlier in the day", date(2025, 6, 24), date(2025, 6, 24), "day"),
        # a weekday before a date is part of it, not a second date
        ("on Thursday, May 15", date(2025, 5, 12), date(2025, 5, 15), "day"),
        ("On Tuesday, December 2, envoys met", date(2025, 12, 3), date(2025, 12, 2), "day"),
        ("later in the day", date(2025, 6, 24), date(2025, 6, 24), "day"),
        ("last week", date(2025, 4, 3), date(2025, 3, 24), "week"),
        ("last week", date(2025, 1, 2), date(2024, 12, 23), "week"),
        ("on Monday last week", date(2025, 4, 3), date(2025, 3, 24), "day"),
        ("earlier this month", date(2025, 4, 3), date(2025, 4, 1), "month"),
        ("last month", date(2025, 1, 15), date(2024, 12, 1), "month"),
        ("on 16 May", date(2025, 5, 20), date(2025, 5, 16), "day"),
        # A day in the coming weeks is upcoming ("the truce starts on 3 January"); further
        # ahead, the year before.
        ("on 3 January", date(2025, 1, 2), date(2025, 1, 3), "day"),
        ("on 3 March", date(2025, 1, 2), date(2024, 3, 3), "day"),
        ("from May 8", date(2025, 4, 28), date(2025, 5, 8), "day"),
        ("on January 10", date(2025, 12, 28), date(2026, 1, 10), "day"),
        ("in May", date(2025, 4, 28), date(2024, 5, 1), "month"),
        ("on December 30", date(2025, 1, 3), date(2024, 12, 30), "day"),
        ("March 11", date(2025, 3, 11), date(2025, 3, 11), "day"),
        ("on March 11, 2024", date(2025, 6, 1), date(2024, 3, 11), "day"),
        ("in March", date(2025, 4, 3), date(2025, 3, 1), "month"),
        ("in November", date(2025, 2, 3), date(2024, 11, 1), "month"),
        ("in May 2025", date(2025, 12, 3), date(2025, 5, 1), "month"),
        ("Tuesday’s talks", date(2025, 12, 3), date(2025, 12, 2), "day"),
        ("last Friday", date(2025, 5, 16), date(2025, 5, 9), "day"),
    ],
)
def test_resolves(text: str, published: date, day: date, precision: str) -> None:
    found = find_dates(text, published)
    assert [(f.day, f.precision) for f in found] == [(day, precision)]


def test_offsets_point_at_the_expression() -> None:
    text = "Peskov said on Tuesday that talks would resume."
    (found,) = find_dates(text, date(2025, 5, 16), offset=100)
    assert text[found.start - 100 : found.end - 100] == "Tuesday"


def test_relative_dates_need_a_publication_date() -> None:
    assert find_dates("on Tuesday, yesterday, last week", None) == []
    (explicit,) = find_dates("on 16 May 2025", None)
    assert explicit.day == date(2025, 5, 16)


def test_no_false_dates_in_ordinary_words() -> None:
    assert find_dates("Russia may march on; the Marching band played.", date(2025, 5, 1)) == []


@pytest.mark.parametrize("weekday", range(7))
def test_most_recent_weekday_is_never_after_the_reference(weekday: int) -> None:
    reference = date(2025, 3, 1)
    found = most_recent_weekday(weekday, reference)
    assert found <= reference
    assert (reference - found).days < 7
    assert found.weekday() == weekday
