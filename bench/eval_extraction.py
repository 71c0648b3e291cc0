"""Extraction quality against hand-annotated gold, by the rules of ../shared/ANNOTATION.md.

Run: .venv/bin/python bench/eval_extraction.py [--details]            (the seed gold)
     .venv/bin/python bench/eval_extraction.py --gold DIR --texts DIR   (one gold set)
     .venv/bin/python bench/eval_extraction.py --all                    (seen beside held out)

--all scores every gold set whose articles are on this machine, pooled into the sets the
extractor was developed on (seen: seeds, gold-dev, gold-dev-2) and the sets it never was
(held out: gold-corpus, gold-blind), with 95% bootstrap confidence intervals over articles and
a table of errors by class (bench/error_classes.py).

A predicted statement matches a gold one when their character spans overlap by at least half of
the shorter span and a quarter of the longer (ANNOTATION.md, "How the evaluation matches");
matching is one-to-one, greedy by overlap (the longest overlap first). Reported figures:
  statements                 any matched span, speaker and kind ignored
  speaker-attributed         matched span and the same (non-null) speaker, over statements that
                             have a speaker on each side; the same speaker is the same name, the
                             same surname, or a state and its metonyms (the Kremlin → Russia)
  direct quotes              matched span, both direct quotes
  issue accuracy             over matched statements: the top predicted issue is one of gold's
                             (and, strict, equals gold's first issue: the hidden evaluation's)
  stance / date accuracy     over matched statements: equal stance / equal said_on (null = null)
  events                     same kind and overlapping spans, one to one; event date accuracy
                             over matched events
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.extraction.codebook import Codebook, normalize_name  # noqa: E402
from app.extraction.pipeline import DEFAULT_RANKER, Extractor  # noqa: E402
from app.extraction.serialize import result_to_dict  # noqa: E402
from app.extraction.speaker_ranking import RANKERS  # noqa: E402
from bench.error_classes import CLASSES, tally  # noqa: E402

# ANNOTATION.md: the spans overlap by at least half of the shorter and a quarter of the longer.
OF_SHORTER, OF_LONGER = 0.5, 0.25
SHARED = ROOT.parent / "shared"
# name: (gold folder, articles folder, held out?)
GOLD_SETS = {
    "seeds": (ROOT / "seeds" / "gold", ROOT / "seeds", False),
    "gold-dev": (ROOT / "bench" / "gold-dev", SHARED / "corpus", False),
    "gold-dev-2": (ROOT / "bench" / "gold-dev-2", SHARED / "corpus-2", False),
    "gold-corpus": (ROOT / "bench" / "gold-corpus", SHARED / "corpus", True),
    "gold-blind": (ROOT / "bench" / "gold-blind", SHARED / "corpus-2", True),
}
# Made-up articles in other outlets' styles, annotated blind (bench/synthetic/README.md): scored
# beside the real sets, never pooled with them and never trained on. Their texts are in the
# repository, so these run on a fresh clone too.
SYNTHETIC = ROOT / "bench" / "synthetic"
SYNTHETIC_SETS = {
    "synthetic-dev": (SYNTHETIC / "gold-dev", SYNTHETIC / "texts", False),
    "synthetic-held": (SYNTHETIC / "gold-held", SYNTHETIC / "texts", True),
}
# Bodies that stand for their state, as the evaluation counts them.
METONYMS = {
    "kremlin": "russia",
    "russian side": "russia",
    "russian delegation": "russia",
    "russian government": "russia",
    "ukrainian side": "ukraine",
    "ukrainian delegation": "ukraine",
    "ukrainian government": "ukraine",
    "office of the president of ukraine": "ukraine",
    "white house": "united states",
    "us delegation": "united states",
    "us administration": "united states",
    "downing street": "united kingdom",
    "élysée palace": "france",
    "german chancellery": "germany",
}


class SpeakerNames:
    """Whether two speaker names name the same actor: equal, a codebook alias, the same
    surname of a person, or a state and one of its metonyms."""

    def __init__(self, codebook: Codebook | None = None) -> None:
        self.canonical: dict[str, str] = {}
        self.persons: set[str] = set()
        for actor in codebook.actors if codebook else []:
            name = normalize_name(actor.name)
            for form in (actor.name, *actor.aliases):
                self.canonical.setdefault(normalize_name(form), name)
            if actor.kind == "person":
                self.persons.add(name)

    def key(self, name: str) -> str:
        plain = normalize_name(name).removeprefix("the ")
        plain = self.canonical.get(plain, plain)
        return METONYMS.get(plain, plain)

    def same(self, a: str | None, b: str | None) -> bool:
        if not a or not b:
            return False
        ka, kb = self.key(a), self.key(b)
        if ka == kb:
            return True
        if ka in METONYMS.values() or kb in METONYMS.values():
            return False
        # A surname alone names the person ("Peskov" for Dmitry Peskov).
        return ka.split()[-1] == kb.split()[-1] and (" " not in ka or " " not in kb)


EXACT_OR_SURNAME = SpeakerNames()


def overlap(a: dict[str, Any], b: dict[str, Any]) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def dice(a: dict[str, Any], b: dict[str, Any]) -> float:
    total = (a["end"] - a["start"]) + (b["end"] - b["start"])
    return 2 * overlap(a, b) / total if total else 0.0


def spans_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    shared = overlap(a, b)
    lengths = sorted((a["end"] - a["start"], b["end"] - b["start"]))
    return shared > 0 and shared >= OF_SHORTER * lengths[0] and shared >= OF_LONGER * lengths[1]


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
    """One-to-one pairs (gold index, predicted index), the longest overlap first (the closer
    in length breaking ties)."""
    return one_to_one(
        (overlap(g, p) + dice(g, p) / 2, gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(predicted)
        if spans_match(g, p)
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
    errors: Counter[str] = field(default_factory=Counter)


def score(
    pairs_of_files: list[tuple[dict[str, Any], dict[str, Any]]],
    details: bool = False,
    names: SpeakerNames = EXACT_OR_SURNAME,
    texts: list[str] | None = None,
) -> Scores:
    scores = Scores(Counts(), Counts(), Counts(), Accuracy(), Accuracy(), Accuracy(), Accuracy())
    for index, (gold_doc, predicted_doc) in enumerate(pairs_of_files):
        gold, predicted = gold_doc["statements"], predicted_doc["statements"]
        pairs = match(gold, predicted)
        scores.statements.add(len(pairs), len(gold), len(predicted))
        gold_attr = [g for g in gold if g["speaker"]]
        pred_attr = [p for p in predicted if p["speaker"]]
        attributed_pairs = [
            (gi, pi)
            for gi, pi in match(gold_attr, pred_attr)
            if names.same(gold_attr[gi]["speaker"], pred_attr[pi]["speaker"])
        ]
        scores.attributed.add(len(attributed_pairs), len(gold_attr), len(pred_attr))
        gold_quotes = [g for g in gold if g["kind"] == "direct_quote"]
        pred_quotes = [p for p in predicted if p["kind"] == "direct_quote"]
        quote_pairs = [
            (gi, pi)
            for gi, pi in match(gold_quotes, pred_quotes)
            if names.same(gold_quotes[gi]["speaker"], pred_quotes[pi]["speaker"])
            or not gold_quotes[gi]["speaker"]
        ]
        scores.quotes.add(len(quote_pairs), len(gold_quotes), len(pred_quotes))
        if texts is not None:
            scores.errors += tally(gold_doc, predicted_doc, texts[index], pairs, names.same)
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


@dataclass
class Article:
    """One annotated article with the extractor's output on it."""

    name: str
    gold: dict[str, Any]
    predicted: dict[str, Any]
    text: str


def extract_set(gold_dir: Path, texts: Path, extractor: Extractor) -> list[Article]:
    articles = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold_doc = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (texts / gold_doc["file"]).read_text(encoding="utf-8")
        for statement in gold_doc["statements"]:
            # Gold kept outside the repository's texts stores offsets only; the words come back
            # from the article itself.
            statement.setdefault("text", text[statement["start"] : statement["end"]])
        published = date.fromisoformat(gold_doc["published"]) if gold_doc.get("published") else None
        predicted = result_to_dict(extractor.extract(text, published=published))
        articles.append(Article(gold_path.name, gold_doc, predicted, text))
    return articles


def score_articles(articles: list[Article], names: SpeakerNames, details: bool = False) -> Scores:
    if details:
        for article in articles:
            print(f"\n{article.name}")
            score([(article.gold, article.predicted)], details=True, names=names)
    return score(
        [(a.gold, a.predicted) for a in articles], names=names, texts=[a.text for a in articles]
    )


def run(gold_dir: Path, details: bool, texts: Path, ranker: str = DEFAULT_RANKER) -> Scores:
    codebook = Codebook.from_dir(ROOT / "seeds")
    articles = extract_set(gold_dir, texts, Extractor(codebook, speaker_ranker=ranker))
    return score_articles(articles, SpeakerNames(codebook), details)


MEASURES: dict[str, Callable[[Scores], float]] = {
    "statements F1": lambda s: s.statements.f1,
    "  precision": lambda s: s.statements.precision,
    "  recall": lambda s: s.statements.recall,
    "speaker-attributed F1": lambda s: s.attributed.f1,
    "direct quotes, right speaker F1": lambda s: s.quotes.f1,
    "first issue (strict)": lambda s: s.issue_strict.value,
    "issue (top in gold)": lambda s: s.issue.value,
    "stance": lambda s: s.stance.value,
    "day": lambda s: s.date.value,
    "events F1": lambda s: s.events.f1,
}


def bootstrap(
    articles: list[Article], names: SpeakerNames, rounds: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of each measure, resampling whole articles."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {label: [] for label in MEASURES}
    per_article = [score([(a.gold, a.predicted)], names=names) for a in articles]
    for _ in range(rounds):
        drawn = [per_article[rng.randrange(len(articles))] for _ in articles]
        pooled = pool(drawn)
        for label, measure in MEASURES.items():
            samples[label].append(measure(pooled))
    return {
        label: (sorted(v)[int(0.025 * rounds)], sorted(v)[int(0.975 * rounds) - 1])
        for label, v in samples.items()
    }


def pool(parts: list[Scores]) -> Scores:
    """The scores of several articles together (counts summed)."""
    total = Scores(Counts(), Counts(), Counts(), Accuracy(), Accuracy(), Accuracy(), Accuracy())
    for part in parts:
        for name in ("statements", "attributed", "quotes", "events"):
            mine, theirs = getattr(total, name), getattr(part, name)
            mine.add(theirs.true_positive, theirs.gold, theirs.predicted)
        for name in ("issue", "issue_strict", "stance", "date", "event_date"):
            mine, theirs = getattr(total, name), getattr(part, name)
            mine.right += theirs.right
            mine.total += theirs.total
    return total


def print_set(name: str, articles: list[Article], s: Scores) -> None:
    print(
        f"{name:14}{len(articles):>9}{s.statements.gold:>6}{s.statements.f1:>7.3f}"
        f"{s.attributed.f1:>9.3f}{s.quotes.f1:>8.3f}{s.issue_strict.value:>7.3f}"
        f"{s.stance.value:>8.3f}{s.date.value:>6.3f}{s.events.f1:>8.3f}"
    )


def run_all(rounds: int, ranker: str = DEFAULT_RANKER) -> None:
    """Every gold set on this machine; seen and held out side by side."""
    codebook = Codebook.from_dir(ROOT / "seeds")
    extractor = Extractor(codebook, speaker_ranker=ranker)
    names = SpeakerNames(codebook)
    groups: dict[bool, list[Article]] = {False: [], True: []}
    print(
        f"{'gold set':14}{'articles':>9}{'gold':>6}{'F1':>7}{'speaker':>9}{'quotes':>8}"
        f"{'issue':>7}{'stance':>8}{'day':>6}{'events':>8}"
    )
    for name, (gold_dir, texts, held_out) in GOLD_SETS.items():
        if not texts.is_dir():
            print(f"{name:14}  skipped: its articles are not at {texts}")
            continue
        articles = extract_set(gold_dir, texts, extractor)
        groups[held_out] += articles
        print_set(name, articles, score_articles(articles, names))
    for name, (gold_dir, texts, _held_out) in SYNTHETIC_SETS.items():
        articles = extract_set(gold_dir, texts, extractor)
        print_set(name, articles, score_articles(articles, names))
    seen, held = groups[False], groups[True]
    scores = {key: score_articles(group, names) for key, group in groups.items() if group}
    intervals = {key: bootstrap(group, names, rounds) for key, group in groups.items() if group}
    print(
        f"\n{'measure':34}{'seen (' + str(len(seen)) + ' articles)':>26}"
        f"{'held out (' + str(len(held)) + ' articles)':>28}"
    )
    for label, measure in MEASURES.items():
        cells = ""
        for key in (False, True):
            if key in scores:
                low, high = intervals[key][label]
                cells += f"{measure(scores[key]):>14.3f} [{low:.2f}–{high:.2f}]"
        print(f"{label:34}{cells}")
    print(f"\nerrors by class{'seen':>45}{'held out':>12}   (per 100 gold statements)")
    for label in CLASSES:
        cells = ""
        for key in (False, True):
            if key in scores:
                count = scores[key].errors[label]
                rate = 100 * count / max(1, scores[key].statements.gold)
                cells += f"{count:>6} ({rate:>4.1f})"
        print(f"{label:48}{cells}")
    for key, label in ((True, "held out"), (False, "seen")):
        if key in scores:
            print(f"\nissue, {label}: gold first issue (rows) × predicted first issue")
            print_issue_confusion(groups[key])
            print_confusion(scores[key].stance_confusion, f"stance, {label}")


def print_issue_confusion(articles: list[Article]) -> None:
    confusion: Counter[tuple[str, str]] = Counter()
    for a in articles:
        gold, predicted = a.gold["statements"], a.predicted["statements"]
        for gi, pi in match(gold, predicted):
            confusion[(gold[gi]["issues"][0], (predicted[pi]["issues"] or ["—"])[0])] += 1
    issues = sorted({g for g, _ in confusion} | {p for _, p in confusion})
    short = {issue: issue[:7] for issue in issues}
    print(f"{'':22}" + "".join(f"{short[i]:>8}" for i in issues))
    for gold_issue in issues:
        row = "".join(f"{confusion[(gold_issue, p)] or '.':>8}" for p in issues)
        right = confusion[(gold_issue, gold_issue)]
        total = sum(confusion[(gold_issue, p)] for p in issues)
        print(f"{gold_issue:22}{row}   {right}/{total}")


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
    parser.add_argument(
        "--all", action="store_true", help="Every gold set: seen beside held out, with intervals."
    )
    parser.add_argument(
        "--rounds", type=int, default=1000, help="Bootstrap resamples for --all (default 1000)."
    )
    parser.add_argument(
        "--ranker",
        choices=RANKERS,
        default=DEFAULT_RANKER,
        help=f"How a quote's speaker is chosen among its candidates (default {DEFAULT_RANKER}).",
    )
    args = parser.parse_args()
    if args.all:
        run_all(args.rounds, args.ranker)
        return
    scores = run(args.gold, args.details, args.texts, args.ranker)
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
    if args.details:
        print("\nerrors by class")
        for label in CLASSES:
            print(f"  {label:48}{scores.errors[label]:>5}")


STANCES = ("supports", "opposes", "conditional", "neutral")


def print_confusion(confusion: Counter[tuple[str, str]], title: str = "stance") -> None:
    print()
    print(f"{title}: gold (rows) × predicted (columns)")
    print(f"{'':14}" + "".join(f"{stance:>13}" for stance in STANCES))
    for gold in STANCES:
        cells = "".join(f"{confusion[(gold, predicted)]:>13}" for predicted in STANCES)
        print(f"{gold:14}{cells}")


if __name__ == "__main__":
    main()
