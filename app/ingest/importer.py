"""One article into the database, whole or not at all: text, actors, statements and events."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.extraction.codebook import Codebook, normalize_name, slugify
from app.extraction.types import ExtractionResult
from app.extraction.types import Statement as ExtractedStatement
from app.ingest.dedup import (
    Quote,
    corroborations,
    find_near_duplicate,
    index_article,
    lock_story,
    story_of,
)
from app.ingest.events import store_events
from app.models import (
    Actor,
    ActorAlias,
    Article,
    Issue,
    Source,
    Statement,
    StatementIssue,
)
from app.models.actor import surviving
from app.models.tally import issue_set
from app.positions.derive import recompute


@dataclass
class ArticleInput:
    """An article as it arrives: the text exactly as it will be stored, and what we know of it."""

    text: str
    title: str
    outlet: str | None = None
    url: str | None = None
    published_on: date | None = None
    published_precision: str = "day"
    language: str = "en"
    file_name: str | None = None
    file_type: str | None = None
    file_sha256: str | None = None
    needs_review: bool = False


@dataclass
class ImportOutcome:
    status: str  # "imported" or "duplicate"
    article_id: int
    statements: int = 0
    events: int = 0
    new_actors: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # the original this article rewrites or syndicates


def content_hash(text: str) -> str:
    """The identity of a text: the same words with other whitespace or Unicode forms hash alike."""
    normalized = unicodedata.normalize("NFKC", text)
    normalized = re.sub(r"\s+", " ", normalized).strip().lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def find_duplicate(session: Session, text_hash: str) -> Article | None:
    """The article already stored with this ``content_hash``."""
    return session.scalar(select(Article).where(Article.content_hash == text_hash))


def get_or_create_source(session: Session, name: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is not None:
        return source
    try:
        with session.begin_nested():
            source = Source(name=name)
            session.add(source)
    except IntegrityError:
        # Another import created the same outlet between our look-up and our insert.
        source = session.scalars(select(Source).where(Source.name == name)).one()
    return source


class ActorResolver:
    """Maps extracted speaker and participant names to actor rows, creating unknown ones."""

    def __init__(self, session: Session, codebook: Codebook, result: ExtractionResult) -> None:
        self.session = session
        self.codebook = codebook
        self.created: list[str] = []
        self._cache: dict[str, Actor] = {}
        self._kinds = {actor.name: actor.kind for actor in result.actors}
        names = {s.speaker for s in result.statements if s.speaker}
        names |= {name for event in result.events for name in event.participants}
        self._prefetch(names)

    def _prefetch(self, names: set[str]) -> None:
        """Look every name up at once: by codebook slug, then by any alias."""
        slugs = {}
        for name in names:
            entry = self.codebook.actor_named(name)
            if entry is not None:
                slugs[entry.slug] = normalize_name(name)
        if slugs:
            for actor in self.session.scalars(select(Actor).where(Actor.slug.in_(slugs))):
                self._cache[slugs[actor.slug]] = actor
        missing = {normalize_name(name) for name in names} - set(self._cache)
        if missing:
            rows = self.session.execute(
                select(ActorAlias.normalized, Actor)
                .join(Actor, ActorAlias.actor_id == Actor.id)
                .where(ActorAlias.normalized.in_(missing))
                .order_by(Actor.id)
            ).tuples()
            for normalized, actor in rows:
                self._cache.setdefault(normalized, actor)

    def resolve(self, name: str) -> Actor:
        """The actor of this name (the survivor, if an analyst merged it), created if unknown."""
        key = normalize_name(name)
        if key not in self._cache:
            self._cache[key] = self._create(name, self._kinds.get(name, "person"))
        elif self._cache[key].merged_into_id is not None:
            self._cache[key] = surviving(self.session, self._cache[key])
        return self._cache[key]

    def _create(self, name: str, kind: str) -> Actor:
        base = slugify(name)
        slug, suffix = base, 2
        while self.session.scalar(select(Actor.id).where(Actor.slug == slug)) is not None:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        actor = Actor(name=name, slug=slug, kind=kind, needs_review=True)
        actor.aliases = [ActorAlias(alias=name, normalized=normalize_name(name))]
        self.session.add(actor)
        self.session.flush()
        self.created.append(name)
        return actor


def store_article(
    session: Session, item: ArticleInput, result: ExtractionResult, codebook: Codebook
) -> ImportOutcome:
    """Write one article and its extraction results; the caller owns the transaction.

    Imports of one story take turns (``lock_story``) from the look-up for an earlier copy to
    the commit, so two workers given the same story at once store one original and one copy
    (or, for the same text, one article). Everything is written inside a savepoint, so a
    conflict that gets past the locks (the same text imported concurrently) leaves nothing
    behind and is reported as a duplicate.
    """
    story = story_of(item.text, content_hash(item.text))
    lock_story(session, story)
    existing = find_duplicate(session, story.content_hash)
    if existing is not None:
        return ImportOutcome(status="duplicate", article_id=existing.id)
    source = get_or_create_source(session, item.outlet) if item.outlet else None
    near = find_near_duplicate(session, story)
    try:
        with session.begin_nested():
            article = Article(
                title=item.title,
                source_id=source.id if source else None,
                url=item.url,
                published_on=item.published_on,
                published_precision=item.published_precision,
                text=item.text,
                content_hash=story.content_hash,
                language=item.language,
                file_name=item.file_name,
                file_type=item.file_type,
                file_sha256=item.file_sha256,
                needs_review=item.needs_review,
                duplicate_of_id=near.article_id if near else None,
            )
            session.add(article)
            session.flush()
            resolver = ActorResolver(session, codebook, result)
            # Statements last: their first insert takes the tally's lock (the migration
            # statement_tally), which other imports wait for until this one commits.
            events = store_events(session, article, result, resolver)
            index_article(session, article.id, story)
            statements, pairs = _store_statements(session, article, result, resolver)
            recompute(session, pairs)
    except IntegrityError:
        existing = find_duplicate(session, story.content_hash)
        if existing is None:
            raise
        return ImportOutcome(status="duplicate", article_id=existing.id)
    return ImportOutcome(
        status="imported",
        article_id=article.id,
        statements=statements,
        events=events,
        new_actors=resolver.created,
        duplicate_of=near.article_id if near else None,
    )


def statement_values(extracted: ExtractedStatement, resolver: ActorResolver) -> dict[str, Any]:
    """The columns of a statement row for an extracted statement."""
    speaker = resolver.resolve(extracted.speaker) if extracted.speaker else None
    return {
        "speaker_id": speaker.id if speaker else None,
        "speaker_text": extracted.speaker_text,
        "speaker_role": extracted.speaker_role,
        "kind": extracted.kind,
        "text": extracted.text,
        "start": extracted.start,
        "end": extracted.end,
        "said_on": extracted.said_on,
        "said_on_precision": extracted.said_on_precision,
        "stance": extracted.stance,
        "stance_target": extracted.stance_target,
        "reported_by": extracted.source[:200] if extracted.source else None,
        "confidence": extracted.confidence,
    }


def ranked_issues(
    extracted: ExtractedStatement, issue_ids: dict[str, int]
) -> list[tuple[int, int, float]]:
    """The statement's issues known to the database: (issue id, rank, score), best first."""
    return [
        (issue_ids[key], rank, score)
        for rank, (key, score) in enumerate(extracted.issues)
        if key in issue_ids
    ]


def issue_links(extracted: ExtractedStatement, issue_ids: dict[str, int]) -> list[StatementIssue]:
    return [
        StatementIssue(issue_id=issue_id, rank=rank, score=score)
        for issue_id, rank, score in ranked_issues(extracted, issue_ids)
    ]


def issue_ids_by_slug(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Issue.slug, Issue.id)).tuples().all())


def _store_statements(
    session: Session, article: Article, result: ExtractionResult, resolver: ActorResolver
) -> tuple[int, set[tuple[int, int]]]:
    """The article's statements, linked to what they repeat and to their issues; returns how
    many and the (speaker, issue) pairs whose positions they can change.

    Written as rows in one INSERT, not as ORM objects (the unit of work cost more per
    statement than the database and its triggers did), and so that the tallies' triggers count
    each statement once: it is inserted already linked to the statement it repeats (a repeat
    is never counted, where one linked after its insert is counted, then taken out again) and
    holding its sets of issues and of issues ranked first (so the trigger on its issue links
    finds both right, instead of changing the statement, and its counts, once per link)."""
    issue_ids = issue_ids_by_slug(session)
    rows: list[dict[str, Any]] = []
    links: list[list[tuple[int, int, float]]] = []
    for extracted in result.statements:
        its_links = ranked_issues(extracted, issue_ids)
        rows.append(
            {
                "article_id": article.id,
                **statement_values(extracted, resolver),
                "issue_ids": issue_set(issue for issue, _, _ in its_links),
                "lead_issue_ids": issue_set(issue for issue, rank, _ in its_links if rank == 0),
            }
        )
        links.append(its_links)
    if not rows:
        return 0, set()
    quotes = [Quote(row["speaker_id"], row["text"], row["said_on"]) for row in rows]
    for row, earlier_id in zip(rows, corroborations(session, article, quotes), strict=True):
        row["corroborates_id"] = earlier_id
    ids = session.scalars(
        insert(Statement).returning(Statement.id, sort_by_parameter_order=True),
        rows,
        execution_options={"render_nulls": True},
    ).all()
    link_rows = [
        {"statement_id": statement_id, "issue_id": issue_id, "rank": rank, "score": score}
        for statement_id, its_links in zip(ids, links, strict=True)
        for issue_id, rank, score in its_links
    ]
    if link_rows:
        # RETURNING, though nothing is read back, makes SQLAlchemy send the rows as one
        # multi-row INSERT (psycopg's executemany sends one per row): the links' trigger then
        # (PostgreSQL runs row triggers as the statement ends) finds each set complete.
        session.execute(insert(StatementIssue).returning(StatementIssue.statement_id), link_rows)
    pairs = {
        (row["speaker_id"], issue_id)
        for row, its_links in zip(rows, links, strict=True)
        for issue_id, rank, _ in its_links
        if rank == 0 and row["speaker_id"] is not None
    }
    return len(rows), pairs
