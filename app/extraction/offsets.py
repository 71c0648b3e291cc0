"""Look-ups by offset that would otherwise walk a whole paragraph: the quote that covers a
character, the sentence that holds it, the entities inside a token range.

A list of ranges answers "is this inside a quote?" by walking the list, and spaCy answers
``doc.sents`` and ``Span.ents`` by walking the document; asked once per token or per quote,
both grow with the square of a long paragraph. These answer by binary search instead.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from spacy.tokens import Doc, Span

INDEX_KEY = "parley_offsets"


class Ranges:
    """Half-open character ranges (a paragraph's quotes), kept in order of their starts."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.ranges = sorted(ranges, key=lambda found: found[0])
        self._starts = [start for start, _end in self.ranges]
        # The furthest end among the ranges so far: the first range to pass a point is the
        # only one that can cover it without an earlier one covering it too.
        self._reach = list(accumulate((end for _start, end in self.ranges), max))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.ranges)

    def __len__(self) -> int:
        return len(self.ranges)

    def covering(self, index: int) -> tuple[int, int] | None:
        """The first range (by start) with ``start <= index < end``, or None."""
        first = bisect_right(self._reach, index)
        if first < len(self.ranges) and self._starts[first] <= index:
            return self.ranges[first]
        return None

    def __contains__(self, index: int) -> bool:
        return self.covering(index) is not None


@dataclass(frozen=True)
class _DocIndex:
    sentences: list[Span]
    sentence_ends: list[int]  # end_char of each sentence
    ents: list[Span]
    ent_starts: list[int]  # token start of each entity
    token_starts: list[int]  # character offset of each token
    text: str  # spaCy joins the tokens again each time ``doc.text`` is read


def _index(doc: Doc) -> _DocIndex:
    """The doc's sentences and entities, listed once and kept with the doc."""
    found = doc.user_data.get(INDEX_KEY)
    if found is None:
        sentences = list(doc.sents)
        ents = list(doc.ents)
        found = _DocIndex(
            sentences=sentences,
            sentence_ends=[sentence.end_char for sentence in sentences],
            ents=ents,
            ent_starts=[ent.start for ent in ents],
            token_starts=[token.idx for token in doc],
            text=doc.text,
        )
        doc.user_data[INDEX_KEY] = found
    return found


def doc_text(doc: Doc) -> str:
    """``doc.text``, read once."""
    return _index(doc).text


def tokens_before(doc: Doc, char: int) -> int:
    """How many tokens start before character ``char``."""
    return bisect_left(_index(doc).token_starts, char)


def sentence_at(doc: Doc, char: int) -> Span:
    """The first sentence with ``start_char <= char <= end_char``; the whole doc if none."""
    index = _index(doc)
    position = bisect_left(index.sentence_ends, char)
    if position < len(index.sentences) and index.sentences[position].start_char <= char:
        return index.sentences[position]
    return doc[:]


def sentences_touching(doc: Doc, start: int, end: int) -> list[Span]:
    """Sentences with ``start_char < end`` and ``start <= end_char``, in order."""
    index = _index(doc)
    found = []
    for position in range(bisect_left(index.sentence_ends, start), len(index.sentences)):
        sentence = index.sentences[position]
        if sentence.start_char >= end:
            break
        found.append(sentence)
    return found


def ents_inside(doc: Doc, start: int, end: int) -> list[Span]:
    """Entities lying wholly within tokens ``start:end``, in order."""
    index = _index(doc)
    found = []
    for position in range(bisect_left(index.ent_starts, start), len(index.ents)):
        ent = index.ents[position]
        if ent.start >= end:
            break
        if ent.end <= end:
            found.append(ent)
    return found


def span_ents(span: Span) -> list[Span]:
    """``span.ents`` exactly (entities from the span's start up to the first that runs past its
    end), without spaCy's walk over every entity of the doc."""
    index = _index(span.doc)
    found = []
    for position in range(bisect_left(index.ent_starts, span.start), len(index.ents)):
        ent = index.ents[position]
        if ent.end > span.end:
            break
        found.append(ent)
    return found
