"""Direct quotations in a paragraph: the words inside the marks, with exact offsets.

Handles straight, curly, low-9 and guillemet double marks; single curly marks (and nested singles,
which stay inside their double quote); quotes introduced by a dash; and a quote left open at the
end of a paragraph that the next paragraph continues. A stray mark never opens a quote that runs
past its own paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extraction.clean import Paragraph

DOUBLE_OPEN = {"“": "”", "„": "“”", "«": "»", '"': '"”', "‟": "”"}
DASHES = "-–—"
# A dash quote: "- We will not give up our land - Zelensky said."
DASH_QUOTE = re.compile(r"^[-–—]\s+(?P<quote>.+?)(?:\s+[-–—]\s+(?P<rest>[^-–—]+))?$", re.DOTALL)
BEFORE_OPEN = set(" \t\n([{—–-/:;,") | {""}


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


def find_double(
    text: str, base: int, next_opens: bool
) -> tuple[list[Quote], list[tuple[int, int]]]:
    """Double-mark quotes, and the local ranges they cover (to keep singles out of them)."""
    quotes: list[Quote] = []
    covered: list[tuple[int, int]] = []
    index, length = 0, len(text)
    while index < length:
        mark = text[index]
        if mark not in DOUBLE_OPEN or (mark == '"' and not _opens(text, index)):
            index += 1
            continue
        closers = DOUBLE_OPEN[mark]
        close = next(
            (
                j
                for j in range(index + 1, length)
                if text[j] in closers or (mark == "“" and text[j] == '"')
            ),
            -1,
        )
        # A curly opening used again as a closing mark (“…“) is a common slip.
        if close == -1 and mark == "“":
            close = next(
                (j for j in range(index + 1, length) if text[j] == "“" and not _opens(text, j)), -1
            )
        if close == -1:
            # Open to the paragraph's end: a multi-paragraph quote if it opens the paragraph and
            # the next paragraph opens with a mark too (or it is the whole paragraph's content).
            if text[:index].strip() == "" or next_opens:
                span = _trimmed(text, index + 1, length, base)
                if span:
                    quotes.append(Quote(*span, style="double", open_end=True))
                    covered.append((index, length))
            index += 1
            continue
        span = _trimmed(text, index + 1, close, base)
        if span:
            quotes.append(Quote(*span, style="double"))
        covered.append((index, close + 1))
        index = close + 1
    return quotes, covered


def find_single(text: str, base: int, covered: list[tuple[int, int]]) -> list[Quote]:
    """‘Single-mark’ quotes outside double quotes; apostrophes are told apart by context."""
    quotes: list[Quote] = []
    for match in re.finditer(r"[‘']", text):
        index = match.start()
        if any(left <= index < right for left, right in covered) or not _opens(text, index):
            continue
        if text[index] == "'" and _is_apostrophe(text, index):
            continue
        closer = "’'" if text[index] == "‘" else "'"
        for j in range(index + 2, min(len(text), index + 400)):
            if text[j] in closer and not _is_apostrophe(text, j):
                after = text[j + 1] if j + 1 < len(text) else ""
                if after == "" or not after.isalnum():
                    span = _trimmed(text, index + 1, j, base)
                    if span:
                        quotes.append(Quote(*span, style="single"))
                        covered.append((index, j + 1))
                    break
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
