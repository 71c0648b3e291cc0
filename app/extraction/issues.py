"""Which contested issues a statement is about: codebook keywords matched on lemmas.

Each issue's keywords are lemmatised once by the same pipeline, so "withdrew", "withdrawal" and
"withdraw" meet; multi-word keywords weigh more than single words, and words in the statement
itself weigh more than words elsewhere in its sentence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Token

from app.extraction.types import IssueEntry

FALLBACK_ISSUE = "other"
STATEMENT_WEIGHT = 1.0
CONTEXT_WEIGHT = 0.35
MAX_ISSUES = 3


def _key(token: Token) -> str:
    lemma = token.lemma_.lower()
    return lemma if lemma and lemma != "-pron-" else token.lower_


class IssueMatcher:
    def __init__(self, issues: list[IssueEntry], nlp: Language) -> None:
        self.issue_order = {issue.slug: position for position, issue in enumerate(issues)}
        self.fallback = FALLBACK_ISSUE if FALLBACK_ISSUE in self.issue_order else None
        self.patterns: dict[str, list[tuple[tuple[str, ...], str, float]]] = defaultdict(list)
        keywords = [(issue.slug, keyword) for issue in issues for keyword in issue.keywords]
        disabled = [name for name in nlp.pipe_names if name not in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")]
        with nlp.select_pipes(disable=disabled):
            docs = nlp.pipe((keyword for _slug, keyword in keywords), batch_size=256)
            for (slug, keyword), doc in zip(keywords, docs, strict=True):
                for variant in {tuple(_key(t) for t in doc if not t.is_punct), tuple(t.lower_ for t in doc if not t.is_punct)}:
                    if variant and slug != self.fallback:
                        weight = 1.0 + 0.5 * (len(variant) - 1)
                        self.patterns[variant[0]].append((variant, slug, weight))
        for candidates in self.patterns.values():
            candidates.sort(key=lambda item: -len(item[0]))  # the longest keyword claims a word

    def _scan(self, tokens: list[Token], weight: float, scores: dict[str, float]) -> None:
        keys = [_key(t) for t in tokens]
        lowers = [t.lower_ for t in tokens]
        seen: set[tuple[int, str]] = set()
        for index in range(len(tokens)):
            for candidates in (self.patterns.get(keys[index], ()), self.patterns.get(lowers[index], ())):
                for pattern, slug, pattern_weight in candidates:
                    size = len(pattern)
                    window = keys[index : index + size]
                    lower_window = lowers[index : index + size]
                    if (tuple(window) == pattern or tuple(lower_window) == pattern) and (index, slug) not in seen:
                        seen.add((index, slug))
                        scores[slug] += weight * pattern_weight

    def rank(self, statement: Iterable[Token], context: Iterable[Token]) -> list[tuple[str, float]]:
        """Issue keys with scores, best first; the fallback issue when nothing matches."""
        scores: dict[str, float] = defaultdict(float)
        self._scan(list(statement), STATEMENT_WEIGHT, scores)
        self._scan(list(context), CONTEXT_WEIGHT, scores)
        ranked = sorted(
            ((slug, score) for slug, score in scores.items() if score > 0),
            key=lambda item: (-item[1], self.issue_order.get(item[0], 99)),
        )
        if not ranked:
            return [(self.fallback, 0.0)] if self.fallback else []
        best = ranked[0][1]
        return [(slug, round(score, 3)) for slug, score in ranked[:MAX_ISSUES] if score >= 0.34 * best]
