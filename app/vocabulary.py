"""Parley's controlled vocabularies, each word defined here once: the models' CHECK constraints,
the queries' filters, the templates' choices, the API's schemas and the exports all use these.

A ``StrEnum`` member is a ``str`` (``Stance.supports == "supports"``), so a value read from the
database, a form or JSON compares equal to it. Imports nothing, so every part may use it.
"""

from __future__ import annotations

from enum import StrEnum


class Stance(StrEnum):
    """Where a statement (or a position) stands on an issue."""

    supports = "supports"
    opposes = "opposes"
    conditional = "conditional"
    neutral = "neutral"


class StatementKind(StrEnum):
    """The speaker's own words in quotation marks, or what a report says they said."""

    direct_quote = "direct_quote"
    reported = "reported"


class ReviewStatus(StrEnum):
    """Where a statement is in review: as extracted, confirmed or edited by a person, rejected."""

    machine = "machine"
    confirmed = "confirmed"
    edited = "edited"
    rejected = "rejected"


# The statuses the timeline shows and filters by: a rejected statement is never shown there.
SHOWN_REVIEW_STATUSES = tuple(s for s in ReviewStatus if s is not ReviewStatus.rejected)


class Origin(StrEnum):
    """Who made a statement: extraction, or an analyst who added it by hand."""

    machine = "machine"
    analyst = "analyst"


class ActorKind(StrEnum):
    person = "person"
    organization = "organization"
    state = "state"
    group = "group"


class DatePrecision(StrEnum):
    """How much of a date is known ("in May 2025" is a month)."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"
    unknown = "unknown"


class EventKind(StrEnum):
    talks = "talks"
    meeting = "meeting"
    summit = "summit"
    call = "call"
    proposal = "proposal"
    agreement = "agreement"
    ceasefire = "ceasefire"
    violation = "violation"
    prisoner_exchange = "prisoner_exchange"


class JobState(StrEnum):
    """An import job as a whole."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class JobOrigin(StrEnum):
    """Which door an import job came in by."""

    upload = "upload"  # the upload page
    cli = "cli"  # parley import
    api = "api"  # POST /api/articles


class ItemStatus(StrEnum):
    """One file (or pasted text) of an import job."""

    queued = "queued"
    running = "running"
    imported = "imported"
    duplicate = "duplicate"
    failed = "failed"


# An item with a result: it will not be worked on again.
FINISHED_ITEM_STATUSES = (ItemStatus.imported, ItemStatus.duplicate, ItemStatus.failed)


class Role(StrEnum):
    """What an account may do: read, also change things, also administer accounts."""

    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"


def is_word(vocabulary: type[StrEnum], value: str) -> bool:
    """True when ``value`` is one of the vocabulary's words (on Python 3.11, ``in`` on the class
    itself refuses a plain string)."""
    return value in vocabulary._value2member_map_
