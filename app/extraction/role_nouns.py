"""Role nouns as speakers: "the prime minister", "the Kremlin spokesman", "the official" — the
latest person named who holds the role, its holder on the article's day, or the person (or the
unnamed source) the article has just named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from spacy.tokens import Span, Token

from app.extraction.codebook import Codebook, normalize_name
from app.extraction.discourse import Discourse
from app.extraction.roles import (
    ANAPHORIC_ROLE_NOUNS,
    ROLE_QUALIFIERS,
    RoleIndex,
    names_role,
    role_names,
)
from app.extraction.speaker_phrases import (
    RANKS,
    definite_singular,
    role_scope,
    strip_determiner,
)
from app.extraction.types import Speaker

MAX_AFFILIATION_DEPTH = 4
# Role nouns any official answers to, but not a head of state or government.
SUBORDINATE_NOUNS = frozenset(
    """
    official diplomat aide adviser advisor spokesman spokeswoman spokesperson envoy negotiator
    minister
    """.split()
)
HEADS = ("president", "prime minister", "chancellor", "king", "premier")
# Bodies an article names again by their noun alone: "the ministry said", "the headquarters said".
NAMED_AGAIN_BODIES = frozenset(
    "ministry headquarters office council committee command service".split()
)


class RoleNouns:
    """Resolves a speaker phrase headed by a role noun."""

    def __init__(
        self,
        codebook: Codebook,
        roles: RoleIndex,
        nationality: Callable[[str], Speaker | None],
    ) -> None:
        self.codebook = codebook
        self.roles = roles
        self.nationality = nationality

    def resolve(
        self, head: Token, phrase: Span, phrase_text: str, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """A role noun: the latest person named who holds it, its holder on the day, or (for
        "the minister", "the official") the person just named."""
        recalled = self._recent_holder(head, phrase, on, discourse)
        if recalled is not None:
            return recalled  # "the president added", after Trump was named
        held = self.roles.holder(role_scope(head, phrase).text, on)
        if held is not None:
            actor, _key = held
            return Speaker(
                name=actor.name,
                kind=actor.kind,
                text=phrase_text,
                role=strip_determiner(role_scope(head, phrase).text),
                how="role",
            )
        if definite_singular(head, phrase) and head.lower_ in ANAPHORIC_ROLE_NOUNS:
            # "The minister noted …", "the official promised …": the person just named, or the
            # unnamed one just described ("a senior administration official told Fox News …
            # the official said").
            noun = head.lower_
            found = discourse.latest(
                ("person or unnamed", noun, on),
                lambda s: self._fits(s, noun, on) or _described_as(s, noun),
            )
            if found is not None and found.name is None:
                return found
            if found is not None:
                return replace(found, how="pronoun", text=phrase_text, role=found.role)
        return self._affiliated(head, phrase, phrase_text, discourse) or self._body_again(
            head, phrase, phrase_text, discourse
        )

    def _body_again(
        self, head: Token, phrase: Span, phrase_text: str, discourse: Discourse
    ) -> Speaker | None:
        """ "the ministry said", "the headquarters said": the body of that name just named."""
        words = [t for t in phrase if not t.is_punct]
        if len(words) != 2 or words[0].lower_ != "the" or head.lower_ not in NAMED_AGAIN_BODIES:
            return None
        noun = head.lower_
        found = discourse.latest(
            ("body", noun),
            lambda s: s.kind == "organization" and noun in (s.name or "").lower().split(),
        )
        return None if found is None else replace(found, how="pronoun", text=phrase_text)

    def _affiliated(
        self, head: Token, phrase: Span, phrase_text: str, discourse: Discourse
    ) -> Speaker | None:
        """ "the Kremlin official", "the Ukrainian diplomat", "Ukraine's top negotiator",
        "Putin's top aide": the unnamed speaker the phrase echoes, else the latest person named
        whom the role fits and who belongs to the body or state the phrase names (Peskov, of the
        Kremlin, of Russia) or to the person's own office (not that person)."""
        words = [t for t in phrase if not t.is_punct and t.tag_ != "POS"]
        if words and words[0].lower_ == "the":
            words = words[1:]
        if (
            len(words) < 2
            or words[-1].i != head.i
            or head.lower_ not in ANAPHORIC_ROLE_NOUNS
            or head.tag_ != "NN"
        ):
            return None
        bodies = [self._body_slug(t) for t in words[:-1] if t.lower_ not in RANKS]
        if not bodies or None in bodies:
            return None  # "the former minister", "the new envoy": not a body's person
        body, principal = bodies[-1], None
        entry = self.codebook.actor_by_slug(body) if body else None
        if entry is not None and entry.kind == "person":
            principal, body = entry.name, entry.affiliation  # "Putin's aide": of the Kremlin
        if body is None:
            return None
        target: str = body
        noun = head.lower_
        # "A senior Russian official told Reuters … The Russian official added": the phrase
        # echoes a description, and means that one, whoever was named since.
        echoed = [t.lower_ for t in words[:-1] if t.lower_ not in RANKS]
        echo = discourse.latest(
            ("echo", noun, *echoed),
            lambda s: (
                _described_as(s, noun) and all(w in (s.text or "").lower().split() for w in echoed)
            ),
        )
        if echo is not None:
            return echo
        found = discourse.latest(
            ("affiliated", target, principal, noun),
            lambda s: (
                _described_as(s, noun)
                or (
                    s.name is not None
                    and s.name != principal
                    and self._fits(s, noun, None)
                    and self._belongs(s.name, target)
                )
            ),
        )
        if found is None or found.name is None:
            return found  # or the unnamed one just described ("a senior Russian official")
        return replace(found, how="pronoun", text=phrase_text, role=strip_determiner(phrase_text))

    def _fits(self, speaker: Speaker, noun: str, on: date | None) -> bool:
        """Whether a named person can be "the <noun>": a role of theirs says so ("the governor"
        only of a governor), or the noun is one any official answers to but a head of state or
        government ("the official", "the diplomat", "the negotiator": not the president)."""
        if speaker.kind != "person" or not speaker.name:
            return False
        entry = self.codebook.actor_named(speaker.name)
        titles = [(speaker.role or "").lower()]
        if entry is not None:
            titles += [name for held in entry.roles for name in role_names(held)]
        if any(noun in title.split() for title in titles):
            return True
        if noun not in SUBORDINATE_NOUNS:
            return False
        return entry is None or not any(
            held.held_on(on) and _heads(role_names(held)[0]) for held in entry.roles
        )

    def _body_slug(self, token: Token) -> str | None:
        """The codebook actor a modifier names: "Kremlin", "Russian" (Russia)."""
        if token.ent_id_:
            return token.ent_id_
        state = self.nationality(token.text)
        entry = self.codebook.actor_named(state.name) if state is not None and state.name else None
        return entry.slug if entry is not None else None

    def _belongs(self, name: str, body: str) -> bool:
        """Whether the person's affiliations lead to ``body`` (Peskov → Kremlin → Russia)."""
        entry = self.codebook.actor_named(name)
        for _ in range(MAX_AFFILIATION_DEPTH):
            if entry is None or entry.affiliation is None:
                return False
            if entry.affiliation == body:
                return True
            entry = self.codebook.actor_by_slug(entry.affiliation)
        return False

    def _recent_holder(
        self, head: Token, phrase: Span, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "The prime minister said" after Starmer was named: a role that several people
        hold points back at the latest person named who holds it."""
        words = [t for t in phrase if not t.is_punct]
        if (
            len(words) < 2
            or words[0].lower_ != "the"
            # the role ends the phrase: "the prime minister", "the secretary of state"
            or words[-1].i != role_scope(head, phrase)[-1].i
            or head.lower_ not in ANAPHORIC_ROLE_NOUNS
        ):
            return None
        role = normalize_name(" ".join(t.text for t in words[1:])).split()
        # Only the codebook's people can hold a role, and a name's latest mention stands for
        # all of its mentions: the list is as long as the codebook, not the article.
        for speaker in discourse.latest_by_name(
            ("known person", id(self.codebook)), self._known_person
        ):
            entry = self.codebook.actor_named(speaker.name) if speaker.name else None
            if entry is None or entry.kind != "person":
                continue
            for held in entry.roles:
                if held.held_on(on) and any(names_role(name, role) for name in role_names(held)):
                    text = phrase.text.strip(" ,")
                    return replace(speaker, how="pronoun", text=text, role=strip_determiner(text))
        return None

    def _known_person(self, speaker: Speaker) -> bool:
        entry = self.codebook.actor_named(speaker.name) if speaker.name else None
        return entry is not None and entry.kind == "person"


def _described_as(speaker: Speaker, noun: str) -> bool:
    """An unnamed speaker the article described with this noun ("a senior official")."""
    return speaker.how == "unnamed" and (speaker.text or "").lower().split()[-1:] == [noun]


def _heads(title: str) -> bool:
    """A head of state's or government's title ("president of russia", "us president", "prime
    minister of …"), not one that only names them ("press secretary of the president")."""
    words = title.split(" of ")[0].split()
    return any(
        words[-len(top.split()) :] == top.split()
        and (len(words) == len(top.split()) or words[-len(top.split()) - 1] not in ROLE_QUALIFIERS)
        for top in HEADS
    )
