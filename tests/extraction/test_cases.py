"""The hand-written extraction cases (tests/extraction/cases.yaml): varied phrasing, each checked
for the statements it must produce and the ones it must not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.extraction.pipeline import Extractor
from app.extraction.types import Event, Statement

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))
# A case may carry `known_gap: reason`: a documented limitation, expected to fail (strictly, so
# that the day it passes the marker must go).
PARAMS = [
    pytest.param(
        case,
        id=case["id"],
        marks=[pytest.mark.xfail(reason=case["known_gap"], strict=True)]
        if "known_gap" in case
        else [],
    )
    for case in CASES
]


def _matches(found: Statement, expected: dict[str, Any]) -> list[str]:
    problems = []
    for field in ("kind", "speaker", "speaker_role", "stance", "said_on_precision", "source"):
        if field in expected and getattr(found, field) != expected[field]:
            problems.append(f"{field}: {getattr(found, field)!r} != {expected[field]!r}")
    if "said_on" in expected:
        wanted = expected["said_on"]
        wanted = date.fromisoformat(str(wanted)) if wanted else None
        if found.said_on != wanted:
            problems.append(f"said_on: {found.said_on} != {wanted}")
    if "issue" in expected and (found.issue_keys[:1] or [None])[0] != expected["issue"]:
        problems.append(f"issue: {found.issue_keys} first != {expected['issue']!r}")
    return problems


def _event_problems(text: str, events: list[Event], expected: dict[str, Any]) -> list[str]:
    """An event of the expected kind whose span takes in the expected words, with the expected
    date, place and (at least the expected) participants."""
    start = text.index(expected["text"])
    end = start + len(expected["text"])
    candidates = [
        e for e in events if e.kind == expected["kind"] and e.start < end and start < e.end
    ]
    if not candidates:
        return [f"no {expected['kind']} event over {expected['text']!r}; found {events}"]
    event = candidates[0]
    problems = []
    if "date" in expected:
        wanted = date.fromisoformat(str(expected["date"])) if expected["date"] else None
        if event.date != wanted:
            problems.append(f"{event.kind} date: {event.date} != {wanted}")
    for field in ("date_precision", "location"):
        if field in expected and getattr(event, field) != expected[field]:
            problems.append(
                f"{event.kind} {field}: {getattr(event, field)!r} != {expected[field]!r}"
            )
    missing = set(expected.get("participants") or []) - set(event.participants)
    if missing:
        problems.append(f"{event.kind} lacks participants {sorted(missing)}: {event.participants}")
    return problems


def _overlaps(found: Statement, start: int, end: int) -> bool:
    return found.start < end and start < found.end


@pytest.mark.parametrize("case", PARAMS)
def test_case(case: dict[str, Any], extractor: Extractor) -> None:
    text = case["text"]
    published = case.get("published")
    published = date.fromisoformat(str(published)) if published else None
    result = extractor.extract(text, published=published)
    for found in result.statements:
        assert text[found.start : found.end] == found.text
    failures = []
    for expected in case.get("expect") or []:
        start = text.index(expected["text"])
        end = start + len(expected["text"])
        exact = [s for s in result.statements if (s.start, s.end) == (start, end)]
        overlapping = exact or [s for s in result.statements if _overlaps(s, start, end)]
        if not exact:
            failures.append(
                f"no statement with exactly {expected['text']!r}; "
                f"found {[s.text for s in overlapping]}"
            )
            continue
        best = min((_matches(s, expected) for s in exact), key=len)
        if best:
            failures.append(f"{expected['text'][:50]!r}: " + "; ".join(best))
    for expected in case.get("events") or []:
        failures.extend(_event_problems(text, result.events, expected))
    for kind in case.get("forbid_events") or []:
        if any(event.kind == kind for event in result.events):
            failures.append(f"forbidden {kind} event found")
    for forbidden in case.get("forbid") or []:
        if any(s.text == forbidden for s in result.statements):
            failures.append(f"forbidden statement found: {forbidden!r}")
    if case.get("expect") == [] and result.statements:
        failures.append(f"expected no statements, found {[s.text for s in result.statements]}")
    assert not failures, "\n".join(failures)
