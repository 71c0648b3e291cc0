"""Train the learned stance correction (app/extraction/models/stance.json) on the development
gold only: seeds/gold, bench/gold-dev and bench/gold-dev-2. The held-out sets (gold-corpus,
gold-blind) are never read here.

Run: .venv/bin/python bench/train_stance.py [--write]

Each gold statement the rule-based extractor finds (spans matched as in eval_extraction.py)
becomes one example: the rules' verdict, the statement's words and the words just before it,
labelled with the gold stance. The L2 strength is chosen by 5-fold cross-validation over
articles (an article's statements never straddle training and test); the figures printed are
those folds' accuracy against the rules' own accuracy on the same statements.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.extraction.codebook import Codebook  # noqa: E402
from app.extraction.pipeline import Extractor  # noqa: E402
from app.extraction.serialize import result_to_dict  # noqa: E402
from app.extraction.stance_model import (  # noqa: E402
    CONTEXT_CHARS,
    MODEL_PATH,
    stance_features,
)
from bench.eval_extraction import GOLD_SETS, match  # noqa: E402

LABELS = ("supports", "opposes", "conditional", "neutral")
STRENGTHS = (0.3, 1.0, 3.0, 10.0)
THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8)
EPOCHS = 300
LEARNING_RATE = 0.5
FOLDS = 5


@dataclass(frozen=True)
class Example:
    article: str
    features: dict[str, float]
    rule: str
    gold: str


def examples() -> Iterator[Example]:
    extractor = Extractor(Codebook.from_dir(ROOT / "seeds"), learned_stance=False)
    for name, (gold_dir, texts, held_out) in GOLD_SETS.items():
        if held_out:
            continue
        if not texts.is_dir():
            raise SystemExit(f"{name}: its articles are not at {texts}")
        for path in sorted(gold_dir.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            text = (texts / gold["file"]).read_text(encoding="utf-8")
            published = date.fromisoformat(gold["published"])
            predicted = result_to_dict(extractor.extract(text, published=published))["statements"]
            for gi, pi in match(gold["statements"], predicted):
                p = predicted[pi]
                before = text[max(0, p["start"] - CONTEXT_CHARS) : p["start"]]
                yield Example(
                    path.name,
                    stance_features(p["text"], p["kind"], p["stance"], before),
                    p["stance"],
                    gold["statements"][gi]["stance"],
                )


@dataclass
class Model:
    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray

    def predict(self, features: dict[str, float]) -> tuple[str, float]:
        scores = self.bias.copy()
        for name, value in features.items():
            if name in self.vocabulary:
                scores += self.weights[self.vocabulary[name]] * value
        p = np.exp(scores - scores.max())
        p /= p.sum()
        best = int(np.argmax(p))
        return LABELS[best], float(p[best])


def decide(row: Example, guess: tuple[str, float], threshold: float) -> str:
    """As app/extraction/stance_model.relabel does: the rules' conditional stands; the model
    overrides the rules only at or above the threshold."""
    label, probability = guess
    if row.rule == "conditional" or probability < threshold:
        return row.rule
    return label


def train(rows: list[Example], strength: float) -> Model:
    """Multinomial logistic regression by full-batch gradient descent."""
    vocabulary: dict[str, int] = {}
    for row in rows:
        for name in row.features:
            vocabulary.setdefault(name, len(vocabulary))
    x = np.zeros((len(rows), len(vocabulary)))
    for i, row in enumerate(rows):
        for name, value in row.features.items():
            x[i, vocabulary[name]] = value
    y = np.eye(len(LABELS))[[LABELS.index(row.gold) for row in rows]]
    weights = np.zeros((len(vocabulary), len(LABELS)))
    bias = np.zeros(len(LABELS))
    for _ in range(EPOCHS):
        z = x @ weights + bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        weights -= LEARNING_RATE * (x.T @ (p - y) + strength * weights) / len(rows)
        bias -= LEARNING_RATE * (p - y).mean(axis=0)
    return Model(vocabulary, weights, bias)


def cross_validated(rows: list[Example], strength: float) -> dict[float, float]:
    """Accuracy by threshold, each statement predicted by a model that never saw its article."""
    articles = sorted({row.article for row in rows})
    random.Random(0).shuffle(articles)
    guesses: list[tuple[Example, tuple[str, float]]] = []
    for fold in range(FOLDS):
        test = set(articles[fold::FOLDS])
        model = train([r for r in rows if r.article not in test], strength)
        guesses += [(r, model.predict(r.features)) for r in rows if r.article in test]
    return {
        threshold: sum(decide(r, guess, threshold) == r.gold for r, guess in guesses) / len(rows)
        for threshold in THRESHOLDS
    }


def to_json(model: Model) -> dict[str, object]:
    names = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    return {
        "labels": list(LABELS),
        "bias": [round(float(b), 4) for b in model.bias],
        "weights": {
            name: [round(float(w), 4) for w in model.weights[model.vocabulary[name]]]
            for name in names
            if np.abs(model.weights[model.vocabulary[name]]).max() >= 1e-3
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_PATH}")
    args = parser.parse_args()
    rows = list(examples())
    rules = sum(r.rule == r.gold for r in rows) / len(rows)
    print(f"{len(rows)} matched statements in {len({r.article for r in rows})} articles")
    print(f"rules alone (fitted on these articles): {rules:.3f}")
    scores: dict[tuple[float, float], float] = {}
    for strength in STRENGTHS:
        for threshold, accuracy in cross_validated(rows, strength).items():
            scores[(strength, threshold)] = accuracy
            print(
                f"learned, L2 {strength:>4}, overriding at p ≥ {threshold:.1f}: {accuracy:.3f}"
                f" ({FOLDS}-fold by article)"
            )
    strength, threshold = max(scores, key=lambda key: scores[key])
    print(f"chosen: L2 {strength}, threshold {threshold}")
    if args.write:
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        model = to_json(train(rows, strength)) | {"threshold": threshold}
        MODEL_PATH.write_text(json.dumps(model) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
