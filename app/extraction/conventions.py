"""The last pass over an article's statements: the rules of ../shared/ANNOTATION.md that concern
statements as a set rather than one attribution at a time.

- A short quotation inside reported speech is part of that one reported statement; a quotation
  that carries nearly the whole claim is the statement and the reported wrapper goes.
- Two or three quoted words standing alone in a sentence are a scare quote or a name, not a
  claim.
- A news outlet is a source, never a speaker: what it reports about an actor is that actor's
  statement (found separately); what it reports on its own is not a statement.
- An unnamed speaker the article still identifies ("a French official", "European leaders")
  speaks under that description, as a new actor for review, rather than being dropped.
"""

from __future__ import annotations

from app.extraction.codebook import Codebook
from app.extraction.speakers import is_news_outlet
from app.extraction.types import Statement

# A quotation covering at least this share of its reported clause carries the claim itself.
QUOTE_CARRIES_CLAIM = 0.6
SCARE_QUOTE_WORDS = 3
SENTENCE_ENDS = ".!?:;\n"
DETERMINERS = ("a ", "an ", "the ", "some ", "several ")
DEMONSTRATIVES = {"these", "those", "this", "that", "such"}
MAX_DESCRIPTION_WORDS = 6
NUMBERS = {"two", "three", "four", "five", "several", "many", "senior", "unnamed", "anonymous"}
GENERIC_SPEAKERS = {
    "sources",
    "source",
    "officials",
    "official",
    "leaders",
    "document",
    "documents",
    "agency",
    "readout",
    "observers",
    "analysts",
    "experts",
    "critics",
    "reports",
    "media",
    "media reports",
    "statement",
    "joint statement",
    "statements",
    "aggressor country",
    "people",
    "person",
    "insiders",
    "someone",
}


def apply_conventions(
    statements: list[Statement], text: str, codebook: Codebook
) -> list[Statement]:
    kept = [s for s in statements if not is_news_outlet(s.speaker, codebook)]
    kept = _fold_nested_quotes(kept)
    kept = [s for s in kept if not _scare_quote(s, text)]
    for statement in kept:
        _describe_unnamed_speaker(statement)
    return kept


def _encloses(claim: Statement, quote: Statement) -> bool:
    return (
        claim.kind == "reported"
        and claim.start <= quote.start
        and quote.end <= claim.end + 1
        and (claim.end - claim.start) > (quote.end - quote.start)
        and (quote.speaker is None or claim.speaker == quote.speaker)
    )


def _fold_nested_quotes(statements: list[Statement]) -> list[Statement]:
    dropped: set[int] = set()
    for quote in statements:
        if quote.kind != "direct_quote":
            continue
        enclosing = [claim for claim in statements if _encloses(claim, quote)]
        if not enclosing:
            continue
        claim = min(enclosing, key=lambda c: c.end - c.start)
        share = (quote.end - quote.start) / max(1, claim.end - claim.start)
        if share >= QUOTE_CARRIES_CLAIM:
            dropped.add(id(claim))
            if quote.speaker is None:
                quote.speaker, quote.speaker_text = claim.speaker, claim.speaker_text
                quote.speaker_role, quote.speaker_kind = claim.speaker_role, claim.speaker_kind
                quote.speaker_new = claim.speaker_new
        else:
            dropped.add(id(quote))
    return [s for s in statements if id(s) not in dropped]


def _scare_quote(statement: Statement, text: str) -> bool:
    """A few quoted words inside a sentence of the narrator's ("the so-called “buffer zone”"),
    unlike a short quotation that is a sentence of its own (“Never,” she said.)."""
    if statement.kind != "direct_quote" or len(statement.text.split()) > SCARE_QUOTE_WORDS:
        return False
    before = text[: max(0, statement.start - 1)].rstrip()
    return bool(before) and before[-1] not in SENTENCE_ENDS


def _says_nobody(words: list[str]) -> bool:
    head = [w for w in words if w not in NUMBERS and not w.isdigit()]
    for cut in ("familiar", "close", "who", "with", "briefed"):
        if cut in head:
            head = head[: head.index(cut)]
    return not head or " ".join(head) in GENERIC_SPEAKERS


def _describe_unnamed_speaker(statement: Statement) -> None:
    if statement.speaker is not None or not statement.speaker_role:
        return
    description = statement.speaker_role.split(",")[0].strip()
    lowered = description.lower()
    for determiner in DETERMINERS:
        if lowered.startswith(determiner):
            description = description[len(determiner) :]
            break
    words = description.lower().split()
    if not words or len(words) > MAX_DESCRIPTION_WORDS or words[0] in DEMONSTRATIVES:
        return
    if _says_nobody(words) or not any(ch.isalpha() for ch in description):
        return  # "sources", "two officials familiar with the talks": the article says not whose
    statement.speaker = description[0].upper() + description[1:]
    statement.speaker_new = True
    statement.speaker_kind = "group" if words[-1].endswith("s") else "person"
