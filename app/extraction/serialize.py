"""The ``parley extract --json`` contract: extraction results as plain JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from app.extraction.types import Event, ExtractionResult, Statement


def statement_to_dict(statement: Statement) -> dict[str, Any]:
    return {
        "speaker": statement.speaker,
        "speaker_role": statement.speaker_role,
        "source": statement.source,
        "kind": statement.kind,
        "text": statement.text,
        "start": statement.start,
        "end": statement.end,
        "issues": statement.issue_keys,
        "stance": statement.stance,
        "stance_target": statement.stance_target,
        "said_on": statement.said_on.isoformat() if statement.said_on else None,
        "said_on_precision": statement.said_on_precision if statement.said_on else None,
        "confidence": round(statement.confidence, 3),
    }


def event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "title": event.title,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision if event.date else None,
        "location": event.location,
        "participants": list(event.participants),
        "start": event.start,
        "end": event.end,
    }


def result_to_dict(result: ExtractionResult) -> dict[str, Any]:
    return {
        "statements": [statement_to_dict(s) for s in result.statements],
        "events": [event_to_dict(e) for e in result.events],
        "actors": [{"name": a.name, "kind": a.kind, "new": a.new} for a in result.actors],
    }
