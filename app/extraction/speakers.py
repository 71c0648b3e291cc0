"""Who is speaking: from a subject phrase in the parse to an actor in the codebook.

Names and aliases come from the entity ruler; role nouns ("the Kremlin spokesman") resolve to
whoever held the role on the article's date; pronouns to the most recent compatible speaker;
bare surnames to the full name used earlier; unknown people become new actors.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spacy.tokens import Span, Token

from app.extraction.codebook import Codebook, normalize_name
from app.extraction.discourse import Discourse
from app.extraction.documents import DOCUMENT_NOUNS, document_kind, refers_back
from app.extraction.lexicon import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    PLURAL_PRONOUNS,
    UNNAMED_SOURCE_NOUNS,
)
from app.extraction.offsets import (
    ents_inside,
)
from app.extraction.role_nouns import RoleNouns
from app.extraction.roles import RoleIndex
from app.extraction.speaker_phrases import (
    NAME_LABELS,
    clean_name,
    is_news_outlet,
    noun_phrase,
    role_scope,
    role_text,
    strip_determiner,
    unnamed,
)
from app.extraction.types import Speaker


class SpeakerResolver:
    def __init__(self, codebook: Codebook, roles: RoleIndex) -> None:
        self.codebook = codebook
        self.roles = roles
        self.role_nouns = RoleNouns(codebook, roles, self._nationality)
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
            if found is None or found.name is None:
                return found  # "they", after "the leaders of France, Germany and Poland"
            return replace(found, how="pronoun", text=head.text)
        if head.tag_ in ("WP", "WDT") and head.head.dep_ == "relcl":
            head = head.head.head
            while head.dep_ == "conj" and head.head.i != head.i:
                head = head.head  # "NATO allies and U.S. partners who fear …": all of them
        phrase = noun_phrase(head)
        phrase_text = phrase.text.strip(" ,")
        if _joint(head):
            # "Ukraine and its European allies said": a coalition, not one speaker.
            return unnamed(phrase_text)
        for step in (self._by_name, self._by_role, self._by_description):
            found = step(head, phrase, phrase_text, on, discourse)
            if found is not None:
                return found
        return None

    def _by_name(
        self, head: Token, phrase: Span, phrase_text: str, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """A side ("the Russian side"), a document's issuer, or an entity the phrase names."""
        side = self._side_of(head)
        if side is not None:
            return replace(side, text=phrase_text, role=None)
        kind = document_kind(head)
        if kind in discourse.issuers and refers_back(head):
            # "That draft called for …" after "a plan drafted by Witkoff and Dmitriev"
            return replace(discourse.issuers[kind], text=phrase_text)
        issuer = self._issuer_of_document(head, on, discourse)
        if issuer is not None:
            return issuer
        entity = self._entity(head, phrase)
        if entity is not None:
            speaker = self._from_entity(entity, discourse)
            if speaker is not None:
                role = role_text(phrase, entity)
                return replace(speaker, text=phrase_text, role=role or speaker.role)
        return None

    def _by_role(
        self, head: Token, phrase: Span, phrase_text: str, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        return self.role_nouns.resolve(head, phrase, phrase_text, on, discourse)

    def _by_description(
        self, head: Token, phrase: Span, phrase_text: str, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """Unnamed sources ("those familiar with the situation", "officials") and the body
        members speak for ("the leaders of the coalition")."""
        if head.lower_ in ("those", "people", "persons") and any(
            child.lemma_.lower() in INFORMED_WORDS for child in head.children
        ):
            return unnamed(phrase_text)  # "those familiar with the situation"
        body = self._body_of_members(head, on, discourse)
        if body is not None:
            return body if body.name is None else replace(body, text=phrase_text, role=None)
        if head.lemma_.lower() in UNNAMED_SOURCE_NOUNS or head.lower_ in UNNAMED_SOURCE_NOUNS:
            return unnamed(phrase_text)
        return _described_body(head, phrase_text)

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
            if body is None:
                return None
            if any(c.dep_ == "conj" for c in body.children):
                # "the leaders of France, Germany and Poland": each state speaks
                return unnamed(noun_phrase(head).text.strip(" ,"))
            found = self.resolve(body, on, discourse)
            if found is not None and found.name and found.kind in ("organization", "group"):
                return found
        return None

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
            return _posted_person(head, phrase)
        for ent in candidates:
            if ent.start <= head.i < ent.end:
                return ent
        # "Putin's adviser, Yuri Ushakov": prefer a person over a place or body.
        persons = [ent for ent in candidates if ent.label_ == "PERSON"]
        if persons and not self.roles.holder(role_scope(head, phrase).text, None):
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
        surname = normalize_name(text).split()[-1]
        if len(text.split()) == 1 and surname in discourse.surnames:
            # A bare surname, whatever the parser took it for ("Skibitskyi said" at a
            # sentence's start, read as an organisation): the person named in full earlier.
            return replace(discourse.surnames[surname], text=entity.text)
        if entity.label_ == "ORG" and (len(text) > 2 or _acronym(text)):
            return Speaker(name=text, kind="organization", text=entity.text, new=True, how="new")
        if entity.label_ == "GPE" and len(text) > 2:
            # A country the codebook lacks ("Lithuania said …") is a new state for review.
            return Speaker(name=text, kind="state", text=entity.text, new=True, how="new")
        if entity.label_ != "PERSON":
            return None
        return Speaker(name=text, kind="person", text=entity.text, new=True, how="new")


# "Ukraine's ambassador to India Oleksandr Polishchuk", "Russia's envoy to the UN Vassily
# Nebenzia": the parser hangs the name on the post's place; it is still the speaker.
POSTING_PREPOSITIONS = frozenset({"to", "at", "in"})


def _posted_person(head: Token, phrase: Span) -> Span | None:
    """The person named at the end of a role posted somewhere: the entity there, else two or
    three capitalised words the parser left unlabelled after the place's name."""
    last = phrase[-1]
    if not (
        last.pos_ == "PROPN"
        and last.head.dep_ == "prep"
        and last.head.lower_ in POSTING_PREPOSITIONS
        and last.head.head.i == head.i
        and head.pos_ == "NOUN"
    ):
        return None
    if last.ent_type_ == "PERSON":
        return next(e for e in head.doc.ents if e.start <= last.i < e.end)
    run = phrase.end
    while run > phrase.start and _bare_name_word(head.doc[run - 1]):
        run -= 1
    if not 2 <= phrase.end - run <= 3 or not head.doc[run - 1].ent_type_:
        return None  # a name follows the place's ("to India Oleksandr Polishchuk")
    return Span(head.doc, run, phrase.end, label="PERSON")


def _bare_name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.is_title and token.is_alpha and not token.ent_type_


# Nouns naming a body that speaks: with a national or proper modifier ("the Ukrainian coordination
# headquarters", "Poland's defence ministry"), a body the codebook lacks is still the speaker.
BODY_NOUNS = frozenset(
    """
    headquarters ministry office council committee command staff department parliament
    embassy service administration secretariat commission
    """.split()
)


NAME_JOINERS = frozenset({"of", "and", "the", "for"})


def _described_body(head: Token, phrase_text: str) -> Speaker | None:
    """A body the article describes but the codebook does not know: a new organisation."""
    if head.lemma_.lower() not in BODY_NOUNS or head.pos_ not in ("NOUN", "PROPN"):
        return None
    modifiers = [
        c for c in head.children if c.dep_ in ("amod", "compound", "poss") and c.i < head.i
    ]
    if not any(m.ent_type_ in ("NORP", "GPE", "ORG") or m.text[:1].isupper() for m in modifiers):
        return None
    end = head.i + 1
    for child in head.children:  # "the UAE Ministry of Foreign Affairs": its name goes on
        if (
            child.dep_ == "prep"
            and child.lower_ == "of"
            and child.i == end
            and all(t.text[:1].isupper() or t.lower_ in NAME_JOINERS for t in child.subtree)
        ):
            end = child.right_edge.i + 1
    name = strip_determiner(head.doc[head.left_edge.i : end].text)
    name = name[:1].upper() + name[1:]
    return Speaker(name=name, kind="organization", text=phrase_text, new=True, how="new")


def _joint(head: Token) -> bool:
    """ "Ukraine and its allies", "US envoy Steve Witkoff and Jared Kushner" (the names in
    apposition to the role noun the parser made the head)."""
    return any(
        child.dep_ == "conj"
        or (child.dep_ == "appos" and any(g.dep_ == "conj" for g in child.children))
        for child in head.children
    )


def _acronym(text: str) -> bool:
    """ "E3", "G7", "UN": two characters that still name a body (not "'s" or "Mr")."""
    return len(text) == 2 and text.isupper()


# "those familiar with the matter", "people close to the Kremlin", "persons briefed on …"
INFORMED_WORDS = frozenset("familiar close briefed knowledgeable aware involved".split())


# Nouns for a state's negotiating party: "the Russian side", "the Ukrainian delegation".
SIDE_NOUNS = frozenset("side delegation government authorities leadership team regime".split())


# Plural nouns for the people who speak for a body together: "the leaders of the EU".
MEMBER_NOUNS = frozenset(
    "leader member representative head delegate envoy minister official".split()
)
