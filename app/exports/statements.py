"""The timeline's statements as rows, written as CSV (for spreadsheets) or JSON Lines (for
programs), one statement at a time.

Rows come from one query read in chunks (``yield_per``; a server-side cursor on PostgreSQL), joined
to each statement's issues; the rows of one statement are adjacent, so grouping them needs only
that statement in memory.

Spreadsheet formulas: a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is taken by Excel, LibreOffice and Google Sheets as a formula, and a quote can carry one
(``=HYPERLINK(...)`` that leaks data, or a command). In the CSV, such a cell is written with a
leading apostrophe, which spreadsheets read as "this is text" and do not show. The JSON Lines
export is for programs and carries the words unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.models import Actor, Article, Issue, Source, Statement, StatementIssue
from app.queries.timeline import TimelineFilters, statements_query

# The first eighteen are the documented contract (docs/exports.md); later ones may be added.
COLUMNS = (
    "id",
    "said_on",
    "said_on_precision",
    "speaker",
    "speaker_kind",
    "speaker_role",
    "kind",
    "text",
    "issue",
    "issues",
    "stance",
    "stance_target",
    "article_title",
    "outlet",
    "url",
    "published",
    "review_status",
    "corroboration",
    "speaker_slug",
    "article_id",
    "start",
    "end",
    "confidence",
    "origin",
    "statement_url",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 1000

StatementLink = Callable[[int], str]


@dataclass(frozen=True)
class StatementRow:
    """One statement with what a reader of the export needs beside it."""

    id: int
    said_on: date | None
    said_on_precision: str | None
    speaker: str | None  # the actor's name, or the words the article used when none was matched
    speaker_kind: str | None
    speaker_slug: str | None
    speaker_role: str | None
    kind: str
    text: str
    stance: str
    stance_target: str | None
    article_id: int
    article_title: str
    outlet: str | None
    url: str | None
    published: date | None
    review_status: str
    corroboration: int  # how many outlets reported it: this one and every copy pointing here
    start: int
    end: int
    confidence: float
    origin: str
    issues: tuple[str, ...]  # slugs, best match first

    @property
    def issue(self) -> str | None:
        return self.issues[0] if self.issues else None


def _rows_query(session: Session, filters: TimelineFilters) -> Select[*tuple[Any, ...]]:
    copies = aliased(Statement)
    # Aliased: the timeline's WHERE may hold its own subquery on statement_issue, which would
    # otherwise correlate to this join and lose its FROM.
    links = aliased(StatementIssue)
    copy_count = (
        select(func.count(copies.id))
        .where(copies.corroborates_id == Statement.id)
        .correlate(Statement)
        .scalar_subquery()
    )
    query = (
        select(
            Statement.id,
            Statement.said_on,
            Statement.said_on_precision,
            func.coalesce(Actor.name, Statement.speaker_text).label("speaker"),
            Actor.kind.label("speaker_kind"),
            Actor.slug.label("speaker_slug"),
            Statement.speaker_role,
            Statement.kind,
            Statement.text,
            Statement.stance,
            Statement.stance_target,
            Statement.article_id,
            Article.title.label("article_title"),
            Source.name.label("outlet"),
            Article.url,
            Article.published_on.label("published"),
            Statement.review_status,
            (copy_count + 1).label("corroboration"),
            Statement.start,
            Statement.end,
            Statement.confidence,
            Statement.origin,
            Issue.slug.label("issue_slug"),
        )
        .select_from(Statement)
        .join(Article, Article.id == Statement.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .outerjoin(Actor, Actor.id == Statement.speaker_id)
        .outerjoin(links, links.statement_id == Statement.id)
        .outerjoin(Issue, Issue.id == links.issue_id)
        # The timeline's order; the statement id before the issue rank keeps a statement's rows
        # together, best issue first.
        .order_by(
            Statement.said_on.desc().nulls_last(),
            Statement.id.desc(),
            links.rank,
            Issue.slug,
        )
    )
    # The timeline's own WHERE: its filters, and no rejected statements or other outlets' copies.
    timeline_where = statements_query(session, filters).whereclause
    return query if timeline_where is None else query.where(timeline_where)


def statement_rows(
    factory: sessionmaker[Session], filters: TimelineFilters, *, chunk: int = CHUNK_ROWS
) -> Iterator[StatementRow]:
    """The statements the timeline shows for ``filters``, newest first, read ``chunk`` rows at a
    time in a session of their own (a streamed response outlives the request's session)."""
    with factory() as session:
        result = session.execute(_rows_query(session, filters).execution_options(yield_per=chunk))
        for _, group in groupby(result, key=attrgetter("id")):
            rows = list(group)  # one row per issue of this statement
            values = dict(rows[0]._mapping)
            del values["issue_slug"]
            issues = tuple(row.issue_slug for row in rows if row.issue_slug is not None)
            yield StatementRow(**values, issues=issues)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def record(row: StatementRow, link: StatementLink) -> dict[str, Any]:
    """The row as plain values (dates as ISO strings, issues as a list), keyed by COLUMNS."""
    return {
        "id": row.id,
        "said_on": _iso(row.said_on),
        "said_on_precision": row.said_on_precision,
        "speaker": row.speaker,
        "speaker_kind": row.speaker_kind,
        "speaker_role": row.speaker_role,
        "kind": row.kind,
        "text": row.text,
        "issue": row.issue,
        "issues": list(row.issues),
        "stance": row.stance,
        "stance_target": row.stance_target,
        "article_title": row.article_title,
        "outlet": row.outlet,
        "url": row.url,
        "published": _iso(row.published),
        "review_status": row.review_status,
        "corroboration": row.corroboration,
        "speaker_slug": row.speaker_slug,
        "article_id": row.article_id,
        "start": row.start,
        "end": row.end,
        "confidence": row.confidence,
        "origin": row.origin,
        "statement_url": link(row.id),
    }


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet will not run as a formula (see the module docstring)."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return spreadsheet_safe(";".join(value))
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(value)


def csv_lines(rows: Iterable[StatementRow], link: StatementLink) -> Iterator[str]:
    """A header, then one CSV record per statement (RFC 4180: quoted where needed, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield line(COLUMNS)
    for row in rows:
        values = record(row, link)
        yield line(_csv_cell(values[name]) for name in COLUMNS)


def jsonl_lines(rows: Iterable[StatementRow], link: StatementLink) -> Iterator[str]:
    """One JSON object per statement and line."""
    for row in rows:
        text = json.dumps(record(row, link), ensure_ascii=False)
        # JSON allows U+2028/U+2029 raw, but line readers that split on them would cut a record.
        yield text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"
