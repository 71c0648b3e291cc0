"""Statement drafts: a paragraph's quotes and reported claims with their speaker and verb,
before issue, stance and day are settled; list items, quotes left open and partial quotes
that take their claim's stance.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from app.extraction.issues import FALLBACK_ISSUE
from app.extraction.offsets import (
    Ranges,
)
from app.extraction.speech_acts import Attribution
from app.extraction.types import Speaker, Statement
from app.vocabulary import StatementKind

LIST_MARKERS = "→•‣▪●◦-–—*"


@dataclass
class Draft:
    """A statement before issues, stance and date are settled (paragraph-local offsets)."""

    kind: str
    start: int
    end: int
    speaker: Speaker | None
    anchor: Token | None
    sentence: Span
    confidence: float


def reported_drafts(doc: Doc, attributions: list[Attribution], quote_ranges: Ranges) -> list[Draft]:
    drafts: list[Draft] = []
    for attribution in attributions:
        if attribution.anchor is not None and _in_a_question(attribution.anchor):
            continue  # "Asked whether Putin agreed to the request, Peskov said …"
        claims = [attribution.claim, *attribution.more_claims] if attribution.claim else []
        for first, last in claims:
            if _holds_its_own_act(attribution.anchor, first, last):
                continue  # "a diplomat, who asked not to be named": the act itself, no claim
            span = _quotation_alone(doc[first:last], quote_ranges)
            unquoted = [t for t in span if t.is_alpha and t.idx not in quote_ranges]
            if len(unquoted) < 1:
                continue  # the claim is a quotation, already recorded as a direct quote
            confidence = attribution.speaker.confidence - 0.05
            drafts.append(
                Draft(
                    StatementKind.reported,
                    span.start_char,
                    span.end_char,
                    attribution.speaker,
                    attribution.anchor,
                    attribution.sentence,
                    confidence,
                )
            )
    return drafts


ANONYMITY_WORDS = {"name", "identify", "quote"}


def _holds_its_own_act(verb: Token | None, first: int, last: int) -> bool:
    """ "a diplomat, who asked not to be named": asking for anonymity is no claim."""
    if verb is None or not first <= verb.i < last:
        return False
    return any(
        child.dep_ == "xcomp" and child.lemma_.lower() in ANONYMITY_WORDS for child in verb.children
    )


def _in_a_question(verb: Token) -> bool:
    """Whether the verb is the predicate of an indirect question ("whether Putin agreed …")."""
    return any(c.dep_ == "mark" and c.lower_ == "whether" for c in verb.children)


def _quotation_alone(span: Span, quote_ranges: Ranges) -> Span:
    """ "Trump said Thursday, “We have a deal,” and the minister said …": a claim that opens with
    a quoted utterance (its words end with their own punctuation) is that quotation; the words
    after its closing mark are not the speaker's. A quoted phrase that the sentence runs on
    from stays part of the reported claim."""
    first = next((t for t in span if t.is_alpha), None)
    quote = quote_ranges.covering(first.idx) if first is not None else None
    if quote is None or span.end_char <= quote[1]:
        return span
    text = span.doc.text[quote[0] : quote[1]].rstrip()
    if not text.endswith((",", ".", "!", "?")):
        return span  # “so far, a compromise hasn’t been found” on the issue of territory
    inside = [t for t in span if t.idx < quote[1]]
    return span.doc[span.start : inside[-1].i + 1] if inside else span


def list_item_draft(doc: Doc, speaker: Speaker | None) -> Draft | None:
    """ "Medinsky named three results: → the sides will exchange prisoners; → …": each item of a
    list that a speaker introduces is that speaker's claim (a claim of no one named when the
    line that introduces it names no one: "The statement sets out four demands:")."""
    text = doc.text
    start = len(text) - len(text.lstrip(LIST_MARKERS + " \t"))
    end = len(text.rstrip(" \t\n;.,"))
    if end - start < 12 or len(text[start:end].split()) < 3:
        return None
    sentence = doc.char_span(start, end, alignment_mode="expand")
    if sentence is None:
        return None
    confidence = min(speaker.confidence, 0.6) if speaker is not None else 0.3
    return Draft(StatementKind.reported, start, end, speaker, None, sentence, confidence)


def take_speaker(statement: Statement, source: Statement) -> None:
    """A quote left open at a paragraph's end is spoken by whoever speaks its continuation."""
    statement.speaker = source.speaker
    statement.speaker_text = source.speaker_text
    statement.speaker_role = source.speaker_role
    statement.speaker_new = source.speaker_new
    statement.confidence = min(source.confidence, 0.6)


def anchor_for(in_sentence: list[Attribution], speaker: Speaker | None) -> Token | None:
    """The verb of the sentence's first attribution to this speaker."""
    for attribution in in_sentence:
        if attribution.speaker == speaker:
            return attribution.anchor
    return None


def inherit_from_enclosing(statements: list[Statement]) -> None:
    """A partial quote inside reported speech ("called for a “full, unconditional ceasefire”")
    is a piece of that claim: it takes the claim's stance, which its few words alone rarely show,
    and the claim's issues when its own words name none."""
    # One sweep in order of position: a claim joins when the quotes reach its start, and leaves
    # once they pass its end, so each quote looks only at the claims around it.
    reported = sorted(
        (s.start, order, s)
        for order, s in enumerate(statements)
        if s.kind == StatementKind.reported
    )
    quotes = sorted(
        (s.start, order, s)
        for order, s in enumerate(statements)
        if s.kind == StatementKind.direct_quote
    )
    around: list[tuple[int, int, Statement]] = []
    added = 0
    for start, _order, quote in quotes:
        while added < len(reported) and reported[added][0] <= start:
            around.append(reported[added])
            added += 1
        around = [item for item in around if item[2].end + 1 > start]
        enclosing = [
            (claim.end - claim.start, order, claim)
            for _start, order, claim in around
            if quote.end <= claim.end + 1
            and claim.speaker == quote.speaker
            and (claim.end - claim.start) > (quote.end - quote.start)
        ]
        if not enclosing:
            continue
        claim = min(enclosing, key=lambda item: item[:2])[2]
        if not quote.issues or quote.issues[0][1] == 0.0 or quote.issues[0][0] == FALLBACK_ISSUE:
            quote.issues = list(claim.issues)  # the quote's own words name no issue
        quote.stance = claim.stance
        quote.stance_target = claim.stance_target
