"""Extraction quality against the hand-annotated seed gold (seeds/gold/*.json).

Run: .venv/bin/python bench/eval_extraction.py [--details]

A predicted statement matches a gold one when their character spans overlap with a Dice
coefficient of at least 0.5 (2·overlap / (len_a + len_b)); matching is one-to-one, best overlap
first. Reported figures:
  statements                 any matched span, speaker and kind ignored
  speaker-attributed         matched span and the same (non-null) speaker, over statements that
                             have a speaker on each side
  direct quotes              matched span, both direct quotes
  issue accuracy             over matched statements: the top predicted issue is one of gold's
  stance / date accuracy     over matched statements: equal stance / equal said_on (null = null)
  events                     same kind and overlapping spans, one to one; event date accuracy
                             over matched events
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.extraction.codebook import Codebook  # noqa: E402
from app.extraction.pipeline import Extractor  # noqa: E402
from app.extraction.serialize import result_to_dict  # noqa: E402

MIN_DICE = 0.5


def overlap(a: dict[str, Any], b: dict[str, Any]) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def dice(a: dict[str, Any], b: dict[str, Any]) -> float:
    total = (a["end"] - a["start"]) + (b["end"] - b["start"])
    return 2 * overlap(a, b) / total if total else 0.0


def one_to_one(candidates: Iterable[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (gold index, predicted index) from scored candidates, best first."""
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _score, gi, pi in sorted(candidates, reverse=True):
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs


def match(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index), best overlap first."""
    return one_to_one(
        (dice(g, p), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(predicted)
        if dice(g, p) >= MIN_DICE
    )


def match_events(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    """One-to-one pairs of events of the same kind whose spans overlap, largest overlap first."""
    return one_to_one(
        (overlap(g, p), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(predicted)
        if g["kind"] == p["kind"] and overlap(g, p) > 0
    )


@dataclass
class Counts:
    true_positive: int = 0
    gold: int = 0
    predicted: int = 0

    def add(self, tp: int, gold: int, predicted: int) -> None:
        self.true_positive += tp
        self.gold += gold
        self.predicted += predicted

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class Scores:
    statements: Counts
    attributed: Counts
    quotes: Counts
    issue: Accuracy
    issue_strict: Accuracy
    stance: Accuracy
    date: Accuracy
    stance_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    events: Counts = field(default_factory=Counts)
    event_date: Accuracy = field(default_factory=Accuracy)


def score(
    pairs_of_files: list[tuple[dict[str, Any], dict[str, Any]]], details: bool = False
) -> Scores:
    scores = Scores(Counts(), Counts(), Counts(), Accuracy(), Accuracy(), Accuracy(), Accuracy())
    for gold_doc, predicted_doc in pairs_of_files:
        gold, predicted = gold_doc["statements"], predicted_doc["statements"]
        pairs = match(gold, predicted)
        scores.statements.add(len(pairs), len(gold), len(predicted))
        gold_attr = [g for g in gold if g["speaker"]]
        pred_attr = [p for p in predicted if p["speaker"]]
        attributed_pairs = [
            (gi, pi)
            for gi, pi in match(gold_attr, pred_attr)
            if gold_attr[gi]["speaker"] == pred_attr[pi]["speaker"]
        ]
        scores.attributed.add(len(attributed_pairs), len(gold_attr), len(pred_attr))
        gold_quotes = [g for g in gold if g["kind"] == "direct_quote"]
        pred_quotes = [p for p in predicted if p["kind"] == "direct_quote"]
        scores.quotes.add(len(match(gold_quotes, pred_quotes)), len(gold_quotes), len(pred_quotes))
        event_pairs = match_events(gold_doc.get("events", []), predicted_doc.get("events", []))
        scores.events.add(
            len(event_pairs), len(gold_doc.get("events", [])), len(predicted_doc.get("events", []))
        )
        for gi, pi in event_pairs:
            scores.event_date.add(
                gold_doc["events"][gi]["date"] == predicted_doc["events"][pi]["date"]
            )
        for gi, pi in pairs:
            g, p = gold[gi], predicted[pi]
            scores.issue.add(bool(p["issues"]) and p["issues"][0] in g["issues"])
            scores.issue_strict.add(p["issues"][:1] == g["issues"][:1])
            scores.stance.add(p["stance"] == g["stance"])
            scores.stance_confusion[(g["stance"], p["stance"])] += 1
            scores.date.add(p["said_on"] == g["said_on"])
            if details:
                problems = [
                    f"{field}: {p[field]!r} ≠ gold {g[field]!r}"
                    for field in ("speaker", "stance", "said_on")
                    if p[field] != g[field]
                ]
                if p["issues"][:1] and p["issues"][0] not in g["issues"]:
                    problems.append(f"issues: {p['issues']} ≠ gold {g['issues']}")
                if problems:
                    print(f"  ~ {g['text'][:70]!r}: " + "; ".join(problems))
        if details:
            matched_gold = {gi for gi, _ in pairs}
            matched_pred = {pi for _, pi in pairs}
            for gi, g in enumerate(gold):
                if gi not in matched_gold:
                    print(f"  - missed [{g['kind']}] {g['speaker']}: {g['text'][:90]!r}")
            for pi, p in enumerate(predicted):
                if pi not in matched_pred:
                    print(f"  + extra  [{p['kind']}] {p['speaker']}: {p['text'][:90]!r}")
    return scores


def run(gold_dir: Path, details: bool, texts: Path) -> Scores:
    codebook = Codebook.from_dir(ROOT / "seeds")
    extractor = Extractor(codebook)
    pairs = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold_doc = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (texts / gold_doc["file"]).read_text(encoding="utf-8")
        for statement in gold_doc["statements"]:
            # Gold kept outside the repository's texts stores offsets only; the words come back
            # from the article itself.
            statement.setdefault("text", text[statement["start"] : statement["end"]])
        published = date.fromisoformat(gold_doc["published"]) if gold_doc.get("published") else None
        predicted = result_to_dict(extractor.extract(text, published=published))
        if details:
            print(f"\n{gold_path.name}")
        pairs.append((gold_doc, predicted))
        if details:
            score([(gold_doc, predicted)], details=True)
    return score(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=ROOT / "seeds" / "gold")
    parser.add_argument(
        "--texts",
        type=Path,
        default=ROOT / "seeds",
        help="Where the gold files' `file` paths point (held-out corpus gold: ../shared/corpus).",
    )
    parser.add_argument(
        "--details", action="store_true", help="List misses, extras and wrong fields."
    )
    parser.add_argument(
        "--confusion",
        action="store_true",
        help="Also print the stance confusion matrix (gold rows, predicted columns).",
    )
    args = parser.parse_args()
    scores = run(args.gold, args.details, args.texts)
    print()
    print(f"{'':28}{'precision':>10}{'recall':>10}{'F1':>8}")
    for label, counts in (
        ("statements", scores.statements),
        ("speaker-attributed", scores.attributed),
        ("direct quotes", scores.quotes),
        ("events (kind, span overlap)", scores.events),
    ):
        print(f"{label:28}{counts.precision:>10.3f}{counts.recall:>10.3f}{counts.f1:>8.3f}")
    print()
    for label, accuracy in (
        ("issue accuracy (top in gold)", scores.issue),
        ("issue accuracy (top = top)", scores.issue_strict),
        ("stance accuracy", scores.stance),
        ("date accuracy", scores.date),
        ("event date accuracy", scores.event_date),
    ):
        print(f"{label:30}{accuracy.value:>8.3f}  ({accuracy.right}/{accuracy.total})")
    if args.confusion:
        print_confusion(scores.stance_confusion)


STANCES = ("supports", "opposes", "conditional", "neutral")


def print_confusion(confusion: Counter[tuple[str, str]]) -> None:
    print()
    print("stance: gold (rows) × predicted (columns)")
    print(f"{'':14}" + "".join(f"{stance:>13}" for stance in STANCES))
    for gold in STANCES:
        cells = "".join(f"{confusion[(gold, predicted)]:>13}" for predicted in STANCES)
        print(f"{gold:14}{cells}")


if __name__ == "__main__":
    main()
