"""A small learned correction of the rule-based stance: a multinomial logistic regression over
the rules' own verdict, the statement's words and the few words just before it (where the
attribution verb usually is: "urged", "rejected", "proposed").

Trained by ``bench/train_stance.py`` on the development gold only (seeds, gold-dev, gold-dev-2)
and shipped as plain JSON in ``models/stance.json``; it needs nothing but the standard library
to run. On the held-out gold it generalises better than the rules alone (docs/extraction.md).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from app.extraction.types import Statement
from app.vocabulary import Stance

MODEL_PATH = Path(__file__).with_name("models") / "stance.json"
WORDS = re.compile(r"[a-z']+")
CONTEXT_CHARS = 60
CONTEXT_WORDS = 4


def stance_features(text: str, kind: str, rule_stance: str, before: str) -> dict[str, float]:
    """The features of one statement: ``before`` is the article text just before its span."""
    features = {f"rule={rule_stance}": 1.0, f"kind={kind}": 1.0}
    for word in WORDS.findall(text.lower()):
        features[f"w={word}"] = 1.0
    for word in WORDS.findall(before[-CONTEXT_CHARS:].lower())[-CONTEXT_WORDS:]:
        features[f"b={word}"] = 1.0
    return features


@dataclass(frozen=True)
class StanceModel:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    threshold: float = 0.0

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StanceModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            labels=tuple(data["labels"]),
            bias=tuple(data["bias"]),
            weights={name: tuple(row) for name, row in data["weights"].items()},
            threshold=float(data.get("threshold", 0.0)),
        )

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        scores = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                scores = [s + w * value for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def best(self, features: dict[str, float]) -> tuple[str, float]:
        probabilities = self.probabilities(features)
        label = max(probabilities, key=lambda name: probabilities[name])
        return label, probabilities[label]


def relabel(model: StanceModel, statements: list[Statement], text: str) -> None:
    """Each statement's stance as the model reads it, given the rules' verdict. A condition the
    rules found stated in the text stands; elsewhere the model overrides the rules only when it
    is confident (its threshold is chosen by cross-validation on the development gold)."""
    for statement in statements:
        if statement.stance == Stance.conditional:
            continue
        before = text[max(0, statement.start - CONTEXT_CHARS) : statement.start]
        features = stance_features(statement.text, statement.kind, statement.stance, before)
        stance, probability = model.best(features)
        if stance != statement.stance and probability >= model.threshold:
            statement.stance = stance
            if stance == Stance.neutral:
                statement.stance_target = None
