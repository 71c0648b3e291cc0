"""Speech acts: the verbs (and "according to", possessive position nouns) that attribute a
claim in one parsed paragraph, each with its speaker resolved and its claim's span.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from app.extraction.claims import (
    claim_ranges,
    clause_ranges,
    trim_range,
)
from app.extraction.discourse import Discourse
from app.extraction.documents import document_kind, issuer_of, refers_back
from app.extraction.lexicon import (
    POSITION_NOUNS,
    PUBLICATION_WORDS,
    WEAK_COMMUNICATION_VERBS,
)
from app.extraction.nesting import outermost
from app.extraction.noun_claims import for_object, infinitive_of, that_clause
from app.extraction.offsets import (
    Ranges,
)
from app.extraction.speakers import SpeakerResolver
from app.extraction.standpoints import standpoint_comma, standpoint_root
from app.extraction.subjects import subject_of
from app.extraction.types import Speaker
from app.extraction.verbs import (
    SUBJECT_DEPS,
    holds_attitude,
    is_communication_verb,
    is_finite,
    is_passive,
)

PRONOUNS = {"he", "she", "they", "it"}


NAMED_HOW = {"name", "collective", "role", "new"}


DISCLOSURE_VERBS = {
    "comment",
    "give",
    "elaborate",
    "disclose",
    "specify",
    "provide",
    "reveal",
    "say",
    "discuss",
    "answer",
    "confirm",
    "name",
    "detail",
    "share",
}


# Passive verbs that report a judgement or a statement even with no agent named.
AGENTLESS_VERBS = frozenset(
    """
    criticize criticise condemn accuse blame praise welcome reject dismiss slam denounce agree
    """.split()
)


@dataclass
class Attribution:
    """A communication verb (or "according to") with its resolved speaker."""

    speaker: Speaker
    anchor: Token  # the verb, or "according"
    sentence: Span
    claim: tuple[int, int] | None = None  # doc token range of the reported clause
    more_claims: tuple[tuple[int, int], ...] = ()  # "…, and that B": further clauses of one verb
    quote_only: bool = False  # "asked X" with no clause of its own can only introduce a quote


def _main_speaker_last(in_sentence: list[Attribution], discourse: Discourse) -> None:
    """At a sentence's end, its main speaker ("Rubio said Lavrov had agreed …") is again the
    latest, ahead of the people its claim names: the next "he" is Rubio. ``in_sentence``: the
    sentence's attributions (not the paragraph's so far, read again at every sentence)."""
    for attribution in in_sentence:
        if attribution.anchor is None:
            continue
        inside = any(
            other is not attribution
            and other.claim is not None
            and other.claim[0] <= attribution.anchor.i < other.claim[1]
            for other in in_sentence
        )
        if not inside and attribution.speaker.name:
            discourse.refresh(attribution.speaker)
            return


# "must agree", "should accept": an obligation laid on the subject, not something it said.
OBLIGATION_MODALS = {"must", "should", "ought"}
# What one denies someone ("denied the Red Cross access"), not a claim one denies.
ACCESS_NOUNS = frozenset("access entry visa visas permission right rights".split())
# Verbs that only assert: negated, they report that nothing was said ("did not mention").
ASSERTION_VERBS = frozenset(
    "say claim mention comment specify elaborate explain detail disclose reveal name".split()
)


class ParagraphAttributor:
    def __init__(self, resolver: SpeakerResolver) -> None:
        self.resolver = resolver

    def attributions(
        self, doc: Doc, quote_ranges: Ranges, on: date | None, discourse: Discourse
    ) -> list[Attribution]:
        found: list[Attribution] = []
        discourse.start_paragraph()
        sentence_start, sentence_first = 0, 0  # the sentence's first token, first attribution
        for token in doc:
            if token.is_sent_start and token.i > sentence_start:
                _main_speaker_last(found[sentence_first:], discourse)
                sentence_start, sentence_first = token.i, len(found)
            if token.idx in quote_ranges:
                continue
            self._remember_issuer(token, on, discourse)
            if (
                token.lower_ == "according"
                and token.i + 1 < len(doc)
                and doc[token.i + 1].lower_ == "to"
            ):
                attribution = self._according_to(token, doc, on, discourse)
            elif is_communication_verb(token) or holds_attitude(token):
                attribution = self._verb(token, on, discourse)
            elif token.lemma_.lower() in POSITION_NOUNS and token.pos_ == "NOUN":
                attribution = self._position_noun(token, on, discourse)
            elif token.lower_ == "for" and (root := standpoint_root(token)) is not None:
                attribution = self._standpoint(token, root, on, discourse)
            else:
                attribution = None
                # The agent of a passive is a subject too ("put forward by the leaders of …").
                agent = token.dep_ == "pobj" and token.head.dep_ == "agent"
                if (token.dep_ in SUBJECT_DEPS or agent) and token.pos_ in ("PROPN", "NOUN"):
                    # Someone doing something else is still the likeliest "he" or "she" later.
                    mention = self.resolver.resolve(token, on, discourse)
                    # A role noun that points back ("The Russian minister, he said, was …")
                    # names no one new: it must not become the "he" that speaks of it.
                    named = mention is not None and (mention.name or mention.how == "unnamed")
                    if mention is not None and named and mention.how != "pronoun":
                        discourse.remember(mention)
                        if mention.kind == "person":
                            discourse.paragraph_people.append((token.idx, mention))
            if attribution is not None:
                found.append(attribution)
                discourse.remember(attribution.speaker)
        _main_speaker_last(found[sentence_first:], discourse)
        return outermost(found)

    def _remember_issuer(self, token: Token, on: date | None, discourse: Discourse) -> None:
        """ "a plan drafted by Witkoff and Dmitriev": the plan's later "the draft" is theirs;
        "The statement sets out four demands:" refers back to one already issued."""
        kind = document_kind(token)
        if kind in discourse.issuers and token.dep_ in SUBJECT_DEPS and refers_back(token):
            discourse.paragraph_issuer = discourse.issuers[kind]
        issuer = issuer_of(token)
        if issuer is None:
            return
        speaker = self.resolver.resolve(issuer, on, discourse)
        if speaker is not None and kind is not None and (speaker.name or speaker.how == "unnamed"):
            discourse.issuers[kind] = speaker

    def _standpoint(
        self, preposition: Token, root: Token, on: date | None, discourse: Discourse
    ) -> Attribution | None:
        """ "For Kyiv, any withdrawal from Donbas remains unacceptable": Kyiv's position."""
        holder = next(c for c in preposition.children if c.dep_ == "pobj")
        speaker = self.resolver.resolve(holder, on, discourse)
        if speaker is None or not speaker.name:
            return None
        comma = standpoint_comma(holder)
        if comma is None:
            return None
        claim = trim_range(root.doc, comma + 1, root.right_edge.i + 1)
        if claim is None:
            return None
        return Attribution(speaker=speaker, anchor=root, sentence=root.sent, claim=claim)

    def quoted_speech(
        self, doc: Doc, quote_ranges: Ranges, on: date | None, discourse: Discourse
    ) -> list[Attribution]:
        """Speech a quoted speaker reports ("“Trump clearly explained that Europe will pay”"):
        a named speaker, a finite verb that is not negated, and a clause within the quote."""
        found = []
        for token in doc:
            quote = quote_ranges.covering(token.idx)
            if quote is None or not is_communication_verb(token) or not is_finite(token):
                continue
            if any(child.dep_ == "neg" for child in token.children):
                continue
            subject = subject_of(token)
            if subject is None or subject.lower_ in PRONOUNS | {"i", "we", "you"}:
                continue
            speaker = self.resolver.resolve(subject, on, discourse)
            if speaker is None or speaker.name is None or speaker.how not in NAMED_HOW:
                continue
            clauses = [c for c in token.children if c.dep_ == "ccomp"]
            claims = clause_ranges(clauses[0]) if clauses else []
            claims = [
                (first, last)
                for first, last in claims
                if quote[0] <= doc[first].idx and doc[last - 1].idx < quote[1]
            ]
            if claims:
                found.append(
                    Attribution(speaker=speaker, anchor=token, sentence=token.sent, claim=claims[0])
                )
        return found

    def _verb(self, verb: Token, on: date | None, discourse: Discourse) -> Attribution | None:
        subject = subject_of(verb)
        if subject is None and is_passive(verb) and verb.lemma_.lower() in AGENTLESS_VERBS:
            # "The plan was criticized for …", "it was agreed that …": said by no one named.
            speaker: Speaker | None = Speaker(name=None, kind="group", how="unnamed")
        elif subject is None:
            return None
        else:
            speaker = self.resolver.resolve(subject, on, discourse)
        if speaker is None:
            return None
        if verb.lemma_.lower() == "ask" and verb.tag_ == "VBN":
            return None  # "Asked whether …, X said": the question is not the speaker's claim
        if any(
            child.dep_ == "aux" and child.lower_ in OBLIGATION_MODALS for child in verb.children
        ):
            return None  # "Russia must agree to a ceasefire": what someone is to say, not said
        if verb.lemma_.lower() == "deny" and any(
            c.dep_ in ("dobj", "dative") and c.lemma_.lower() in ACCESS_NOUNS for c in verb.children
        ):
            return None  # "Russia was denying the Red Cross access": no denial of a claim
        if verb.lemma_.lower() in ASSERTION_VERBS and any(c.dep_ == "neg" for c in verb.children):
            return None  # "Lavrov did not claim that Putin was there": nothing was claimed
        if verb.lemma_.lower() in ("refuse", "decline") and any(
            child.dep_ == "xcomp" and child.lemma_.lower() in DISCLOSURE_VERBS
            for child in verb.children
        ):
            return None  # "refused to give details": nothing was said
        claims = claim_ranges(verb)
        if not claims and is_passive(verb):
            target = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            claim = (
                trim_range(verb.doc, target.left_edge.i, target.right_edge.i + 1)
                if target is not None and target.tag_ not in ("PRP", "WDT", "WP")
                else None
            )
            claims = [claim] if claim else []
        return Attribution(
            speaker=speaker,
            anchor=verb,
            sentence=verb.sent,
            claim=claims[0] if claims else None,
            more_claims=tuple(claims[1:]),
            quote_only=verb.lemma_.lower() in WEAK_COMMUNICATION_VERBS and not claims,
        )

    def _position_noun(
        self, noun: Token, on: date | None, discourse: Discourse
    ) -> Attribution | None:
        """ "Kyiv's view that Russia is stalling": the possessor holds the position."""
        holder = next((child for child in noun.children if child.dep_ == "poss"), None)
        if holder is None:
            return None
        clause = that_clause(noun)
        if clause is not None:
            claims = clause_ranges(clause)
        else:
            # "Trump's threat to impose tariffs", "Erdogan's offer to host the talks", "Trump's
            # call for a ceasefire along the front"
            plan = infinitive_of(noun) or for_object(noun)
            if plan is None:
                return None
            claims = [
                r for r in [trim_range(noun.doc, plan.left_edge.i, plan.right_edge.i + 1)] if r
            ]
        speaker = self.resolver.resolve(holder, on, discourse)
        if speaker is None:
            return None
        if not claims:
            return None
        return Attribution(
            speaker=speaker,
            anchor=noun,
            sentence=noun.sent,
            claim=claims[0],
            more_claims=tuple(claims[1:]),
        )

    def _according_to(
        self, according: Token, doc: Doc, on: date | None, discourse: Discourse
    ) -> Attribution | None:
        to = doc[according.i + 1]
        source = next((child for child in to.children if child.dep_ == "pobj"), None)
        if source is None:
            source = next((child for child in according.children if child.dep_ == "pobj"), None)
        if source is not None and source.lemma_.lower() in PUBLICATION_WORDS:
            # "according to reports from Bloomberg": the publisher is the source.
            publisher = next(
                (
                    pobj
                    for prep in source.children
                    if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of", "in")
                    for pobj in prep.children
                    if pobj.dep_ == "pobj"
                ),
                None,
            )
            if publisher is None:
                # "according to a White House statement", "according to the Kremlin's readout"
                publisher = next(
                    (
                        child
                        for child in source.children
                        if child.dep_ in ("compound", "poss") and child.ent_type_
                    ),
                    None,
                )
            phrase: Token | None = source
            speaking = publisher
        else:
            phrase = speaking = source
        if speaking is None or phrase is None:
            return None
        speaker = self.resolver.resolve(speaking, on, discourse)
        if speaker is None:
            return None
        sentence = according.sent
        phrase_end = max(t.i for t in phrase.subtree) + 1
        phrase_start = according.i
        if phrase_start - sentence.start <= 1:
            claim = (phrase_end, sentence.end)
        else:
            claim = (sentence.start, phrase_start)
        return Attribution(
            speaker=speaker, anchor=according, sentence=sentence, claim=trim_range(doc, *claim)
        )
