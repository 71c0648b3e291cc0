"""Conditional positions: whether a claim sets terms ("only if", "once … would", "not … until",
"yes, but … must", terms set on a deal) rather than assessing a hypothetical ("it would be a
tragedy if …") or fearing an outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from app.extraction.cues import (
    a_prospect,
    cue,
    demands,
    is_volition,
    negated,
    prospective,
    valence,
)
from app.extraction.lexicon import CONDITIONAL_MARKERS

CONDITIONAL = re.compile(
    r"(?<!\bfor )\b(?:" + "|".join(re.escape(marker) for marker in CONDITIONAL_MARKERS) + r")\b",
    re.IGNORECASE,
)  # "for as long as it takes" is a pledge without end, not a condition
# "if" opening a condition on the claim ("if Russia withdraws, we will talk").
IF_CLAUSE = re.compile(
    r"(?:^|[,;]\s*|\bbut\s+)if\b|\bif\s+\w+\s+(?:agree|accept|withdraw|stop|end|pull)",
    re.IGNORECASE,
)
CONDITION_MARKS = {"if", "unless", "once"}
DEAL_NOUNS = {"deal", "agreement", "settlement", "accord", "treaty", "ceasefire", "truce", "peace"}
FEAR_VERBS = {"fear", "worry"}
# Nouns in the sentence around a claim that present it as someone's terms.
CONDITION_NOUNS = {"condition", "precondition", "prerequisite"}


def _first_sentence(claim: Span) -> Span:
    sentence = claim[0].sent
    return claim.doc[claim.start : min(claim.end, sentence.end)]


def _conditioned_clause(claim: Span) -> Token | None:
    """The predicate that an "if" / "once" / "unless" clause conditions, in the claim's first
    sentence (later sentences of a long quote argue; they rarely state the position)."""
    for token in _first_sentence(claim):
        if token.lower_ not in CONDITION_MARKS or not _marks_a_clause(token):
            continue
        clause = token.head
        if clause.dep_ != "advcl" or clause.head.i == clause.i:
            continue
        main = clause.head
        if token.lower_ == "once" and not prospective(main):
            continue  # "once the talks ended, he left": a time, not a condition
        return clause
    return None


def _marks_a_clause(token: Token) -> bool:
    """ "if", "unless", "once" opening an adverbial clause (the parser hangs "once" on it as an
    adverb as often as a marker)."""
    return token.dep_ == "mark" or (
        token.lower_ == "once" and token.dep_ == "advmod" and token.head.dep_ == "advcl"
    )


def _evaluative(verb: Token) -> bool:
    """ "It would be very disappointing if …", "there are great opportunities if …": the
    condition frames an assessment, not the speaker's terms."""
    if verb.pos_ == "ADJ":
        return not is_volition(verb)
    if verb.lemma_ != "be":
        return False
    return any(
        (child.dep_ == "acomp" and not is_volition(child))
        or (child.dep_ == "expl" and child.lower_ == "there")
        or (child.dep_ == "attr" and valence(child.text) != 0.0)  # "a tragedy", "a mistake"
        for child in verb.children
    )


def _held_until(claim: Span) -> bool:
    """ "Sanctions should not be eased until peace is established": a negated act with a term."""
    for token in claim:
        if token.lower_ != "until" or token.dep_ not in ("mark", "prep"):
            continue
        act = token.head.head if token.dep_ == "mark" else token.head
        if negated(act) or _refused_object(act):
            return True
    return False


def _refused_object(act: Token) -> bool:
    """ "saw no point in a meeting until …": the act is denied through its object."""
    return any(
        child.dep_ == "dobj" and any(g.lower_ == "no" and g.dep_ == "det" for g in child.children)
        for child in act.children
    )


def _yes_but(claim: Span) -> bool:
    """ "We agree with the proposals, but the truce must lead to lasting peace": acceptance
    qualified by a demand is a conditional position."""
    buts = [t for t in claim if t.lower_ == "but" and t.dep_ == "cc"]
    for but in buts:
        first, second = but.head, next((c for c in but.head.children if c.dep_ == "conj"), None)
        if second is None or second.i < but.i:
            continue
        agrees = cue(first) > 0 and not negated(first)
        insists = any(demands(t) for t in second.subtree)
        if agrees and insists:
            return True
    return False


def _but_then_demands(claim: Span) -> bool:
    """ "said a deal was possible but that Ukraine must first leave the Donbas": the parser's
    second clause, cut off as a claim of its own, qualifies this one with a demand."""
    root = claim.root
    if negated(root) or not any(c.dep_ == "cc" and c.lower_ == "but" for c in root.children):
        return False
    return any(
        child.dep_ == "conj" and child.i >= claim.end and any(demands(t) for t in child.subtree)
        for child in root.children
    )


INSISTING_VERBS = {"insist", "demand", "require"}


def _but_then_insists(verb: Token) -> bool:
    """ "said Russia was ready for talks but insisted that Kyiv withdraw first": the speaker's
    next verb sets terms on what the first one offered."""
    if not any(c.dep_ == "cc" and c.lower_ == "but" for c in verb.children):
        return False
    return any(
        child.dep_ == "conj" and child.i > verb.i and child.lemma_.lower() in INSISTING_VERBS
        for child in verb.children
    )


def _after_a_prospect(claim: Span) -> bool:
    """ "European troops could deploy after a ceasefire", "Russia would halt its offensive after
    Kyiv withdraws" (ANNOTATION.md: "after Kyiv withdraws" states a condition)."""
    for token in _first_sentence(claim):
        if token.lower_ != "after" or token.dep_ not in ("prep", "mark"):
            continue
        if any(c.tag_ in ("WDT", "WP") for c in token.children):
            continue  # "…, after which we will coordinate": what comes next, not terms
        main = token.head.head if token.dep_ == "mark" else token.head
        if claim.start <= main.i < claim.end and main.pos_ in ("VERB", "AUX") and a_prospect(main):
            return True
    return False


def _requires_of_a_deal(claim: Span) -> bool:
    """ "Any peace deal would require a withdrawal", "a final agreement would have to be
    approved by the presidents": terms set on an agreement are conditions."""
    for token in _first_sentence(claim):
        if token.dep_ not in ("nsubj", "nsubjpass") or token.lemma_.lower() not in DEAL_NOUNS:
            continue
        predicate = token.head
        if predicate.lemma_.lower() in ("require", "depend", "hinge") or demands(predicate):
            return True
        if predicate.lemma_ == "be" and token.dep_ == "nsubj":
            continue  # "a ceasefire should be the starting point": a proposal, not terms
        if any(demands(child) for child in predicate.children if child.dep_ == "aux"):
            return True
    return False


def _necessary_before(claim: Span) -> bool:
    """ "Before an agreement can be reached, it is necessary to …": a demand that must be met
    first is a condition."""
    for token in _first_sentence(claim):
        if token.lower_ == "before" and token.dep_ == "mark" and token.head.dep_ == "advcl":
            main = token.head.head
            necessity = any(
                child.lower_ in ("necessary", "essential", "vital", "needed", "required")
                for child in main.children
            )
            if necessity or demands(main) or any(demands(c) for c in main.children):
                return True
    return False


def _framed_as_terms(claim: Span) -> bool:
    """ "As prerequisites for a truce, Ukraine must …", "Moscow set out its conditions: …": the
    sentence presents the claim as somebody's terms."""
    sentence = claim[0].sent
    return any(
        token.lemma_.lower() in CONDITION_NOUNS
        for token in sentence
        if not (claim.start <= token.i < claim.end)
    )


@dataclass(frozen=True)
class Condition:
    """``binding``: the claim states terms (stance ``conditional``). ``hypothetical``: the "if"
    clause of an assessment ("it would be a tragedy if …"), to be weighed apart."""

    binding: bool
    hypothetical: Token | None = None


def find_condition(claim: Span, governing_verb: Token | None) -> Condition:
    fearful = governing_verb is not None and governing_verb.lemma_.lower() in FEAR_VERBS
    # "allies fear that if Russia wins, it will threaten them": a feared outcome, not terms.
    condition = None if fearful else _conditioned_clause(claim)
    hypothetical = condition is not None and _evaluative(condition.head)
    binding = (
        bool(CONDITIONAL.search(claim.text))
        or (condition is not None and not hypothetical)
        or (
            condition is None
            and not fearful
            and IF_CLAUSE.search(_first_sentence(claim).text) is not None
        )
        or _held_until(claim)
        or _yes_but(claim)
        or _but_then_demands(claim)
        or _after_a_prospect(claim)
        or (governing_verb is not None and _but_then_insists(governing_verb))
        or _framed_as_terms(claim)
        or _requires_of_a_deal(claim)
        or _necessary_before(claim)
    )
    return Condition(binding, condition if hypothetical and not binding else None)
