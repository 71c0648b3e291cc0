"""Split an article's text into plain runs and highlighted statement spans, and cut the passage
around one statement for showing beside it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, Protocol, TypeVar


class Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=Span)


@dataclass
class Segment(Generic[S]):
    text: str
    span: S | None = None
    start: int = 0  # where the run begins in the article (for turning a selection into offsets)


def segments(text: str, spans: Sequence[S]) -> list[Segment[S]]:
    """Cut at every span boundary; where spans overlap, the innermost (shortest) one wins."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    result: list[Segment[S]] = []
    for left, right in pairwise(cuts):
        covering = [s for s in valid if s.start <= left and right <= s.end]
        best = min(covering, key=lambda s: s.end - s.start) if covering else None
        if result and result[-1].span is best:
            result[-1].text += text[left:right]
        else:
            result.append(Segment(text=text[left:right], span=best, start=left))
    return result


@dataclass(frozen=True)
class Excerpt:
    """A statement's words with the text around them."""

    before: str
    words: str
    after: str


# Where a sentence ends: a full stop, question or exclamation mark (and any closing quote or
# bracket), then space and a capital or an opening quote ("U.S. envoys" does not end one).
SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def excerpt(text: str, start: int, end: int, reach: int = 300) -> Excerpt:
    """The words at ``start:end`` in their paragraph; of a long paragraph, the whole sentences
    within ``reach`` characters either side (or "…" where no sentence ends there)."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    before, after = text[left:start], text[end : len(text) if right == -1 else right]
    if len(before) > reach:
        window = before[-reach:]
        ends = list(SENTENCE_END.finditer(window))
        before = window[ends[0].end() :] if ends else "…" + window.split(" ", 1)[-1]
    if len(after) > reach:
        window = after[:reach]
        ends = list(SENTENCE_END.finditer(window))
        after = window[: ends[-1].end()].rstrip() if ends else window.rsplit(" ", 1)[0] + "…"
    return Excerpt(before, text[start:end], after)
