"""Speech inside speech: whether "Putin told Witkoff that …" inside another speaker's claim is a
statement of its own (the outer speaker presents it as having happened) or part of that claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from app.extraction.lexicon import (
    ATTITUDE_VERBS,
)
from app.extraction.verbs import (
    SUBJECT_DEPS,
    is_absolute_speech,
    is_finite,
    is_reporting_participle,
    ongoing_head,
)

if TYPE_CHECKING:
    from app.extraction.speech_acts import Attribution


# Outer verbs that cast doubt on what they report: "denied that Putin had offered …".
DOUBTING_VERBS = {"deny", "dismiss", "reject", "refute", "dispute", "question", "doubt", "rebuff"}


def outermost(attributions: list[Attribution]) -> list[Attribution]:
    """Speech reported inside another claim belongs to the outer speaker's claim ("Peskov said
    it was wrong to say Putin rejected the plan"), unless the outer speaker presents it as having
    happened ("The FT reported that Putin told Witkoff that …"): then it is a statement too."""
    kept = []
    for attribution, outer in zip(attributions, _enclosing(attributions), strict=True):
        anchor = attribution.anchor
        if (
            not outer
            or is_reporting_participle(anchor)
            or is_absolute_speech(anchor)
            # "dismissed Trump's threat to impose tariffs": the possessive takes the threat
            # as made, whatever the outer speaker thinks of it.
            or anchor.pos_ == "NOUN"
            or _asserted_by_all(attribution, outer)
        ):
            kept.append(attribution)
    return kept


def _asserted_by_all(attribution: Attribution, outer: list[Attribution]) -> bool:
    """Whether every outer speaker, each someone else, presents this speech as having happened."""
    name = attribution.speaker.name
    if name is None or any(other.speaker.name == name for other in outer):
        return False
    chain = _assertion_chain(attribution.anchor)
    return all(_reports_as_happened(other.anchor, attribution.anchor, chain) for other in outer)


def _enclosing(attributions: list[Attribution]) -> list[list[Attribution]]:
    """For each attribution, the others whose claim holds its anchor, in list order. One sweep
    by anchor position: a claim joins when its start is reached, leaves once passed."""
    claims = sorted(
        (attribution.claim[0], attribution.claim[1], order)
        for order, attribution in enumerate(attributions)
        if attribution.claim is not None
    )
    found: list[list[Attribution]] = [[] for _ in attributions]
    active: list[tuple[int, int, int]] = []
    added = 0
    for order in sorted(range(len(attributions)), key=lambda k: attributions[k].anchor.i):
        anchor = attributions[order].anchor.i
        while added < len(claims) and claims[added][0] <= anchor:
            active.append(claims[added])
            added += 1
        active = [claim for claim in active if anchor < claim[1]]
        found[order] = [
            attributions[k] for _s, _e, k in sorted(active, key=lambda c: c[2]) if k != order
        ]
    return found


def _reports_as_happened(outer: Token, inner: Token, chain: set[int] | None) -> bool:
    """Whether the outer speech act asserts that the inner one took place: a finite inner verb
    reached from the outer one through complement clauses only, and nothing negated or doubted
    on the way ("said Putin told him" yes; "denied Putin said", "wrong to say" no). ``chain``
    is ``_assertion_chain(inner)``, worked out once for all the outer verbs."""
    if inner.lemma_.lower() in ATTITUDE_VERBS:
        return False  # "suggested that Russia believes …": the outer speaker's reading of minds
    if outer.lower_ == "according":
        # "X told Y that …, according to a statement": the source vouches for X's words.
        return is_finite(inner) and not any(child.dep_ == "neg" for child in inner.children)
    if outer.pos_ not in ("VERB", "AUX") or outer.lemma_.lower() in DOUBTING_VERBS:
        return False
    if chain is None or outer.i not in chain:
        return False
    return not any(child.dep_ == "neg" for child in outer.children)


def _assertion_chain(inner: Token) -> set[int] | None:
    """The verbs that can assert ``inner`` took place: its clause, then each head above it
    through complement clauses, up to the first clause that is negated or not a complement.
    None when the clause is not finite with a subject of its own."""
    clause = ongoing_head(inner) or inner  # "Kyiv continues to demand": "continues" is finite
    if not is_finite(clause) or not any(child.dep_ in SUBJECT_DEPS for child in clause.children):
        return None  # a verb sharing the outer clause's subject is that clause's own action
    chain = {clause.i}
    current = clause
    while (
        current.dep_ in ("ccomp", "conj")
        and current.head.i != current.i
        and not any(child.dep_ == "neg" for child in current.children)
    ):
        current = current.head
        chain.add(current.i)
    return chain
