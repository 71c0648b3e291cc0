"""Events: talks, meetings, summits, calls, proposals, agreements, ceasefires, violations and
prisoner exchanges — one per happening per article, dated, located, with participants."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc

from app.extraction.clean import Paragraph
from app.extraction.codebook import Codebook
from app.extraction.dates import ResolvedDate, dates_from
from app.extraction.event_triggers import event_kinds
from app.extraction.offsets import span_ents
from app.extraction.types import Event

# A date this far from the trigger dates something else in the sentence ("accused Putin on
# Wednesday of … after five hours of talks").
DATE_REACH = 60
# A date that opens the sentence ("On Tuesday, December 2, Trump's envoy … met") dates its
# main clause, however long the subject.
OPENING = re.compile(r"\s*(?:on|in|late|early|last|this)?\s*$", re.I)
# A subordinate clause between a date and the trigger: the date belongs to the other clause.
CLAUSE_BREAK = re.compile(r"\b(?:after|before|following)\b", re.I)
# One-off encounters: a later dated mention dates an earlier undated one at the same place.
ENCOUNTERS = {"talks", "meeting", "summit", "call"}
# "at the Kremlin" places an event in Moscow, and so on.
VENUES = {
    "kremlin": "Moscow",
    "white house": "Washington",
    "oval office": "Washington",
    "élysée": "Paris",
    "elysee": "Paris",
    "downing street": "London",
    "bankova": "Kyiv",
}
FUTURE = re.compile(
    r"\b(?:will|would|plans?\s+to|planned|scheduled|expected\s+to|could|may|might|next\s+week|upcoming)\b",
    re.I,
)
# How far from its trigger a word of the future makes an event a plan.
PLAN_REACH = 60
TITLES = {
    "talks": "Talks",
    "meeting": "Meeting",
    "summit": "Summit",
    "call": "Phone call",
    "proposal": "Proposal",
    "agreement": "Agreement",
    "ceasefire": "Ceasefire",
    "violation": "Ceasefire violation",
    "prisoner_exchange": "Prisoner exchange",
}


@dataclass
class SentenceFacts:
    """What the pipeline knows about a sentence: its span, text, actors, places and dates (with
    offsets within the sentence)."""

    start: int
    end: int
    text: str
    actors: Sequence[str]
    places: Sequence[str]
    dates: Sequence[ResolvedDate]


def location_of(text: str, places: Sequence[str]) -> str | None:
    lowered = text.lower()
    for venue, city in VENUES.items():
        if re.search(rf"\b(?:at|in)\s+(?:the\s+)?{re.escape(venue)}\b", lowered):
            return city
    for place in places:
        if re.search(rf"\b(?:in|at|to)\s+{re.escape(place)}\b", text):
            return place
    return None


def title_for(kind: str, participants: Sequence[str], location: str | None) -> str:
    title = TITLES[kind]
    if participants:
        names = ", ".join(participants[:4]) + (" and others" if len(participants) > 4 else "")
        title += f": {names}"
    if location:
        title += f" in {location}"
    return title


def find_events(sentences: Sequence[SentenceFacts]) -> list[Event]:
    """One event per (kind, day) in the article, from its first clear mention."""
    events: list[Event] = []
    seen: dict[tuple[str, date | None], Event] = {}
    latest: dict[str, Event] = {}
    # Each event's participants as a set too: an event an article keeps mentioning gathers
    # many, and looking each new name up in the list would cost the square of their number.
    named: dict[int, set[str]] = {}
    for sentence in sentences:
        for kind, position, referring in event_kinds(sentence.text, sentence.actors):
            dated = _nearest_date(sentence, position)
            antecedent = _antecedent(kind, latest) if referring and dated is None else None
            if antecedent is not None:
                # "no decisions were made at the meeting"
                _merge(antecedent, sentence, named[id(antecedent)])
                continue
            if dated is None and (
                not (sentence.actors or location_of(sentence.text, sentence.places))
                or (not sentence.dates and _planned(sentence.text, position))
                # "open to talks", "while peace talks continue": talks in general, unless placed
                or (kind == "talks" and not location_of(sentence.text, sentence.places))
            ):
                continue  # no date and no one named, or an undated plan: nothing to place
            day = dated.day if dated else None
            key = (kind, day)
            if key in seen and not _elsewhere(seen[key], sentence, named[id(seen[key])]):
                _merge(seen[key], sentence, named[id(seen[key])])
                continue
            undated = seen.get((kind, None))
            if (
                dated is not None
                and undated is not None
                and kind in ENCOUNTERS
                and _same_encounter(undated, sentence, named[id(undated)])
            ):
                undated.date, undated.date_precision = dated.day, dated.precision
                seen[key] = seen.pop((kind, None))
                _merge(undated, sentence, named[id(undated)])
                continue
            event = Event(
                kind=kind,
                title="",
                start=sentence.start,
                end=sentence.end,
                date=day,
                date_precision=dated.precision if dated else None,
                location=location_of(sentence.text, sentence.places),
                participants=list(dict.fromkeys(sentence.actors)),
            )
            seen[key] = latest[kind] = event
            if kind in ENCOUNTERS:
                latest["encounter"] = event
            named[id(event)] = set(event.participants)
            events.append(event)
    for event in events:
        event.title = title_for(event.kind, event.participants, event.location)
    return events


def _planned(text: str, position: int) -> bool:
    """Whether the words around the trigger put it in the future ("will meet next week"), not
    a clause further on ("… a ceasefire proposal, but details would have to be worked out")."""
    return FUTURE.search(text[max(0, position - PLAN_REACH) : position + PLAN_REACH]) is not None


def _antecedent(kind: str, latest: dict[str, Event]) -> Event | None:
    """The event "the meeting" refers back to: the latest of its kind, else the latest
    encounter of any kind ("met" then "after the meeting"); none the first time an article
    names one ("The meeting between Witkoff and Putin lasted five hours")."""
    if kind in latest:
        return latest[kind]
    return latest.get("encounter") if kind in ENCOUNTERS else None


def _nearest_date(sentence: SentenceFacts, position: int) -> ResolvedDate | None:
    """The sentence's date nearest the event's trigger ("the second round, held on June 2",
    not the dateline's "June 4" before it), if it is near enough to be the event's."""
    near = [
        found
        for found in sentence.dates
        if (
            abs(found.start - position) <= DATE_REACH or OPENING.match(sentence.text[: found.start])
        )
        and not CLAUSE_BREAK.search(
            sentence.text[min(found.end, position) : max(found.start, position)]
        )
    ]
    return min(near, key=lambda found: abs(found.start - position)) if near else None


def _elsewhere(event: Event, sentence: SentenceFacts, participants: set[str]) -> bool:
    """An encounter with other people at another place ("the two met in New York" after a
    meeting at the White House): another event, though neither mention gives a day."""
    location = location_of(sentence.text, sentence.places)
    return (
        event.kind in ENCOUNTERS
        and event.location is not None
        and location is not None
        and location != event.location
        and not participants & set(sentence.actors)
    )


def _same_encounter(event: Event, sentence: SentenceFacts, participants: set[str]) -> bool:
    """``participants``: the event's participants as a set."""
    location = location_of(sentence.text, sentence.places)
    if event.location and location:
        return event.location == location
    return bool(participants & set(sentence.actors))


def _merge(event: Event, sentence: SentenceFacts, participants: set[str]) -> None:
    """``participants``: the event's participants as a set, kept up to date here."""
    for name in sentence.actors:
        if name not in participants:
            participants.add(name)
            event.participants.append(name)
    event.location = event.location or location_of(sentence.text, sentence.places)


# A quote of this many words is somebody's words, not narration quoting a phrase ("Witkoff held
# what he called “productive talks” with Putin" still reports talks).
QUOTED_WORDS = 4


def _blank_quotes(text: str, start: int, end: int, quotes: Sequence[tuple[int, int]]) -> str:
    """The sentence with its quoted words blanked, unless a quote is a short phrase. ``quotes``:
    the paragraph's, sorted; only those that can overlap the sentence are read."""
    first = bisect_left(quotes, (start, -1)) - 1
    for left, right in quotes[max(first, 0) :]:
        if left >= end:
            break
        left, right = max(left, start), min(right, end)
        if left < right and len(text[left - start : right - start].split()) >= QUOTED_WORDS:
            text = text[: left - start] + " " * (right - left) + text[right - start :]
    return text


def sentence_facts(
    doc: Doc,
    paragraph: Paragraph,
    paragraph_dates: list[ResolvedDate],
    codebook: Codebook,
    quotes: Sequence[tuple[int, int]] = (),
) -> list[SentenceFacts]:
    """What each sentence names: actors, places and dates (outside quotes, found once for the
    whole paragraph). A quote's words are blanked: what a speaker says may happen ("we have not
    received anything") is no event the article reports."""
    facts = []
    for sentence in doc.sents:
        actors: list[str] = []
        places: list[str] = []
        for ent in span_ents(sentence):
            entry = codebook.actor_by_slug(ent.ent_id_) if ent.ent_id_ else None
            if entry is not None and entry.kind in ("person", "state", "organization"):
                actors.append(entry.name)
            if ent.label_ in ("GPE", "LOC", "FAC"):
                places.append(ent.text)
        dates = [  # offsets within the sentence
            ResolvedDate(
                found.day,
                found.precision,
                found.start - sentence.start_char,
                found.end - sentence.start_char,
            )
            for found in dates_from(paragraph_dates, sentence.start_char, sentence.end_char)
        ]
        text = _blank_quotes(sentence.text, sentence.start_char, sentence.end_char, quotes)
        facts.append(
            SentenceFacts(
                start=paragraph.start + sentence.start_char,
                end=paragraph.start + sentence.end_char,
                text=text,
                actors=list(dict.fromkeys(actors)),
                places=list(dict.fromkeys(places)),
                dates=dates,
            )
        )
    return facts
