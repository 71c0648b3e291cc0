"""The plain dataclasses extraction works with: codebook entries in, statements and events out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.vocabulary import Stance


@dataclass(frozen=True, slots=True)
class RoleEntry:
    title: str
    nouns: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None

    def held_on(self, day: date | None) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    name: str
    slug: str
    kind: str = "person"
    gender: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[RoleEntry, ...] = ()
    affiliation: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class IssueEntry:
    slug: str
    name: str
    question: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(slots=True)
class Statement:
    """One thing an actor said; ``start``/``end`` index the article text exactly as stored."""

    kind: str
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_text: str | None = None
    speaker_role: str | None = None
    speaker_new: bool = False
    speaker_kind: str | None = None  # person, state, organization or group
    source: str | None = None  # the news outlet that carried the words ("reported by Reuters")
    issues: list[tuple[str, float]] = field(default_factory=list)
    stance: str = Stance.neutral
    stance_target: str | None = None
    said_on: date | None = None
    said_on_precision: str | None = None
    confidence: float = 0.5

    @property
    def issue_keys(self) -> list[str]:
        return [key for key, _score in self.issues]


@dataclass(slots=True)
class Event:
    kind: str
    title: str
    start: int
    end: int
    date: date | None = None
    date_precision: str | None = None
    location: str | None = None
    participants: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MentionedActor:
    name: str
    kind: str
    new: bool = False


@dataclass(slots=True)
class ExtractionResult:
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    actors: list[MentionedActor] = field(default_factory=list)


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: an actor's canonical name (or None when unnamed), how it was found."""

    name: str | None
    kind: str = "person"
    text: str = ""  # the speaker as written
    role: str | None = None
    new: bool = False
    how: str = "name"  # name, role, pronoun, collective, unnamed, new

    @property
    def confidence(self) -> float:
        return {"name": 0.9, "collective": 0.85, "role": 0.8, "new": 0.7, "pronoun": 0.7}.get(
            self.how, 0.4
        )
