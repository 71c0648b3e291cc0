"""The evaluation's matching and scoring, and the integrity of both gold sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.extraction.codebook import Codebook
from bench.eval_extraction import SpeakerNames, dice, match, match_events, score, spans_match
from tests.conftest import SEEDS_DIR

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_2 = ROOT.parent / "shared" / "corpus-2"


def statement(start: int, end: int, **fields: object) -> dict[str, object]:
    base = {
        "start": start,
        "end": end,
        "speaker": "A",
        "kind": "reported",
        "issues": ["other"],
        "stance": "neutral",
        "said_on": None,
        "text": "x",
    }
    return {**base, **fields}


def test_spans_match_by_the_annotation_rule_one_to_one() -> None:
    assert dice(statement(0, 10), statement(0, 10)) == 1.0
    assert dice(statement(0, 10), statement(5, 15)) == 0.5
    # Half of the shorter and a quarter of the longer: 30 characters inside 100 match, 20 do not
    # (a Dice coefficient would refuse both); 100 inside 450 do not.
    assert spans_match(statement(0, 100), statement(10, 40))
    assert not spans_match(statement(0, 100), statement(10, 30))
    assert not spans_match(statement(0, 450), statement(0, 100))
    assert spans_match(statement(0, 10), statement(5, 15))
    assert not spans_match(statement(0, 10), statement(10, 20))
    gold = [statement(0, 10), statement(20, 30)]
    predicted = [statement(0, 9), statement(0, 12), statement(50, 60)]
    # Both first spans match the first gold statement; the longer overlap takes it.
    assert match(gold, predicted) == [(0, 1)]


def test_scores_count_speakers_quotes_and_fields() -> None:
    gold = {
        "statements": [
            statement(0, 10, speaker="A", stance="supports"),
            statement(20, 30, speaker="B", kind="direct_quote"),
        ]
    }
    predicted = {
        "statements": [
            statement(0, 10, speaker="A", stance="opposes"),
            statement(20, 30, speaker="C", kind="direct_quote"),
        ]
    }
    scores = score([(gold, predicted)])
    assert scores.statements.f1 == 1.0
    assert scores.attributed.true_positive == 1 and scores.attributed.f1 == 0.5
    # A direct quote counts only with its right speaker (B was said by B, not C).
    assert scores.quotes.true_positive == 0
    assert scores.stance.value == 0.5


def test_speakers_match_by_name_surname_alias_or_metonym(codebook: Codebook) -> None:
    names = SpeakerNames(codebook)
    assert names.same("Dmitry Peskov", "Peskov")
    assert names.same("Russia", "Moscow") and names.same("Russia", "Kremlin")
    assert names.same("United States", "the White House")
    assert not names.same("Dmitry Peskov", "Vladimir Putin")
    assert not names.same("Russia", "Ukraine") and not names.same("Kremlin", "Peskov")
    assert not names.same(None, "Peskov")


def event(kind: str, start: int, end: int, day: str | None = None) -> dict[str, object]:
    return {"kind": kind, "start": start, "end": end, "date": day}


def test_events_match_by_kind_and_overlap_and_score_their_dates() -> None:
    gold = [event("talks", 0, 50, "2025-06-02"), event("call", 60, 90)]
    predicted = [event("meeting", 0, 50), event("talks", 40, 80, "2025-06-03")]
    assert match_events(gold, predicted) == [(0, 1)]
    scores = score([({"statements": [], "events": gold}, {"statements": [], "events": predicted})])
    assert scores.events.precision == 0.5 and scores.events.recall == 0.5
    assert scores.event_date.value == 0.0


@pytest.mark.parametrize(
    ("folder", "texts"),
    [
        (SEEDS_DIR / "gold", SEEDS_DIR),
        (ROOT / "bench" / "gold-dev", CORPUS),
        (ROOT / "bench" / "gold-corpus", CORPUS),
        (ROOT / "bench" / "gold-dev-2", CORPUS_2),
        (ROOT / "bench" / "gold-blind", CORPUS_2),
        # the synthetic set's texts are in the repository: checked on a fresh clone too
        (ROOT / "bench" / "synthetic" / "gold-dev", ROOT / "bench" / "synthetic" / "texts"),
        (ROOT / "bench" / "synthetic" / "gold-held", ROOT / "bench" / "synthetic" / "texts"),
    ],
)
def test_gold_spans_index_their_articles(folder: Path, texts: Path) -> None:
    if not texts.is_dir():
        pytest.skip(f"the articles this gold annotates (not in the repository) are not at {texts}")
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 5
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        content = (texts / gold["file"]).read_text(encoding="utf-8")
        for item in gold["statements"] + gold["events"]:
            assert 0 <= item["start"] < item["end"] <= len(content), (path.name, item)
        for item in gold["statements"]:
            if "text" in item:
                assert content[item["start"] : item["end"]] == item["text"], (path.name, item)
