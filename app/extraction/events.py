"""Events: talks, meetings, summits, calls, proposals, agreements, ceasefires, violations and
prisoner exchanges — one per happening per article, dated, located, with participants."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.extraction.dates import ResolvedDate
from app.extraction.types import Event

# Ordered from most to least specific: the first kind whose trigger matches names the event.
TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "prisoner_exchange",
        re.compile(
            r"\b(?:prisoner|pow|captive)s?\b[\w\s-]{0,20}\b(?:exchange|swap)|\b(?:exchange|swap)(?:d|ped)?\b[\w\s-]{0,25}\b(?:prisoners|pows|captives|bodies)\b",
            re.I,
        ),
    ),
    (
        "violation",
        re.compile(
            r"\b(?:violat(?:ed|ion|ions|ing)|breach(?:ed|es)?)\b[\w\s-]{0,30}\b(?:ceasefire|truce|cease-fire)|\b(?:ceasefire|truce|cease-fire)\s+(?:violations?|breach)",
            re.I,
        ),
    ),
    (
        "ceasefire",
        re.compile(
            r"\b(?:declared|announced|agreed(?:\s+to)?|proposed|ordered|began|start(?:ed)?|enter(?:ed)?\s+into\s+force)\b[\w\s-]{0,30}\b(?:ceasefire|truce|cease-fire)|\b(?:ceasefire|truce|cease-fire)\s+(?:took|takes|came|went|began|begins|starts|will\s+start|expired|ended)",
            re.I,
        ),
    ),
    ("summit", re.compile(r"\bsummit\b", re.I)),
    (
        "call",
        re.compile(
            r"\b(?:phone|telephone)\s+(?:call|conversation|talks)\b|\bspoke\s+(?:by|on\s+the)\s+(?:phone|telephone)|\b(?:a|the|their)\s+call\s+with\b|\bvideo\s+call\b",
            re.I,
        ),
    ),
    (
        "agreement",
        re.compile(
            r"\b(?:signed|agreed\s+on|reached|struck|concluded|sealed)\b[\w\s-]{0,30}\b(?:agreement|deal|accord|memorandum|treaty|framework)\b",
            re.I,
        ),
    ),
    (
        "proposal",
        re.compile(
            r"\b(?:proposed|put\s+forward|presented|unveiled|submitted|drafted|offered)\b[\w\s-]{0,40}\b(?:plan|proposal|framework|memorandum|peace\s+deal|points?)\b|\b\d+-point\s+(?:plan|proposal|peace\s+plan)\b",
            re.I,
        ),
    ),
    (
        "talks",
        re.compile(
            r"\b(?:talks|negotiations|round\s+of\s+(?:talks|negotiations)|peace\s+talks)\b(?![\w\s]{0,12}\b(?:ahead|planned|expected|could|would|may|might)\b)",
            re.I,
        ),
    ),
    ("meeting", re.compile(r"\b(?:met|meets|meeting|hosted|visited|received)\b", re.I)),
)
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
    """What the pipeline knows about a sentence: its span, text, actors, places and dates."""

    start: int
    end: int
    text: str
    actors: Sequence[str]
    places: Sequence[str]
    dates: Sequence[ResolvedDate]


def event_kind(text: str) -> str | None:
    for kind, pattern in TRIGGERS:
        if pattern.search(text):
            return kind
    return None


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
    for sentence in sentences:
        kind = event_kind(sentence.text)
        if kind is None:
            continue
        dated = sentence.dates[0] if sentence.dates else None
        if dated is None and kind == "meeting" and not sentence.actors:
            continue
        if dated is None and FUTURE.search(sentence.text):
            continue
        if dated is None and len(sentence.actors) < 1:
            continue
        day = dated.day if dated else None
        key = (kind, day)
        if key in seen:
            merged = seen[key]
            for name in sentence.actors:
                if name not in merged.participants:
                    merged.participants.append(name)
            merged.location = merged.location or location_of(sentence.text, sentence.places)
            continue
        location = location_of(sentence.text, sentence.places)
        event = Event(
            kind=kind,
            title="",
            start=sentence.start,
            end=sentence.end,
            date=day,
            date_precision=dated.precision if dated else None,
            location=location,
            participants=list(dict.fromkeys(sentence.actors)),
        )
        seen[key] = event
        events.append(event)
    for event in events:
        event.title = title_for(event.kind, event.participants, event.location)
    return events
