"""Sort each extraction error into the classes the next step is chosen from (issue 14):
too many statements (nested quotes, headlines, bare noun phrases, unspoken narration), wrong
speaker (an outlet, someone else), speaker dropped (groups, others), missed statements, and wrong
issue, stance or day on a matched statement."""

from __future__ import annotations

from collections import Counter
from typing import Any

# News agencies and outlets that may wrongly come out as speakers (they are sources).
OUTLETS = {
    "reuters",
    "afp",
    "agence france-presse",
    "ap",
    "associated press",
    "the associated press",
    "axios",
    "bloomberg",
    "the guardian",
    "guardian",
    "tass",
    "ria novosti",
    "interfax",
    "interfax-ukraine",
    "cnn",
    "bbc",
    "financial times",
    "the financial times",
    "politico",
    "the wall street journal",
    "wall street journal",
    "the new york times",
    "new york times",
    "the washington post",
    "washington post",
    "nbc",
    "nbc news",
    "cbs",
    "fox news",
    "sky news",
    "ukrainska pravda",
    "european pravda",
    "kyiv independent",
    "the kyiv independent",
    "al jazeera",
    "anadolu",
    "dpa",
    "bild",
    "kommersant",
    "izvestia",
    "rbc",
    "meduza",
    "ukrinform",
    "the times",
    "the telegraph",
    "xinhua",
}

CLASSES = (
    "extra: partial quote nested in a reported statement",
    "extra: in the first line (a headline, or the lead)",
    "extra: bare noun phrase (≤ 4 words)",
    "extra: no speaker (narration, agentless)",
    "extra: other",
    "wrong speaker: an outlet or agency",
    "wrong speaker: someone else",
    "speaker dropped: a group",
    "speaker dropped: a person, state or body",
    "speaker invented: gold has none",
    "missed: direct quote",
    "missed: reported",
    "issue wrong (first issue)",
    "stance wrong",
    "day wrong",
)


def _inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    return outer["start"] <= inner["start"] and inner["end"] <= outer["end"]


def _first_line_end(text: str) -> int:
    end = text.find("\n")
    return len(text) if end == -1 else end


def classify_extra(p: dict[str, Any], gold: list[dict[str, Any]], text: str) -> str:
    if p["kind"] == "direct_quote" and any(g["kind"] == "reported" and _inside(p, g) for g in gold):
        return CLASSES[0]
    if p["end"] <= _first_line_end(text):
        return CLASSES[1]
    if len(text[p["start"] : p["end"]].split()) <= 4:
        return CLASSES[2]
    if not p["speaker"]:
        return CLASSES[3]
    return CLASSES[4]


def group_speakers(gold_doc: dict[str, Any]) -> set[str]:
    return {a["name"] for a in gold_doc.get("actors", []) if a.get("kind") == "group"}


def classify_speaker(
    g: dict[str, Any], p: dict[str, Any], groups: set[str], same: bool
) -> str | None:
    """The speaker error on a matched pair, or None when the speaker is right."""
    if g["speaker"] and not p["speaker"]:
        return CLASSES[7] if g["speaker"] in groups else CLASSES[8]
    if not g["speaker"] and p["speaker"]:
        return CLASSES[9]
    if g["speaker"] and p["speaker"] and not same:
        return CLASSES[5] if p["speaker"].lower() in OUTLETS else CLASSES[6]
    return None


def tally(
    gold_doc: dict[str, Any],
    predicted_doc: dict[str, Any],
    text: str,
    pairs: list[tuple[int, int]],
    same_speaker: Any,
) -> Counter[str]:
    """The errors of one article, by class."""
    gold, predicted = gold_doc["statements"], predicted_doc["statements"]
    errors: Counter[str] = Counter()
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    for pi, p in enumerate(predicted):
        if pi not in matched_pred:
            errors[classify_extra(p, gold, text)] += 1
    for gi, g in enumerate(gold):
        if gi not in matched_gold:
            errors[CLASSES[10] if g["kind"] == "direct_quote" else CLASSES[11]] += 1
    groups = group_speakers(gold_doc)
    for gi, pi in pairs:
        g, p = gold[gi], predicted[pi]
        speaker_error = classify_speaker(g, p, groups, same_speaker(g["speaker"], p["speaker"]))
        if speaker_error:
            errors[speaker_error] += 1
        if p["issues"][:1] != g["issues"][:1]:
            errors[CLASSES[12]] += 1
        if p["stance"] != g["stance"]:
            errors[CLASSES[13]] += 1
        if p["said_on"] != g["said_on"]:
            errors[CLASSES[14]] += 1
    return errors
