"""Bring the gold annotated before ../shared/ANNOTATION.md (seeds/gold, bench/gold-dev,
bench/gold-corpus) in line with it. Idempotent; run once per gold folder:

    python3 bench/align_gold.py seeds/gold bench/gold-dev bench/gold-corpus

What changes, each by a rule of ANNOTATION.md (never by looking at the extractor's output):
- "A short phrase in quotation marks inside reported speech is one reported statement, not a
  second, nested quote": a direct quote lying inside a reported statement of the same speaker
  is dropped, unless it is most of that clause (at least 60% of its characters), in which case
  the quote carries the claim and the reported wrapper is dropped instead.
- "Groups are speakers too" and "joint attributions give one statement per named party":
  statements the old conventions left without a speaker but with the group in
  `speaker_role` get the group as speaker, or one copy per named party; a description that
  does not say whose words they are ("officials", "media reports") stays without a speaker.
- "A news agency or outlet is a source, not a speaker": statements whose speaker is an outlet
  are dropped (what the outlet attributes to an actor is annotated as that actor's statement).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUTLETS = {
    "Bloomberg",
    "Financial Times",
    "Reuters",
    "Wall Street Journal",
    "New York Times",
    "TASS",
    "ABC News",
    "NBC News",
    "The Telegraph",
    "Axios",
    "CNN",
}
# Old `speaker_role` descriptions of several named parties, and the parties they name.
JOINT = {
    "US President Donald Trump and Ukrainian President Volodymyr Zelensky": [
        "Donald Trump",
        "Volodymyr Zelensky",
    ],
    "France and the United Kingdom": ["France", "United Kingdom"],
    "Macron and Zelenskyy": ["Emmanuel Macron", "Volodymyr Zelensky"],
    "Zelensky and his ministers": ["Volodymyr Zelensky"],
    "Ukraine and its European allies": ["Ukraine"],
    "Ukraine and the West": ["Ukraine"],
    "leaders from France, the United Kingdom, Germany, and Poland": [
        "France",
        "United Kingdom",
        "Germany",
        "Poland",
    ],
}
# Descriptions that do not say whose words they are.
UNIDENTIFIED = {
    "official",
    "officials",
    "leaders",
    "media reports",
    "sources close to the Russian authorities",
    "those familiar with the situation",
    "a source familiar with the matter",
    "some observers",
    "each side",
    "Both sides",
    "joint statement",
    "several voices from the government in Kyiv",
    "European economists and political experts who are objective",
}
QUOTE_CARRIES_CLAIM = 0.6


def _inside(quote: dict[str, Any], claim: dict[str, Any]) -> bool:
    return (
        claim["kind"] == "reported"
        and claim["start"] <= quote["start"]
        and quote["end"] <= claim["end"] + 1
        and claim["end"] - claim["start"] > quote["end"] - quote["start"]
        and claim["speaker"] == quote["speaker"]
    )


def fold_nested_quotes(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    dropped: set[int] = set()
    for n, quote in enumerate(statements):
        if quote["kind"] != "direct_quote":
            continue
        enclosing = [m for m, claim in enumerate(statements) if _inside(quote, claim)]
        if not enclosing:
            continue
        m = min(enclosing, key=lambda i: statements[i]["end"] - statements[i]["start"])
        claim = statements[m]
        share = (quote["end"] - quote["start"]) / (claim["end"] - claim["start"])
        dropped.add(m if share >= QUOTE_CARRIES_CLAIM else n)
    return [s for n, s in enumerate(statements) if n not in dropped]


def name_groups(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    named: list[dict[str, Any]] = []
    for s in statements:
        role = s.get("speaker_role")
        if s["speaker"] or not role or role in UNIDENTIFIED:
            named.append(s)
        elif role in JOINT:
            named += [{**s, "speaker": party} for party in JOINT[role]]
        else:
            description = role.removeprefix("a ").removeprefix("some ")
            named.append({**s, "speaker": description[0].upper() + description[1:]})
    return named


def align(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    statements = [s for s in gold["statements"] if s["speaker"] not in OUTLETS]
    gold["statements"] = name_groups(fold_nested_quotes(statements))
    path.write_text(json.dumps(gold, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    for folder in sys.argv[1:]:
        for path in sorted(Path(folder).glob("*.json")):
            align(path)


if __name__ == "__main__":
    main()
