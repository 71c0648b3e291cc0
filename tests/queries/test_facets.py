"""Facet counts summed from the statement tally equal those counted over the statements
themselves, for every kind of filter and their combinations."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

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


def filter_sets(session: Session) -> list[TimelineFilters]:
    speaker = session.get(Actor, busiest(session, Statement.speaker_id))
    outlet = session.scalar(select(Source.id).order_by(Source.id))
    return [
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


def test_free_text_counts_are_labelled_estimated_past_the_bound(session: Session) -> None:
    assert not timeline.facets(session, TimelineFilters(q="ceasefire")).estimated
    assert timeline.facets(session, TimelineFilters(q="ceasefire"), window=2).estimated
    assert not timeline.facets(session, TimelineFilters(issues=("ceasefire",))).estimated
