"""Events: talks, meetings, summits, calls, proposals, agreements, ceasefires, violations and
prisoner exchanges — one per happening per article, dated, located, with participants."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc

from app.extraction.clean import Paragraph
from app.extraction.codebook import Codebook
from app.extraction.dates import ResolvedDate, dates_from
from app.extraction.lexicon import NEWS_OUTLET_NAMES
from app.extraction.offsets import span_ents
from app.extraction.types import Event

CEASEFIRE = r"(?:ceasefire|cease-fire|truce)"
OUTLETS = "|".join(re.escape(name) for name in NEWS_OUTLET_NAMES)
# Each kind's trigger words. A sentence can report several events of different kinds; the
# general kinds give way to the specific ones in SUBSUMED.
TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "prisoner_exchange",
        re.compile(
            r"\b(?:prisoner|pow|captive)s?\b[\w\s-]{0,20}\b(?:exchange|swap)"
            r"|\b(?:exchang|swapp?)(?:e|es|ed|ing)\b[\w\s,-]{0,40}\b(?:prisoners|pows|captives|bodies|"
            r"servicemen|soldiers|defenders|civilians)\b"
            r"|\b(?:returned|brought\s+back|freed|released)\b[\w\s,-]{0,60}\b(?:captivity|prisoners|"
            r"pows|defenders|servicemen|bodies)\b"
            r"|\brepatriat(?:ion|ed)\b",
            re.I,
        ),
    ),
    (
        "violation",
        re.compile(
            rf"\b(?:violat(?:ed|ion|ions|ing)|breach(?:ed|es)?)\b[\w\s-]{{0,30}}\b{CEASEFIRE}"
            rf"|\b{CEASEFIRE}\s+(?:violations?|breach)",
            re.I,
        ),
    ),
    (
        "ceasefire",
        re.compile(
            r"\b(?:declared|announced|agreed(?:\s+to)?|ordered|began|start(?:ed)?|"
            rf"enter(?:ed)?\s+into\s+force)\b[\w\s-]{{0,30}}\b{CEASEFIRE}"
            rf"|\b{CEASEFIRE}\s+(?:took|takes|came|went|began|begins|starts|will\s+start|expired|ended)"
            rf"|\b(?:\d+|one|two|three|thirty)[- ](?:hour|day)\s+(?:[\w-]+\s+){{0,2}}{CEASEFIRE}"
            rf"|\b(?:unilateral|easter|energy|partial|maritime|black\s+sea)\s+(?:[\w-]+\s+)?{CEASEFIRE}",
            re.I,
        ),
    ),
    (
        "summit",
        re.compile(
            r"\bsummit\b|\bG(?:7|20)\s+(?:meeting|leaders)"
            # "European leaders gathered in London", "Gathered in Paris, the leaders of …"
            r"|\bleaders\b[\w\s,'’-]{0,40}\bgathered\b|\bgathered\b[\w\s,'’-]{0,60}\bleaders\b",
            re.I,
        ),
    ),
    (
        "call",
        re.compile(
            r"\b(?:phone|telephone|video)\s+(?:call|conversation|talks)\b"
            r"|\bspoke\b[\w\s]{0,20}\b(?:by|on\s+the|over\s+the)\s+(?:phone|telephone)"
            r"|\b(?:over|by)\s+the\s+phone\b"
            r"|\b(?:a|the|their|his|her|its)\s+(?:[\w.-]+\s+){0,2}call\s+(?:with|between)\b"
            r"|\b\d+(?:\.\d+)?[- ]hour(?:-long)?\s+call\b"
            r"|\bhad\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}call\b"
            r"|\bspoke\b[\w\s]{0,20}\b(?:to|with)\s+(?:[\w.]+\s+){0,2}(?:President|Prime\s+Minister|"
            r"Chancellor|leader)\b"
            r"|\bcalling\s+(?:[A-Z]\w+\s+){0,3}[A-Z]\w+\s+(?:\"?right\s+now|to\s+inform)"
            # "Starmer spoke with both Macron and Trump", "had spoken by phone with Trump", "spoke
            # with his Russian counterpart"; not with reporters, the press or a news outlet
            r"|\bspo(?:ke|ken)\s+(?:by\s+(?:phone|telephone)\s+)?(?:with|to)\s+"
            rf"(?!(?:the\s+)?(?:{OUTLETS})\b)(?:both\s+|his\s+|her\s+|their\s+)?"
            r"(?:(?-i:[A-Z])|(?:\w+\s+){0,2}counterparts?\b)",
            re.I,
        ),
    ),
    (
        "agreement",
        re.compile(
            r"\b(?:signed|agreed\s+on|reached|struck|concluded|sealed)\b[\w\s-]{0,30}\b(?:agreement|"
            r"deal|accord|memorandum|treaty|framework)\b",
            re.I,
        ),
    ),
    (
        "proposal",
        re.compile(
            r"\b(?:proposed|put\s+forward|presented|unveiled|submitted|drafted|offered)\b[\w\s-]{0,40}"
            rf"\b(?:plan|proposal|framework|memorandum|peace\s+deal|points?|promise|{CEASEFIRE})\b"
            # "Putin proposed to resume direct negotiations": a proposal, not yet talks
            r"|\bproposed\s+(?:to\s+\w+|that)\b"
            r"|\b\d+-point\s+(?:plan|proposal|peace\s+plan)\b"
            rf"|\b(?:a|an|the)\s+(?:[\w.-]+\s+){{0,3}}(?:{CEASEFIRE}\s+|peace\s+)?proposal\b"
            r"|\bcounter-?proposals?\b",
            re.I,
        ),
    ),
    (
        "talks",
        re.compile(
            r"\b(?:talks|negotiations|round\s+of\s+(?:talks|negotiations)|peace\s+talks)\b"
            r"(?![\w\s]{0,12}\b(?:ahead|planned|expected|could|would|may|might)\b)",
            re.I,
        ),
    ),
    (
        "meeting",
        re.compile(
            r"\b(?:met|meets|meeting|hosted|hosting|hosts?|visited|received|to\s+meet)\b"
            r"|\bvisit\s+to\b",
            re.I,
        ),
    ),
)
# A sentence that reports a summit or a call rarely reports a separate meeting or talks.
SUBSUMED = {
    "meeting": ("summit", "call"),
    "talks": ("summit", "call"),
}
# Who meets to negotiate: when they meet, it is talks.
NEGOTIATORS = re.compile(r"\b(?:delegations|negotiators|negotiating\s+teams)\b[^.;]*$", re.I)
# Talks named this soon after a meeting are what it was for ("met in Turkey for talks").
TALKS_FOR_MEETING = 40
PURPOSE = re.compile(r"\bfor\s+(?:a|an|the)?\s*(?:[\w-]+\s+){0,4}$", re.I)
# "the meeting", "that call": a mention of an event the article has already reported.
BACK_REFERENCE = re.compile(r"\b(?:the|that|this|those|these)\s+$", re.I)
# "a possible partial ceasefire", "a hoped-for meeting", "ahead of a meeting": nothing that
# has happened.
SPECULATIVE = re.compile(
    r"\b(?:possible|potential|hoped-for|prospective|proposed|ahead\s+of\s+(?:a|the))\s+"
    r"(?:[\w-]+\s+)?$"
    r"|\bsuch\s+an?\s+$",
    re.I,
)
# "a date for a Trump–Putin meeting remains undecided", "a meeting … is not yet on the agenda"
UNSETTLED = re.compile(
    r"[^.;:!?]{0,60}?\b(?:remains?\s+(?:undecided|unclear|uncertain|to\s+be)|(?:is|are)\s+not\s+yet|"
    r"has\s+not\s+(?:yet\s+)?been|to\s+(?:happen|take\s+place))\b",
    re.I,
)
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


def event_kinds(text: str) -> list[tuple[str, int, bool]]:
    """The kinds of event a sentence reports, each with where its trigger starts and whether it
    only refers back ("at the meeting")."""
    found: dict[str, tuple[int, bool]] = {}
    for kind, pattern in TRIGGERS:
        match = pattern.search(text)
        if match is None:
            continue
        before = text[max(0, match.start() - 30) : match.start()]
        if kind in ("ceasefire", "meeting", "summit") and (
            SPECULATIVE.search(before) or UNSETTLED.match(text, match.end())
        ):
            continue
        referring = BACK_REFERENCE.search(before[-8:])
        found[kind] = (match.start(), referring is not None)
    if (
        "meeting" in found
        and "talks" not in found
        and NEGOTIATORS.search(text[max(0, found["meeting"][0] - 40) : found["meeting"][0]])
    ):
        found["talks"] = found.pop("meeting")  # "the two delegations met in Geneva": talks
    if "talks" in found and "meeting" in found:
        # "Witkoff met Putin …, hinting at progress in peace talks" is a meeting; "met in
        # Turkey for a second round of talks" and "the meeting began with talks" are talks.
        talks_at, meeting_at = found["talks"][0], found["meeting"][0]
        for_talks = talks_at < meeting_at + TALKS_FOR_MEETING or PURPOSE.search(text[:talks_at])
        del found["meeting" if for_talks else "talks"]
    return [
        (kind, position, referring)
        for kind, (position, referring) in found.items()
        if not any(general in found for general in SUBSUMED.get(kind, ()))
    ]


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
        for kind, position, referring in event_kinds(sentence.text):
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
        text = sentence.text
        for start, end in quotes:
            left, right = max(start, sentence.start_char), min(end, sentence.end_char)
            if left < right:
                offset = sentence.start_char
                text = text[: left - offset] + " " * (right - left) + text[right - offset :]
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
