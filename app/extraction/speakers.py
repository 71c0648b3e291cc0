"""Who is speaking: from a subject phrase in the parse to an actor in the codebook.

Names and aliases come from the entity ruler; role nouns ("the Kremlin spokesman") resolve to
whoever held the role on the article's date; pronouns to the most recent compatible speaker;
bare surnames to the full name used earlier; unknown people become new actors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from spacy.tokens import Span, Token

from app.extraction.codebook import Codebook, normalize_name
from app.extraction.lexicon import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    NEWS_OUTLETS,
    NEWS_WORDS,
    PLURAL_PRONOUNS,
    UNNAMED_SOURCE_NOUNS,
)
from app.extraction.offsets import ents_inside
from app.extraction.types import ActorEntry, RoleEntry

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
# Phrase-internal dependencies that still belong to the speaker's noun phrase.
PHRASE_DEPS = {
    "compound",
    "amod",
    "det",
    "poss",
    "case",
    "appos",
    "nmod",
    "punct",
    "prep",
    "pobj",
    "cc",
    "conj",
    "nummod",
    "flat",
}
CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp"}


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


@dataclass
class Discourse:
    """What the article has said so far: recent speakers and the names it introduced.

    Looking back through ``recent`` ("the latest speaker who …") would cost the whole article
    per question; instead each question, named by a key, keeps its answer and reads only the
    speakers remembered since it was last asked. A key's test must never change its verdict.
    """

    recent: list[Speaker] = field(default_factory=list)
    surnames: dict[str, Speaker] = field(default_factory=dict)
    # People named as the subject of any verb in the current paragraph, with where they stand.
    paragraph_people: list[tuple[int, Speaker]] = field(default_factory=list)
    _latest: dict[Hashable, tuple[int, Speaker | None]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _by_name: dict[Hashable, tuple[int, dict[str | None, Speaker]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def remember(self, speaker: Speaker) -> None:
        if speaker.name is None and speaker.how != "unnamed":
            return
        self.recent.append(speaker)
        if speaker.name and speaker.kind == "person":
            self.surnames[normalize_name(speaker.name).split()[-1]] = speaker

    def latest(self, key: Hashable, test: Callable[[Speaker], bool]) -> Speaker | None:
        """The most recent speaker that passes ``test``."""
        seen, found = self._latest.get(key, (0, None))
        for speaker in self.recent[seen:]:
            if test(speaker):
                found = speaker
        self._latest[key] = (len(self.recent), found)
        return found

    def latest_by_name(self, key: Hashable, test: Callable[[Speaker], bool]) -> list[Speaker]:
        """The latest speaker of each name that passes ``test``, most recent first."""
        seen, by_name = self._by_name.get(key, (0, {}))
        for speaker in self.recent[seen:]:
            if test(speaker):
                by_name.pop(speaker.name, None)  # re-inserted: the dict keeps recency order
                by_name[speaker.name] = speaker
        self._by_name[key] = (len(self.recent), by_name)
        return list(reversed(by_name.values()))

    def latest_person(self) -> Speaker | None:
        return self.latest("person", lambda s: s.kind == "person" and bool(s.name))

    def pronoun(self, word: str, codebook: Codebook) -> Speaker | None:
        lowered = word.lower()

        def gender(speaker: Speaker) -> str | None:
            entry = codebook.actor_named(speaker.name) if speaker.name else None
            return entry.gender if entry else None

        if lowered in MALE_PRONOUNS | FEMALE_PRONOUNS:
            wanted = "male" if lowered in MALE_PRONOUNS else "female"
            return self.latest(
                ("pronoun", lowered, id(codebook)),
                lambda s: s.kind == "person" and bool(s.name) and gender(s) in (None, wanted),
            )
        return self.latest(
            ("pronoun", lowered, id(codebook)),
            lambda s: bool(
                (lowered in PLURAL_PRONOUNS and (s.kind != "person" or s.how == "unnamed"))
                or (lowered == "it" and s.name and s.kind in ("state", "organization"))
            ),
        )


class SpeakerResolver:
    def __init__(self, codebook: Codebook, roles: RoleIndex) -> None:
        self.codebook = codebook
        self.roles = roles
        # "Russi" for Russia, "German" for Germany: what a state's adjective starts with.
        self.state_stems = [
            (stem, actor.name)
            for actor in codebook.actors
            if actor.kind == "state" and len(stem := actor.name.lower().rstrip("aeiouy")) >= 4
        ]

    def resolve(self, head: Token, on: date | None, discourse: Discourse) -> Speaker | None:
        """Resolve the noun phrase headed by ``head`` (a verb's subject, an agent, a pobj)."""
        if head.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | {"it"}:
            found = discourse.pronoun(head.lower_, self.codebook)
            return None if found is None else replace(found, how="pronoun", text=head.text)
        if head.tag_ in ("WP", "WDT") and head.head.dep_ == "relcl":
            head = head.head.head
        phrase = noun_phrase(head)
        phrase_text = phrase.text.strip(" ,")
        if any(child.dep_ == "conj" for child in head.children):
            # "Ukraine and its European allies said": a coalition, not one speaker.
            return unnamed(phrase_text)
        side = self._side_of(head)
        if side is not None:
            return replace(side, text=phrase_text, role=None)
        issuer = self._issuer_of_document(head, on, discourse)
        if issuer is not None:
            return issuer
        entity = self._entity(head, phrase)
        if entity is not None:
            speaker = self._from_entity(entity, discourse)
            if speaker is not None:
                role = role_text(phrase, entity)
                return replace(speaker, text=phrase_text, role=role or speaker.role)
        recalled = self._recent_holder(head, phrase, on, discourse)
        if recalled is not None:
            return recalled  # "the president added", after Trump was named
        held = self.roles.holder(_role_scope(head, phrase).text, on)
        if held is not None:
            actor, _key = held
            return Speaker(
                name=actor.name,
                kind=actor.kind,
                text=phrase_text,
                role=_strip_determiner(_role_scope(head, phrase).text),
                how="role",
            )
        if _definite_singular(head, phrase) and head.lower_ in ANAPHORIC_ROLE_NOUNS:
            # "The minister noted …", "the official promised …": the person just named.
            found = discourse.latest_person()
            if found is not None:
                return replace(found, how="pronoun", text=phrase_text, role=found.role)
        if head.lower_ in ("those", "people", "persons") and any(
            child.lemma_.lower() in INFORMED_WORDS for child in head.children
        ):
            return unnamed(phrase_text)  # "those familiar with the situation"
        body = self._body_of_members(head, on, discourse)
        if body is not None:
            return replace(body, text=phrase_text, role=None)
        if head.lemma_.lower() in UNNAMED_SOURCE_NOUNS or head.lower_ in UNNAMED_SOURCE_NOUNS:
            return unnamed(phrase_text)
        return None

    def _issuer_of_document(
        self, head: Token, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """A text that speaks: "the Kremlin's readout said" (the Kremlin), "reports by Bloomberg
        suggest" (Bloomberg), "the publication wrote" (the outlet just named), "the joint
        statement said" (no one named: kept, with the document as the role)."""
        lemma = head.lemma_.lower()
        if lemma not in DOCUMENT_NOUNS or head.pos_ != "NOUN":
            return None
        phrase_text = noun_phrase(head).text.strip(" ,")
        for child in head.children:
            if child.dep_ == "poss" or (child.dep_ == "compound" and child.ent_type_):
                owner = self.resolve(child, on, discourse)
                if owner is not None and owner.name:
                    return replace(owner, text=phrase_text, role=None)
            if child.dep_ == "prep" and child.lower_ in ("by", "from", "in", "of"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.ent_type_:
                        owner = self.resolve(pobj, on, discourse)
                        if owner is not None and owner.name:
                            return replace(owner, text=phrase_text, role=None)
        if lemma in ("publication", "newspaper", "outlet", "agency", "paper"):
            outlet = discourse.latest(
                ("outlet", id(self.codebook)),
                lambda s: s.kind == "organization" and is_news_outlet(s.name, self.codebook),
            )
            if outlet is not None:
                return replace(outlet, how="pronoun", text=phrase_text)
        return unnamed(phrase_text)

    def _side_of(self, head: Token) -> Speaker | None:
        """ "The Russian side", "the Ukrainian delegation", "the US government": the state."""
        if head.lemma_.lower() not in SIDE_NOUNS:
            return None
        if any(
            grandchild.dep_ == "conj" for child in head.children for grandchild in child.children
        ):
            return None  # "the Russian and American sides": two parties
        for child in head.children:
            if child.dep_ not in ("amod", "compound", "poss"):
                continue
            found = self._nationality(child.text)
            if found is None and child.ent_type_ in ("GPE", "ORG", "NORP"):
                actor = self.codebook.actor_named(clean_name(child.text))
                if actor is not None:
                    found = Speaker(name=actor.name, kind=actor.kind, text=child.text)
            if found is not None and found.kind == "state":
                return replace(found, how="collective")
        return None

    def _nationality(self, adjective: str) -> Speaker | None:
        """ "Russian" → Russia, "Ukrainian" → Ukraine, "German" → Germany, by the states' names."""
        word = adjective.lower()
        if not word.endswith(("n", "ish", "ese", "i", "ch")):
            return None
        for stem, name in self.state_stems:
            if word.startswith(stem):
                return Speaker(name=name, kind="state", text=adjective, how="collective")
        return None

    def _body_of_members(
        self, head: Token, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "The leaders of the coalition of the willing", "representatives of the EU": members
        speaking together speak for their body."""
        if head.lemma_.lower() not in MEMBER_NOUNS or head.tag_ not in ("NNS", "NNPS"):
            return None
        for preposition in head.children:
            if preposition.dep_ != "prep" or preposition.lower_ != "of":
                continue
            body = next((c for c in preposition.children if c.dep_ == "pobj"), None)
            if body is None or any(c.dep_ == "conj" for c in body.children):
                return None
            found = self.resolve(body, on, discourse)
            if found is not None and found.name and found.kind in ("organization", "group"):
                return found
        return None

    def _recent_holder(
        self, head: Token, phrase: Span, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "The prime minister said" after Starmer was named: a role that several people
        hold points back at the latest person named who holds it."""
        words = [t for t in phrase if not t.is_punct]
        if (
            len(words) < 2
            or words[0].lower_ != "the"
            or words[-1].i != head.i
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
                if held.held_on(on) and any(_names_role(name, role) for name in _role_names(held)):
                    text = phrase.text.strip(" ,")
                    return replace(speaker, how="pronoun", text=text, role=_strip_determiner(text))
        return None

    def _known_person(self, speaker: Speaker) -> bool:
        entry = self.codebook.actor_named(speaker.name) if speaker.name else None
        return entry is not None and entry.kind == "person"

    def _entity(self, head: Token, phrase: Span) -> Span | None:
        """The name in the phrase that is the speaker: the head's own, else an apposition's."""
        excluded: set[int] = set()
        for token in phrase:
            if token.dep_ in ("poss", "prep") and phrase.start <= token.head.i < phrase.end:
                excluded.update(t.i for t in token.subtree)
        candidates = [
            ent
            for ent in ents_inside(head.doc, phrase.start, phrase.end)
            if ent.label_ in NAME_LABELS
            and (ent.start <= head.i < ent.end or not any(t.i in excluded for t in ent))
        ]
        if not candidates:
            return None
        for ent in candidates:
            if ent.start <= head.i < ent.end:
                return ent
        # "Putin's adviser, Yuri Ushakov": prefer a person over a place or body.
        persons = [ent for ent in candidates if ent.label_ == "PERSON"]
        if persons and not self.roles.holder(_role_scope(head, phrase).text, None):
            return persons[-1]
        # "the news site Axios": a name in apposition to the head is the speaker.
        appositions = [
            ent for ent in candidates if any(t.dep_ == "appos" and t.head.i == head.i for t in ent)
        ]
        return appositions[-1] if appositions else None

    def _from_entity(self, entity: Span, discourse: Discourse) -> Speaker | None:
        if entity.ent_id_:
            actor = self.codebook.actor_by_slug(entity.ent_id_)
            if actor is not None:
                how = "name" if actor.kind == "person" else "collective"
                return Speaker(name=actor.name, kind=actor.kind, text=entity.text, how=how)
        text = clean_name(entity.text)
        if not text:
            return None
        actor = self.codebook.actor_named(text)
        if actor is not None:
            how = "name" if actor.kind == "person" else "collective"
            return Speaker(name=actor.name, kind=actor.kind, text=entity.text, how=how)
        if entity.label_ == "ORG" and len(text) > 2:
            return Speaker(name=text, kind="organization", text=entity.text, new=True, how="new")
        if entity.label_ == "GPE" and len(text) > 2:
            # A country the codebook lacks ("Lithuania said …") is a new state for review.
            return Speaker(name=text, kind="state", text=entity.text, new=True, how="new")
        if entity.label_ != "PERSON":
            return None
        surname = normalize_name(text).split()[-1]
        if len(text.split()) == 1 and surname in discourse.surnames:
            known = discourse.surnames[surname]
            return replace(known, text=entity.text)
        return Speaker(name=text, kind="person", text=entity.text, new=True, how="new")


# "those familiar with the matter", "people close to the Kremlin", "persons briefed on …"
INFORMED_WORDS = frozenset("familiar close briefed knowledgeable aware involved".split())

# Texts that "say" things: their issuer speaks, or no one named does.
DOCUMENT_NOUNS = frozenset(
    """
    statement document readout communique communiqué memorandum declaration report
    publication newspaper outlet agency paper draft text letter
    """.split()
)

# Nouns for a state's negotiating party: "the Russian side", "the Ukrainian delegation".
SIDE_NOUNS = frozenset("side delegation government authorities leadership team".split())

# Plural nouns for the people who speak for a body together: "the leaders of the EU".
MEMBER_NOUNS = frozenset(
    "leader member representative head delegate envoy minister official".split()
)

# Singular role nouns that, with "the" and nothing else, point back at a person just named.
ANAPHORIC_ROLE_NOUNS = frozenset(
    """
    minister official president spokesman spokeswoman spokesperson envoy diplomat leader
    chancellor negotiator adviser advisor aide premier secretary chief ambassador
    """.split()
)


# Words that make a different office of a role: "vice president", "deputy prime minister".
ROLE_QUALIFIERS = frozenset("vice deputy acting former first assistant".split())


@lru_cache(maxsize=4096)
def _role_names(held: RoleEntry) -> tuple[str, ...]:
    """A role's title and nouns, normalised once."""
    return (normalize_name(held.title), *(normalize_name(noun) for noun in held.nouns))


def _names_role(name: str, role: list[str]) -> bool:
    """Whether a role title ("US president", "Prime Minister of the United Kingdom") is the role
    ["president"], ["prime", "minister"] itself, not a vice or deputy one."""
    words = name.split(" of ")[0].split()
    if len(words) < len(role) or words[len(words) - len(role) :] != role:
        return False
    before = words[: len(words) - len(role)]
    return not (before and before[-1] in ROLE_QUALIFIERS)


def is_news_outlet(name: str | None, codebook: Codebook) -> bool:
    """ "Bloomberg", "The Financial Times", "RIA Novosti", "Kyiv Independent": a known outlet,
    or a name the codebook does not know that reads like one."""
    if not name:
        return False
    words = name.lower().removeprefix("the ").split()
    if not words:
        return False
    if " ".join(words) in NEWS_OUTLETS or words[0] in NEWS_OUTLETS:
        return True
    return codebook.actor_named(name) is None and len(words) >= 2 and words[-1] in NEWS_WORDS


def _definite_singular(head: Token, phrase: Span) -> bool:
    """ "the minister" alone: no name, no country, no other modifier."""
    words = [t for t in phrase if not t.is_punct]
    return (
        len(words) == 2 and words[0].lower_ == "the" and words[1].i == head.i and head.tag_ == "NN"
    )


def unnamed(phrase: str) -> Speaker:
    """A speaker the text does not name ("officials", "Ukraine and its allies")."""
    return Speaker(
        name=None, kind="group", text=phrase, role=_strip_determiner(phrase), how="unnamed"
    )


def clean_name(text: str) -> str:
    text = re.sub(r"['’]s$", "", text.strip())
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return text.strip(" ,.;:\"“”‘’'")


def noun_phrase(head: Token) -> Span:
    """The head with its phrase-internal dependents, stopping at clauses."""
    tokens = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in CLAUSE_DEPS or child.dep_ not in PHRASE_DEPS:
                continue
            if child.dep_ == "punct" and child.text not in ",":
                continue
            tokens.append(child)
            stack.append(child)
    left = min(t.i for t in tokens)
    right = max(t.i for t in tokens)
    return head.doc[left : right + 1]


def _role_scope(head: Token, phrase: Span) -> Span:
    """The part of the phrase that can name a role: up to the head (and its 'of ...' tail)."""
    right = head.i
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            right = max(right, max(t.i for t in child.subtree))
    return head.doc[phrase.start : right + 1]


def role_text(phrase: Span, entity: Span) -> str | None:
    """What the phrase says besides the name: "U.K. Foreign Secretary" for "… Yvette Cooper"."""
    doc = phrase.doc
    before = (
        doc[phrase.start : entity.start].text.strip(" ,") if entity.start > phrase.start else ""
    )
    after = doc[entity.end : phrase.end].text.strip(" ,") if entity.end < phrase.end else ""
    role = before or after
    role = _strip_determiner(role)
    if not role or not any(ch.isalpha() for ch in role) or len(role.split()) > 8:
        return None
    return role


def _strip_determiner(text: str) -> str:
    return re.sub(r"^(?:the|a|an)(?:\s+|$)", "", text.strip(" ,"), flags=re.IGNORECASE)
