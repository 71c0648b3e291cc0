"""Stance: whether a statement supports, opposes, conditions or merely describes its issue.

A claim that sets terms is ``conditional`` (``conditions.py``). Otherwise cues decide: the
governing verb ("rejected", "urged", "spoke in favour of"), the claim's own predicate ("is ready
to", "will not accept", "must", "the only way"), negation, which flips a cue and silences what it
governs ("did not rule out" supports), ending verbs ("end the war"), and the valence of the
evaluative words (``cues.py``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Span, Token

from app.extraction.claims import asked_for
from app.extraction.conditions import find_condition
from app.extraction.cues import (
    EPISTEMIC_VERBS,
    commits,
    cue,
    demands,
    excessive,
    in_favour_of,
    negated,
    refusal,
    valence,
)
from app.extraction.lexicon import DIPLOMATIC_VALENCE, PROPOSAL_VERBS
from app.vocabulary import Stance

VALENCE_WEIGHT = 1.5
REFUSAL_WEIGHT = 0.75
ENDING_VERBS = {
    "end",
    "stop",
    "halt",
    "cease",
    "finish",
    "remove",
    "eliminate",
    "resolve",
    "overcome",
    "narrow",
    "address",
}
GOVERNED_DEPS = ("dobj", "xcomp", "pobj", "ccomp", "nsubjpass")
PRETENCE_VERBS = {"pretend", "feign", "fake", "imitate"}
TARGET_DEPS = ("dobj", "pobj", "attr", "xcomp", "nsubjpass")
NOUN_CUES = {
    **dict.fromkeys(
        """offer demand proposal call pledge promise commitment readiness willingness threat
        intention request insistence hope""".split(),
        1.0,
    ),
    **dict.fromkeys("refusal rejection denial opposition".split(), -1.0),
}


@dataclass(frozen=True)
class StanceResult:
    stance: str
    target: str | None
    score: float


def _ended(span: Span) -> set[int]:
    """Tokens whose own valence would mislead: what an ending verb governs ("end the war" is for
    peace, whatever "war" weighs), what a pretence verb governs ("pretending to pursue peace"),
    and what a negated cue governs ("doesn't want … peace": the cue has decided already)."""
    ended: set[int] = set()
    for token in span:
        denied = cue(token) != 0.0 and negated(token)
        governs = (
            token.lemma_.lower() in ENDING_VERBS | PRETENCE_VERBS | {"lack"} or excessive(token)
        ) or denied
        if governs:
            deps = (*GOVERNED_DEPS, "prep") if denied else GOVERNED_DEPS
            for child in token.children:
                if child.dep_ in deps:
                    ended.update(t.i for t in child.subtree)
    return ended


def _predicate_polarity(span: Span, skip: set[int] | None = None) -> float:
    """Cues inside the claim, each flipped by its own negation."""
    score = 0.0
    governed = _ended(span) | (skip or set())
    for token in span:
        if token.i in governed:
            continue
        if token.lemma_.lower() in ENDING_VERBS and any(
            c.dep_ in ("dobj", "xcomp", "nsubjpass") for c in token.children
        ):
            score += -0.75 if negated(token) else 0.75
            continue
        if token.lemma_.lower() in PRETENCE_VERBS:
            score -= 1.0
            continue
        direction = cue(token)
        if direction == 0.0 and commits(token):
            direction = 1.0
        if direction == 0.0 and demands(token):
            direction = 1.0
        if direction == 0.0:
            bare_negation = token.lower_ == "never" or (
                token.dep_ == "neg"
                and token.head.pos_ in ("VERB", "AUX", "ADJ")
                and refusal(token.head)
            )
            # "would make no concessions": a refusal through the object.
            refused_object = (
                token.lower_ == "no"
                and token.dep_ == "det"
                and token.head.dep_ == "dobj"
                and refusal(token.head.head)
            )
            # A refusal ("will not", "cannot", "never") counts against the claim's action; a
            # negated past event ("the meeting did not proceed") only describes.
            refused = (bare_negation and cue(token.head) == 0.0) or (
                refused_object and cue(token.head.head) == 0.0
            )
            if refused:
                score -= REFUSAL_WEIGHT
            continue
        flips = negated(token) and not (
            token.lemma_.lower() in EPISTEMIC_VERBS or token.lemma_.lower() == "time"
        )
        score += -direction if flips else direction
    return score


def _target(span: Span, issue_words: set[str]) -> str | None:
    """A short phrase the stance is about: the object of the claim's predicate, or an issue noun."""
    doc = span.doc
    if "noun_chunks" not in doc.user_data:
        # Span.noun_chunks walks the whole document each time: find the chunks once per doc.
        doc.user_data["noun_chunks"] = [(c.start, c.end) for c in doc.noun_chunks]
    chunks = doc.user_data["noun_chunks"]  # in order of position, not overlapping
    for position in range(bisect_left(chunks, (span.start,)), len(chunks)):
        start, end = chunks[position]
        if start >= span.end:
            break
        if end > span.end:
            continue
        chunk = doc[start:end]
        if any(t.lemma_.lower() in issue_words or t.lower_ in issue_words for t in chunk):
            return chunk.text
    root = span.root
    for child in root.children:
        if child.dep_ in TARGET_DEPS and child.i >= span.start and child.i < span.end:
            subtree = [t for t in child.subtree if span.start <= t.i < span.end]
            if 0 < len(subtree) <= 10:
                return span.doc[subtree[0].i : subtree[-1].i + 1].text
    return None


def _evaluates(token: Token, topics: set[str]) -> bool:
    """Whether a word's valence speaks for the speaker's view. The issues' own words name the
    topic ("peace talks", "war", "security") and say nothing of the speaker's view of it,
    unless the diplomatic lexicon marks them ("ultimatum", "sham", "provocation")."""
    if token.pos_ in ("NOUN", "PROPN") and (
        token.lemma_.lower() in topics or token.lower_ in topics
    ):
        return token.lower_ in DIPLOMATIC_VALENCE or token.lemma_.lower() in DIPLOMATIC_VALENCE
    return True


def _score(claim: Span, skip: set[int], topics: set[str]) -> float:
    """Cues and valence of the claim's words, leaving out ``skip``."""
    if skip:
        tokens = [t for t in claim if t.i not in skip]
        if not tokens:
            return 0.0
        part = claim.doc[tokens[0].i : tokens[-1].i + 1]
        ended = _ended(part) | skip
    else:
        part = claim
        ended = _ended(claim)
    weighed = "".join(t.text_with_ws for t in part if t.i not in ended and _evaluates(t, topics))
    cues = _predicate_polarity(part, skip)
    # Explicit cues ("will not accept") say more than the general tone of the words.
    weight = VALENCE_WEIGHT if abs(cues) < 0.75 else VALENCE_WEIGHT / 2
    return cues + weight * valence(weighed)


def _sided_preposition(verb: Token, claim: Span) -> float:
    for child in verb.children:
        if child.dep_ != "prep" or not (child.i < claim.start <= child.i + 3):
            continue
        if child.lower_ == "against":
            return -1.0
        if in_favour_of(child):
            return 1.0
    return 0.0


def _reports_a_proposition(verb: Token, claim: Span) -> bool:
    if verb.lemma_.lower() in PROPOSAL_VERBS and not any(
        child.lower_ in ("whether", "if") for child in verb.subtree
    ):
        return False
    # "announced that the meeting was postponed, and that talks would continue": the second
    # clause hangs on the first.
    return any(
        child.dep_ == "ccomp"
        and any(claim.start <= t.i < claim.end for t in (child, *child.conjuncts))
        for child in verb.children
    )


def classify(claim: Span, governing_verb: Token | None, issue_words: set[str]) -> StanceResult:
    """Stance of one statement; ``claim`` is its span in the parse, ``governing_verb`` the verb
    that reported it (None for quotes attributed by proximity)."""
    condition = find_condition(claim, governing_verb)
    if condition.binding:
        return StanceResult(Stance.conditional, _target(claim, issue_words), 0.0)
    if condition.hypothetical is not None:
        supposition = condition.hypothetical
        assessed = _score(claim, {t.i for t in supposition.subtree}, issue_words)
        supposed = _predicate_polarity(
            claim.doc[supposition.left_edge.i : supposition.right_edge.i + 1]
        )
        # "It would be disappointing if Russia rejected the truce": regretting a refusal
        # argues for the thing refused.
        score = -assessed if assessed < -0.5 and supposed < 0 else assessed
    else:
        score = _score(claim, set(), issue_words)
    if governing_verb is not None:
        framing = _governing_cue(governing_verb, claim)
        if framing:
            # The governing verb frames the claim ("rejected X"): it outweighs cues inside.
            score = framing * 2 + (score if framing > 0 else 0.0)
    if score > 0.5:
        stance = Stance.supports
    elif score < -0.5:
        stance = Stance.opposes
    else:
        stance = Stance.neutral
    target = _target(claim, issue_words) if stance != Stance.neutral else None
    return StanceResult(stance, target, score)


def _naming_call(verb: Token) -> bool:
    """ "called it “another attempt to …”" names; "called for …", "called on X to …" asks."""
    if verb.lemma_.lower() != "call" or verb.pos_ != "VERB":
        return False
    return not any(
        (child.dep_ == "prep" and child.lower_ in ("for", "on")) or child.dep_ == "xcomp"
        for child in verb.children
    )


def _governing_cue(verb: Token, claim: Span) -> float:
    """What the verb that reports the claim says of it: "rejected" -1, "urged" +1, "said" 0."""
    direction = cue(verb)
    sided = _sided_preposition(verb, claim)
    if sided:
        direction = sided  # "spoke in favor of …", "argued against …"
    if verb.pos_ == "NOUN":
        # "Trump's threat to impose tariffs", "Kyiv's refusal to cede land"
        direction = NOUN_CUES.get(verb.lemma_.lower(), 0.0)
    if verb.lemma_.lower() in ("say", "tell", "state", "add", "note"):
        direction = 0.0
    if asked_for(verb) is not None:
        direction = 1.0  # "asked Trump for more air defence": a request backs what it asks
    if any(child.dep_ == "oprd" for child in verb.children) or _naming_call(verb):
        direction = 0.0  # "called the demands “absurd”": naming; what it is called decides
    if direction > 0 and _reports_a_proposition(verb, claim):
        # "agreed that now is not the time to …": agreeing that something is so is not
        # backing it; what the clause says decides.
        direction = 0.0
    return -direction if direction and negated(verb) else direction
