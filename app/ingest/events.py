"""Storing an article's events: a real-world event that several outlets report (the same kind,
on the same day, with the same people or at the same place) is one event with a mention in each
article, not one card per outlet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.extraction.types import Event as ExtractedEvent
from app.extraction.types import ExtractionResult
from app.models import Actor, Article, Event, EventArticle
from app.vocabulary import DatePrecision

MAX_AFFILIATION_DEPTH = 4


class Resolver(Protocol):
    def resolve(self, name: str) -> Actor: ...


def store_events(
    session: Session, article: Article, result: ExtractionResult, resolver: Resolver
) -> int:
    """Each extracted event joins the same event already known, or becomes a new one."""
    for extracted in result.events:
        participants: dict[int, Actor] = {}
        for name in extracted.participants:
            actor = resolver.resolve(name)
            participants[actor.id] = actor
        event = same_event(session, extracted, _with_their_states(session, participants.values()))
        if event is None:
            event = Event(
                kind=extracted.kind,
                title=extracted.title,
                occurred_on=extracted.date,
                date_precision=extracted.date_precision or "unknown",
                location=extracted.location,
                participants=list(participants.values()),
                mentions=[],
            )
            session.add(event)
        else:
            known = {actor.id for actor in event.participants}
            event.participants += [a for i, a in participants.items() if i not in known]
            event.location = event.location or extracted.location
        if not any(m.article_id == article.id for m in event.mentions):
            event.mentions.append(
                EventArticle(article_id=article.id, start=extracted.start, end=extracted.end)
            )
    session.flush()
    return len(result.events)


def _with_their_states(session: Session, actors: Iterable[Actor]) -> set[int]:
    """The actors and what they belong to, up the chain (Medinsky → Kremlin → Russia):
    Umerov's talks are Ukraine's talks."""
    found: set[int] = set()
    for actor in actors:
        current: Actor | None = actor
        for _ in range(MAX_AFFILIATION_DEPTH):
            if current is None or current.id in found:
                break
            found.add(current.id)
            # From the session's identity map when loaded already (Russia, for every Kremlin
            # official), so an article's events do not ask for the same actors again and again.
            parent = current.affiliation_id
            current = session.get(Actor, parent) if parent is not None else None
    return found


def same_event(session: Session, extracted: ExtractedEvent, people: set[int]) -> Event | None:
    """A stored event this one reports again: same kind and day (to the day), and two parties in
    common (a person counts for the state they belong to too), or one and the same place, and
    no two different places. Undated events are never merged: nothing says they are the same."""
    if extracted.date is None or extracted.date_precision != DatePrecision.day:
        return None
    candidates = session.scalars(
        select(Event)
        .where(Event.kind == extracted.kind, Event.occurred_on == extracted.date)
        .options(selectinload(Event.participants), selectinload(Event.mentions))
        .order_by(Event.id)
        .execution_options(populate_existing=True)  # mentions a re-extraction just removed
    )
    place = (extracted.location or "").casefold()
    for candidate in candidates:
        shared = people & _with_their_states(session, candidate.participants)
        other = (candidate.location or "").casefold()
        if place and other and place != other:
            continue  # talks in Riyadh are not the talks in Istanbul
        if len(shared) >= 2 or (shared and place == other != ""):
            return candidate
    return None
