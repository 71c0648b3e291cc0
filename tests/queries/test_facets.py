"""Facet counts summed from the statement tally equal those counted over the statements
themselves, for every kind of filter and their combinations."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Actor, Source, Statement
from app.queries import timeline
from app.queries.timeline import TimelineFilters, tallied_facets, windowed_facets


def busiest(session: Session, column: object) -> object:
    return session.scalar(
        select(column)
        .where(column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc())
        .limit(1)
    )


def date_filter_sets(session: Session, speaker: str, outlet: int) -> list[TimelineFilters]:
    """Date ranges that start and end mid-month, on month boundaries, or are open, around the
    busiest day: whole months come from grains by month, the odd days from grains by day."""
    day = busiest(session, Statement.said_on)
    assert isinstance(day, date)
    month = day.replace(day=1)
    before = (month - timedelta(days=1)).replace(day=1)
    after = (month + timedelta(days=32)).replace(day=1)
    return [
        TimelineFilters(date_from=day - timedelta(days=40), date_to=day + timedelta(days=40)),
        TimelineFilters(stances=("supports", "opposes"), date_from=before, date_to=after),
        TimelineFilters(actors=(speaker,), date_from=day, date_to=after - timedelta(days=1)),
        TimelineFilters(issues=("territory",), date_from=day - timedelta(days=3)),
        TimelineFilters(outlets=(outlet,), date_to=day + timedelta(days=3)),
        TimelineFilters(kinds=("direct_quote",), date_from=day, date_to=day),
        TimelineFilters(issues=("territory",), stances=("opposes",), date_from=before, date_to=day),
    ]


def filter_sets(session: Session) -> list[TimelineFilters]:
    speaker = session.get(Actor, busiest(session, Statement.speaker_id))
    outlet = session.scalar(select(Source.id).order_by(Source.id))
    return [
        *date_filter_sets(session, speaker.slug, outlet),
        TimelineFilters(),
        TimelineFilters(actors=(speaker.slug,)),
        TimelineFilters(issues=("territory",)),
        TimelineFilters(issues=("territory", "sanctions")),
        TimelineFilters(actors=(speaker.slug,), issues=("territory",)),
        TimelineFilters(stances=("supports", "opposes")),
        TimelineFilters(kinds=("direct_quote",), reviews=("machine",)),
        TimelineFilters(outlets=(outlet,)),
        TimelineFilters(date_from=date(2025, 3, 1)),
        TimelineFilters(date_to=date(2025, 6, 30), stances=("neutral",)),
        TimelineFilters(
            actors=(speaker.slug,), issues=("ceasefire",), outlets=(outlet,), kinds=("reported",)
        ),
        TimelineFilters(actors=("no-such-actor",)),
    ]


def test_tallied_facets_equal_counts_over_the_statements(session: Session) -> None:
    nonempty, sets = 0, filter_sets(session)
    for filters in sets:
        summed, counted = (
            asdict(tallied_facets(session, filters)),
            asdict(windowed_facets(session, filters, window=10**9)),  # every statement counted
        )
        months = summed.pop("months")
        counted.pop("months")
        assert summed == counted, filters
        nonempty += sum(facet["count"] for facet in summed["stances"]) > 0
        dated = timeline.statements_query(session, filters).where(Statement.said_on.is_not(None))
        assert sum(m["count"] for m in months) == session.scalar(
            select(func.count()).select_from(dated.subquery())
        ), filters
    assert nonempty >= len(sets) // 2, "the filters should match something"


def test_a_date_range_is_read_as_its_whole_months_and_the_days_at_either_end() -> None:
    """Every day of the range in exactly one period, and months only where whole."""
    starts = [None, date(2025, 1, 1), date(2025, 1, 17), date(2025, 2, 28), date(2025, 3, 1)]
    ends = [None, date(2025, 1, 31), date(2025, 2, 1), date(2025, 2, 28), date(2025, 5, 30)]
    window = [date(2024, 12, 1) + timedelta(days=n) for n in range(200)]
    for start in starts:
        for end in ends:
            if not (start or end) or (start and end and start > end):
                continue
            periods = timeline._periods(TimelineFilters(date_from=start, date_to=end))
            for day in window:
                holding = [
                    p
                    for p in periods
                    if (p.first is None or p.first <= day) and (p.last is None or day <= p.last)
                ]
                wanted = (start is None or start <= day) and (end is None or day <= end)
                assert len(holding) == (1 if wanted else 0), (start, end, day, periods)
            for period in periods:
                if period.dim == "M":
                    assert period.first is None or period.first.day == 1
                    assert period.last is None or (period.last + timedelta(days=1)).day == 1


def test_free_text_counts_are_labelled_estimated_past_the_bound(session: Session) -> None:
    assert not timeline.facets(session, TimelineFilters(q="ceasefire")).estimated
    assert timeline.facets(session, TimelineFilters(q="ceasefire"), window=2).estimated
    assert not timeline.facets(session, TimelineFilters(issues=("ceasefire",))).estimated
