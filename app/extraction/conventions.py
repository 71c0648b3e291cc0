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
- A claim made jointly ("Mr Rubio and Mr Waltz", "France and the United Kingdom") is one
  statement per named party.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from app.extraction.codebook import Codebook
from app.extraction.speaker_phrases import is_news_outlet
from app.extraction.types import ActorEntry, Statement
from app.vocabulary import StatementKind

JOINT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
PARTY_FILLERS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "the", "both"}
# The look-behind starts a match only where a run of spaces starts: the leftmost match is the
# same, and a long run of spaces is not scanned again from each of its characters.
TRAILING_SOURCE = re.compile(
    r"(?<!\s)\s*,\s*(?:(?:according to|as reported by|citing)\s+(?P<cited>[^,]{2,40})"
    r"|(?P<outlet>[^,]{2,40}?)\s+(?:reported|reports|wrote|said|says))[.!]?$"
)
HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "madam"}
REFLEXIVES = {"himself", "herself", "themselves", "itself"}
# A quotation covering at least this share of its reported clause carries the claim itself.
QUOTE_CARRIES_CLAIM = 0.6
SCARE_QUOTE_WORDS = 3
SENTENCE_ENDS = ".!?:;\n"
QUANTIFIERS = {"a", "an", "the", "some", "several", "many", "most", "two", "three", "four"}
QUANTIFIERS |= {"five", "unnamed", "anonymous", "other", "various"}
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
    is_outlet = [is_news_outlet(s.speaker, codebook) for s in statements]
    outlets = [s for s, outlet in zip(statements, is_outlet, strict=True) if outlet]
    kept = [s for s, outlet in zip(statements, is_outlet, strict=True) if not outlet]
    _credit_sources(kept, outlets)
    for statement in kept:
        _cut_trailing_source(statement, codebook)
    kept = _fold_nested_quotes(kept)
    kept = [s for s in kept if not _scare_quote(s, text)]
    for statement in kept:
        statement.speaker_role = _whole_role(statement.speaker_role)
        _describe_unnamed_speaker(statement)
    return [party for s in kept for party in _one_per_party(s, codebook)]


def _credit_sources(statements: list[Statement], outlets: list[Statement]) -> None:
    """What an outlet reports someone said ("Reuters reported that Witkoff told Ushakov …")
    is that someone's statement, carried by the outlet: its source (the first outlet, in
    order, whose span holds the statement)."""
    for statement, around in _around(statements, outlets):
        holding = [(order, o) for order, o in around if statement.end <= o.end + 1]
        if holding and statement.source is None:
            statement.source = min(holding, key=lambda item: item[0])[1].speaker


def _around(
    inner: list[Statement], outer: list[Statement]
) -> Iterator[tuple[Statement, list[tuple[int, Statement]]]]:
    """Each inner statement, in order of position, with the outer ones (and their places in
    ``outer``) that start at or before it and end no earlier than its start. One sweep: an
    outer statement joins when the sweep reaches its start and leaves once the sweep passes its
    end, so each inner statement sees only the spans around it, not the whole article."""
    starts = sorted((o.start, order) for order, o in enumerate(outer))
    active: list[tuple[int, Statement]] = []
    added = 0
    for statement in sorted(inner, key=lambda s: s.start):
        while added < len(starts) and starts[added][0] <= statement.start:
            order = starts[added][1]
            active.append((order, outer[order]))
            added += 1
        active = [(order, o) for order, o in active if o.end + 1 >= statement.start]
        yield statement, list(active)


def _cut_trailing_source(statement: Statement, codebook: Codebook) -> None:
    """ "the talks were useful, Reuters reported": the outlet's tag is no part of the claim."""
    found = TRAILING_SOURCE.search(statement.text)
    outlet = (found.group("outlet") or found.group("cited")) if found else None
    if found is None or not is_news_outlet(outlet, codebook):
        return
    statement.text = statement.text[: found.start()]
    statement.end = statement.start + len(statement.text)
    statement.source = statement.source or outlet


def _encloses(claim: Statement, quote: Statement) -> bool:
    return (
        claim.kind == StatementKind.reported
        and claim.start <= quote.start
        and quote.end <= claim.end + 1
        and (claim.end - claim.start) > (quote.end - quote.start)
        and (quote.speaker is None or claim.speaker == quote.speaker)
    )


def _fold_nested_quotes(statements: list[Statement]) -> list[Statement]:
    dropped: set[int] = set()
    quotes = [s for s in statements if s.kind == StatementKind.direct_quote]
    for quote, around in _around(quotes, statements):
        enclosing = [(claim.end - claim.start, order, claim) for order, claim in around]
        enclosing = [item for item in enclosing if _encloses(item[2], quote)]
        if not enclosing:
            continue
        claim = min(enclosing, key=lambda item: item[:2])[2]  # the shortest; the first on a tie
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
    unlike a short quotation that is a sentence of its own (“Never,” she said.) or one a speech
    verb introduces as an utterance (Peskov said, “Yes, of course.”)."""
    if (
        statement.kind != StatementKind.direct_quote
        or len(statement.text.split()) > SCARE_QUOTE_WORDS
    ):
        return False
    # The last character before the opening mark, spaces aside (without copying the text up
    # to there, once per quote).
    position = statement.start - 2
    while position >= 0 and text[position].isspace():
        position -= 1
    if position < 0 or text[position] in SENTENCE_ENDS:
        return False
    # Peskov said, “Yes, of course.”: introduced as an utterance and closed as a sentence.
    introduced = text[position] in ",:"
    return not (introduced and statement.text.rstrip().endswith((".", "!", "?")))


def _says_nobody(words: list[str]) -> bool:
    head = [w for w in words if w not in NUMBERS and not w.isdigit()]
    for cut in ("familiar", "close", "who", "with", "briefed"):
        if cut in head:
            head = head[: head.index(cut)]
    return not head or " ".join(head) in GENERIC_SPEAKERS


def _one_per_party(statement: Statement, codebook: Codebook) -> list[Statement]:
    """ "Mr Rubio and Mr Waltz" → a statement for each; parties the codebook does not know
    ("its European allies") are left out when at least one party is known."""
    if not statement.speaker or codebook.actor_named(statement.speaker) is not None:
        return [statement]
    parts = [p for p in JOINT.split(statement.speaker) if p.strip()]
    if len(parts) < 2:
        return [statement]
    known = [entry for entry in (_party(part, codebook) for part in parts) if entry is not None]
    if not known:
        return [statement]
    # Each party speaks under its own name; the joint phrase ("Mr Rubio and Mr Waltz") is no
    # party's role.
    return [
        replace(
            statement,
            speaker=entry.name,
            speaker_kind=entry.kind,
            speaker_new=False,
            speaker_role=None,
            speaker_text=statement.speaker_text or statement.speaker,
        )
        for entry in dict.fromkeys(known)
    ]


def _party(text: str, codebook: Codebook) -> ActorEntry | None:
    words = [w for w in text.strip(" .").split() if w.lower() not in PARTY_FILLERS]
    for start in range(len(words)):  # "US President Donald Trump" → "Donald Trump" → "Trump"
        entry = codebook.actor_named(" ".join(words[start:]))
        if entry is not None:
            return entry
    return None


def _whole_role(role: str | None) -> str | None:
    """A role as the article gives it ("Finland's president"), never a fragment of one ("'s",
    "Finland's", "Mr.", "Ukraine -")."""
    if role is None:
        return None
    cleaned = role.strip(" -–—,:;")
    if cleaned.count("(") > cleaned.count(")"):
        cleaned = cleaned.rsplit("(", 1)[0].strip(" ,")  # "… Direct Investment Fund (RDIF"
    words = cleaned.split()
    if (
        not words
        or cleaned.lower().rstrip(".") in HONORIFICS
        or cleaned.endswith(("'s", "’s", "'", "’"))
        or words[0].lower() in ("in", "at", "from", "of", "on", "by", "for", "with")
        or cleaned.lower() in REFLEXIVES
        or not any(ch.isalpha() for ch in cleaned)
    ):
        return None
    return cleaned


def _describe_unnamed_speaker(statement: Statement) -> None:
    if statement.speaker is not None or not statement.speaker_role:
        return
    description = statement.speaker_role.strip()
    if not JOINT.search(description):
        description = description.split(",")[0].strip()
    while description.split(" ", 1)[0].lower() in QUANTIFIERS and " " in description:
        description = description.split(" ", 1)[1]  # "many European leaders", "two officials"
    words = description.lower().split()
    joint = bool(JOINT.search(description))
    if not words or words[0] in DEMONSTRATIVES:
        return
    if len(words) > MAX_DESCRIPTION_WORDS and not joint:
        return
    if _says_nobody(words) or not any(ch.isalpha() for ch in description):
        return  # "sources", "two officials familiar with the talks": the article says not whose
    statement.speaker = description[0].upper() + description[1:]
    statement.speaker_new = True
    statement.speaker_kind = "group" if words[-1].endswith("s") else "person"
