"""Stance: whether a statement supports, opposes, conditions or merely describes its issue.

Cues come from the governing verb ("rejected", "welcomed"), the claim's own predicate ("is ready
to", "will not accept", "unacceptable"), conditional connectives ("only if", "provided that"),
and negation, which flips a cue ("did not rule out" supports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from app.extraction.lexicon import (
    CONDITIONAL_MARKERS,
    DIPLOMATIC_VALENCE,
    OPPOSE_VERBS,
    OPPOSE_WORDS,
    SUPPORT_VERBS,
    SUPPORT_WORDS,
)

CONDITIONAL = re.compile(
    r"(?<!\bfor )\b(?:" + "|".join(re.escape(marker) for marker in CONDITIONAL_MARKERS) + r")\b",
    re.IGNORECASE,
)  # "for as long as it takes" is a pledge without end, not a condition
# "if" opening a condition on the claim ("if Russia withdraws, we will talk").
IF_CLAUSE = re.compile(
    r"(?:^|[,;]\s*|\bbut\s+)if\b|\bif\s+\w+\s+(?:agree|accept|withdraw|stop|end|pull)",
    re.IGNORECASE,
)
VALENCE_WEIGHT = 1.5
REFUSAL_WEIGHT = 0.75
REFUSAL_MODALS = {"will", "wo", "'ll", "shall", "can", "ca", "would"}
HEDGES = {"likely", "probably", "possibly", "perhaps", "maybe"}
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
DEMAND_MODALS = {"must", "should", "need", "have", "ought"}
FUTURE_AUX = {"will", "would", "'ll", "shall", "wo", "can", "could"}
# Verbs of giving and helping: a pledge when promised, a description when past.
PROVISION_VERBS = frozenset(
    """
    help assist provide supply deliver send give fund finance equip arm train supply support
    strengthen bolster guarantee protect defend rebuild invest contribute donate deploy
    """.split()
)
VOLITION_WORDS = frozenset(
    """
    ready willing prepared open want intend plan agree promise pledge vow commit decide offer seek
    determined eager keen
    """.split()
)
TARGET_DEPS = ("dobj", "pobj", "attr", "xcomp", "nsubjpass")
CONDITION_MARKS = {"if", "unless", "once"}
NOUN_CUES = {
    **dict.fromkeys(
        """offer demand proposal call pledge promise commitment readiness willingness threat
        intention request insistence hope""".split(),
        1.0,
    ),
    **dict.fromkeys("refusal rejection denial opposition".split(), -1.0),
}
DEAL_NOUNS = {"deal", "agreement", "settlement", "accord", "treaty", "ceasefire", "truce", "peace"}
ATTITUDE_ADJECTIVES = {
    "possible",
    "ready",
    "willing",
    "open",
    "prepared",
    "committed",
    "determined",
    "keen",
    "eager",
    "interested",
}
FEAR_VERBS = {"fear", "worry"}
EPISTEMIC_VERBS = {"believe", "trust", "think", "expect"}
# Nouns in the sentence around a claim that present it as someone's terms.
CONDITION_NOUNS = {"condition", "precondition", "prerequisite"}


@dataclass(frozen=True)
class StanceResult:
    stance: str
    target: str | None
    score: float


def _negated(token: Token) -> bool:
    if any(child.dep_ == "neg" or child.lower_ in ("never", "no") for child in token.children):
        return True
    if any(
        child.dep_ in ("nsubj", "nsubjpass") and any(g.lower_ == "neither" for g in child.children)
        for child in token.children
    ):
        return True  # "neither side will accept it"
    # "not ready to accept": the negation sits on the head of an open complement.
    head = token.head
    return (
        token.dep_ in ("xcomp", "acomp")
        and head.i != token.i
        and any(child.dep_ == "neg" for child in head.children)
    )


def _cue(token: Token) -> float:
    lemma = token.lemma_.lower()
    lower = token.lower_
    if lemma in ("rule",) and any(c.lower_ == "out" for c in token.children):
        return -1.0
    if lemma in ("stand", "side") and token.pos_ == "VERB":
        # "stands firmly with Ukraine" is solidarity; "stands against" is not.
        preps = {c.lower_ for c in token.children if c.dep_ == "prep"}
        if preps & {"with", "by", "behind"}:
            return 1.0
        if "against" in preps:
            return -1.0
    if lemma == "way" and any(c.lower_ in ("only", "best", "right") for c in token.children):
        return 1.0  # "a backstop is the only way to …"
    if lemma in ("reflect", "correspond", "match") and any(
        t.lemma_.lower() in ("reality", "truth", "fact") for t in token.subtree if t.i != token.i
    ):
        return 1.0  # so that "does not reflect reality" is a denial
    if _excessive(token):
        return -1.0  # "too early to ease sanctions"
    if lemma == "time" and token.dep_ == "attr" and _negated(token.head):
        return -1.0  # "now is not the time to lift sanctions"
    if lemma in EPISTEMIC_VERBS and token.pos_ == "VERB":
        return -1.0 if _negated(token) else 0.0  # "they do not believe this"
    if lemma in OPPOSE_VERBS and token.pos_ == "VERB":
        return -1.0
    if lemma in SUPPORT_VERBS and token.pos_ == "VERB":
        return 1.0
    if lower in OPPOSE_WORDS or lemma in OPPOSE_WORDS:
        return -1.0
    if lower in SUPPORT_WORDS and token.pos_ in ("ADJ", "VERB"):
        if token.dep_ == "amod" and lower in ATTITUDE_ADJECTIVES:
            return 0.0  # "a possible summit": an attitude only when said of someone
        return 1.0
    return 0.0


def _excessive(token: Token) -> bool:
    """ "too early to …", "too risky to …": the adjective argues against what follows."""
    return (
        token.pos_ == "ADJ"
        and any(child.lower_ == "too" for child in token.children)
        and any(child.dep_ == "xcomp" for child in token.children)
    )


def _ended(span: Span) -> set[int]:
    """Tokens whose own valence would mislead: what an ending verb governs ("end the war" is for
    peace, whatever "war" weighs), what a pretence verb governs ("pretending to pursue peace"),
    and what a negated cue governs ("doesn't want … peace": the cue has decided already)."""
    ended: set[int] = set()
    for token in span:
        denied = _cue(token) != 0.0 and _negated(token)
        governs = (
            token.lemma_.lower() in ENDING_VERBS | PRETENCE_VERBS | {"lack"} or _excessive(token)
        ) or denied
        if governs:
            deps = (*GOVERNED_DEPS, "prep") if denied else GOVERNED_DEPS
            for child in token.children:
                if child.dep_ in deps:
                    ended.update(t.i for t in child.subtree)
    return ended


def _demands(token: Token) -> bool:
    """ "must withdraw", "should take steps", "have to make sure", "need to end", "the need
    to address the root causes"."""
    if token.lower_ in DEMAND_MODALS and token.dep_ == "aux":
        return True
    if token.lemma_.lower() in ("need", "necessity") and token.pos_ == "NOUN":
        return any(child.dep_ in ("acl", "relcl", "prep") for child in token.children)
    return token.lemma_.lower() in ("have", "need") and any(
        child.dep_ == "xcomp" and any(g.lower_ == "to" for g in child.children)
        for child in token.children
    )


def _commits(token: Token) -> bool:
    """A pledge to act for the issue: a verb of giving or helping in the future or in the scope
    of a will to act ("Berlin would help Kyiv build …", "we will send more air defence", "ready
    to provide guarantees"). The same verbs in the past describe what happened."""
    if token.lemma_.lower() not in PROVISION_VERBS or token.pos_ != "VERB":
        return False
    if any(child.dep_ == "aux" and child.lower_ in FUTURE_AUX for child in token.children):
        return True
    head = token.head
    return token.dep_ == "xcomp" and head.i != token.i and _is_volition(head)


def _is_volition(token: Token) -> bool:
    return token.lemma_.lower() in VOLITION_WORDS


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
            score += -0.75 if _negated(token) else 0.75
            continue
        if token.lemma_.lower() in PRETENCE_VERBS:
            score -= 1.0
            continue
        cue = _cue(token)
        if cue == 0.0 and _commits(token):
            cue = 1.0
        if cue == 0.0 and _demands(token):
            cue = 1.0
        if cue == 0.0:
            bare_negation = token.lower_ == "never" or (
                token.dep_ == "neg"
                and token.head.pos_ in ("VERB", "AUX", "ADJ")
                and _refusal(token.head)
            )
            # "would make no concessions": a refusal through the object.
            refused_object = (
                token.lower_ == "no"
                and token.dep_ == "det"
                and token.head.dep_ == "dobj"
                and _refusal(token.head.head)
            )
            # A refusal ("will not", "cannot", "never") counts against the claim's action; a
            # negated past event ("the meeting did not proceed") only describes.
            refused = (bare_negation and _cue(token.head) == 0.0) or (
                refused_object and _cue(token.head.head) == 0.0
            )
            if refused:
                score -= REFUSAL_WEIGHT
            continue
        flips = _negated(token) and not (
            token.lemma_.lower() in EPISTEMIC_VERBS or token.lemma_.lower() == "time"
        )
        score += -cue if flips else cue
    return score


def _target(span: Span, issue_words: set[str]) -> str | None:
    """A short phrase the stance is about: the object of the claim's predicate, or an issue noun."""
    doc = span.doc
    if "noun_chunks" not in doc.user_data:
        # Span.noun_chunks walks the whole document each time: find the chunks once per doc.
        doc.user_data["noun_chunks"] = [(c.start, c.end) for c in doc.noun_chunks]
    for start, end in doc.user_data["noun_chunks"]:
        if start < span.start or end > span.end:
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


@lru_cache(maxsize=1)
def _valence() -> SentimentIntensityAnalyzer:
    """VADER's packaged lexicon, taught the valence of diplomatic vocabulary."""
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(DIPLOMATIC_VALENCE)
    return analyzer


def valence(text: str) -> float:
    """How positively the words themselves speak, from -1 to 1."""
    return float(_valence().polarity_scores(text)["compound"])


def _conditioned_clause(claim: Span) -> Token | None:
    """The predicate that an "if" / "once" / "unless" clause conditions, in the claim's first
    sentence (later sentences of a long quote argue; they rarely state the position)."""
    for token in _first_sentence(claim):
        if token.lower_ not in CONDITION_MARKS or token.dep_ != "mark":
            continue
        clause = token.head
        if clause.dep_ != "advcl" or clause.head.i == clause.i:
            continue
        main = clause.head
        if token.lower_ == "once" and not _prospective(main):
            continue  # "once the talks ended, he left": a time, not a condition
        return clause
    return None


def _first_sentence(claim: Span) -> Span:
    sentence = claim[0].sent
    return claim.doc[claim.start : min(claim.end, sentence.end)]


def _prospective(verb: Token) -> bool:
    """Future, modal or willing: "will talk", "could meet", "would be ready to hold talks"."""
    current = verb
    for _ in range(4):
        if _is_volition(current) or any(
            (child.dep_ == "aux" and child.tag_ == "MD")
            or (child.dep_ in ("acomp", "xcomp") and _is_volition(child))
            for child in current.children
        ):
            return True
        if current.dep_ not in ("xcomp", "acomp") or current.head.i == current.i:
            return False
        current = current.head
    return False


def _refusal(verb: Token) -> bool:
    """ "will not", "won't", "cannot", "would not accept": a refusal, not a hedged forecast
    ("would likely not match") or a past inability ("could not reconcile")."""
    if any(child.lower_ in HEDGES for child in verb.children):
        return False
    if _is_volition(verb) or any(
        child.dep_ in ("acomp", "xcomp") and _is_volition(child) for child in verb.children
    ):
        return True
    return any(child.dep_ == "aux" and child.lower_ in REFUSAL_MODALS for child in verb.children)


def _evaluative(verb: Token) -> bool:
    """ "It would be very disappointing if …", "there are great opportunities if …": the
    condition frames an assessment, not the speaker's terms."""
    if verb.pos_ == "ADJ":
        return not _is_volition(verb)
    if verb.lemma_ != "be":
        return False
    return any(
        (child.dep_ == "acomp" and not _is_volition(child))
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
        if _negated(act):
            return True
    return False


def _yes_but(claim: Span) -> bool:
    """ "We agree with the proposals, but the truce must lead to lasting peace": acceptance
    qualified by a demand is a conditional position."""
    buts = [t for t in claim if t.lower_ == "but" and t.dep_ == "cc"]
    for but in buts:
        first, second = but.head, next((c for c in but.head.children if c.dep_ == "conj"), None)
        if second is None or second.i < but.i:
            continue
        agrees = _cue(first) > 0 and not _negated(first)
        demands = any(_demands(t) for t in second.subtree)
        if agrees and demands:
            return True
    return False


def _evaluates(token: Token, topics: set[str]) -> bool:
    """Whether a word's valence speaks for the speaker's view. The issues' own words name the
    topic ("peace talks", "war", "security") and say nothing of the speaker's view of it,
    unless the diplomatic lexicon marks them ("ultimatum", "sham", "provocation")."""
    if token.pos_ in ("NOUN", "PROPN") and (
        token.lemma_.lower() in topics or token.lower_ in topics
    ):
        return token.lower_ in DIPLOMATIC_VALENCE or token.lemma_.lower() in DIPLOMATIC_VALENCE
    return True


def _requires_of_a_deal(claim: Span) -> bool:
    """ "Any peace deal would require a withdrawal", "a final agreement would have to be
    approved by the presidents": terms set on an agreement are conditions."""
    for token in _first_sentence(claim):
        if token.dep_ not in ("nsubj", "nsubjpass") or token.lemma_.lower() not in DEAL_NOUNS:
            continue
        predicate = token.head
        if predicate.lemma_.lower() in ("require", "depend", "hinge") or _demands(predicate):
            return True
        if predicate.lemma_ == "be" and token.dep_ == "nsubj":
            continue  # "a ceasefire should be the starting point": a proposal, not terms
        if any(
            _demands(child) or child.lower_ in ("must", "should")
            for child in predicate.children
            if child.dep_ in ("aux", "auxpass")
        ):
            return True
    return False


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
        following = [t.lower_ for t in verb.doc[child.i + 1 : child.i + 3]]
        if child.lower_ == "in" and following in (["favor", "of"], ["favour", "of"]):
            return 1.0
    return 0.0


def _reports_a_proposition(verb: Token, claim: Span) -> bool:
    return any(
        child.dep_ == "ccomp" and claim.start <= child.i < claim.end for child in verb.children
    )


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
            if necessity or _demands(main) or any(_demands(c) for c in main.children):
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


def classify(claim: Span, governing_verb: Token | None, issue_words: set[str]) -> StanceResult:
    """Stance of one statement; ``claim`` is its span in the parse, ``governing_verb`` the verb
    that reported it (None for quotes attributed by proximity)."""
    text = claim.text
    fearful = governing_verb is not None and governing_verb.lemma_.lower() in FEAR_VERBS
    # "allies fear that if Russia wins, it will threaten them": a feared outcome, not terms.
    condition = None if fearful else _conditioned_clause(claim)
    hypothetical = condition is not None and _evaluative(condition.head)
    if (
        CONDITIONAL.search(text)
        or (condition is not None and not hypothetical)
        or (condition is None and not fearful and IF_CLAUSE.search(_first_sentence(claim).text))
        or _held_until(claim)
        or _yes_but(claim)
        or _framed_as_terms(claim)
        or _requires_of_a_deal(claim)
        or _necessary_before(claim)
    ):
        return StanceResult("conditional", _target(claim, issue_words), 0.0)
    if hypothetical and condition is not None:
        inside = {t.i for t in condition.subtree}
        assessed = _score(claim, inside, issue_words)
        supposed = _predicate_polarity(
            claim.doc[condition.left_edge.i : condition.right_edge.i + 1]
        )
        # "It would be disappointing if Russia rejected the truce": regretting a refusal
        # argues for the thing refused.
        score = -assessed if assessed < -0.5 and supposed < 0 else assessed
    else:
        score = _score(claim, set(), issue_words)
    if governing_verb is not None:
        cue = _cue(governing_verb)
        sided = _sided_preposition(governing_verb, claim)
        if sided:
            cue = sided  # "spoke in favor of …", "argued against …"
        if governing_verb.pos_ == "NOUN":
            # "Trump's threat to impose tariffs", "Kyiv's refusal to cede land"
            cue = NOUN_CUES.get(governing_verb.lemma_.lower(), 0.0)
        if governing_verb.lemma_.lower() in ("say", "tell", "state", "add", "note"):
            cue = 0.0
        if cue > 0 and _reports_a_proposition(governing_verb, claim):
            # "agreed that now is not the time to …": agreeing that something is so is not
            # backing it; what the clause says decides.
            cue = 0.0
        if cue:
            cue = -cue if _negated(governing_verb) else cue
            # The governing verb frames the claim ("rejected X"): it outweighs cues inside.
            score = cue * 2 + (score if cue > 0 else 0.0)
    if score > 0.5:
        stance = "supports"
    elif score < -0.5:
        stance = "opposes"
    else:
        stance = "neutral"
    target = _target(claim, issue_words) if stance != "neutral" else None
    return StanceResult(stance, target, score)
