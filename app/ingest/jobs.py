"""Import jobs: create one from files, claim and import its items one by one, report progress.

Every item is claimed with a conditional UPDATE (so two workers never take the same one), then
imported in a transaction that also records the item's result: an article and its item's
"imported" commit together or not at all. An item left "running" by a worker that died is put
back in the queue once it is older than the stale timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.dates import parse_day
from app.db import transaction
from app.ingest.budget import ExtractionTimeout
from app.ingest.documents import DocumentError, read_document
from app.ingest.importer import ImportOutcome
from app.ingest.metadata import ArticleMeta
from app.ingest.service import ArticleImporter, article_input
from app.models import ImportItem, ImportJob
from app.vocabulary import FINISHED_ITEM_STATUSES, ItemStatus, JobOrigin, JobState

MAX_ATTEMPTS = 3
logger = logging.getLogger("parley.ingest")


@dataclass
class NewItem:
    """A file for a job: its name, bytes, and whatever the form or metadata says of it."""

    file_name: str
    content: bytes | None
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # refused before queuing (too large, say): recorded as failed


def meta_dict(meta: ArticleMeta | None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if meta is not None:
        values = {
            "title": meta.title,
            "outlet": meta.outlet,
            "url": meta.url,
            "published": meta.published.isoformat() if meta.published else None,
        }
    for key, value in overrides.items():
        if value:
            values[key] = value.isoformat() if isinstance(value, date) else value
    return {key: value for key, value in values.items() if value}


def create_job(
    session: Session, items: list[NewItem], origin: JobOrigin = JobOrigin.upload
) -> ImportJob:
    now = datetime.now(UTC)
    job = ImportJob(origin=origin, items=[])
    for position, item in enumerate(items):
        job.items.append(
            ImportItem(
                position=position,
                file_name=item.file_name,
                content=item.content if item.error is None else None,
                meta=item.meta,
                status=ItemStatus.failed if item.error else ItemStatus.queued,
                error=item.error,
                finished_at=now if item.error else None,
            )
        )
    session.add(job)
    session.flush()
    return job


def claim_next(session: Session, job_id: int) -> int | None:
    """Take the job's next queued item for this worker; None when none is left."""
    candidates = session.scalars(
        select(ImportItem.id)
        .where(ImportItem.job_id == job_id, ImportItem.status == ItemStatus.queued)
        .order_by(ImportItem.position)
        .limit(5)
    ).all()
    for item_id in candidates:
        claimed = session.execute(
            update(ImportItem)
            .where(ImportItem.id == item_id, ImportItem.status == ItemStatus.queued)
            .values(
                status=ItemStatus.running,
                attempts=ImportItem.attempts + 1,
                claimed_at=datetime.now(UTC),
            )
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return item_id
    return None


def has_queued_items(session: Session, job_id: int) -> bool:
    """Whether any of the job's items still waits for a worker."""
    waiting = session.scalar(
        select(ImportItem.id)
        .where(ImportItem.job_id == job_id, ImportItem.status == ItemStatus.queued)
        .limit(1)
    )
    return waiting is not None


def _finished(status: str, **values: Any) -> dict[str, Any]:
    """The columns of an item that has its result."""
    # The text now lives in the article; the bytes are no longer needed.
    return {"status": status, "finished_at": datetime.now(UTC), "content": None, **values}


def _finish_item(item: ImportItem, status: str, **values: Any) -> None:
    for key, value in _finished(status, **values).items():
        setattr(item, key, value)


def _finish(session: Session, item_id: int, status: str, **values: Any) -> None:
    """As ``_finish_item``, without loading the item (and its bytes) again."""
    session.execute(
        update(ImportItem).where(ImportItem.id == item_id).values(**_finished(status, **values))
    )


def import_item(factory: sessionmaker[Session], importer: ArticleImporter, item_id: int) -> str:
    """Import one claimed item; the article and the item's result commit together."""
    with transaction(factory) as session:
        item = session.get(ImportItem, item_id)
        if item is None or item.status != ItemStatus.running:
            return "skipped"
        content, file_name, meta = item.content or b"", item.file_name, dict(item.meta)
    try:
        document = read_document(content, file_name)
    except DocumentError as exc:
        with transaction(factory) as session:
            _finish(session, item_id, ItemStatus.failed, error=str(exc))
        return ItemStatus.failed
    document.published = parse_day(meta.get("published")) or document.published
    document.title = meta.get("title") or document.title
    document.outlet = meta.get("outlet") or document.outlet
    document.url = meta.get("url") or document.url

    def record(session: Session, outcome: ImportOutcome) -> None:
        _finish(
            session,
            item_id,
            outcome.status,
            article_id=outcome.article_id,
            statements=outcome.statements,
        )

    try:
        return importer.import_input(article_input(document, None), also=record).status
    except ExtractionTimeout as exc:  # it would take as long again: failed, not retried
        with transaction(factory) as session:
            _finish(session, item_id, ItemStatus.failed, error=str(exc))
        return ItemStatus.failed


def run_job(
    factory: sessionmaker[Session],
    job_id: int,
    importer: ArticleImporter | None = None,
    on_item: Callable[[str], None] | None = None,
) -> None:
    """Work through a job's queued items until none is left, then settle its state."""
    importer = importer or ArticleImporter(factory)
    with transaction(factory) as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            return
        if job.state == JobState.queued:
            job.state, job.started_at = JobState.running, datetime.now(UTC)
    while True:
        with transaction(factory) as session:
            item_id = claim_next(session, job_id)
        if item_id is None:
            break
        try:
            status = import_item(factory, importer, item_id)
        except Exception as exc:  # one bad item must not stop the others; its reason is kept
            with transaction(factory) as session:
                _failed_attempt(session.get_one(ImportItem, item_id), exc)
            status = "error"
        if on_item:
            on_item(status)
    with transaction(factory) as session:
        settle(session, job_id)


def _failed_attempt(item: ImportItem, exc: Exception) -> None:
    """An import that raised: logged with the item and the reason each time, then retried
    until its attempts are spent, when the item fails with the reason."""
    final = item.attempts >= MAX_ATTEMPTS
    logger.warning(
        "import job %s, item %s (%s): attempt %s of %s failed%s: %s",
        item.job_id,
        item.id,
        item.file_name,
        item.attempts,
        MAX_ATTEMPTS,
        "" if final else ", queued again",
        exc,
        exc_info=exc,
    )
    if final:
        _finish_item(item, ItemStatus.failed, error=f"import failed: {exc}")
    else:
        item.status = ItemStatus.queued


def settle(session: Session, job_id: int) -> None:
    """A job is done when every item has a result; failed when every item failed."""
    job = session.get_one(ImportJob, job_id)
    counts = item_counts(session, job_id)
    pending = counts.get(ItemStatus.queued, 0) + counts.get(ItemStatus.running, 0)
    if pending == 0 and job.state not in (JobState.done, JobState.failed):
        total = sum(counts.values())
        failed = total and counts.get(ItemStatus.failed, 0) == total
        job.state = JobState.failed if failed else JobState.done
        job.finished_at = datetime.now(UTC)


def item_counts(session: Session, job_id: int) -> dict[str, int]:
    rows = session.execute(
        select(ImportItem.status, func.count())
        .where(ImportItem.job_id == job_id)
        .group_by(ImportItem.status)
    ).tuples()
    return dict(rows.all())


def requeue_stale(session: Session, older_than: timedelta) -> list[int]:
    """Put back items whose worker died mid-import; returns the jobs that have work again."""
    cutoff = datetime.now(UTC) - older_than
    stale = session.scalars(
        select(ImportItem).where(
            ImportItem.status == ItemStatus.running, ImportItem.claimed_at < cutoff
        )
    ).all()
    for item in stale:
        if item.attempts >= MAX_ATTEMPTS:
            _finish_item(item, ItemStatus.failed, error="the import was interrupted too many times")
        else:
            item.status = ItemStatus.queued
    session.flush()
    return sorted(
        session.scalars(
            select(ImportJob.id).where(ImportJob.state.in_((JobState.queued, JobState.running)))
        ).all()
    )


@dataclass
class JobView:
    job: ImportJob
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def finished(self) -> int:
        return sum(self.counts.get(state, 0) for state in FINISHED_ITEM_STATUSES)

    @property
    def seconds(self) -> float | None:
        if self.job.started_at is None:
            return None
        end = self.job.finished_at or datetime.now(UTC)
        started = self.job.started_at
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        return max((end - started).total_seconds(), 0.0)


def get_job(session: Session, job_id: int) -> JobView | None:
    job = session.scalar(
        select(ImportJob)
        .options(selectinload(ImportJob.items).selectinload(ImportItem.article))
        .where(ImportJob.id == job_id)
    )
    if job is None:
        return None
    return JobView(job=job, counts=item_counts(session, job_id))


def recent_jobs(session: Session, limit: int = 50) -> list[JobView]:
    jobs = session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)).all()
    counts: dict[int, dict[str, int]] = {job.id: {} for job in jobs}
    rows = session.execute(
        select(ImportItem.job_id, ImportItem.status, func.count())
        .where(ImportItem.job_id.in_(counts))
        .group_by(ImportItem.job_id, ImportItem.status)
    ).tuples()
    for job_id, status, count in rows:
        counts[job_id][status] = count
    return [JobView(job=job, counts=counts[job.id]) for job in jobs]
