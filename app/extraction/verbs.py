"""What a verb is doing: speaking, holding an attitude, finite or passive, reporting a
second speech act ("…, adding that") or a second speaker's ("…, while Moscow claimed").
"""

from __future__ import annotations

from spacy.tokens import Token

from app.extraction.lexicon import (
    ATTITUDE_VERBS,
    COMMUNICATION_VERBS,
    ONGOING_VERBS,
)

SUBJECT_DEPS = ("nsubj", "nsubjpass")


FINITE_TAGS = {"VBD", "VBZ", "VBP"}


CONTRAST_MARKS = {"while", "whereas"}


# "keep requesting", "continue demanding", "stop saying": the -ing verb is the clause's own.
ASPECT_VERBS = ONGOING_VERBS | {"stop", "start", "begin", "quit"}


def is_communication_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in COMMUNICATION_VERBS


def holds_attitude(token: Token) -> bool:
    """ "European leaders fear that …", "Kyiv hopes the talks …": an attitude with a claim of
    its own is attributed like speech (the gold convention's "attributed attitudes")."""
    return (
        token.pos_ == "VERB"
        and token.lemma_.lower() in ATTITUDE_VERBS
        and any(child.dep_ == "ccomp" for child in token.children)
        and not any(child.dep_ == "neg" for child in token.children)
    )


def is_passive(verb: Token) -> bool:
    return any(child.dep_ == "auxpass" for child in verb.children)


def is_finite(verb: Token) -> bool:
    if verb.tag_ in FINITE_TAGS:
        return True
    # "had told", "has said": a perfect is finite through its auxiliary.
    return verb.tag_ == "VBN" and any(
        child.dep_ == "aux" and child.tag_ in FINITE_TAGS and child.lemma_ == "have"
        for child in verb.children
    )


def ongoing_head(verb: Token) -> Token | None:
    """ "continues" for "demand" in "Kyiv continues to demand weapons" / "keeps requesting"."""
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ONGOING_VERBS:
        return verb.head
    return None


def is_reporting_participle(token: Token) -> bool:
    """ "…, adding that", "…, maintaining that": a second speech act by the same speaker."""
    return (
        token.tag_ == "VBG"
        and token.lemma_.lower() in COMMUNICATION_VERBS
        and not any(child.dep_ in SUBJECT_DEPS for child in token.children)
        and not (token.dep_ == "xcomp" and token.head.lemma_.lower() in ASPECT_VERBS)
    )


def is_absolute_speech(token: Token) -> bool:
    """ "…, with the White House suggesting that …" / "…, while Moscow claimed that …": a second
    speaker's speech act attached to the sentence, not part of the first speaker's claim."""
    if token.lemma_.lower() not in COMMUNICATION_VERBS or not any(
        child.dep_ in SUBJECT_DEPS for child in token.children
    ):
        return False
    if token.tag_ == "VBG" and token.head.lower_ == "with":
        return True
    return token.dep_ == "advcl" and any(
        child.dep_ == "mark" and child.lower_ in CONTRAST_MARKS for child in token.children
    )
