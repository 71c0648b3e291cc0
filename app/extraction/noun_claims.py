"""What a speech or position noun carries: "the view that …", "a call for a ceasefire", "a
threat to impose tariffs"."""

from __future__ import annotations

from spacy.tokens import Token


def that_clause(noun: Token) -> Token | None:
    """The "that …" clause a noun carries ("the view that …", "confidence that …")."""
    return next(
        (
            child
            for child in noun.children
            if child.dep_ in ("acl", "ccomp")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in child.children)
        ),
        None,
    )


def for_object(noun: Token) -> Token | None:
    """What a demand or call is for ("call for a ceasefire")."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def infinitive_of(noun: Token) -> Token | None:
    """The "to …" clause a noun carries ("threat to impose tariffs")."""
    return next(
        (
            child
            for child in noun.children
            if child.dep_ in ("acl", "xcomp", "relcl")
            and child.pos_ in ("VERB", "AUX")
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in child.children)
        ),
        None,
    )
