"""The timeline: statements and events by day, newest first, with the filters analysts use,
counts per facet, full-text search and keyset pagination ("load more")."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Subquery,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from app.extraction.codebook import normalize_name
from app.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    Issue,
    Source,
    Statement,
    StatementIssue,
    StatementTally,
)
from app.models.common import MAX_ID
from app.models.tally import NO_DAY, grain_for
from app.vocabulary import SHOWN_REVIEW_STATUSES, Stance, StatementKind

COUNT_CAP = 1000
KINDS = tuple(StatementKind)
STANCES = tuple(Stance)
REVIEW_STATUSES = SHOWN_REVIEW_STATUSES


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended: its last statement's day (None sorts last) and id."""

    said_on: date | None
    id: int

    def encode(self) -> str:
        return f"{self.said_on.isoformat() if self.said_on else 'none'}_{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        """The cursor, or None for anything encode() could not have made."""
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}|none)_(\d{1,10})", value or "")
        if not match or int(match.group(2)) > MAX_ID:
            return None
        try:
            day = None if match.group(1) == "none" else date.fromisoformat(match.group(1))
        except ValueError:  # the right shape, but no such day
            return None
        return cls(day, int(match.group(2)))


@dataclass(frozen=True)
class TimelineFilters:
    actors: tuple[str, ...] = ()  # actor slugs
    issues: tuple[str, ...] = ()  # issue slugs
    stances: tuple[str, ...] = ()
    outlets: tuple[int, ...] = ()  # source ids
    kinds: tuple[str, ...] = ()
    reviews: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    article_id: int | None = None
    actor_ids: tuple[int, ...] = ()  # for pages that already hold the actor

    @property
    def active(self) -> bool:
        return any(
            (
                self.actors,
                self.issues,
                self.stances,
                self.outlets,
                self.kinds,
                self.reviews,
                self.date_from,
                self.date_to,
                self.q.strip(),
            )
        )


@dataclass
class TimelineDay:
    day: date | None
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


@dataclass
class TimelinePage:
    days: list[TimelineDay]
    next_cursor: Cursor | None
    total: int | None  # None: not counted (the page's second request counts)


def count_label(total: int) -> str:
    return f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"


def count_statements(session: Session, filters: TimelineFilters) -> int:
    """How many statements match, counting no further than COUNT_CAP + 1."""
    query = statements_query(session, filters).with_only_columns(Statement.id)
    return (
        session.scalar(select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())) or 0
    )


def search_terms(query: str) -> list[str]:
    return re.findall(r"\w[\w'’-]*", query.lower())[:12]


# Words matching fewer statements than this are looked up in the GIN index first, and the page
# is cut from those ids; commoner words are filtered on the walk down the timeline's order.
RARE_MATCHES = 2000
# SQLite: up to this many matches, FTS5 lists them all and the walk down the timeline's order
# checks each statement against that list. Otherwise the walk asks FTS5 about each statement it
# meets (about 13 µs at a million) and meets fifty matches after 50 / (share of statements that
# match) of them: 8 ms when one statement in nine matches, 125 ms when one in eighty. The list
# costs what FTS5 takes to intersect the words' lists (10-25 ms for 30,000 matches of common
# words at 1M); the two meet near 25,000 matches.
LISTED_MATCHES = 25_000
# Facet counts look at no more than this many of the latest matching statements.
FACET_WINDOW = 20_000


def text_match(
    session: Session,
    query: str,
    rare_bound: int = RARE_MATCHES,
    walk: bool = True,
    list_bound: int = LISTED_MATCHES,
) -> ColumnElement[bool]:
    """Statements with the query's words: words that match fewer than ``rare_bound``
    statements are looked up in the index first; commoner ones are matched on the walk down
    the timeline's order (for a page of the latest) — on SQLite, only when they match more
    than about ``list_bound``. ``walk=False`` is for counting every match (facets): the
    index's whole list of matches, never a probe per statement."""
    terms = search_terms(query)
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.plainto_tsquery(literal_column("'english'"), " ".join(terms))
        matches = literal_column("statement.search_vector").op("@@")(tsquery)
        rare = _rare_matches(session, " ".join(terms), matches, rare_bound)
        return Statement.id.in_(rare or [-1]) if rare is not None else matches
    # FTS5: each term quoted, so user input can never be read as query syntax.
    fts_query = " ".join('"' + term.replace('"', "") + '"' for term in terms)
    if not walk:
        matching = text("SELECT rowid FROM statement_fts WHERE statement_fts MATCH :fts")
        return Statement.id.in_(matching.bindparams(fts=fts_query))
    listed = _fts_matches(session, fts_query, rare_bound, list_bound)
    if listed is not None:
        # One parameter (a JSON array), however many ids: not one bound value per id.
        ids = text("SELECT value FROM json_each(:ids)").bindparams(ids=json.dumps(listed))
        if len(listed) <= rare_bound:
            return Statement.id.in_(ids)  # each looked up by its key, the few sorted
        # Many: walk the timeline's order, checking each id against the list (a fraction of
        # a microsecond, where asking FTS5 takes 13 µs). "+ 0" keeps SQLite from looking
        # every id up and sorting them all instead (20 ms for 13,000 at 1M; the walk, 2 ms).
        return (Statement.id + 0).in_(ids)
    # Common words: walk the timeline's order and ask FTS5 about each statement met.
    return (
        select(literal_column("1"))
        .select_from(text("statement_fts"))
        .where(
            text("statement_fts.rowid = statement.id AND statement_fts MATCH :fts").bindparams(
                fts=fts_query
            )
        )
        .exists()
    )


def _fts_matches(session: Session, fts_query: str, bound: int, list_bound: int) -> list[int] | None:
    """SQLite: the ids of the statements with these words, unless a walk down the timeline's
    order would meet them soon enough to be cheaper (None). At most ``bound`` matches (FTS5
    answers that in a millisecond) are always listed; beyond, the first ``bound + 1`` matches
    (in id order) say how common the words are — the share of ids they span — and only words
    likely to match at most ``list_bound`` statements have the rest of their list fetched."""
    cache: dict[tuple[str, int, int], list[int] | None] = session.info.setdefault("fts_matches", {})
    key = (fts_query, bound, list_bound)
    if key not in cache:
        cache[key] = _listed_matches(session, fts_query, bound, list_bound)
    return cache[key]


FTS_MATCHES_AFTER = text(
    "SELECT rowid FROM statement_fts WHERE statement_fts MATCH :fts AND rowid > :after "
    "ORDER BY rowid LIMIT :n"
)


def _listed_matches(
    session: Session, fts_query: str, bound: int, list_bound: int
) -> list[int] | None:
    first = list(session.scalars(FTS_MATCHES_AFTER, {"fts": fts_query, "after": 0, "n": bound + 1}))
    if len(first) <= bound:
        return first
    top = session.scalar(select(func.max(Statement.id))) or first[-1]
    if len(first) * top / first[-1] > list_bound:
        return None  # common: the walk meets fifty of them soon
    rest = session.scalars(
        FTS_MATCHES_AFTER,
        {"fts": fts_query, "after": first[-1], "n": list_bound - len(first) + 1},
    )
    listed = first + list(rest)
    return listed if len(listed) <= list_bound else None


def _estimated_matches(session: Session, words: str) -> float:
    """The planner's guess (from its statistics of frequent words, so cheap) of how many
    statements have these words."""
    plan = session.execute(
        text(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM statement "
            "WHERE search_vector @@ plainto_tsquery('english', :words)"
        ),
        {"words": words},
    ).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def _rare_matches(
    session: Session, words: str, matches: ColumnElement[bool], bound: int
) -> list[int] | None:
    """The ids of the statements with these words, if there are at most ``bound``;
    None if the words are common.

    PostgreSQL cannot know how rare an unseen word is: it guesses 0.5% of rows and walks the
    timeline's order index hoping to meet 50 matches soon — for a word no statement has, that
    walk reads every row. So unless the statistics know the words are common, ask the GIN index
    first (a bitmap scan, the only path allowed for this one query): exact for rare words, and
    cheap when they are. Asked once per session."""
    cache: dict[tuple[str, int], list[int] | None] = session.info.setdefault("rare_matches", {})
    key = (words, bound)
    if key in cache:
        return cache[key]
    if _estimated_matches(session, words) > 4 * bound:
        cache[key] = None  # the statistics know these words are common: walk
        return None
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_indexscan = off"))
    try:
        ids = list(session.scalars(select(Statement.id).where(matches).limit(bound + 1)))
    finally:
        session.execute(text("SET LOCAL enable_seqscan = on"))
        session.execute(text("SET LOCAL enable_indexscan = on"))
    cache[key] = ids if len(ids) <= bound else None
    return cache[key]


def actor_ids_for(session: Session, wanted: tuple[str, ...]) -> list[int]:
    """Actors by slug, or by any name or alias as typed ("Zelenskyy" finds Volodymyr Zelensky)."""
    typed = [normalize_name(value) for value in wanted]
    return list(
        session.scalars(
            select(Actor.id)
            .outerjoin(ActorAlias, ActorAlias.actor_id == Actor.id)
            .where(or_(Actor.slug.in_(wanted), ActorAlias.normalized.in_(typed)))
            .distinct()
        )
    )


def resolve_names(
    session: Session, filters: TimelineFilters
) -> tuple[TimelineFilters, list[tuple[str, str]]]:
    """The filters with each actor as typed (slug, name or alias) turned into its slug, less the
    actors and issues that name nothing; those come back apart, as (field, value), to be told."""
    unknown: list[tuple[str, str]] = []
    slugs: list[str] = []
    if filters.actors:
        typed = {value: normalize_name(value) for value in filters.actors}
        rows = session.execute(
            select(Actor.slug, ActorAlias.normalized)
            .outerjoin(ActorAlias, ActorAlias.actor_id == Actor.id)
            .where(or_(Actor.slug.in_(filters.actors), ActorAlias.normalized.in_(typed.values())))
        ).all()
        known = {slug for slug, _alias in rows}
        by_alias: dict[str, list[str]] = {}
        for slug, alias in rows:
            if alias in typed.values():
                by_alias.setdefault(alias, []).append(slug)
        for value in filters.actors:
            found = [value] if value in known else by_alias.get(typed[value], [])
            slugs += found
            if not found:
                unknown.append(("actor", value))
    issues = filters.issues
    if issues:
        existing = set(session.scalars(select(Issue.slug).where(Issue.slug.in_(issues))))
        unknown += [("issue", slug) for slug in issues if slug not in existing]
        issues = tuple(slug for slug in issues if slug in existing)
    resolved = replace(filters, actors=tuple(dict.fromkeys(slugs)), issues=issues)
    return resolved, unknown


def _conditions(
    session: Session, filters: TimelineFilters, skip: str = "", walk: bool = True
) -> list[ColumnElement[bool]]:
    """The WHERE clauses for these filters; ``skip`` leaves one facet out (for its counts);
    ``walk=False`` matches words for counting, not for a page (``text_match``)."""
    where: list[ColumnElement[bool]] = [
        Statement.review_status != "rejected",
        Statement.corroborates_id.is_(None),
    ]
    if filters.actors and skip != "actor":
        # Ids, not a subquery: the planner then walks the (speaker_id, said_on) index.
        actor_ids = actor_ids_for(session, filters.actors)
        where.append(Statement.speaker_id.in_(actor_ids or [-1]))
    if filters.actor_ids:
        where.append(Statement.speaker_id.in_(filters.actor_ids))
    if filters.issues and skip != "issue":
        where.append(_issue_condition(session, filters))
    if filters.stances and skip != "stance":
        where.append(Statement.stance.in_(filters.stances))
    if filters.kinds and skip != "kind":
        where.append(Statement.kind.in_(filters.kinds))
    if filters.reviews and skip != "review":
        where.append(Statement.review_status.in_(filters.reviews))
    if filters.outlets and skip != "outlet":
        where.append(
            Statement.article_id.in_(
                select(Article.id).where(Article.source_id.in_(filters.outlets))
            )
        )
    if filters.date_from:
        where.append(Statement.said_on >= filters.date_from)
    if filters.date_to:
        where.append(Statement.said_on <= filters.date_to)
    if filters.article_id:
        where.append(Statement.article_id == filters.article_id)
    if filters.q.strip() and search_terms(filters.q):
        where.append(text_match(session, filters.q, walk=walk))
    return where


def _issue_condition(session: Session, filters: TimelineFilters) -> ColumnElement[bool]:
    """Statements about any of the filters' issues, in the form each database plans best."""
    wanted = select(Issue.id).where(Issue.slug.in_(filters.issues))
    issue_ids = session.scalars(wanted).all() or [-1]
    if filters.actors or filters.actor_ids or session.get_bind().dialect.name == "sqlite":
        # With a speaker, walk that speaker's statements newest first (an index) and probe
        # each one's issues (the primary key): cheap however common the issue is. SQLite
        # does the same without a speaker (walking the timeline's order): given a list
        # of ids instead, it would sort every statement on the issue.
        return (
            select(StatementIssue.statement_id)
            .where(
                StatementIssue.statement_id == Statement.id,
                StatementIssue.issue_id.in_(issue_ids),
            )
            .exists()
        )
    return Statement.id.in_(
        select(StatementIssue.statement_id).where(StatementIssue.issue_id.in_(issue_ids))
    )


def statements_query(session: Session, filters: TimelineFilters) -> Select[Statement]:
    return select(Statement).where(*_conditions(session, filters))


def _after(cursor: Cursor) -> ColumnElement[bool]:
    """Rows after the cursor in (said_on DESC NULLS LAST, id DESC) order."""
    if cursor.said_on is None:
        return and_(Statement.said_on.is_(None), Statement.id < cursor.id)
    return or_(
        Statement.said_on < cursor.said_on,
        and_(Statement.said_on == cursor.said_on, Statement.id < cursor.id),
        Statement.said_on.is_(None),
    )


def load_timeline(
    session: Session,
    filters: TimelineFilters,
    limit: int = 50,
    cursor: Cursor | None = None,
    count: bool = True,
) -> TimelinePage:
    """One page of statements (and, on the first page of an unfiltered view, the events of
    the same days), grouped by day."""
    query = statements_query(session, filters)
    # Counting stops at COUNT_CAP: beyond it the page says "1,000+" instead of scanning on.
    total = count_statements(session, filters) if count else None
    if cursor is not None:
        query = query.where(_after(cursor))
    statements = session.scalars(
        query.options(
            joinedload(Statement.speaker),
            joinedload(Statement.article).joinedload(Article.source),
            selectinload(Statement.issues).joinedload(StatementIssue.issue),
            selectinload(Statement.corroborations)
            .joinedload(Statement.article)
            .joinedload(Article.source),
        )
        .order_by(Statement.said_on.desc().nulls_last(), Statement.id.desc())
        .limit(limit + 1)
    ).all()
    more = len(statements) > limit
    statements = list(statements[:limit])
    next_cursor = Cursor(statements[-1].said_on, statements[-1].id) if more and statements else None
    days: dict[date | None, TimelineDay] = {}
    for statement in statements:
        days.setdefault(statement.said_on, TimelineDay(statement.said_on)).statements.append(
            statement
        )
    dated = [day for day in days if day is not None]
    # Events have no stance, issue, kind, outlet or words: filters on those show statements only.
    statement_only = (
        filters.issues or filters.stances or filters.kinds or filters.reviews or filters.outlets
    )
    if dated and not statement_only and not filters.q.strip():
        _attach_events(session, filters, days, min(dated), max(dated) if cursor else None)
    ordered = sorted(
        days.values(), key=lambda d: (d.day is not None, d.day or date.min), reverse=True
    )
    return TimelinePage(ordered, next_cursor, total)


def _attach_events(
    session: Session,
    filters: TimelineFilters,
    days: dict[date | None, TimelineDay],
    first: date,
    last: date | None,
) -> None:
    query = (
        select(Event)
        .options(selectinload(Event.participants), selectinload(Event.mentions))
        .where(Event.occurred_on >= first)
        .order_by(Event.occurred_on.desc(), Event.id.desc())
        .limit(200)
    )
    if last is not None:
        query = query.where(Event.occurred_on <= last)
    if filters.date_to:
        query = query.where(Event.occurred_on <= filters.date_to)
    if filters.actors:
        query = query.where(Event.participants.any(Actor.slug.in_(filters.actors)))
    if filters.actor_ids:
        query = query.where(Event.participants.any(Actor.id.in_(filters.actor_ids)))
    for event in session.scalars(query):
        days.setdefault(event.occurred_on, TimelineDay(event.occurred_on)).events.append(event)


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facets:
    issues: list[Facet]
    stances: list[Facet]
    kinds: list[Facet]
    reviews: list[Facet]
    outlets: list[Facet]
    actors: list[Facet]
    windowed: bool = False  # the counts are among the latest FACET_WINDOW matches only
    months: list[Facet] = field(default_factory=list)  # oldest first; counted facets only

    @property
    def estimated(self) -> bool:
        """The counts stand for more matches than were counted (free text past the bound)."""
        return self.windowed


def plain_facets(session: Session, filters: TimelineFilters, page: TimelinePage) -> Facets:
    """The filter choices without counts, from cheap look-ups: what the first response shows
    (and all a browser without JavaScript gets); the counted facets follow in a second request."""
    on_page = {
        s.speaker.slug: s.speaker.name for day in page.days for s in day.statements if s.speaker
    }
    chosen = dict(
        session.execute(select(Actor.slug, Actor.name).where(Actor.slug.in_(filters.actors)))
        .tuples()
        .all()
    )
    actors = {**chosen, **on_page}
    outlets = session.execute(select(Source.id, Source.name).order_by(Source.name).limit(200)).all()
    issues = session.execute(select(Issue.slug, Issue.name).order_by(Issue.sort_order)).all()
    return Facets(
        issues=[Facet(slug, name, -1, slug in filters.issues) for slug, name in issues],
        stances=[Facet(s, s, -1, s in filters.stances) for s in STANCES],
        kinds=[
            Facet(k, "quotes" if k == "direct_quote" else "reported", -1, k in filters.kinds)
            for k in KINDS
        ],
        reviews=[Facet(r, r, -1, r in filters.reviews) for r in REVIEW_STATUSES],
        outlets=[Facet(str(i), name, -1, i in filters.outlets) for i, name in outlets],
        actors=[
            Facet(slug, name, -1, slug in filters.actors)
            for slug, name in sorted(actors.items(), key=lambda kv: kv[1])
        ],
    )


def facets(session: Session, filters: TimelineFilters, window: int = FACET_WINDOW) -> Facets:
    """How many statements each choice would show, given the other filters. Structured filters
    are summed from the statement tally (exact, however many match); words need the statements
    themselves: exact up to ``window`` matches, estimated from the latest beyond."""
    if (filters.q.strip() and search_terms(filters.q)) or filters.article_id:
        return windowed_facets(session, filters, window)
    return tallied_facets(session, filters)


# --- Facets summed from the statement tally ---------------------------------------------------


def _filter_dims(filters: TimelineFilters, skip: str) -> set[str]:
    """What a tally grain must count by to apply these filters (less ``skip``, and less the
    dates: see _periods): S speaker, O outlet, K stance + kind + review, I issues
    (app/models/tally.py)."""
    dims = set()
    if (filters.actors and skip != "actor") or filters.actor_ids:
        dims.add("S")
    if filters.issues and skip != "issue":
        dims.add("I")
    if filters.outlets and skip != "outlet":
        dims.add("O")
    chosen = {"stance": filters.stances, "kind": filters.kinds, "review": filters.reviews}
    if any(values for name, values in chosen.items() if name != skip):
        dims.add("K")
    return dims


@dataclass(frozen=True)
class _Period:
    """Part of the date filter: whole months (``dim`` "M", read from a grain by month) or days
    ("D"), from ``first`` to ``last`` inclusive (None: no bound); "" for no date filter."""

    dim: str
    first: date | None = None
    last: date | None = None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _periods(filters: TimelineFilters) -> list[_Period]:
    """The date filter as its whole months and the days at either end: the months are summed
    from grains by month (a few hundred rows a month), only the odd days from grains by day."""
    start, end = filters.date_from, filters.date_to
    if not (start or end):
        return [_Period("")]
    months_from = start if start is None or start.day == 1 else _next_month(start)
    # The first day after the whole months.
    months_to = None
    if end is not None:
        months_to = _next_month(end)
        if months_to - timedelta(days=1) != end:
            months_to = end.replace(day=1)
    if months_from is not None and months_to is not None and months_from >= months_to:
        return [_Period("D", start, end)]
    last_month_day = None if months_to is None else months_to - timedelta(days=1)
    periods = [_Period("M", months_from, last_month_day)]
    if start is not None and months_from is not None and start < months_from:
        periods.append(_Period("D", start, months_from - timedelta(days=1)))
    if end is not None and months_to is not None and end >= months_to:
        periods.append(_Period("D", months_to, end))
    return periods


def _tally_where(
    filters: TimelineFilters, ids: dict[str, list[int]], skip: str, dim: str
) -> list[list[ColumnElement[bool]]]:
    """For each period of the date filter, the rows of the smallest tally grain that counts by
    ``dim`` (the facet's) and by every filter but ``skip`` (the facet's own), with those
    filters applied. (Each period's bounds hold for a grain by day as well as by month.)"""
    dims = _filter_dims(filters, skip) | {dim}
    conditions = _tally_conditions(filters, ids, skip)
    day = StatementTally.said_on
    parts = []
    for period in _periods(filters):
        grain = grain_for(dims | ({period.dim} if period.dim else set()))
        where = [StatementTally.grain == grain.id, *conditions]
        if period.first:
            where.append(day >= period.first)
        if period.last:
            where.append(day.between(NO_DAY + timedelta(days=1), period.last))
        parts.append(where)
    return parts


def _tally_conditions(
    filters: TimelineFilters, ids: dict[str, list[int]], skip: str = ""
) -> list[ColumnElement[bool]]:
    """The tally rows these filters (but the dates) keep; ``skip`` leaves one facet's out."""
    tally = StatementTally
    where: list[ColumnElement[bool]] = []
    if filters.actors and skip != "actor":
        where.append(tally.speaker_id.in_(ids["actor"] or [-1]))
    if filters.actor_ids:
        where.append(tally.speaker_id.in_(filters.actor_ids))
    if filters.issues and skip != "issue":
        # Any of the chosen issues, as the timeline reads them: ",3," within ",3,7,".
        where.append(or_(*(tally.issue_ids.contains(f",{i},") for i in ids["issue"] or [-1])))
    for name, column, values in (
        ("stance", tally.stance, filters.stances),
        ("kind", tally.kind, filters.kinds),
        ("review", tally.review_status, filters.reviews),
        ("outlet", tally.source_id, filters.outlets),
    ):
        if values and skip != name:
            where.append(column.in_(values))
    return where


def _tally_rows(parts: list[list[ColumnElement[bool]]], *columns: Any) -> Subquery:
    """``columns`` (as c0, c1, …) and the count ``n`` of the tally rows each part keeps."""
    selects = [
        select(
            *(column.label(f"c{i}") for i, column in enumerate(columns)), StatementTally.n
        ).where(*where)
        for where in parts
    ]
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery()


def _summed(
    session: Session, parts: list[list[ColumnElement[bool]]], *columns: Any
) -> list[tuple[Any, ...]]:
    """The tally's counts by ``columns`` among the rows the parts keep."""
    rows = _tally_rows(parts, *columns)
    keys = [rows.c[f"c{i}"] for i in range(len(columns))]
    return [
        tuple(row) for row in session.execute(select(*keys, func.sum(rows.c.n)).group_by(*keys))
    ]


def _by(rows: list[tuple[Any, ...]], position: int) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for row in rows:
        counts[row[position]] = counts.get(row[position], 0) + int(row[-1])
    return counts


def _tallied_review_facets(
    session: Session, filters: TimelineFilters, ids: dict[str, list[int]]
) -> tuple[dict[Any, int], dict[Any, int], dict[Any, int]]:
    """Counts by stance, kind and review status: one pass when none of the three is filtered
    (they then share their conditions), else one each."""
    tally = StatementTally
    if not (filters.stances or filters.kinds or filters.reviews):
        parts = _tally_where(filters, ids, "", "K")
        rows = _summed(session, parts, tally.stance, tally.kind, tally.review_status)
        return _by(rows, 0), _by(rows, 1), _by(rows, 2)
    return (
        _by(_summed(session, _tally_where(filters, ids, "stance", "K"), tally.stance), 0),
        _by(_summed(session, _tally_where(filters, ids, "kind", "K"), tally.kind), 0),
        _by(_summed(session, _tally_where(filters, ids, "review", "K"), tally.review_status), 0),
    )


def _tallied_issues(
    session: Session, filters: TimelineFilters, ids: dict[str, list[int]]
) -> list[Facet]:
    """Counts per issue: the tally counts sets of issues (",3,7,"), spread here over each one."""
    by_set = _by(
        _summed(session, _tally_where(filters, ids, "issue", "I"), StatementTally.issue_ids), 0
    )
    counts: dict[int, int] = {}
    for issue_set, count in by_set.items():
        for issue_id in issue_set.strip(",").split(","):
            if issue_id:
                counts[int(issue_id)] = counts.get(int(issue_id), 0) + count
    issues = session.execute(
        select(Issue.id, Issue.slug, Issue.name)
        .where(Issue.id.in_(counts))
        .order_by(Issue.sort_order, Issue.id)
    )
    return [
        Facet(slug, name, counts[issue_id], slug in filters.issues)
        for issue_id, slug, name in issues
    ]


def _tallied_named(
    session: Session,
    parts: list[list[ColumnElement[bool]]],
    key: Any,
    named: tuple[Any, Any, Any],
    limit: int,
) -> list[tuple[Any, str, int]]:
    """The ``limit`` commonest of one facet (actors, outlets) with their names: ``named`` is the
    table's (id, value, name) columns; the tally's "none" (0) joins nothing and drops out."""
    ident, value, name = named
    rows = _tally_rows(parts, key)
    counted = (
        select(rows.c.c0.label("key"), func.sum(rows.c.n).label("n")).group_by(rows.c.c0).subquery()
    )
    found = session.execute(
        select(value, name, counted.c.n)
        .join(counted, counted.c.key == ident)
        .order_by(counted.c.n.desc(), name)
        .limit(limit)
    )
    return [(row[0], row[1], int(row[2])) for row in found]


def _tallied_actors(
    session: Session, filters: TimelineFilters, ids: dict[str, list[int]]
) -> list[Facet]:
    """The 25 commonest speakers, and any chosen one beyond them (counted 0: none match)."""
    rows = _tallied_named(
        session,
        _tally_where(filters, ids, "actor", "S"),
        StatementTally.speaker_id,
        (Actor.id, Actor.slug, Actor.name),
        25,
    )
    actors = [Facet(slug, name, count, slug in filters.actors) for slug, name, count in rows]
    missing = set(filters.actors) - {facet.value for facet in actors}
    if missing:
        for slug, name in session.execute(
            select(Actor.slug, Actor.name).where(Actor.slug.in_(missing))
        ):
            actors.insert(0, Facet(slug, name, 0, True))
    return actors


def _tallied_months(
    session: Session, filters: TimelineFilters, ids: dict[str, list[int]]
) -> list[Facet]:
    """Counts per month ("2025-05"), oldest first; statements of unknown date are left out."""
    day = StatementTally.said_on
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(day, literal_column("'YYYY-MM'"))
    else:
        month = func.substr(day, 1, 7)
    # By month: the month grains serve it, unless a date filter needs a grain by day.
    parts = [[*where, day > NO_DAY] for where in _tally_where(filters, ids, "", "M")]
    counts = _by(_summed(session, parts, month), 0)
    return [
        Facet(value, date.fromisoformat(value + "-01").strftime("%b %Y"), count, False)
        for value, count in sorted(counts.items())
    ]


def tallied_facets(session: Session, filters: TimelineFilters) -> Facets:
    """Every facet as a sum over the statement tally: exact whatever the number of matches."""
    ids = {
        "actor": actor_ids_for(session, filters.actors) if filters.actors else [],
        "issue": list(session.scalars(select(Issue.id).where(Issue.slug.in_(filters.issues))))
        if filters.issues
        else [],
    }
    stances, kinds, reviews = _tallied_review_facets(session, filters, ids)
    outlets = _tallied_named(
        session,
        _tally_where(filters, ids, "outlet", "O"),
        StatementTally.source_id,
        (Source.id, Source.id, Source.name),
        40,
    )
    return Facets(
        issues=_tallied_issues(session, filters, ids),
        stances=[Facet(s, s, stances.get(s, 0), s in filters.stances) for s in STANCES],
        kinds=[Facet(k, _kind_label(k), kinds.get(k, 0), k in filters.kinds) for k in KINDS],
        reviews=[Facet(r, r, reviews.get(r, 0), r in filters.reviews) for r in REVIEW_STATUSES],
        outlets=[Facet(str(i), name, n, i in filters.outlets) for i, name, n in outlets],
        actors=_tallied_actors(session, filters, ids),
        months=_tallied_months(session, filters, ids),
    )


def _kind_label(kind: str) -> str:
    return "quotes" if kind == "direct_quote" else "reported"


# --- Facets counted over the statements themselves (free text) -----------------------------


class _Windows:
    """The statements each facet counts over, given the filters less its own: the filters as
    they are when fewer than ``size`` statements match (a count that stops there, in no order:
    cheap); else the latest ``size`` (``windowed`` then says the counts are estimated). Leaving
    out a filter that is not set changes nothing, so those share one window."""

    def __init__(self, session: Session, filters: TimelineFilters, size: int) -> None:
        self.session, self.filters, self.size = session, filters, size
        self.windowed = False
        self.active = {
            "actor": bool(filters.actors),
            "issue": bool(filters.issues),
            "stance": bool(filters.stances),
            "kind": bool(filters.kinds),
            "review": bool(filters.reviews),
            "outlet": bool(filters.outlets),
        }
        self._found: dict[str, ColumnElement[bool]] = {}

    def without(self, skip: str) -> ColumnElement[bool]:
        key = skip if self.active.get(skip) else ""
        if key not in self._found:
            self._found[key] = self._window(key)
        return self._found[key]

    def _window(self, skip: str) -> ColumnElement[bool]:
        conditions = _conditions(self.session, self.filters, skip, walk=False)
        some = select(Statement.id).where(*conditions).limit(self.size)
        matching = self.session.scalar(select(func.count()).select_from(some.subquery())) or 0
        if matching < self.size:
            return and_(*conditions)
        self.windowed = True
        # The ids, once: as a subquery every facet's count would walk to them again.
        latest = (
            select(Statement.id)
            .where(*conditions)
            .order_by(Statement.said_on.desc().nulls_last(), Statement.id.desc())
            .limit(self.size)
        )
        return Statement.id.in_(list(self.session.scalars(latest)))

    def counted(self, column: Any, skip: str) -> dict[object, int]:
        rows = self.session.execute(
            select(column, func.count()).where(self.without(skip)).group_by(column)
        ).all()
        return {value: count for value, count in rows}


def windowed_facets(
    session: Session, filters: TimelineFilters, window: int = FACET_WINDOW
) -> Facets:
    """How many statements each choice would show, given the other filters: exact up to
    ``window`` matching statements; for broader views, counted among the latest ``window``
    (the work stays bounded however large the corpus; ``windowed`` says so)."""
    windows = _Windows(session, filters, window)
    stance_counts, kind_counts, review_counts = _windowed_review_counts(windows)
    return Facets(
        issues=[
            Facet(slug, name, count, slug in filters.issues)
            for slug, name, count in _windowed_issue_rows(windows)
        ],
        stances=[Facet(s, s, stance_counts.get(s, 0), s in filters.stances) for s in STANCES],
        kinds=[Facet(k, _kind_label(k), kind_counts.get(k, 0), k in filters.kinds) for k in KINDS],
        reviews=[
            Facet(r, r, review_counts.get(r, 0), r in filters.reviews) for r in REVIEW_STATUSES
        ],
        outlets=[
            Facet(str(i), name, count, i in filters.outlets)
            for i, name, count in _windowed_outlet_rows(windows)
        ],
        actors=_windowed_actors(windows),
        windowed=windows.windowed,
    )


Counts = dict[object, int]


def _windowed_review_counts(windows: _Windows) -> tuple[Counts, Counts, Counts]:
    """Stance, kind and review-status counts: in one pass when none of the three is set (they
    then share one window)."""
    if windows.active["stance"] or windows.active["kind"] or windows.active["review"]:
        return (
            windows.counted(Statement.stance, "stance"),
            windows.counted(Statement.kind, "kind"),
            windows.counted(Statement.review_status, "review"),
        )
    stances: Counts = {}
    kinds: Counts = {}
    reviews: Counts = {}
    for stance, kind, review, count in windows.session.execute(
        select(Statement.stance, Statement.kind, Statement.review_status, func.count())
        .where(windows.without(""))
        .group_by(Statement.stance, Statement.kind, Statement.review_status)
    ):
        stances[stance] = stances.get(stance, 0) + count
        kinds[kind] = kinds.get(kind, 0) + count
        reviews[review] = reviews.get(review, 0) + count
    return stances, kinds, reviews


def _windowed_issue_rows(windows: _Windows) -> Sequence[Row[str, str, int]]:
    return windows.session.execute(
        select(Issue.slug, Issue.name, func.count(StatementIssue.statement_id))
        .join(StatementIssue, StatementIssue.issue_id == Issue.id)
        .join(Statement, Statement.id == StatementIssue.statement_id)
        .where(windows.without("issue"))
        .group_by(Issue.slug, Issue.name, Issue.sort_order)
        .order_by(Issue.sort_order)
    ).all()


def _windowed_outlet_rows(windows: _Windows) -> Sequence[Row[int, str, int]]:
    return windows.session.execute(
        select(Source.id, Source.name, func.count(Statement.id))
        .join(Article, Article.source_id == Source.id)
        .join(Statement, Statement.article_id == Article.id)
        .where(windows.without("outlet"))
        .group_by(Source.id, Source.name)
        .order_by(func.count(Statement.id).desc(), Source.name)
        .limit(40)
    ).all()


def _windowed_actors(windows: _Windows) -> list[Facet]:
    """The 25 most frequent speakers, and any chosen one beyond them (with 0)."""
    session, filters = windows.session, windows.filters
    rows = session.execute(
        select(Actor.slug, Actor.name, func.count(Statement.id))
        .join(Statement, Statement.speaker_id == Actor.id)
        .where(windows.without("actor"))
        .group_by(Actor.slug, Actor.name)
        .order_by(func.count(Statement.id).desc(), Actor.name)
        .limit(25)
    ).all()
    selected = set(filters.actors)
    actors = [Facet(slug, name, count, slug in selected) for slug, name, count in rows]
    missing = selected - {facet.value for facet in actors}
    if missing:
        for slug, name in session.execute(
            select(Actor.slug, Actor.name).where(Actor.slug.in_(missing))
        ):
            actors.insert(0, Facet(slug, name, 0, True))
    return actors
