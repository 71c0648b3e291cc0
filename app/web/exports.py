"""Downloads of what the timeline shows, with its filters from the query string: statements as
CSV or JSON Lines, and the actor network as GraphML. Each is streamed as it is read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.exports import network, statements
from app.queries.filters import Filters

router = APIRouter(tags=["exports"])

CHUNK_CHARS = 64 * 1024

RelationChoice = Literal["congruence", "conflict", "both"]

# The timeline's filters, as the API checks them: a value the database cannot compare (a NUL in a
# name, an id beyond 32 bits) is a 422 here, not an error after the download has begun.


def _chunks(pieces: Iterable[str], size: int = CHUNK_CHARS) -> Iterator[str]:
    """Lines joined into pieces of about ``size`` characters: a few large writes to the client
    rather than one per row."""
    pending: list[str] = []
    length = 0
    for piece in pieces:
        pending.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


def _file(media_type: str, what: str) -> dict[str, Any]:
    """How the route's answer is described in /openapi.json (a file, not JSON)."""
    return {
        "response_class": StreamingResponse,
        "responses": {200: {"description": what, "content": {media_type: {}}}},
    }


def _download(
    pieces: Iterable[str], media_type: str, name: str, extension: str
) -> StreamingResponse:
    filename = f"parley-{name}-{date.today().isoformat()}.{extension}"
    return StreamingResponse(
        _chunks(pieces),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _statement_link(request: Request) -> statements.StatementLink:
    """Absolute links to statement pages (the file is read away from the site), with the route
    looked up once rather than once per row."""
    prefix = str(request.url_for("statement", statement_id=0)).removesuffix("0")
    return lambda statement_id: f"{prefix}{statement_id}"


@router.get(
    "/export/statements.csv",
    name="export_statements_csv",
    **_file("text/csv", "One row per statement, after a header row."),
)
def statements_csv(request: Request, filters: Filters) -> StreamingResponse:
    """The timeline's statements as CSV, one row per statement (newest first)."""
    rows = statements.statement_rows(request.app.state.read_sessionmaker, filters)
    lines = statements.csv_lines(rows, _statement_link(request))
    return _download(lines, "text/csv; charset=utf-8", "statements", "csv")


@router.get(
    "/export/statements.jsonl",
    name="export_statements_jsonl",
    **_file("application/x-ndjson", "One JSON object per statement and line."),
)
def statements_jsonl(request: Request, filters: Filters) -> StreamingResponse:
    """The timeline's statements as JSON Lines, one object per statement (newest first)."""
    rows = statements.statement_rows(request.app.state.read_sessionmaker, filters)
    lines = statements.jsonl_lines(rows, _statement_link(request))
    return _download(lines, "application/x-ndjson", "statements", "jsonl")


@router.get(
    "/export/network.graphml",
    name="export_network_graphml",
    **_file("application/graphml+xml", "An undirected actor network."),
)
def network_graphml(
    request: Request,
    filters: Filters,
    relation: Annotated[
        RelationChoice,
        Query(description="congruence (same stance), conflict (opposite stances), or both"),
    ] = "congruence",
) -> StreamingResponse:
    """The actors of the timeline's statements, tied by shared or opposed stances on an issue."""
    relations = network.RELATIONS if relation == "both" else (relation,)
    lines = network.network_graphml(request.app.state.read_sessionmaker, filters, relations)
    return _download(lines, "application/graphml+xml; charset=utf-8", "network", "graphml")
