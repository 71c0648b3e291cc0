"""Word-level stance signals: a cue's direction, negation, pledges, demands, refusals, and the
valence of the words themselves (VADER's packaged lexicon taught diplomatic vocabulary)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from functools import lru_cache

from spacy.tokens import Token
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from app.extraction.lexicon import (
    DIPLOMATIC_VALENCE,
    OPPOSE_VERBS,
    OPPOSE_WORDS,
    REQUEST_VERBS,
    SUPPORT_VERBS,
    SUPPORT_WORDS,
)

REFUSAL_MODALS = {"will", "wo", "'ll", "shall", "can", "ca", "would"}
HEDGES = {"likely", "probably", "possibly", "perhaps", "maybe"}
# Modal auxiliaries of obligation ("have to" and "need to" are verbs with an infinitive).
DEMAND_MODALS = {"must", "should", "ought"}
FUTURE_AUX = {"will", "would", "'ll", "shall", "wo", "can", "could"}
# Verbs of giving and helping: a pledge when promised, a description when past.
PROVISION_VERBS = frozenset(
    """
    help assist provide supply deliver send give fund finance equip arm train support
    strengthen bolster guarantee protect defend rebuild invest contribute donate deploy
    """.split()
)
VOLITION_WORDS = frozenset(
    """
    ready willing prepared open want intend plan agree promise pledge vow commit decide offer seek
    determined eager keen
    """.split()
)
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
EPISTEMIC_VERBS = {"believe", "trust", "think", "expect"}
# Verbs of advocacy: what one pushes or presses for, one is for.
ADVOCACY_VERBS = frozenset({"push", "press", "lobby", "campaign", "argue", "fight"})
# "The goal is …": what a speaker names as the aim is what the speaker is for.
GOAL_NOUNS = {"goal", "aim", "objective", "priority", "purpose"}
COPULAS = {"be", "remain"}


def negated(token: Token) -> bool:
    """ "did not accept", "never", "neither side will", "not ready to accept"."""
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


def cue(token: Token) -> float:
    """+1 for a word that backs what it governs ("welcome", "ready", "the only way"), -1 for one
    that rejects it ("reject", "unacceptable", "not the time", "too early to"), else 0."""
    phrase = _phrase_cue(token)
    if phrase is not None:
        return phrase
    return _word_cue(token)


def _phrase_cue(token: Token) -> float | None:
    """What a word says with the words around it, or None when they decide nothing."""
    lemma = token.lemma_.lower()
    if lemma in ("rule",) and any(c.lower_ == "out" for c in token.children):
        return -1.0
    if lemma in ("stand", "side") and token.pos_ == "VERB":
        return _standing(token)
    if lemma == "way" and any(c.lower_ in ("only", "best", "right") for c in token.children):
        return 1.0  # "a backstop is the only way to …"
    if lemma == "need" and token.pos_ == "VERB" and any(c.dep_ == "dobj" for c in token.children):
        return 1.0  # "we need guarantees": what one needs, one is for
    if lemma in ADVOCACY_VERBS and token.pos_ == "VERB" and _pushes_for(token):
        return 1.0  # "keep pushing for an all-for-all exchange", "press EU leaders to use …"
    if lemma in REQUEST_VERBS and token.pos_ == "VERB" and _asks_for_an_act(token):
        return 1.0  # "I asked President Putin not to fire on Kyiv": a request backs the act
    if lemma in GOAL_NOUNS and token.dep_ in ("nsubj", "attr") and token.head.lemma_ in COPULAS:
        return 1.0  # "the ultimate goal is a ceasefire", "a lasting peace remains the goal"
    if lemma in ("reflect", "correspond", "match") and any(
        t.lemma_.lower() in ("reality", "truth", "fact") for t in token.subtree if t.i != token.i
    ):
        return 1.0  # so that "does not reflect reality" is a denial
    if excessive(token):
        return -1.0  # "too early to ease sanctions"
    if lemma == "time" and token.dep_ == "attr" and negated(token.head):
        return -1.0  # "now is not the time to lift sanctions"
    return None


def _pushes_for(token: Token) -> bool:
    """ "pushing for X", "pressed Kyiv to accept X": advocacy, not "pushed back the troops"."""
    return any(
        (child.dep_ == "prep" and child.lower_ == "for") or child.dep_ == "xcomp"
        for child in token.children
    ) and not any(child.dep_ == "prt" for child in token.children)


def _asks_for_an_act(token: Token) -> bool:
    """ "asked Putin not to fire", "requested that Kyiv return …"; not "asked whether …"."""
    return any(
        child.dep_ in ("xcomp", "ccomp")
        and not any(
            g.lower_ in ("whether", "if") or g.tag_ in ("WDT", "WP", "WRB") for g in child.children
        )
        for child in token.children
    )


def _standing(token: Token) -> float | None:
    """ "stands firmly with Ukraine" is solidarity; "stands against" is not."""
    preps = {c.lower_ for c in token.children if c.dep_ == "prep"}
    if preps & {"with", "by", "behind"}:
        return 1.0
    if "against" in preps:
        return -1.0
    return None


def _word_cue(token: Token) -> float:
    """What the word says by itself: the lexicon's verbs and words."""
    lemma = token.lemma_.lower()
    lower = token.lower_
    verb = token.pos_ == "VERB"
    if lemma in EPISTEMIC_VERBS and verb:
        return -1.0 if negated(token) else 0.0  # "they do not believe this"
    if lemma in OPPOSE_VERBS and verb:
        return -1.0
    if lemma in SUPPORT_VERBS and verb:
        return 1.0
    if lower in OPPOSE_WORDS or lemma in OPPOSE_WORDS:
        return -1.0
    if lower in SUPPORT_WORDS and token.pos_ in ("ADJ", "VERB"):
        if token.dep_ == "amod" and lower in ATTITUDE_ADJECTIVES:
            return 0.0  # "a possible summit": an attitude only when said of someone
        return 1.0
    return 0.0


def excessive(token: Token) -> bool:
    """ "too early to …", "too risky to …": the adjective argues against what follows."""
    return (
        token.pos_ == "ADJ"
        and any(child.lower_ == "too" for child in token.children)
        and any(child.dep_ == "xcomp" for child in token.children)
    )


def demands(token: Token) -> bool:
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


def commits(token: Token) -> bool:
    """A pledge to act for the issue: a verb of giving or helping in the future or in the scope
    of a will to act ("Berlin would help Kyiv build …", "we will send more air defence", "ready
    to provide guarantees"). The same verbs in the past describe what happened."""
    if token.lemma_.lower() not in PROVISION_VERBS or token.pos_ != "VERB":
        return False
    if any(child.dep_ == "aux" and child.lower_ in FUTURE_AUX for child in token.children):
        return True
    head = token.head
    return token.dep_ == "xcomp" and head.i != token.i and is_volition(head)


def is_volition(token: Token) -> bool:
    return token.lemma_.lower() in VOLITION_WORDS


def prospective(verb: Token) -> bool:
    """Future, modal or willing: "will talk", "could meet", "would be ready to hold talks"."""
    current = verb
    for _ in range(4):
        if is_volition(current) or any(
            (child.dep_ == "aux" and child.tag_ == "MD")
            or (child.dep_ in ("acomp", "xcomp") and is_volition(child))
            for child in current.children
        ):
            return True
        if current.dep_ not in ("xcomp", "acomp") or current.head.i == current.i:
            return False
        current = current.head
    return False


def a_prospect(verb: Token) -> bool:
    """What will or would happen, not refused: "troops could deploy (after a ceasefire)", but not
    "will not accept troops (after a deal)"."""
    return prospective(verb) and not negated(verb)


def refusal(verb: Token) -> bool:
    """ "will not", "won't", "cannot", "would not accept": a refusal, not a hedged forecast
    ("would likely not match") or a past inability ("could not reconcile")."""
    if any(child.lower_ in HEDGES for child in verb.children):
        return False
    if is_volition(verb) or any(
        child.dep_ in ("acomp", "xcomp") and is_volition(child) for child in verb.children
    ):
        return True
    return any(child.dep_ == "aux" and child.lower_ in REFUSAL_MODALS for child in verb.children)


class _LinearVader(SentimentIntensityAnalyzer):
    """VADER, scoring exactly as the package does, in time linear in the text: for each word its
    negation and idiom checks lower-case the whole text again, and its "but" check looks each
    score up from the start of the list, which squares on a long quote. The checks here see only
    the words they read (the three before, the two after), and the "but" check keeps, for each
    score, where it stands."""

    @staticmethod
    def _negation_check(
        valence: float, words_and_emoticons: list[str], start_i: int, i: int
    ) -> float:
        # It reads words i-3 … i-1 (negative indices wrap, as in the package): the same words
        # stand at 0 … 2 of this window.
        window = [words_and_emoticons[i - back] for back in (3, 2, 1, 0)]
        return SentimentIntensityAnalyzer._negation_check(valence, window, start_i, 3)

    @staticmethod
    def _special_idioms_check(valence: float, words_and_emoticons: list[str], i: int) -> float:
        # Called for i >= 3; it reads words i-3 … i+2 and asks whether i+1 and i+2 exist.
        window = words_and_emoticons[i - 3 : i + 3]
        return SentimentIntensityAnalyzer._special_idioms_check(valence, window, 3)

    @staticmethod
    def _but_check(words_and_emoticons: list[str], sentiments: list[float]) -> list[float]:
        lowered = [str(word).lower() for word in words_and_emoticons]
        if "but" not in lowered:
            return sentiments
        but = lowered.index("but")
        # The package visits each position p and rescales the first score equal to the score
        # at p (``sentiments.index``): halved before the "but", half as much again after it.
        # ``where`` holds, for each value, the positions that held it (stale ones are skipped).
        where: dict[float, list[int]] = defaultdict(list)
        for position, score in enumerate(sentiments):
            where[score].append(position)
        for position in range(len(sentiments)):
            score = sentiments[position]
            held = where[score]
            while sentiments[held[0]] != score:
                heapq.heappop(held)
            first = held[0]
            if first == but:
                continue
            sentiments[first] = score * (0.5 if first < but else 1.5)
            heapq.heappush(where[sentiments[first]], first)
        return sentiments


@lru_cache(maxsize=1)
def _valence() -> SentimentIntensityAnalyzer:
    """VADER's packaged lexicon, taught the valence of diplomatic vocabulary."""
    analyzer = _LinearVader()
    analyzer.lexicon.update(DIPLOMATIC_VALENCE)
    return analyzer


def valence(text: str) -> float:
    """How positively the words themselves speak, from -1 to 1."""
    return float(_valence().polarity_scores(text)["compound"])


def in_favour_of(preposition: Token) -> bool:
    """ "in favour of", "in favor of", "in support of" (given the "in")."""
    following = [t.lower_ for t in preposition.doc[preposition.i + 1 : preposition.i + 3]]
    return preposition.lower_ == "in" and following in (
        ["favor", "of"],
        ["favour", "of"],
        ["support", "of"],
    )
