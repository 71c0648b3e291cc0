"""Which contested issues a statement is about: codebook keywords matched on lemmas.

Each issue's keywords are lemmatised once by the same pipeline, so "withdrew", "withdrawal" and
"withdraw" meet; multi-word keywords weigh more than single words, and words in the statement
itself weigh more than words elsewhere in its sentence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Span, Token

from app.extraction.types import IssueEntry

FALLBACK_ISSUE = "other"
STATEMENT_WEIGHT = 1.0
CONTEXT_WEIGHT = 0.35
CONTEXT_SHARE = 0.5
MAX_ISSUES = 3
SKIPPED_PUNCT = {"-", "‐", "–", '"', "“", "”", "‘", "’", "'"}
PAIR_DEPS = ("dobj", "nsubjpass")
MODIFIER_DEPS = ("compound", "amod", "nmod")
PLACE_PREPOSITIONS = ("at", "in")
# Verbs that open verb–object keywords worth matching across modifiers.
PAIR_VERBS = frozenset(
    "end stop halt cease suspend freeze lift ease impose tighten cede withdraw exchange swap "
    "return release guarantee recognise recognize deploy send supply".split()
)


def syntactic_weight(token: Token, span: Span, root: Token | None = None) -> float:
    """How central a word is to what the statement asserts: the predicate and its objects count
    most, the subject a little less, time and place adjuncts least; deeper words count less.
    ``root`` is ``span.root``, which spaCy finds by walking the span: pass it when weighing
    every word of a long span."""
    root = span.root if root is None else root
    depth, weight = 0, 1.0
    if _has_topic(token):
        weight = 0.5  # "talks on the supply of missiles" are about the missiles
    elif (
        token.dep_ in MODIFIER_DEPS
        and token.pos_ != "PROPN"
        and token.head.pos_ == "NOUN"
        and token.head.i != token.i
    ):
        # "post-ceasefire security guarantees" are about the guarantees; a name stays the
        # point ("Tomahawk missiles").
        weight = 0.5
    current = token
    while current.i != root.i and span.start <= current.head.i < span.end and depth < 12:
        light = _light_head(current)
        if light is not None and span.start <= light.i < span.end:
            # "a new package of sanctions" is about sanctions: the light noun is transparent.
            current = light
            continue
        if _secondary_predicate(current):
            # "accept the annexation as legal": what is predicated of the object is the point.
            weight *= 1.25
            current = current.head
            continue
        if current.dep_ in ("nsubj", "nsubjpass"):
            weight *= 0.8
        elif current.dep_ == "advcl" or (
            current.dep_ == "prep" and current.head.pos_ in ("VERB", "AUX", "ADJ")
        ):
            weight *= 0.6
            if current.dep_ == "advcl" and _a_condition(current):
                weight *= 0.5  # "agree to a ceasefire only if arms deliveries stop": the terms
        elif current.dep_ == "prep" and current.lower_ in PLACE_PREPOSITIONS:
            weight *= 0.7  # "Moscow's position at the negotiating table" is about the position
        current = current.head
        depth += 1
    return weight / (1 + 0.25 * depth)


# Nouns that only measure or group what their "of" phrase names: "a package of sanctions".
LIGHT_NOUNS = frozenset(
    """
    package round set series wave batch number part lot range list kind type form pair aspect
    question issue matter topic subject sort group array host couple handful dozen supply
    supplies delivery deliveries transfer provision sale shipment
    """.split()
)


CONDITION_WORDS = {"if", "unless", "until", "once", "provided"}


def _a_condition(clause: Token) -> bool:
    return any(
        child.lower_ in CONDITION_WORDS and child.dep_ in ("mark", "advmod")
        for child in clause.children
    )


def _secondary_predicate(token: Token) -> bool:
    """The "as" phrase that predicates something of a verb's object ("recognise X as Y")."""
    verb = token.head
    return (
        token.dep_ == "prep"
        and token.lower_ == "as"
        and verb.pos_ == "VERB"
        and any(child.dep_ == "dobj" and child.i < token.i for child in verb.children)
    )


# Nouns of talking whose "on …" phrase names what the talk is about.
TALK_NOUNS = frozenset(
    "talk talks negotiation discussion conversation consultation debate dispute deal".split()
)


def _has_topic(token: Token) -> bool:
    return token.lemma_.lower() in TALK_NOUNS and any(
        child.dep_ == "prep" and child.lower_ in ("on", "about", "over") for child in token.children
    )


def _light_head(token: Token) -> Token | None:
    """The light noun above an "of" object ("package" for "sanctions" in "package of
    sanctions"), or the talk noun above its topic ("talks" for "supply" in "talks on the supply
    of missiles"), or None."""
    preposition = token.head
    if token.dep_ != "pobj" or preposition.dep_ != "prep":
        return None
    noun = preposition.head
    if noun.i == preposition.i:
        return None
    if preposition.lower_ == "of" and noun.lemma_.lower() in LIGHT_NOUNS:
        return noun
    if preposition.lower_ in ("on", "about", "over") and noun.lemma_.lower() in TALK_NOUNS:
        return noun
    return None


def _key(token: Token) -> str:
    lemma = token.lemma_.lower()
    return lemma if lemma and lemma != "-pron-" else token.lower_


class IssueMatcher:
    def __init__(self, issues: list[IssueEntry], nlp: Language) -> None:
        self.issue_order = {issue.slug: position for position, issue in enumerate(issues)}
        self.fallback = FALLBACK_ISSUE if FALLBACK_ISSUE in self.issue_order else None
        self.patterns: dict[str, list[tuple[tuple[str, ...], str, float]]] = defaultdict(list)
        keywords = [(issue.slug, keyword) for issue in issues for keyword in issue.keywords]
        disabled = [
            name
            for name in nlp.pipe_names
            if name not in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")
        ]
        with nlp.select_pipes(disable=disabled):
            docs = nlp.pipe((keyword for _slug, keyword in keywords), batch_size=256)
            for (slug, _keyword), doc in zip(keywords, docs, strict=True):
                for variant in {
                    tuple(_key(t) for t in doc if not t.is_punct),
                    tuple(t.lower_ for t in doc if not t.is_punct),
                }:
                    if variant:
                        weight = 1.0 + 0.25 * (len(variant) - 1)
                        self.patterns[variant[0]].append((variant, slug, weight))
        for candidates in self.patterns.values():
            candidates.sort(key=lambda item: -len(item[0]))  # the longest keyword claims a word
        # Verb–object keywords ("end the war", "suspend military action") also match apart.
        self.pairs: dict[str, list[tuple[tuple[str, ...], str, float]]] = defaultdict(list)
        for first, candidates in self.patterns.items():
            for pattern, slug, weight in candidates:
                if len(pattern) >= 2 and pattern[0] in PAIR_VERBS:
                    self.pairs[first].append((pattern, slug, weight))

    def _scan(self, tokens: list[Token], weights: list[float], scores: dict[str, float]) -> None:
        """Add each keyword match's weight; a word counts once, for the longest keyword on it.
        Hyphens and quotation marks inside a phrase do not break it ("cease-fire"); a verb and
        its object match a keyword with words between them ("end this bloody war")."""
        kept = [
            (token, weight)
            for token, weight in zip(tokens, weights, strict=True)
            if not token.is_punct or token.text not in SKIPPED_PUNCT
        ]
        tokens = [token for token, _weight in kept]
        weights = [weight for _token, weight in kept]
        keys = [_key(t) for t in tokens]
        lowers = [t.lower_ for t in tokens]
        for index, token in enumerate(tokens):
            # Proper-noun plurals keep their "s" as lemma ("Tomahawks", "Patriots").
            if (
                token.pos_ == "PROPN"
                and keys[index].endswith("s")
                and keys[index] not in self.patterns
            ):
                keys[index] = keys[index][:-1]
        consumed: set[int] = set()
        positions = {token.i: index for index, token in enumerate(tokens)}
        for index, token in enumerate(tokens):
            for pattern, slug, pattern_weight in self.pairs.get(keys[index], ()):
                partner = next(
                    (
                        child
                        for child in token.children
                        if child.dep_ in PAIR_DEPS
                        and _key(child) == pattern[-1]
                        and child.i in positions
                        and positions[child.i] not in consumed
                    ),
                    None,
                )
                if partner is None or index in consumed:
                    continue
                scores[slug] += weights[index] * pattern_weight
                consumed.update({index, positions[partner.i]})
                break
        for index in range(len(tokens)):
            if index in consumed:
                continue
            candidates = [
                *self.patterns.get(keys[index], ()),
                *self.patterns.get(lowers[index], ()),
            ]
            candidates.sort(key=lambda item: -len(item[0]))
            for pattern, slug, pattern_weight in candidates:
                size = len(pattern)
                if (
                    tuple(keys[index : index + size]) != pattern
                    and tuple(lowers[index : index + size]) != pattern
                ):
                    continue
                # A keyword of several words weighs as its most central word ("security
                # guarantees": the head noun, not its modifier).
                scores[slug] += max(weights[index : index + size]) * pattern_weight
                consumed.update(range(index, index + size))
                break

    def prior(self, docs: Iterable[Iterable[Token]]) -> str | None:
        """The article's main issue: what its words are most about, the fallback aside."""
        scores: dict[str, float] = defaultdict(float)
        for doc in docs:
            words = list(doc)
            self._scan(words, [1.0] * len(words), scores)
        scores.pop(self.fallback or "", None)
        return max(scores, key=lambda slug: scores[slug]) if scores else None

    def rank(
        self, statement: Span, context: Iterable[Token], prior: str | None = None
    ) -> list[tuple[str, float]]:
        """Issue keys with scores, best first. A statement whose words name no issue at all
        takes the article's main issue (``prior``), as a reader would; one that speaks only of
        war or peace in general gets the fallback issue."""
        scores: dict[str, float] = defaultdict(float)
        words = list(statement)
        root = statement.root
        self._scan(
            words,
            [STATEMENT_WEIGHT * syntactic_weight(t, statement, root) for t in words],
            scores,
        )
        if self.fallback and set(scores) == {self.fallback}:
            # The statement itself speaks of war or peace in general: the sentence around it
            # does not make it about something more specific.
            return [(self.fallback, round(scores[self.fallback], 3))]
        others = list(context)
        around: dict[str, float] = defaultdict(float)
        self._scan(others, [CONTEXT_WEIGHT] * len(others), around)
        own_best = max(scores.values(), default=0.0)
        for slug, score in around.items():
            # The sentence around a claim breaks ties; it does not outvote the claim's words.
            scores[slug] += min(score, CONTEXT_SHARE * own_best) if own_best else score
        general = scores.pop(self.fallback or "", 0.0)
        ranked = sorted(
            ((slug, score) for slug, score in scores.items() if score > 0),
            key=lambda item: (-item[1], self.issue_order.get(item[0], 99)),
        )
        if not ranked:
            if prior is not None and not general:
                return [(prior, 0.0)]
            return [(self.fallback, round(general, 3))] if self.fallback else []
        best = ranked[0][1]
        return [
            (slug, round(score, 3)) for slug, score in ranked[:MAX_ISSUES] if score >= 0.34 * best
        ]
