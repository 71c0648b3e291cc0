"""Attribution: which verb introduces speech, who its speaker is, and what clause it reports.

Works on one parsed paragraph at a time. Quotes get the nearest attribution in their sentence,
then a colon introduction, then the paragraph's, then the previous quote's speaker. Reported
speech is the complement of a communication verb (or what "according to X" frames).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from app.extraction.lexicon import (
    COMMUNICATION_VERBS,
    OBJECT_CLAIM_VERBS,
    PUBLICATION_WORDS,
    WEAK_COMMUNICATION_VERBS,
)
from app.extraction.quotes import Quote
from app.extraction.speakers import Discourse, Speaker, SpeakerResolver

SUBJECT_DEPS = ("nsubj", "nsubjpass")
CLAIM_PREPOSITIONS = {"of", "as", "for", "against", "over", "to", "on", "about", "that"}
OPENING = {'"', "'", "“", "‘", "«"}
CLOSING = {'"', "'", "”", "’", "»"}


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”") or text.count("‘") > text.count("’") or text.count("'") % 2 == 1


@dataclass
class Attribution:
    """A communication verb (or "according to") with its resolved speaker."""

    speaker: Speaker
    anchor: Token  # the verb, or "according"
    sentence: Span
    claim: tuple[int, int] | None = None  # doc token range of the reported clause


@dataclass
class Found:
    """A statement found in the paragraph, in doc character offsets."""

    kind: str
    start: int
    end: int
    speaker: Speaker | None
    sentence: Span
    anchor: Token | None
    confidence: float


def is_communication_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in COMMUNICATION_VERBS


def subject_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    # "X said … and added": the second verb shares the first one's subject.
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return subject_of(verb.head)
    return None


def _inside(index: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= index < end for start, end in ranges)


class ParagraphAttributor:
    def __init__(self, resolver: SpeakerResolver) -> None:
        self.resolver = resolver

    def attributions(
        self, doc: Doc, quote_ranges: list[tuple[int, int]], on: date | None, discourse: Discourse
    ) -> list[Attribution]:
        found: list[Attribution] = []
        for token in doc:
            if _inside(token.idx, quote_ranges):
                continue
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                attribution = self._according_to(token, doc, on, discourse)
            elif is_communication_verb(token):
                attribution = self._verb(token, on, discourse)
            else:
                attribution = None
            if attribution is not None:
                found.append(attribution)
                discourse.remember(attribution.speaker)
        return found

    def _verb(self, verb: Token, on: date | None, discourse: Discourse) -> Attribution | None:
        subject = subject_of(verb)
        if subject is None:
            return None
        speaker = self.resolver.resolve(subject, on, discourse)
        if speaker is None:
            return None
        claim = claim_range(verb)
        if verb.lemma_.lower() in WEAK_COMMUNICATION_VERBS and claim is None:
            return None
        return Attribution(speaker=speaker, anchor=verb, sentence=verb.sent, claim=claim)

    def _according_to(
        self, according: Token, doc: Doc, on: date | None, discourse: Discourse
    ) -> Attribution | None:
        to = doc[according.i + 1]
        source = next((child for child in to.children if child.dep_ == "pobj"), None)
        if source is None:
            source = next((child for child in according.children if child.dep_ == "pobj"), None)
        if source is None or source.lemma_.lower() in PUBLICATION_WORDS:
            return None
        speaker = self.resolver.resolve(source, on, discourse)
        if speaker is None:
            return None
        sentence = according.sent
        phrase_end = max(t.i for t in source.subtree) + 1
        phrase_start = according.i
        if phrase_start - sentence.start <= 1:
            claim = (phrase_end, sentence.end)
        else:
            claim = (sentence.start, phrase_start)
        return Attribution(speaker=speaker, anchor=according, sentence=sentence, claim=trim_range(doc, *claim))

    def quote_speakers(
        self,
        doc: Doc,
        quotes: list[tuple[Quote, int, int]],
        attributions: list[Attribution],
        previous: Speaker | None,
        opens_paragraph: bool,
        on: date | None,
        discourse: Discourse,
    ) -> list[tuple[Quote, Speaker | None, float, Span]]:
        """A speaker for each quote (given with its doc character range)."""
        results: list[tuple[Quote, Speaker | None, float, Span]] = []
        quote_ranges = [(start, end) for _q, start, end in quotes]
        for position, (quote, start, end) in enumerate(quotes):
            sentence = _sentence_at(doc, start)
            speaker, confidence = None, 0.3
            if quote.attribution is not None:
                speaker = self._dash_attribution(doc, quote, attributions)
                confidence = 0.85
            if speaker is None:
                speaker = _nearest(attributions, start, end, doc, quote_ranges, same_sentence=True)
                confidence = 0.9
            if speaker is None:
                speaker = self._colon_intro(doc, start, on, discourse)
                confidence = 0.75
            if speaker is None:
                speaker = _nearest(attributions, start, end, doc, quote_ranges, same_sentence=False)
                confidence = 0.65
            if speaker is None and position > 0 and results[-1][1] is not None:
                speaker, confidence = results[-1][1], 0.6
            if speaker is None and previous is not None and (opens_paragraph or position == 0):
                speaker, confidence = previous, 0.55
            if speaker is None:
                confidence = 0.3
            else:
                confidence = min(confidence, speaker.confidence + 0.05)
            results.append((quote, speaker, confidence, sentence))
        return results

    def _dash_attribution(
        self, doc: Doc, quote: Quote, attributions: list[Attribution]
    ) -> Speaker | None:
        for attribution in attributions:
            if attribution.anchor.idx >= doc[0].idx and attribution.claim is None:
                return attribution.speaker
        return attributions[-1].speaker if attributions else None

    def _colon_intro(self, doc: Doc, start: int, on: date | None, discourse: Discourse) -> Speaker | None:
        """"Rutte's message was short: '…'" — the clause before a colon names the speaker."""
        before = [t for t in doc if t.idx < start]
        while before and (before[-1].is_space or before[-1].text in "\"'“‘«"):
            before.pop()
        if not before or before[-1].text != ":":
            return None
        sentence = before[-1].sent
        root = sentence.root
        subject = subject_of(root) if root.pos_ in ("VERB", "AUX") else root
        if subject is None:
            return None
        return self.resolver.resolve(subject, on, discourse)


def _sentence_at(doc: Doc, char: int) -> Span:
    for sentence in doc.sents:
        if sentence.start_char <= char < sentence.end_char + 1:
            return sentence
    return doc[:]


def _nearest(
    attributions: list[Attribution],
    start: int,
    end: int,
    doc: Doc,
    quote_ranges: list[tuple[int, int]],
    *,
    same_sentence: bool,
) -> Speaker | None:
    best: tuple[int, Speaker] | None = None
    sentences = {s.start for s in doc.sents if s.start_char < end and start < s.end_char + 1}
    for attribution in attributions:
        anchor = attribution.anchor
        if same_sentence and anchor.sent.start not in sentences:
            continue
        if attribution.claim is not None and not _claim_is_quote(doc, attribution.claim, quote_ranges):
            # A verb that reports its own clause does not introduce a quote elsewhere.
            if not same_sentence or not _claim_touches(doc, attribution.claim, start, end):
                continue
        distance = start - anchor.idx if anchor.idx < start else anchor.idx - end
        if best is None or distance < best[0]:
            best = (distance, attribution.speaker)
    return best[1] if best else None


def _claim_is_quote(doc: Doc, claim: tuple[int, int], quote_ranges: list[tuple[int, int]]) -> bool:
    span = doc[claim[0] : claim[1]]
    inside = sum(len(t) for t in span if _inside(t.idx, quote_ranges))
    total = sum(len(t) for t in span) or 1
    return inside / total >= 0.5


def _claim_touches(doc: Doc, claim: tuple[int, int], start: int, end: int) -> bool:
    span = doc[claim[0] : claim[1]]
    return span.start_char < end and start < span.end_char


def claim_range(verb: Token) -> tuple[int, int] | None:
    """The token range of what the verb reports: its clause, or its object and what follows."""
    doc = verb.doc
    children = list(verb.children)
    clause = next((c for c in children if c.dep_ == "ccomp"), None)
    if clause is not None:
        start = clause.left_edge.i
        mark = next((c for c in clause.children if c.dep_ == "mark"), None)
        if mark is not None and mark.i == start:
            start += 1  # "that", "whether", "if" introduce the clause; they are not the claim
        return trim_range(doc, start, clause.right_edge.i + 1)
    obj = next((c for c in children if c.dep_ in ("dobj", "obj") and c.i > verb.i), None)
    tail = [
        c
        for c in children
        if c.i > verb.i
        and (
            c.dep_ == "xcomp"
            or (c.dep_ in ("prep", "dative") and c.lower_ in CLAIM_PREPOSITIONS and not _is_time(c))
        )
    ]
    if obj is not None and (verb.lemma_.lower() in OBJECT_CLAIM_VERBS or tail):
        right = max([obj.right_edge.i] + [c.right_edge.i for c in tail])
        return trim_range(doc, obj.left_edge.i, right + 1)
    if tail:
        first = min(tail, key=lambda c: c.i)
        left = first.i + 1 if first.dep_ == "prep" and first.lower_ in ("for", "on", "about", "against") else first.left_edge.i
        right = max(c.right_edge.i for c in tail)
        return trim_range(doc, left, right + 1)
    return None


def _is_time(preposition: Token) -> bool:
    """ "on Wednesday", "in March": a time, not what was said."""
    return any(t.ent_type_ in ("DATE", "TIME") for t in preposition.subtree)


def trim_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing punctuation and spaces (keeping a closing quotation mark whose
    opening mark is inside); None if too little is left."""
    while start < end and (doc[start].is_space or (doc[start].is_punct and doc[start].text not in OPENING)):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    span_text = doc[start:end].text
    if end < len(doc) and doc[end].text in CLOSING and _unbalanced(span_text):
        end += 1
    words = [t for t in doc[start:end] if t.is_alpha]
    if len(words) < 2:
        return None
    return start, end


def with_speaker(found: Found, speaker: Speaker | None) -> Found:
    return replace(found, speaker=speaker)
