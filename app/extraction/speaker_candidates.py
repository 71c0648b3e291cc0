"""Candidate speakers for a quote: every clue the paragraph and the article give, each with where
it came from and how far it stands, for ``speaker_ranking`` to choose among.

The clues: a speech line after a dash ("- … - Zelensky said"), the attributions in the quote's
sentence and in its paragraph (the subject of each speech verb, already resolved, pronouns and
role nouns included), a name and speech verb right after the quote, a colon introduction
("Rutte's message was short: …"), the previous quote's speaker, the article's previous speaker,
the people the paragraph names, and, as the paragraph began, the latest person the article named
and the one it had named most.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Token

from app.extraction.discourse import Discourse
from app.extraction.lexicon import COMMUNICATION_VERBS
from app.extraction.nearest import Nearby, NearestAttribution
from app.extraction.offsets import sentence_at, tokens_before
from app.extraction.quotes import Quote
from app.extraction.speakers import SpeakerResolver
from app.extraction.speech_acts import PRONOUNS
from app.extraction.types import Speaker
from app.extraction.verbs import SUBJECT_DEPS, is_communication_verb

OPENING = {'"', "'", "“", "‘", "«"}
# What may stand between a quote's last word and a dash that signs it: "….” — Yermak".
BEFORE_A_SIGNATURE = {'"', "'", "”", "’", "»", ".", ",", "!", "?"}
DASHES = {"—", "–", "-", "--"}
# How far a clue that stands next to the quote is, for the distance features.
ADJACENT = 0
UNKNOWN_DISTANCE = 10_000


@dataclass(frozen=True)
class Candidate:
    """One clue's speaker for one quote."""

    speaker: Speaker
    origin: str  # dash, sentence, trailing, colon, paragraph, previous_quote, previous, person, …
    distance: int = UNKNOWN_DISTANCE  # characters between the clue and the quote
    holds: bool = False  # an attribution whose claim holds the quote
    after: bool = False  # the clue stands after the quote
    nearest: bool = False  # the nearest clue of its origin


@dataclass(frozen=True)
class QuoteContext:
    """Where the quote stands: what the features need besides the candidates."""

    position: int  # the quote's place among its paragraph's quotes
    opens_paragraph: bool  # the paragraph opens with a quotation mark (or is a list item)
    previous: Speaker | None  # the article's latest speaker before this paragraph
    first_person: bool = False  # the quote speaks as "I" or "my": a person, not a body


class CandidateFinder:
    """Finds the candidates of each quote in a paragraph."""

    def __init__(self, resolver: SpeakerResolver) -> None:
        self.resolver = resolver

    def candidates(
        self,
        doc: Doc,
        quote: Quote,
        span: tuple[int, int],
        nearest: NearestAttribution,
        previous_quote: Speaker | None,
        context: QuoteContext,
        on: date | None,
        discourse: Discourse,
    ) -> list[Candidate]:
        start, end = span
        found: list[Candidate] = []
        if quote.attribution is not None:
            offset = quote.start - start
            local = (quote.attribution[0] - offset, quote.attribution[1] - offset)
            dash = self._dash_attribution(doc, local, on, discourse)
            if dash is not None:
                found.append(Candidate(dash, "dash", ADJACENT, after=True, nearest=True))
        found += _from_nearby("sentence", nearest.in_sentence(start, end))
        trailing = self._trailing_attribution(doc, end, on, discourse)
        if trailing is not None:
            found.append(Candidate(trailing, "trailing", ADJACENT, after=True, nearest=True))
        colon = self._colon_intro(doc, start, on, discourse)
        if colon is not None:
            found.append(Candidate(colon, "colon", ADJACENT, nearest=True))
        found += _from_nearby("paragraph", nearest.in_paragraph(start, end))
        if previous_quote is not None:
            found.append(Candidate(previous_quote, "previous_quote", nearest=True))
        if context.previous is not None:
            found.append(Candidate(context.previous, "previous", nearest=True))
        found += _paragraph_people(discourse.paragraph_people, start, end)
        if discourse.earlier_person is not None:
            found.append(Candidate(discourse.earlier_person, "latest_person", nearest=True))
        if discourse.earlier_main is not None:
            found.append(Candidate(discourse.earlier_main, "main", nearest=True))
        return found

    def _dash_attribution(
        self, doc: Doc, local: tuple[int, int], on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "- … - Zelensky said at a press conference.": the parse of such a line is
        unreliable, so the speaker is the name (or pronoun) next to a speech verb after the dash."""
        start, end = local
        region = [t for t in doc if start <= t.idx < end]
        if not any(
            is_communication_verb(t) or t.lemma_.lower() in COMMUNICATION_VERBS for t in region
        ):
            return None
        return self._first_speaker(region, on, discourse, named=False)

    def _trailing_attribution(
        self, doc: Doc, end: int, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "“…,” Trump posted on Truth Social." read from the words, when the parse of the
        line has gone astray: a name (or pronoun) and a speech verb right after the quote, in
        its sentence and before any other quote."""
        sentence = sentence_at(doc, max(end - 1, 0))
        signed = self._signature(doc, end, on, discourse)
        if signed is not None:
            return signed
        after = []
        for token in doc[sentence.start : sentence.end]:
            if token.idx < end or token.is_space:
                continue
            if token.text in OPENING and token.idx > end:
                # The next quote starts: its words are not this one's attribution. (A straight
                # mark right at the end is this quote's own closing mark.)
                break
            if not token.is_punct:
                after.append(token)
        after = after[:6]
        verbs = [i for i, t in enumerate(after) if t.lemma_.lower() in COMMUNICATION_VERBS]
        if not verbs or verbs[0] > 4:
            return None
        first_verb = verbs[0]
        near = after[:first_verb] or after[first_verb + 1 : first_verb + 4]
        return self._first_speaker(near, on, discourse, named=True)

    def _signature(
        self, doc: Doc, end: int, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "“…” — Andriy Yermak, head of the presidential office.": a dash and a name right
        after the quote sign it, with no speech verb."""
        position = tokens_before(doc, end)
        while position < len(doc) and (
            doc[position].is_space or doc[position].text in BEFORE_A_SIGNATURE
        ):
            position += 1
        if position + 1 >= len(doc) or doc[position].text not in DASHES:
            return None
        name = doc[position + 1]
        if name.ent_type_ not in ("PERSON", "ORG", "GPE") or name.ent_iob_ != "B":
            return None
        end = name.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1  # the name's entity, read forward (not a scan of all the paragraph's)
        speaker = self.resolver.resolve(doc[name.i : end].root, on, discourse)
        return speaker if speaker is not None and speaker.name else None

    def _first_speaker(
        self, tokens: list[Token], on: date | None, discourse: Discourse, *, named: bool
    ) -> Speaker | None:
        """The first name or pronoun among ``tokens`` that resolves to a speaker (a named one,
        if ``named``): how a speech line is read when its parse cannot be trusted."""
        for token in tokens:
            if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.lower_ in PRONOUNS:
                speaker = self.resolver.resolve(token, on, discourse)
                if speaker is not None and (speaker.name or not named):
                    return speaker
        return None

    def _colon_intro(
        self, doc: Doc, start: int, on: date | None, discourse: Discourse
    ) -> Speaker | None:
        """ "Rutte's message was short: '…'" — the clause before a colon names the speaker."""
        last = tokens_before(doc, start) - 1
        while last >= 0 and (doc[last].is_space or doc[last].text in "\"'“‘«"):
            last -= 1
        if last < 0 or doc[last].text != ":":
            return None
        colon = doc[last]
        subjects = [t for t in colon.sent if t.i < colon.i and t.dep_ in SUBJECT_DEPS]
        if not subjects:
            return None
        subject = subjects[0]
        speaker = self.resolver.resolve(subject, on, discourse)
        if speaker is None:
            # "Mark Rutte's message to Moscow was short:" — the possessor speaks.
            owner = next((c for c in subject.children if c.dep_ == "poss"), None)
            speaker = self.resolver.resolve(owner, on, discourse) if owner is not None else None
        return speaker


def _from_nearby(origin: str, nearby: list[Nearby]) -> list[Candidate]:
    return [
        Candidate(n.speaker, origin, n.distance, n.holds, n.after, nearest=index == 0)
        for index, n in enumerate(nearby)
    ]


def _paragraph_people(people: list[tuple[int, Speaker]], start: int, end: int) -> list[Candidate]:
    """The people named nearest before and after the quote ("Witkoff described the meeting.
    “…”": the person the paragraph is about); ``people`` is in text order."""
    if not people:
        return []
    position = bisect_left(people, start, key=lambda item: item[0])
    nearby = people[max(position - 1, 0) : position + 1]
    closest = min(nearby, key=lambda item: abs(item[0] - start))
    return [
        Candidate(
            speaker,
            "person",
            start - at if at < start else max(at - end, 0),
            after=at >= end,
            nearest=(at, speaker) == closest,
        )
        for at, speaker in nearby
    ]
