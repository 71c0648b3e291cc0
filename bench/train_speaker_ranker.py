"""Train the learned quote-speaker ranker (app/extraction/models/speaker_ranker.json) on the
development gold only: seeds/gold, bench/gold-dev and bench/gold-dev-2. The held-out sets
(gold-corpus, gold-blind) are never read here.

Run: .venv/bin/python bench/train_speaker_ranker.py [--write]

Each quote the extractor finds that matches a gold statement with a speaker (spans matched as in
eval_extraction.py) is one choice among its candidate speakers (speaker_candidates.py), each
described by the ranker's features (speaker_ranking.py) and labelled right when it names the
gold speaker (same name, surname or metonym). A logistic regression scores each candidate; the
best scoring one speaks. Its L2 strength and the score below which no one is named are chosen by
5-fold cross-validation over articles (an article's quotes never straddle training and test);
the figures printed are those folds' share of quotes given the right speaker, beside the cascade
(the old first match) and the hand weights on the same quotes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.extraction.codebook import Codebook  # noqa: E402
from app.extraction.pipeline import Extractor  # noqa: E402
from app.extraction.speaker_ranking import MODEL_PATH, SpeakerRanker  # noqa: E402
from bench.eval_extraction import GOLD_SETS, SpeakerNames, dice  # noqa: E402

STRENGTHS = (0.01, 0.1, 1.0, 10.0)
THRESHOLDS = (-1e9, -4.0, -2.0)
EPOCHS = 2000
LEARNING_RATE = 0.5
FOLDS = 5
MIN_DICE = 0.5


@dataclass(frozen=True)
class Choice:
    """One quote: its candidates' features, which of them name the gold speaker."""

    article: str
    options: list[dict[str, float]]
    right: list[bool]


def choices() -> list[Choice]:
    codebook = Codebook.from_dir(ROOT / "seeds")
    names = SpeakerNames(codebook)
    extractor = Extractor(codebook, speaker_ranker="cascade")
    found = []
    for set_name, (gold_dir, texts, held_out) in GOLD_SETS.items():
        if held_out:
            continue
        if not texts.is_dir():
            raise SystemExit(f"{set_name}: its articles are not at {texts}")
        for path in sorted(gold_dir.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            text = (texts / gold["file"]).read_text(encoding="utf-8")
            extractor.ranking_log = []
            extractor.extract(text, published=date.fromisoformat(gold["published"]))
            statements = [g for g in gold["statements"] if g["speaker"]]
            for offset, quote in extractor.ranking_log:
                span = {"start": offset + quote.start, "end": offset + quote.end}
                best = max(statements, key=lambda g: dice(g, span), default=None)
                if best is None or dice(best, span) < MIN_DICE or not quote.options:
                    continue
                right = [names.same(o.speaker.name, best["speaker"]) for o in quote.options]
                found.append(
                    Choice(f"{set_name}/{path.name}", [o.features for o in quote.options], right)
                )
    extractor.ranking_log = None
    return found


def fit(train: list[Choice], strength: float) -> tuple[dict[str, float], float]:
    vocabulary = sorted({name for c in train for option in c.options for name in option})
    index = {name: i for i, name in enumerate(vocabulary)}
    rows = [option for c in train for option in c.options]
    labels = np.array([float(r) for c in train for r in c.right])
    x = np.zeros((len(rows), len(vocabulary)))
    for i, option in enumerate(rows):
        for name, value in option.items():
            x[i, index[name]] = value
    weights = np.zeros(len(vocabulary))
    bias = 0.0
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
        error = p - labels
        weights -= LEARNING_RATE * (x.T @ error / len(rows) + strength * weights / len(rows))
        bias -= LEARNING_RATE * float(error.mean())
    return {name: float(w) for name, w in zip(vocabulary, weights, strict=True)}, bias


def right_share(ranker: SpeakerRanker, test: list[Choice]) -> float:
    right = 0
    for choice in test:
        scored = [(ranker.score(option), i) for i, option in enumerate(choice.options)]
        score, best = max(scored)
        right += int(score >= ranker.threshold and choice.right[best])
    return right / len(test) if test else 0.0


def folds(data: list[Choice]) -> list[tuple[list[Choice], list[Choice]]]:
    articles = sorted({c.article for c in data})
    random.Random(20261207).shuffle(articles)
    split = []
    for k in range(FOLDS):
        test_articles = set(articles[k::FOLDS])
        split.append(
            (
                [c for c in data if c.article not in test_articles],
                [c for c in data if c.article in test_articles],
            )
        )
    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_PATH}")
    args = parser.parse_args()
    data = choices()
    reachable = sum(any(c.right) for c in data)
    print(f"quotes: {len(data)} in {len({c.article for c in data})} articles; ", end="")
    print(f"the gold speaker among the candidates: {reachable}")
    split = folds(data)
    cascade, hand = SpeakerRanker.named("cascade"), SpeakerRanker.named("hand")

    def cross_validated(ranker_of: object) -> float:
        right = total = 0
        for train, test in split:
            ranker = ranker_of(train)  # type: ignore[operator]
            right += round(right_share(ranker, test) * len(test))
            total += len(test)
        return right / total

    print(f"cascade (the old first match)   {cross_validated(lambda _t: cascade):.3f}")
    print(f"hand weights                    {cross_validated(lambda _t: hand):.3f}")
    best = (-1.0, STRENGTHS[0], THRESHOLDS[0])
    for strength in STRENGTHS:
        for threshold in THRESHOLDS:

            def learned(train: list[Choice], s: float = strength, t: float = threshold):
                weights, bias = fit(train, s)
                return SpeakerRanker("learned", weights, bias, t)

            share = cross_validated(learned)
            print(f"learned, L2 {strength:<5} threshold {threshold:<6g} {share:.3f}")
            if share > best[0]:
                best = (share, strength, threshold)
    share, strength, threshold = best
    print(f"chosen: L2 {strength}, threshold {threshold:g} ({share:.3f} cross-validated)")
    weights, bias = fit(data, strength)
    if args.write:
        MODEL_PATH.write_text(
            json.dumps(
                {
                    "about": "bench/train_speaker_ranker.py on seeds, gold-dev, gold-dev-2",
                    "l2": strength,
                    "threshold": threshold,
                    "cross_validated": round(share, 4),
                    "bias": round(bias, 5),
                    "weights": {name: round(w, 5) for name, w in sorted(weights.items())},
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
