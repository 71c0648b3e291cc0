"""Import a job with several processes: each claims items until none is left."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.ingest.fields import size_label
from app.ingest.jobs import NewItem, meta_dict, run_job, settle
from app.ingest.metadata import ArticleMeta
from app.ingest.service import ArticleImporter
from app.settings import Settings


def new_items(files: list[Path], meta: dict[str, ArticleMeta], limit: int) -> list[NewItem]:
    """Job items for files on disk; unreadable or oversized ones are recorded as failed."""
    items = []
    for path in files:
        try:
            size = path.stat().st_size
            if size > limit:
                items.append(
                    NewItem(
                        str(path),
                        None,
                        error=f"{path.name}: larger than the {size_label(limit)} limit",
                    )
                )
                continue
            items.append(NewItem(str(path), path.read_bytes(), meta_dict(meta.get(path.name))))
        except OSError as exc:
            items.append(NewItem(str(path), None, error=f"{path}: {exc.strerror}"))
    return items


def _work(database_url: str, job_id: int, extract_timeout: float) -> None:
    from app.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    try:
        factory = make_sessionmaker(engine)
        run_job(factory, job_id, ArticleImporter(factory, extract_timeout=extract_timeout))
    finally:
        engine.dispose()


def run_in_processes(
    settings: Settings,
    factory: sessionmaker[Session],
    job_id: int,
    workers: int,
    on_progress: Callable[[], None] | None = None,
) -> None:
    """Run the job here (one worker) or in ``workers`` processes, reporting progress as it goes."""
    timeout = settings.extract_timeout_seconds
    if workers == 1:
        run_job(
            factory,
            job_id,
            ArticleImporter(factory, extract_timeout=timeout),
            on_item=lambda _status: on_progress() if on_progress else None,
        )
        return
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_work, args=(settings.database_url, job_id, timeout), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    while any(process.is_alive() for process in processes):
        if on_progress:
            on_progress()
        time.sleep(0.5)
    from app.db import transaction

    with transaction(factory) as session:
        settle(session, job_id)
    if on_progress:
        on_progress()
