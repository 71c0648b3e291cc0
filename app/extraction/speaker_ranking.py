"""A quote's speaker as a ranked choice: the candidates one speaker proposes are pooled, described
by features (which clues name it, how far the nearest stands, whether its claim holds the quote,
what kind of actor it is, whether the codebook knows it) and scored by a linear ranker.

Three rankers share the features: ``cascade`` (the old first match, as weights), ``hand`` (hand
weights) and ``learned`` (a logistic regression trained by ``bench/train_speaker_ranker.py`` on
the development gold, shipped in ``models/speaker_ranker.json``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from spacy.tokens import Doc, Span

from app.extraction.codebook import Codebook
from app.extraction.discourse import Discourse
from app.extraction.nearest import NearestAttribution
from app.extraction.offsets import Ranges, doc_text, sentence_at
from app.extraction.quotes import Quote
from app.extraction.speaker_candidates import Candidate, CandidateFinder, QuoteContext
from app.extraction.speaker_phrases import is_news_outlet
from app.extraction.speech_acts import Attribution
from app.extraction.types import Speaker

MODEL_PATH = Path(__file__).with_name("models") / "speaker_ranker.json"
RANKERS = ("cascade", "hand", "learned")
FIRST_PERSON = re.compile(r"\b(?:I|my|me|I'm|I’m|I've|I’ve)\b")

# Clues from the most to the least telling, with the confidence a speaker found by each gets.
ORIGINS = {
    "dash": 0.85,
    "sentence": 0.9,
    "trailing": 0.8,
    "colon": 0.75,
    "paragraph": 0.65,
    "previous_quote": 0.6,
    "previous": 0.55,
    "person": 0.45,
    "latest_person": 0.4,
    "main": 0.4,
}
POSITIONAL = ("dash", "sentence", "trailing", "colon", "paragraph", "person")
DISTANCE_BUCKETS = ((0, "adjacent"), (40, "near"), (150, "close"), (400, "far"))

# The first match the rules made before ranking, as weights: each clue outweighs all those
# below it together, so the best clue present decides, as in the old order of ``if`` tests.
CASCADE_WEIGHTS = {
    "nearest=dash": 256.0,
    "nearest=sentence": 128.0,
    "nearest=trailing": 64.0,
    "nearest=colon": 32.0,
    "nearest=paragraph": 16.0,
    "nearest=previous_quote": 8.0,
    "previous_gated": 4.0,
    "nearest=person": 2.0,
}
# Hand weights: the same order of clues, corrected where a reader would overrule it.
HAND_WEIGHTS = CASCADE_WEIGHTS | {
    # A speaker several clues agree on beats one clue alone of the tier just above.
    "agree": 6.0,
    # An attribution whose claim holds the quote speaks it, wherever the verb stands.
    "holds": 20.0,
    # A news outlet reports; when anyone else is a candidate, the outlet is its source.
    "outlet": -40.0,
    # Nobody named ("officials") gives way to a named candidate of a nearby tier.
    "unnamed": -6.0,
    # "I", "my": a person speaks, not a state or a body.
    "first_person&kind=state": -6.0,
    "first_person&kind=organization": -6.0,
    # With no clue nearby, the person the article is most about.
    "origin=main": 1.0,
}


@dataclass(frozen=True)
class SpeakerRanker:
    """A linear scorer over candidate features; the best candidate scoring at least
    ``threshold`` speaks the quote."""

    name: str
    weights: dict[str, float]
    bias: float = 0.0
    threshold: float = 1.0

    @classmethod
    def named(cls, name: str) -> SpeakerRanker:
        if name == "cascade":
            return cls("cascade", CASCADE_WEIGHTS)
        if name == "hand":
            return cls("hand", HAND_WEIGHTS)
        if name == "learned":
            return cls.load(MODEL_PATH)
        raise ValueError(f"unknown speaker ranker {name!r}: one of {', '.join(RANKERS)}")

    @classmethod
    def load(cls, path: Path) -> SpeakerRanker:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            "learned",
            {name: float(w) for name, w in data["weights"].items()},
            float(data["bias"]),
            float(data["threshold"]),
        )

    def score(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(name, 0.0) * v for name, v in features.items())


_CASCADE = SpeakerRanker("cascade", CASCADE_WEIGHTS)


@dataclass(frozen=True)
class Option:
    """One speaker the candidates propose, with the clues that propose it."""

    speaker: Speaker
    candidates: tuple[Candidate, ...]
    features: dict[str, float]


@dataclass(frozen=True)
class RankedQuote:
    """A quote's options and the one chosen (for training and inspection)."""

    start: int  # paragraph-local character offsets of the quote
    end: int
    options: tuple[Option, ...]
    chosen: Speaker | None


def options(candidates: list[Candidate], context: QuoteContext, codebook: Codebook) -> list[Option]:
    """The candidates pooled by the speaker they name, each pool with its features."""
    pools: dict[tuple[str | None, str, str], list[Candidate]] = {}
    for candidate in candidates:
        speaker = candidate.speaker
        key = (speaker.name, speaker.kind, "" if speaker.name else speaker.text)
        pools.setdefault(key, []).append(candidate)
    found = []
    for pool in pools.values():
        best = min(pool, key=lambda c: list(ORIGINS).index(c.origin))
        found.append(
            Option(best.speaker, tuple(pool), features(pool, best.speaker, context, codebook))
        )
    # The old first match is a feature too: where the data are thin (a dash line, a name after
    # the quote), the learned ranker leans on what the rules would have chosen.
    cascade = [_CASCADE.score(option.features) for option in found]
    if cascade and max(cascade) >= _CASCADE.threshold:
        found[cascade.index(max(cascade))].features["cascade_choice"] = 1.0
    return found


def features(
    pool: list[Candidate], speaker: Speaker, context: QuoteContext, codebook: Codebook
) -> dict[str, float]:
    """What the ranker knows of one speaker for one quote."""
    found: dict[str, float] = {}
    origins = {c.origin for c in pool}
    _clue_features(found, pool, origins, context)
    _speaker_features(found, speaker, context, codebook)
    if context.first_person:
        found[f"first_person&kind={speaker.kind}"] = 1.0
    for origin in origins - set(POSITIONAL):
        found[f"origin={origin}&kind={speaker.kind}"] = 1.0
    return found


def _clue_features(
    found: dict[str, float], pool: list[Candidate], origins: set[str], context: QuoteContext
) -> None:
    """Which clues point at the speaker, how near, and how many agree."""
    for candidate in pool:
        found[f"origin={candidate.origin}"] = 1.0
        if candidate.nearest:
            found[f"nearest={candidate.origin}"] = 1.0
        if candidate.holds:
            found["holds"] = 1.0
    if "previous" in origins and (context.opens_paragraph or context.position == 0):
        found["previous_gated"] = 1.0
    positional = [c for c in pool if c.origin in POSITIONAL]
    if positional:
        closest = min(positional, key=lambda c: c.distance)
        bucket = next((label for limit, label in DISTANCE_BUCKETS if closest.distance <= limit), "")
        found[f"distance={bucket or 'paragraph'}"] = 1.0
        if closest.after:
            found["after"] = 1.0
    found["agree"] = float(len(origins) - 1)


def _speaker_features(
    found: dict[str, float], speaker: Speaker, context: QuoteContext, codebook: Codebook
) -> None:
    """Who the speaker is: how found, what kind, known or new, an outlet, the previous one."""
    found[f"how={speaker.how}"] = 1.0
    found[f"kind={speaker.kind}"] = 1.0
    if speaker.name is None:
        found["unnamed"] = 1.0
    elif not speaker.new:
        found["known"] = 1.0
    if is_news_outlet(speaker.name, codebook):
        found["outlet"] = 1.0
    if context.previous is not None and speaker.name and context.previous.name == speaker.name:
        found["same_as_previous"] = 1.0
    if speaker.new:
        found["new"] = 1.0


class QuoteSpeakers:
    """Chooses the speaker of each quote in a paragraph."""

    def __init__(self, finder: CandidateFinder, ranker: SpeakerRanker) -> None:
        self.finder = finder
        self.ranker = ranker

    def choose(
        self,
        doc: Doc,
        quotes: list[tuple[Quote, int, int]],
        attributions: list[Attribution],
        previous: Speaker | None,
        opens_paragraph: bool,
        on: date | None,
        discourse: Discourse,
        log: list[RankedQuote] | None = None,
    ) -> list[tuple[Quote, Speaker | None, float, Span]]:
        """A speaker (or none) for each quote, given with its doc character range."""
        results: list[tuple[Quote, Speaker | None, float, Span]] = []
        if not quotes:
            return results
        nearest = NearestAttribution(
            doc, attributions, Ranges([(start, end) for _q, start, end in quotes])
        )
        codebook = self.finder.resolver.codebook
        for position, (quote, start, end) in enumerate(quotes):
            words = FIRST_PERSON.findall(doc_text(doc)[start:end])
            context = QuoteContext(position, opens_paragraph, previous, bool(words))
            previous_quote = results[-1][1] if results else None
            candidates = self.finder.candidates(
                doc, quote, (start, end), nearest, previous_quote, context, on, discourse
            )
            ranked = options(candidates, context, codebook)
            scored = [(self.ranker.score(option.features), option) for option in ranked]
            best = max(scored, key=lambda item: item[0], default=None)
            speaker, confidence = None, 0.3
            if best is not None and best[0] >= self.ranker.threshold:
                chosen = best[1]
                speaker = chosen.speaker
                origin = _deciding_origin(chosen)
                confidence = min(ORIGINS[origin], speaker.confidence + 0.05)
            if log is not None:
                log.append(RankedQuote(start, end, tuple(ranked), speaker))
            results.append((quote, speaker, confidence, sentence_at(doc, start)))
        return results


def _deciding_origin(option: Option) -> str:
    """The most telling clue that names this speaker as its nearest: its confidence is the
    statement's."""
    order = list(ORIGINS)
    nearest = [c.origin for c in option.candidates if c.nearest]
    return min(nearest or [c.origin for c in option.candidates], key=order.index)
