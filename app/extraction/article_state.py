"""What extraction carries from one paragraph of an article to the next, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Token

from app.extraction.discourse import Discourse
from app.extraction.events import SentenceFacts
from app.extraction.occasions import Undated
from app.extraction.types import Speaker, Statement

# A list introduced by these sets out what its speaker proposes ("the plan's 28 points …:").
TERMS = re.compile(
    r"\b(?:plan|plans|proposal|proposals|points|terms|demands|conditions|draft|framework|"
    r"memorandum|offer)\b",
    re.IGNORECASE,
)

# A line that introduces someone's words or a document's points, not a list of facts ("Here is
# what happened on Sunday:"): only such a list falls to the latest speaker or the main actor.
INTRODUCES_WORDS = re.compile(
    TERMS.pattern + r"|\b(?:text|document|statement|declaration|said|says|told|stated|"
    r"listed|named|outlined|sets?\s+out)\b",
    re.IGNORECASE,
)


@dataclass
class ArticleState:
    """What extraction carries from one paragraph to the next, in one place: the discourse
    (speakers and names so far), the latest speaker, the speaker of a list being read, quotes
    left open at a paragraph's end, and the statements and sentence facts found."""

    text: str
    published: date | None
    title_tokens: list[Token]
    prior_issue: str | None
    discourse: Discourse = field(default_factory=Discourse)
    previous: Speaker | None = None
    list_speaker: Speaker | None = None  # "X named three results:" introduces the list below
    list_open: bool = False  # a colon introduced a list, and its items may follow
    list_of_words: bool = False  # the list sets out someone's words, not facts
    list_of_terms: bool = False  # the list sets out a plan's or a proposal's points
    in_terms: bool = False  # the paragraph being read is one of those points
    left_open: list[Statement] = field(default_factory=list)  # run on into the next paragraph
    statements: list[Statement] = field(default_factory=list)
    facts: list[SentenceFacts] = field(default_factory=list)
    undated: list[Undated] = field(default_factory=list)  # dated by publication, for occasions

    def read_list(self, paragraph: str, listed: bool, in_list: bool) -> None:
        """After a paragraph: whether it introduces a list (ends with a colon), whose, and
        whether the list sets out a plan's or a proposal's points; an item continues it."""
        introduces = paragraph.rstrip().endswith(":")
        if introduces or not listed:
            self.list_of_terms = introduces and bool(TERMS.search(paragraph))
        if introduces:
            # The person the line names, else the issuer of the document it refers to ("The
            # statement sets out four demands:"), else whoever spoke last, else whom the article
            # is about (a plan's points set out without its issuer named again).
            people = self.discourse.paragraph_people
            named = self.previous if self.previous is not None and self.previous.name else None
            words = bool(INTRODUCES_WORDS.search(paragraph))
            fallback = named or self.discourse.main if words else None
            self.list_speaker = (
                people[-1][1] if people else self.discourse.paragraph_issuer or fallback
            )
            self.list_of_words = words or self.list_speaker is not None
        elif not in_list:
            self.list_speaker = None
        self.list_open = introduces or in_list
