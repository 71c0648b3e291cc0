"""Which attributions stand near a quote: those in a sentence the quote touches, and the nearest
ones anywhere in its paragraph, each with its distance (candidates for the quote's speaker).

The paragraph's attributions are indexed once, so each quote costs a binary search, not a pass
over every attribution: a paragraph of thousands of quotes and speech verbs stays linear.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from app.extraction.offsets import Ranges, doc_text, sentences_touching
from app.extraction.types import Speaker

if TYPE_CHECKING:
    from app.extraction.speech_acts import Attribution


@dataclass(frozen=True)
class _Entry:
    """What the search needs to know of one attribution, worked out once."""

    order: int  # its place in the paragraph's list: the earlier one wins a tie
    anchor: int  # character offset of its verb (or "according")
    sentence: int  # first token of the verb's sentence
    claim: tuple[int, int] | None  # character span of what it reports
    own_clause: bool  # it reports a clause of its own, not a quotation
    quote_only: bool
    speaker: Speaker


def _entry(doc: Doc, order: int, attribution: Attribution, quote_ranges: Ranges) -> _Entry:
    claim = None
    if attribution.claim is not None:
        span = doc[attribution.claim[0] : attribution.claim[1]]
        claim = (span.start_char, span.end_char)
    return _Entry(
        order=order,
        anchor=attribution.anchor.idx,
        sentence=attribution.anchor.sent.start,
        claim=claim,
        own_clause=attribution.claim is not None
        and not claim_is_quote(doc, attribution.claim, quote_ranges),
        quote_only=attribution.quote_only,
        speaker=attribution.speaker,
    )


def claim_is_quote(doc: Doc, claim: tuple[int, int], quote_ranges: Ranges) -> bool:
    span = doc[claim[0] : claim[1]]
    inside = sum(len(t) for t in span if t.idx in quote_ranges)
    total = sum(len(t) for t in span) or 1
    return inside / total >= 0.5


def _holds(claim: tuple[int, int], start: int, end: int) -> bool:
    return claim[0] <= start and end <= claim[1] + 1


def _distance(entry: _Entry, start: int, end: int, length: int) -> int:
    if entry.claim is not None and _holds(entry.claim, start, end):
        # A quote inside a reported claim is that claim's words: the innermost wins
        # ("X told Y that the US could be “…”, according to a statement").
        return -length + (entry.claim[1] - entry.claim[0])
    return start - entry.anchor if entry.anchor < start else entry.anchor - end


@dataclass(frozen=True)
class Nearby:
    """An attribution near a quote: its speaker, how far its verb stands from the quote (in
    characters; 0 when its claim holds the quote), and on which side."""

    speaker: Speaker
    distance: int
    holds: bool
    after: bool


def _ranked(candidates: list[_Entry], start: int, end: int, length: int) -> list[Nearby]:
    """The candidates nearest first (an innermost claim holding the quote before all)."""
    ordered = sorted(
        candidates, key=lambda entry: (_distance(entry, start, end, length), entry.order)
    )
    found = []
    for entry in ordered:
        holds = entry.claim is not None and _holds(entry.claim, start, end)
        distance = 0 if holds else abs(_distance(entry, start, end, length))
        found.append(Nearby(entry.speaker, distance, holds, entry.anchor >= end))
    return found


class NearestAttribution:
    """The attributions of one paragraph, indexed for the quotes of that paragraph."""

    def __init__(self, doc: Doc, attributions: list[Attribution], quote_ranges: Ranges) -> None:
        self.doc = doc
        self.length = len(doc_text(doc))
        entries = [
            _entry(doc, order, attribution, quote_ranges)
            for order, attribution in enumerate(attributions)
        ]
        self.by_sentence: dict[int, list[_Entry]] = {}
        for entry in entries:
            self.by_sentence.setdefault(entry.sentence, []).append(entry)
        # Anywhere in the paragraph, a verb that reports its own clause, or an "asked X" with
        # no clause, introduces no quote.
        self.free = sorted(
            (entry for entry in entries if not entry.quote_only and not entry.own_clause),
            key=lambda entry: (entry.anchor, entry.order),
        )
        self.anchors = [entry.anchor for entry in self.free]
        # (claim start, claim end, entry), by start
        self.claims = sorted(
            ((entry.claim[0], entry.claim[1], entry) for entry in self.free if entry.claim),
            key=lambda item: item[0],
        )
        self._added = 0  # claims[:_added] start at or before the last quote asked about
        self._open: list[tuple[int, int, _Entry]] = []  # those that may hold a later quote
        self._last = -1

    def in_sentence(self, start: int, end: int) -> list[Nearby]:
        """The attributions in a sentence the quote touches, nearest first; one that reports a
        clause of its own only if that clause touches the quote."""
        candidates = [
            entry
            for sentence in sentences_touching(self.doc, start, end)
            for entry in self.by_sentence.get(sentence.start, [])
            if not entry.own_clause or _touches(entry.claim, start, end)
        ]
        return _ranked(candidates, start, end, self.length)

    def in_paragraph(self, start: int, end: int) -> list[Nearby]:
        """The attributions anywhere in the paragraph whose claim holds the quote, and the
        nearest verb before and after it, nearest first."""
        holding = self._holding(start, end)
        taken = {entry.order for entry in holding}
        candidates = list(holding)
        # Distance falls towards the quote on either side: the nearest verb on each side that
        # does not hold the quote is the only other candidate.
        position = bisect_left(self.anchors, start)
        left = position - 1
        while left >= 0 and self.free[left].order in taken:
            left -= 1
        if left >= 0:
            candidates.append(self.free[left])
        right = position
        while right < len(self.free) and self.free[right].order in taken:
            right += 1
        if right < len(self.free):
            candidates.append(self.free[right])
        return _ranked(candidates, start, end, self.length)

    def _holding(self, start: int, end: int) -> list[_Entry]:
        """Claims that hold the quote. Quotes come in order of position, so one sweep over the
        claims (sorted by start) serves them all; asked out of order, the sweep starts over."""
        if start < self._last:
            self._added, self._open = 0, []
        self._last = start
        while self._added < len(self.claims) and self.claims[self._added][0] <= start:
            self._open.append(self.claims[self._added])
            self._added += 1
        # A claim that ends before this quote starts can hold neither it nor a later one.
        self._open = [claim for claim in self._open if claim[1] >= start]
        return [entry for first, last, entry in self._open if _holds((first, last), start, end)]


def _touches(claim: tuple[int, int] | None, start: int, end: int) -> bool:
    return claim is not None and claim[0] < end and start < claim[1]
