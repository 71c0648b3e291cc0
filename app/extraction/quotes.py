"""Direct quotations in a paragraph: the words inside the marks, with exact offsets.

Handles straight, curly, low-9 and guillemet double marks; single curly marks (and nested singles,
which stay inside their double quote); quotes introduced by a dash; and a quote left open at the
end of a paragraph that the next paragraph continues. A stray mark never opens a quote that runs
past its own paragraph.

Each mark finds its closing mark by binary search over where the marks stand, so a paragraph of
thousands of marks costs no more than its length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from app.extraction.clean import Paragraph
from app.extraction.offsets import Ranges

DOUBLE_OPEN = {"“": "”", "„": "“”", "«": "»", '"': '"”', "‟": "”"}
# A curly opening mark is also closed by a straight one.
DOUBLE_CLOSERS = {
    mark: closers + ('"' if mark == "“" else "") for mark, closers in DOUBLE_OPEN.items()
}
# A dash quote: "- We will not give up our land - Zelensky said." The look-behind and the
# possessive space keep the search linear on long runs of spaces.
DASH_QUOTE = re.compile(
    r"^[-–—]\s+(?P<quote>.+?)(?:(?<!\s)\s+[-–—]\s++(?P<rest>[^-–—]+))?$", re.DOTALL
)
BEFORE_OPEN = set(" \t\n([{—–-/:;,") | {""}
SINGLE_SCAN = 400  # how far a single mark looks for its closing mark
# Quotes left open in one paragraph: each runs to its end, so each one more repeats the rest of
# the paragraph. Prose has one, or two with a quotation nested in it; more are stray marks.
MAX_LEFT_OPEN = 3


@dataclass(frozen=True)
class Quote:
    start: int  # article offsets of the words inside the marks
    end: int
    style: str  # double, single or dash
    open_end: bool = False  # left open at the paragraph's end: the next paragraph may continue it
    attribution: tuple[int, int] | None = None  # for a dash quote, the text after the closing dash


def _trimmed(text: str, start: int, end: int, base: int) -> tuple[int, int] | None:
    """Trim whitespace inside the marks; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return base + start, base + end


def _is_apostrophe(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return before.isalnum() and after.isalpha()


def _opens(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (before in BEFORE_OPEN or before.isspace()) and bool(after) and not after.isspace()


def _positions(text: str, chars: str) -> list[int]:
    return [match.start() for match in re.finditer(f"[{re.escape(chars)}]", text)]


def _next(positions: list[int], after: int, before: int) -> int:
    """The first position in ``(after, before)``, or -1."""
    found = bisect_right(positions, after)
    return positions[found] if found < len(positions) and positions[found] < before else -1


class _Marks:
    """Where each double closing mark stands in a paragraph, for "the next one after i"."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = {char: _positions(text, char) for char in set("".join(DOUBLE_CLOSERS.values()))}
        # “…“: a curly opening mark that opens nothing may close the quote before it.
        self.reused = [j for j in self.at["“"] if not _opens(text, j)]

    def closing(self, mark: str, index: int) -> int:
        length = len(self.text)
        found = [_next(self.at[char], index, length) for char in DOUBLE_CLOSERS[mark]]
        close = min((j for j in found if j != -1), default=-1)
        # A curly opening used again as a closing mark (“…“) is a common slip.
        if close == -1 and mark == "“":
            close = _next(self.reused, index, length)
        return close


def find_double(
    text: str, base: int, next_opens: bool
) -> tuple[list[Quote], list[tuple[int, int]]]:
    """Double-mark quotes, and the local ranges they cover (to keep singles out of them)."""
    quotes: list[Quote] = []
    covered: list[tuple[int, int]] = []
    marks = _Marks(text)
    openings = _positions(text, "".join(DOUBLE_OPEN))
    lead = len(text) - len(text.lstrip())  # text[:index] is blank for index <= lead
    left_open = 0
    length = len(text)
    position = 0
    while position < len(openings):
        index = openings[position]
        mark = text[index]
        if mark == '"' and not _opens(text, index):
            position += 1
            continue
        close = marks.closing(mark, index)
        if close == -1:
            # Open to the paragraph's end: a multi-paragraph quote if it opens the paragraph and
            # the next paragraph opens with a mark too (or it is the whole paragraph's content).
            if (index <= lead or next_opens) and left_open < MAX_LEFT_OPEN:
                span = _trimmed(text, index + 1, length, base)
                # No words after this mark means none after any later one either.
                left_open = left_open + 1 if span else MAX_LEFT_OPEN
                if span:
                    quotes.append(Quote(*span, style="double", open_end=True))
                    covered.append((index, length))
            position += 1
            continue
        span = _trimmed(text, index + 1, close, base)
        if span:
            quotes.append(Quote(*span, style="double"))
        covered.append((index, close + 1))
        position = bisect_left(openings, close + 1, lo=position + 1)
    return quotes, covered


def _single_closers(text: str, chars: str) -> list[int]:
    """Where a single quote may close: a mark that is no apostrophe, before no letter or digit."""
    return [
        j
        for j in _positions(text, chars)
        if not _is_apostrophe(text, j) and (j + 1 == len(text) or not text[j + 1].isalnum())
    ]


def find_single(text: str, base: int, covered: list[tuple[int, int]]) -> list[Quote]:
    """‘Single-mark’ quotes outside double quotes; apostrophes are told apart by context."""
    quotes: list[Quote] = []
    doubles = Ranges(covered)
    closers = {"‘": _single_closers(text, "’'"), "'": _single_closers(text, "'")}
    reach = 0  # every single quote found so far starts before the mark in hand: it covers
    # the mark exactly when it ends after it
    for match in re.finditer(r"[‘']", text):
        index = match.start()
        if index < reach or index in doubles or not _opens(text, index):
            continue
        if text[index] == "'" and _is_apostrophe(text, index):
            continue
        j = _next(closers[text[index]], index + 1, min(len(text), index + SINGLE_SCAN))
        if j == -1:
            continue
        span = _trimmed(text, index + 1, j, base)
        if span:
            quotes.append(Quote(*span, style="single"))
            reach = max(reach, j + 1)
    return quotes


def find_dash(paragraph: Paragraph) -> Quote | None:
    match = DASH_QUOTE.match(paragraph.text)
    if not match:
        return None
    span = _trimmed(paragraph.text, match.start("quote"), match.end("quote"), paragraph.start)
    if span is None:
        return None
    attribution = None
    if match.group("rest"):
        attribution = (paragraph.start + match.start("rest"), paragraph.start + match.end("rest"))
    return Quote(*span, style="dash", attribution=attribution)


def opens_with_mark(paragraph: Paragraph) -> bool:
    return paragraph.text[:1] in DOUBLE_OPEN


def find_quotes(paragraph: Paragraph, next_paragraph: Paragraph | None = None) -> list[Quote]:
    """Every quote in the paragraph, in order of position."""
    dash = find_dash(paragraph)
    if dash is not None and dash.attribution is not None:
        # "- … - said Peskov, adding: "…"": quotes may follow the attribution.
        start, end = dash.attribution
        rest = paragraph.text[start - paragraph.start : end - paragraph.start]
        doubles, _covered = find_double(rest, start, False)
        return [dash, *doubles]
    if dash is not None:
        return [dash]
    next_opens = next_paragraph is not None and opens_with_mark(next_paragraph)
    doubles, covered = find_double(paragraph.text, paragraph.start, next_opens)
    singles = find_single(paragraph.text, paragraph.start, covered)
    return sorted(doubles + singles, key=lambda quote: quote.start)
