"""Split an article's text into plain runs and highlighted statement spans."""

from __future__ import annotations

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
