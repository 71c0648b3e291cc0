"""Check hand-annotated gold files against their articles (shape, vocabularies, offsets).

Run: python3 bench/check_gold.py --gold bench/gold-blind --texts ../shared/corpus-2

Needs nothing but the standard library: annotators run it without installing Parley, and it
never runs the extractor. Every statement's and event's `start`/`end` must be Python `str`
offsets into the article as read with `open(path, encoding="utf-8").read()`; when a gold entry
also carries `text`, the slice must equal it. Exits 1 and lists each problem when any is found.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

KINDS = {"direct_quote", "reported"}
STANCES = {"supports", "opposes", "conditional", "neutral"}
PRECISIONS = {"day", "week", "month", "year"}
EVENT_KINDS = {
    "talks",
    "meeting",
    "summit",
    "call",
    "proposal",
    "agreement",
    "ceasefire",
    "violation",
    "prisoner_exchange",
}
ACTOR_KINDS = {"person", "state", "organization", "group"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def issue_slugs() -> set[str]:
    """The codebook's issue slugs, read from seeds/issues.yaml without a YAML parser."""
    text = (ROOT / "seeds" / "issues.yaml").read_text(encoding="utf-8")
    return set(re.findall(r"^- slug: (\S+)", text, flags=re.MULTILINE))


def check_span(where: str, item: dict[str, Any], content: str) -> list[str]:
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return [f"{where}: start and end must be integers"]
    if not 0 <= start < end <= len(content):
        return [f"{where}: span {start}-{end} is outside the article ({len(content)} chars)"]
    text = item.get("text")
    if text is not None and content[start:end] != text:
        return [f"{where}: text does not equal article[{start}:{end}] = {content[start:end]!r}"]
    if content[start:end] != content[start:end].strip():
        return [f"{where}: span starts or ends with whitespace"]
    return []


def check_date(where: str, day: Any, precision: Any) -> list[str]:
    if day is None:
        return [] if precision is None else [f"{where}: a null date has a null precision"]
    if not isinstance(day, str) or not ISO_DAY.match(day):
        return [f"{where}: date {day!r} is not YYYY-MM-DD"]
    if precision not in PRECISIONS:
        return [f"{where}: precision {precision!r} is not one of {sorted(PRECISIONS)}"]
    return []


def check_statement(where: str, s: dict[str, Any], content: str, issues: set[str]) -> list[str]:
    problems = check_span(where, s, content)
    if s.get("kind") not in KINDS:
        problems.append(f"{where}: kind {s.get('kind')!r} is not one of {sorted(KINDS)}")
    if s.get("stance") not in STANCES:
        problems.append(f"{where}: stance {s.get('stance')!r} is not one of {sorted(STANCES)}")
    chosen = s.get("issues")
    if not isinstance(chosen, list) or not chosen:
        problems.append(f"{where}: issues must be a non-empty list")
    else:
        problems += [f"{where}: unknown issue {i!r}" for i in chosen if i not in issues]
    problems += check_date(where, s.get("said_on"), s.get("said_on_precision"))
    return problems


def check_event(where: str, e: dict[str, Any], content: str) -> list[str]:
    problems = check_span(where, e, content)
    if e.get("kind") not in EVENT_KINDS:
        problems.append(
            f"{where}: event kind {e.get('kind')!r} is not one of {sorted(EVENT_KINDS)}"
        )
    if not isinstance(e.get("participants", []), list):
        problems.append(f"{where}: participants must be a list")
    problems += check_date(where, e.get("date"), e.get("date_precision"))
    return problems


def check_file(path: Path, texts: Path, issues: set[str]) -> list[str]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    article = texts / gold["file"]
    if not article.exists():
        return [f"{path.name}: article {article} not found"]
    content = article.read_text(encoding="utf-8")
    problems = check_date(f"{path.name}: published", gold.get("published"), "day")
    for n, statement in enumerate(gold.get("statements", [])):
        problems += check_statement(f"{path.name} statement {n}", statement, content, issues)
    for n, event in enumerate(gold.get("events", [])):
        problems += check_event(f"{path.name} event {n}", event, content)
    for n, actor in enumerate(gold.get("actors", [])):
        if actor.get("kind") not in ACTOR_KINDS:
            problems.append(f"{path.name} actor {n}: kind {actor.get('kind')!r}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, required=True, help="folder of gold JSON files")
    parser.add_argument("--texts", type=Path, required=True, help="folder of the articles")
    args = parser.parse_args()
    issues = issue_slugs()
    files = sorted(args.gold.glob("*.json"))
    problems = [p for f in files for p in check_file(f, args.texts, issues)]
    for problem in problems:
        print(problem)
    count = sum(len(json.loads(f.read_text())["statements"]) for f in files)
    print(f"{len(files)} files, {count} statements, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
