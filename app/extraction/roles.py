"""Roles: which actor held a role noun ("the Kremlin spokesman", "the prime minister") on a
given day, and whether a role title names a role itself or a vice or deputy one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from app.extraction.codebook import Codebook, normalize_name
from app.extraction.types import ActorEntry, RoleEntry


@dataclass
class RoleIndex:
    """Role nouns ("kremlin spokesman") to the actors that held them, with their dates."""

    codebook: Codebook
    nouns: dict[str, list[tuple[ActorEntry, date | None, date | None, str]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        for actor in self.codebook.actors:
            for role in actor.roles:
                for noun in role.nouns:
                    key = normalize_name(noun)
                    self.nouns.setdefault(key, []).append((actor, role.start, role.end, role.title))
        self.longest = max((len(key.split()) for key in self.nouns), default=0)

    def holder(self, phrase: str, on: date | None) -> tuple[ActorEntry, str] | None:
        """The actor holding the longest role noun found at the end of ``phrase`` on that day."""
        words = normalize_name(phrase).split()
        for size in range(min(self.longest, len(words)), 0, -1):
            for begin in range(len(words) - size, -1, -1):
                key = " ".join(words[begin : begin + size])
                holders = self.nouns.get(key)
                if not holders:
                    continue
                current = [h for h in holders if _held(h[1], h[2], on)]
                if current:
                    actor, _start, _end, _title = current[-1]
                    return actor, key
        return None


def _held(start: date | None, end: date | None, on: date | None) -> bool:
    if on is None:
        return end is None
    return (start is None or start <= on) and (end is None or on < end)


# Singular role nouns that, with "the" and nothing else, point back at a person just named.
ANAPHORIC_ROLE_NOUNS = frozenset(
    """
    minister official president spokesman spokeswoman spokesperson envoy diplomat leader
    chancellor negotiator adviser advisor aide premier secretary chief ambassador ombudsman
    ombudsperson commissioner commander governor mayor
    """.split()
)


# Words that make a different office of a role: "vice president", "deputy prime minister".
ROLE_QUALIFIERS = frozenset("vice deputy acting former first assistant".split())


@lru_cache(maxsize=4096)
def role_names(held: RoleEntry) -> tuple[str, ...]:
    """A role's title and nouns, normalised once."""
    return (normalize_name(held.title), *(normalize_name(noun) for noun in held.nouns))


def names_role(name: str, role: list[str]) -> bool:
    """Whether a role title ("US president", "Prime Minister of the United Kingdom") is the role
    ["president"], ["prime", "minister"] itself, not a vice or deputy one."""
    # "secretary of state" is matched whole; "president" against the title before any "of".
    words = name.split() if "of" in role else name.split(" of ")[0].split()
    if len(words) < len(role) or words[len(words) - len(role) :] != role:
        return False
    before = words[: len(words) - len(role)]
    return not (before and before[-1] in ROLE_QUALIFIERS)
