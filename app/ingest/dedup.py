"""One story, many sources: near-duplicate articles by MinHash LSH, and repeated statements by
fuzzy matching, so a wire story run by five outlets is one story with five sources.

An article's fingerprint is the set of names and numbers it mentions (outside page furniture).
They survive a rewrite — the seeds' AP story and its rewrite share 81% of theirs, while two
different reports on the same talks share at most 46% in the development corpus — where word
sequences do not (the rewrite keeps only 11% of its content-word pairs). Candidates come from
the LSH bands (an indexed lookup, not a scan); each is then verified on the exact sets.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple, Protocol

from datasketch import MinHash
from rapidfuzz import fuzz
from sqlalchemy import func, insert, select, tuple_
from sqlalchemy import text as sql
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.extraction.clean import clean
from app.models import Article, Statement
from app.models.dedup import ArticleBand
from app.vocabulary import ReviewStatus

NUM_PERM = 126
ROWS_PER_BAND = 3  # 42 bands: a pair sharing half its names is a candidate 99% of the time
BANDS = NUM_PERM // ROWS_PER_BAND
NEAR_DUPLICATE_SIMILARITY = 0.6  # Jaccard of the name sets
MIN_NAMES = 5  # fewer names than this say too little to call two texts one story
MAX_CANDIDATES = 20
STATEMENT_SIMILARITY = 85  # rapidfuzz token_set_ratio, 0-100
STATEMENT_WINDOW = timedelta(days=7)

_NAME_OR_NUMBER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b|\b\d[\d,.]*\d\b|\b\d\b", re.M)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# Each import fingerprints the earlier articles its bands point at (up to MAX_CANDIDATES): in
# a batch of one story's copies those are the same few texts again and again. The last ones
# are kept by a digest of their text (not the text: an article may be megabytes).
FINGERPRINTS_KEPT = 512
_fingerprints: dict[bytes, frozenset[str]] = {}
_fingerprints_lock = threading.Lock()


def fingerprint(text: str) -> frozenset[str]:
    """The names and numbers of the article's prose, lowercased."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    with _fingerprints_lock:
        found = _fingerprints.pop(key, None)
    if found is None:
        stop = _stop_words()
        names = {token.lower() for token in _NAME_OR_NUMBER.findall(clean(text))}
        found = frozenset(name for name in names if name not in stop)
    with _fingerprints_lock:
        _fingerprints[key] = found  # last in the dict's order: the most recently used
        while len(_fingerprints) > FINGERPRINTS_KEPT:
            del _fingerprints[next(iter(_fingerprints))]
    return found


def similarity(left: AbstractSet[str], right: AbstractSet[str]) -> float:
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def minhash(features: Iterable[str]) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, seed=7)
    signature.update_batch([feature.encode("utf-8") for feature in features])
    return signature


def bands(signature: MinHash) -> list[tuple[int, int]]:
    """(band, bucket) pairs; a bucket is a stable 64-bit hash of the band's rows."""
    values = signature.hashvalues
    found = []
    for band in range(BANDS):
        chunk = values[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        found.append((band, int.from_bytes(digest, "big", signed=True)))
    return found


@dataclass
class NearDuplicate:
    article_id: int
    similarity: float


def candidates(
    session: Session, article_bands: list[tuple[int, int]], exclude: int | None = None
) -> list[int]:
    """Articles sharing at least one band, most shared bands first (an index lookup)."""
    query = (
        select(ArticleBand.article_id)
        .where(tuple_(ArticleBand.band, ArticleBand.bucket).in_(article_bands))
        .group_by(ArticleBand.article_id)
        .order_by(func.count().desc(), ArticleBand.article_id)
        .limit(MAX_CANDIDATES)
    )
    if exclude is not None:
        query = query.where(ArticleBand.article_id != exclude)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Story:
    """What identifies an article's story: its text's hash, its names and their LSH bands."""

    content_hash: str
    features: frozenset[str]
    bands: list[tuple[int, int]]

    @property
    def comparable(self) -> bool:
        """Enough names to call another text the same story (else only the hash counts)."""
        return len(self.features) >= MIN_NAMES


def story_of(body: str, content_hash: str) -> Story:
    features = fingerprint(body)
    return Story(content_hash, features, bands(minhash(features)))


# The namespace (first key) of the advisory locks on stories, apart from the tally's one-key lock.
STORY_LOCKS = 7_411_504


def _lock_key(value: str) -> int:
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_story(session: Session, story: Story) -> None:
    """Make imports of one story take turns (PostgreSQL): until this transaction ends, hold an
    advisory lock on the text's hash and on each of its LSH buckets. Two workers given the same
    wire story at once would otherwise both look for it, both find nothing (neither has
    committed) and both store an original; now the second waits, then finds the first's article
    and stores a copy of it. Any two texts the look-up can match share a bucket, so they share a
    lock; texts of other stories wait for nobody. Keys are taken in ascending order, so two
    imports never deadlock. SQLite needs none: its writers take turns already (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = {_lock_key(story.content_hash)}
    if story.comparable:
        keys |= {_lock_key(f"{band}:{bucket}") for band, bucket in story.bands}
    # unnest yields the sorted array in order, and each row takes its lock as it is produced.
    session.execute(
        sql("SELECT pg_advisory_xact_lock(:space, key) FROM unnest(CAST(:keys AS integer[])) key"),
        {"space": STORY_LOCKS, "keys": sorted(keys)},
    )


def find_near_duplicate(
    session: Session, story: Story, exclude: int | None = None
) -> NearDuplicate | None:
    """The most similar earlier article above the threshold to a text (its ``story``),
    resolved to its original."""
    features = story.features
    if not story.comparable:
        return None
    found = candidates(session, story.bands, exclude)
    if not found:
        return None
    best: NearDuplicate | None = None
    rows = session.execute(
        select(Article.id, Article.text, Article.duplicate_of_id).where(Article.id.in_(found))
    )
    for article_id, candidate_text, original_id in rows:
        other = fingerprint(candidate_text)
        score = similarity(features, other)
        if len(other) < MIN_NAMES:
            continue
        if score >= NEAR_DUPLICATE_SIMILARITY and (best is None or score > best.similarity):
            best = NearDuplicate(original_id or article_id, score)
    return best


def index_article(session: Session, article_id: int, story: Story) -> None:
    """Store a new article's LSH bands (its text's ``story``)."""
    session.execute(
        insert(ArticleBand),
        [
            {"article_id": article_id, "band": band, "bucket": bucket}
            for band, bucket in story.bands
        ],
    )


class Quotation(Protocol):
    """What corroboration reads of a statement: who said which words, when."""

    @property
    def speaker_id(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def said_on(self) -> date | None: ...


class Quote(NamedTuple):
    """A statement not stored yet, as corroboration reads it."""

    speaker_id: int | None
    text: str
    said_on: date | None


def corroborate(session: Session, article: Article, statements: list[Statement]) -> int:
    """Link each of these statements to the earlier one it repeats (``corroborations``).
    Returns how many were linked."""
    linked = 0
    for statement, earlier_id in zip(
        statements, corroborations(session, article, statements), strict=True
    ):
        if earlier_id is not None:
            statement.corroborates_id = earlier_id
            linked += 1
    return linked


def corroborations(
    session: Session, article: Article, statements: Sequence[Quotation]
) -> list[int | None]:
    """For each new statement, the earlier one by the same speaker in nearly the same words
    (from another article within a week, or from the article this one copies) that it
    repeats, if any. One query for all of the article's speakers."""
    speakers = {s.speaker_id for s in statements if s.speaker_id is not None}
    if not speakers:
        return [None] * len(statements)
    days = [s.said_on for s in statements if s.said_on is not None]
    nearby: ColumnElement[bool] = Statement.said_on.is_(None)
    if days:
        nearby = nearby | Statement.said_on.between(
            min(days) - STATEMENT_WINDOW, max(days) + STATEMENT_WINDOW
        )
    if article.duplicate_of_id is not None:
        nearby = nearby | (Statement.article_id == article.duplicate_of_id)
    earlier = session.execute(
        select(
            Statement.id,
            Statement.speaker_id,
            Statement.text,
            Statement.said_on,
            Statement.article_id,
        )
        .where(
            Statement.speaker_id.in_(speakers),
            Statement.article_id != article.id,
            Statement.corroborates_id.is_(None),
            Statement.review_status != ReviewStatus.rejected,
            nearby,
        )
        .order_by(Statement.id)
        .limit(2000)
    ).all()
    found: list[int | None] = []
    for statement in statements:
        best_id, best_score = None, 0.0
        for other_id, speaker_id, other_text, other_day, other_article in earlier:
            if speaker_id != statement.speaker_id or not _close(
                statement, other_day, other_article, article
            ):
                continue
            score = _same_words(statement.text, other_text)
            if score > best_score:
                best_id, best_score = other_id, score
        found.append(best_id if best_score >= STATEMENT_SIMILARITY else None)
    return found


def _close(
    statement: Quotation, other_day: date | None, other_article: int, article: Article
) -> bool:
    if other_article == article.duplicate_of_id:
        return True
    if statement.said_on is None or other_day is None:
        return statement.said_on is None and other_day is None
    return abs(statement.said_on - other_day) <= STATEMENT_WINDOW


def _same_words(left: str, right: str) -> float:
    """How nearly two statements say the same words; very short ones must match exactly."""
    if min(len(left.split()), len(right.split())) < 3:
        return 100.0 if left.strip(" .,").lower() == right.strip(" .,").lower() else 0.0
    return float(fuzz.token_set_ratio(left, right))
