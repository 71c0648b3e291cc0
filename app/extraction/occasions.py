"""Words said at a dated occasion take its day; undated words share the day of the same speaker's
words just before them.

"Russia and Ukraine held a third round of talks on Wednesday. … After the talks concluded,
Umerov said …": the article names no day for Umerov's words, but a reader dates them to the
talks, not to the publication. A statement whose day fell back to the publication day takes the
day of an earlier encounter (talks, a meeting, a call, a summit) when the words around it (its
paragraph so far, not any claim) place the speech at that encounter ("after the talks", "during
the call", "at the end of the meeting"); the same speaker's next undated statements, until
someone else speaks or a day is named, share it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from app.extraction.types import Event, Statement

# The noun that refers back to an encounter, and the event kinds it can mean.
REFERENCES = {
    "talks": ("talks", "meeting"),
    "negotiations": ("talks", "meeting"),
    "round": ("talks",),
    "meeting": ("meeting", "talks", "summit"),
    "session": ("talks", "meeting"),
    "summit": ("summit", "meeting"),
    "call": ("call",),
    "conversation": ("call", "meeting"),
}
# "after the talks", "during Tuesday's call", "at the end of the meeting", "the talks concluded".
AT_THE_OCCASION = re.compile(
    r"\b(?:after|following|during|at|at the end of|on the sidelines of|in the wake of)\s+"
    r"(?:the|this|that|these|their|its|[A-Z]\w+day's)\s+(?:[\w-]+\s+){0,3}?"
    r"(?P<noun>" + "|".join(REFERENCES) + r")\b"
    r"|\b(?:the|these)\s+(?P<ended>talks|negotiations|meeting|call|summit)\s+"
    r"(?:concluded|ended|wrapped up|finished)\b",
    re.IGNORECASE,
)
# How long before publication an occasion may lie and still be the day of the words.
MAX_DAYS_BEFORE = 7
# How far before and after its claim a statement's occasion is looked for (characters): enough
# for "After the talks concluded, Umerov said in a press conference, …" and the sentence before
# it, and a bound that keeps the look linear in the article's length.
LOOK_BEFORE = 400
LOOK_AFTER = 150


@dataclass(frozen=True)
class Undated:
    """A statement whose day fell back to the publication day, with the bounds of where to look
    for the occasion: its paragraph's start and its sentence's end."""

    statement: Statement
    paragraph_start: int
    sentence_end: int


def date_by_occasion(
    statements: list[Statement],
    undated: list[Undated],
    events: list[Event],
    text: str,
    published: date | None,
) -> None:
    """Give statements spoken at a dated occasion its day (in place)."""
    if published is None or not undated:
        return
    occasions = [e for e in events if _dated_occasion(e, published)]
    if not occasions:
        return
    waiting = {id(u.statement): u for u in undated}
    claims = sorted((s.start, s.end) for s in statements)
    carried: tuple[str | None, date] | None = None
    for statement in statements:
        entry = waiting.get(id(statement))
        if entry is None:
            carried = None  # a day was named, or the words are not news of a day
            continue
        day = _occasion_day(text, entry, occasions, claims)
        if day is not None:
            statement.said_on, statement.said_on_precision = day, "day"
            carried = (statement.speaker, day)
        elif carried is not None and statement.speaker and statement.speaker == carried[0]:
            statement.said_on, statement.said_on_precision = carried[1], "day"
        else:
            carried = None


def _dated_occasion(event: Event, published: date) -> bool:
    return (
        event.date is not None
        and event.date_precision == "day"
        and 0 < (published - event.date).days <= MAX_DAYS_BEFORE
    )


def _occasion_day(
    text: str, entry: Undated, occasions: list[Event], claims: list[tuple[int, int]]
) -> date | None:
    """The day of the encounter the words around the statement place the speech at, outside
    any claim ("no decisions were made at the meeting" says nothing of when it was said)."""
    statement = entry.statement
    start = max(entry.paragraph_start, statement.start - LOOK_BEFORE)
    end = min(max(entry.sentence_end, statement.end), statement.end + LOOK_AFTER)
    for match in AT_THE_OCCASION.finditer(text, start, end):
        if _inside_a_claim(match.start(), claims):
            continue
        noun = (match.group("noun") or match.group("ended")).lower()
        earlier = [e for e in occasions if e.kind in REFERENCES[noun] and e.start < match.start()]
        if earlier:
            return max(earlier, key=lambda e: e.start).date
    return None


def _inside_a_claim(position: int, claims: list[tuple[int, int]]) -> bool:
    index = bisect_right(claims, (position, float("inf"))) - 1
    return index >= 0 and claims[index][0] <= position < claims[index][1]


# How far back the same speaker's dated words may give their day to undated ones.
CARRY_REACH = 800


def carry_named_days(
    statements: list[Statement], undated: list[Undated], published: date | None, dated: list[int]
) -> None:
    """ "Zelensky said on Sunday that … ¶ “…,” he said.": words still dated by the publication
    day (after ``date_by_occasion``), right after the same speaker's words dated otherwise, share
    that day (in place): the article reports one occasion until someone else speaks or the
    narration names another day. ``dated``: where the sentences that name a day start, sorted."""
    waiting = {id(u.statement) for u in undated if u.statement.said_on == published}
    carried: Statement | None = None
    for statement in statements:
        if id(statement) not in waiting:
            carried = statement if statement.said_on is not None else None
            continue
        if (
            carried is not None
            and statement.speaker
            and statement.speaker == carried.speaker
            and statement.start - carried.end <= CARRY_REACH
            and not _day_named_between(dated, carried.end, statement.start)
        ):
            statement.said_on = carried.said_on
            statement.said_on_precision = carried.said_on_precision
            carried = statement
        else:
            carried = None


def _day_named_between(dated: list[int], start: int, end: int) -> bool:
    """Whether a sentence naming a day starts between two statements ("On Friday, Trump met
    Putin in Alaska"): the words after it are not of the day before it."""
    index = bisect_right(dated, start)
    return index < len(dated) and dated[index] < end
