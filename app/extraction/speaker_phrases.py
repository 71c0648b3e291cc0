"""A speaker's noun phrase as written: its extent, the name in it, the role it gives, and
whether it names a news outlet or no one in particular.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from app.extraction.codebook import Codebook
from app.extraction.lexicon import (
    NEWS_OUTLETS,
    NEWS_WORDS,
)
from app.extraction.types import Speaker

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP"}


# Phrase-internal dependencies that still belong to the speaker's noun phrase.
PHRASE_DEPS = {
    "compound",
    "amod",
    "det",
    "poss",
    "case",
    "appos",
    "nmod",
    "punct",
    "prep",
    "pobj",
    "cc",
    "conj",
    "nummod",
    "flat",
}


CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp"}


def _hyphenated(token: Token) -> bool:
    """A word or hyphen glued to the next word by a hyphen ("long" and "-" of "long-standing")."""
    doc = token.doc
    if token.text == "-":
        return not token.whitespace_ and token.i > 0 and not doc[token.i - 1].whitespace_
    return token.i + 1 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_


def noun_phrase(head: Token) -> Span:
    """The head with its phrase-internal dependents, stopping at clauses."""
    tokens = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if _hyphenated(child):
                tokens.append(child)  # "long-standing": "long" and "-" belong to "standing"
                continue
            if child.dep_ in CLAUSE_DEPS or child.dep_ not in PHRASE_DEPS:
                continue
            if child.dep_ == "punct" and child.text not in ",":
                continue
            tokens.append(child)
            stack.append(child)
    left = min(t.i for t in tokens)
    # A comma closing a clause the phrase skips ("European leaders, who were not at the
    # table, have said") does not stretch the phrase over that clause.
    right = max(t.i for t in tokens if not t.is_punct or t.i < head.i)
    return head.doc[left : right + 1]


def clean_name(text: str) -> str:
    text = re.sub(r"['’]s$", "", text.strip())
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return text.strip(" ,.;:\"“”‘’'")


def role_text(phrase: Span, entity: Span) -> str | None:
    """What the phrase says besides the name: "U.K. Foreign Secretary" for "… Yvette Cooper"."""
    doc = phrase.doc
    before = (
        doc[phrase.start : entity.start].text.strip(" ,") if entity.start > phrase.start else ""
    )
    after = doc[entity.end : phrase.end].text.strip(" ,") if entity.end < phrase.end else ""
    role = before or after
    role = strip_determiner(role)
    if not role or not any(ch.isalpha() for ch in role) or len(role.split()) > 8:
        return None
    return role


def strip_determiner(text: str) -> str:
    return re.sub(r"^(?:the|a|an)(?:\s+|$)", "", text.strip(" ,"), flags=re.IGNORECASE)


def role_scope(head: Token, phrase: Span) -> Span:
    """The part of the phrase that can name a role: up to the head (and its 'of ...' tail)."""
    right = head.i
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            right = max(right, max(t.i for t in child.subtree))
    return head.doc[phrase.start : right + 1]


# What may stand between "the" and a role noun that points back at the person just named.
RANKS = frozenset("senior top chief veteran".split())


def definite_singular(head: Token, phrase: Span) -> bool:
    """ "the minister", "the senior diplomat": no name, no country, no modifier but a rank."""
    words = [t for t in phrase if not t.is_punct]
    return (
        len(words) >= 2
        and words[0].lower_ == "the"
        and words[-1].i == head.i
        and head.tag_ == "NN"
        and all(t.lower_ in RANKS for t in words[1:-1])
    )


def is_news_outlet(name: str | None, codebook: Codebook) -> bool:
    """ "Bloomberg", "The Financial Times", "RIA Novosti", "Kyiv Independent": a known outlet,
    or a name the codebook does not know that reads like one."""
    if not name:
        return False
    words = name.lower().removeprefix("the ").split()
    if not words:
        return False
    if " ".join(words) in NEWS_OUTLETS or words[0] in NEWS_OUTLETS:
        return True
    return codebook.actor_named(name) is None and len(words) >= 2 and words[-1] in NEWS_WORDS


def unnamed(phrase: str) -> Speaker:
    """A speaker the text does not name ("officials", "Ukraine and its allies")."""
    return Speaker(
        name=None, kind="group", text=phrase, role=strip_determiner(phrase), how="unnamed"
    )
