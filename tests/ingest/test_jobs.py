"""Import jobs: items claimed once, each imported whole or not at all, results kept, interrupted
work resumed — inline, in a thread (SQLite), and by a real procrastinate worker (PostgreSQL)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.extraction.pipeline import Extractor
from app.ingest.importer import ArticleInput, ImportOutcome, store_article
from app.ingest.jobs import (
    MAX_ATTEMPTS,
    NewItem,
    claim_next,
    create_job,
    get_job,
    requeue_stale,
    run_job,
)
from app.ingest.queue import ProcessRunner, QueueDispatcher, ThreadRunner, make_dispatcher
from app.ingest.service import ArticleImporter
from app.models import Article, ImportItem, ImportJob
from app.settings import Settings
from tests.conftest import SEEDS_DIR, TEST_SECRET, CommittedDatabase

# The AP story and another outlet's rewrite of it (seeds/articles.json).
STORY = "2025-12-03-ap-europeans-accuse-putin.txt"
REWRITE = "2025-12-03-maple-europe-accuses-putin.txt"
TEXT = "Lavrov said on Monday that Moscow would not accept European troops in Ukraine."
# Distinct articles that ship with the repository: the seeds (less the syndicated copy) and the
# tests' made-up ones.
DISTINCT_ARTICLES = sorted(
    [
        *(p for p in (SEEDS_DIR / "articles").glob("*.txt") if "maple" not in p.name),
        *(Path(__file__).resolve().parents[1] / "fixtures" / "articles").glob("*.txt"),
    ]
)


def corpus_items(count: int) -> list[NewItem]:
    files = DISTINCT_ARTICLES[:count]
    assert len(files) == count, f"only {len(DISTINCT_ARTICLES)} distinct articles ship"
    return [NewItem(path.name, path.read_bytes(), {"published": "2025-06-01"}) for path in files]


def test_inline_job_imports_fails_and_deduplicates(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    items = [
        NewItem("a.txt", TEXT.encode()),
        NewItem("copy.txt", ("  " + TEXT).encode()),
        NewItem("bad.txt", b"\xff\xfe\x00\x00binary"),
        NewItem("big.txt", None, error="big.txt: larger than the 10 MB limit"),
    ]
    with transaction(factory) as writer:
        job_id = create_job(writer, items).id
    run_job(factory, job_id, ArticleImporter(factory, extractor))
    view = get_job(session, job_id)
    assert view is not None
    statuses = {item.file_name: item.status for item in view.job.items}
    assert statuses == {
        "a.txt": "imported",
        "copy.txt": "duplicate",
        "bad.txt": "failed",
        "big.txt": "failed",
    }
    assert view.job.state == "done"
    assert all(item.content is None for item in view.job.items)  # bytes are dropped once done
    assert view.counts == {"imported": 1, "duplicate": 1, "failed": 2}


def test_a_job_whose_every_item_fails_is_failed(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    with transaction(factory) as writer:
        job_id = create_job(writer, [NewItem("x.txt", b"")]).id
    run_job(factory, job_id, ArticleImporter(factory, extractor))
    assert session.get_one(ImportJob, job_id).state == "failed"


class FlakyImporter(ArticleImporter):
    """An importer whose every import raises, as a lost database connection would."""

    def import_input(self, item: ArticleInput, also: object = None) -> ImportOutcome:
        raise ConnectionError("the database went away")


def test_a_retried_failure_is_logged_with_the_item_and_the_reason(
    factory: sessionmaker[Session],
    session: Session,
    extractor: Extractor,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with transaction(factory) as writer:
        job_id = create_job(writer, [NewItem("flaky.txt", TEXT.encode())]).id
    with caplog.at_level(logging.WARNING, logger="parley.ingest"):
        run_job(factory, job_id, FlakyImporter(factory, extractor))
    attempts = [r.getMessage() for r in caplog.records if "flaky.txt" in r.getMessage()]
    assert len(attempts) == MAX_ATTEMPTS
    assert all("the database went away" in message for message in attempts)
    assert all(f"import job {job_id}" in message for message in attempts)
    assert [m.endswith("queued again: the database went away") for m in attempts] == [True] * (
        MAX_ATTEMPTS - 1
    ) + [False]
    item = session.scalars(select(ImportItem).where(ImportItem.job_id == job_id)).one()
    assert (item.status, item.error) == ("failed", "import failed: the database went away")


def test_an_item_is_claimed_only_once(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as writer:
        job_id = create_job(writer, [NewItem("a.txt", b"text")]).id
    with transaction(factory) as writer:
        first = claim_next(writer, job_id)
    with transaction(factory) as writer:
        second = claim_next(writer, job_id)
    assert first is not None and second is None


def test_stale_items_are_requeued(factory: sessionmaker[Session], session: Session) -> None:
    with transaction(factory) as writer:
        job_id = create_job(writer, [NewItem("a.txt", b"text")]).id
        claim_next(writer, job_id)
    with transaction(factory) as writer:
        assert requeue_stale(writer, older_than=timedelta(hours=1)) == [job_id]
        still = writer.scalars(select(ImportItem.status).where(ImportItem.job_id == job_id)).one()
        assert still == "running"  # too recent to be declared dead
        requeue_stale(writer, older_than=timedelta(0))
    session.expire_all()
    assert (
        session.scalars(select(ImportItem.status).where(ImportItem.job_id == job_id)).one()
        == "queued"
    )


@pytest.mark.parametrize("committed_database", ["sqlite"], indirect=True)
def test_sqlite_thread_runner_resumes_interrupted_jobs_at_start(
    committed_database: CommittedDatabase,
) -> None:
    factory = committed_database.factory
    with transaction(factory) as session:
        job_id = create_job(session, corpus_items(2)).id
        claim_next(session, job_id)  # as if the last process died while importing it
    runner = ThreadRunner(factory)
    runner.start()
    _wait_until_done(factory, job_id, seconds=120, step=0.2)
    runner.stop()
    with transaction(factory) as session:
        view = get_job(session, job_id)
        assert view is not None and view.job.state == "done"
        assert view.counts == {"imported": 2}


@pytest.mark.parametrize("committed_database", ["sqlite"], indirect=True)
def test_sqlite_imports_run_in_a_child_process_that_resumes_interrupted_jobs(
    committed_database: CommittedDatabase,
) -> None:
    """The web process only queues: a child process (its own pid, its own engine) extracts."""
    factory = committed_database.factory
    settings = Settings(database_url=committed_database.url, secret_key=TEST_SECRET)
    assert settings.job_runner == "auto" and settings.is_sqlite
    with transaction(factory) as session:
        interrupted = create_job(session, corpus_items(1)).id
        claim_next(session, interrupted)  # as if the last server died while importing it
    runner = make_dispatcher(settings, factory)
    assert isinstance(runner, ProcessRunner)
    assert runner.process.pid is not None and runner.process.pid != os.getpid()
    with transaction(factory) as session:
        queued = create_job(session, corpus_items(3)[1:]).id
    runner.dispatch(queued)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with transaction(factory) as session:
            states = {session.get_one(ImportJob, j).state for j in (interrupted, queued)}
        if states == {"done"}:
            break
        time.sleep(0.2)
    runner.stop()
    assert not runner.process.is_alive()
    with transaction(factory) as session:
        assert get_job(session, interrupted).counts == {"imported": 1}  # type: ignore[union-attr]
        assert get_job(session, queued).counts == {"imported": 2}  # type: ignore[union-attr]


@pytest.mark.parametrize("committed_database", ["postgresql"], indirect=True)
def test_procrastinate_worker_processes_a_job(committed_database: CommittedDatabase) -> None:
    from app.ingest.queue import run_worker

    settings = Settings(
        database_url=committed_database.url, job_runner="queue", secret_key=TEST_SECRET
    )
    with transaction(committed_database.factory) as session:
        job_id = create_job(session, corpus_items(2)).id
    QueueDispatcher(settings).dispatch(job_id)
    # Its own thread, as in `parley worker`'s own process: the worker runs its own event loop.
    worker = threading.Thread(
        target=run_worker, args=(settings, committed_database.factory), kwargs={"wait": False}
    )
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive()
    with transaction(committed_database.factory) as session:
        view = get_job(session, job_id)
        assert view is not None and view.job.state == "done"
        assert view.counts == {"imported": 2}


def _worker(url: str, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env |= {"PARLEY_DATABASE_URL": url, "PARLEY_STALE_ITEM_SECONDS": "1"}
    parley = str(Path(sys.executable).with_name("parley"))
    return subprocess.Popen(
        [parley, "worker", *extra],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.parametrize("committed_database", ["postgresql"], indirect=True)
def test_a_killed_worker_leaves_no_partial_article_and_the_job_completes(
    committed_database: CommittedDatabase,
) -> None:
    factory = committed_database.factory
    settings = Settings(
        database_url=committed_database.url, job_runner="queue", secret_key=TEST_SECRET
    )
    with transaction(factory) as session:
        job_id = create_job(session, corpus_items(8)).id
    QueueDispatcher(settings).dispatch(job_id)
    worker = _worker(committed_database.url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with transaction(factory) as session:
                done = session.scalar(
                    select(func.count())
                    .select_from(ImportItem)
                    .where(ImportItem.job_id == job_id, ImportItem.status == "imported")
                )
            if done and done >= 2:
                break
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    with transaction(factory) as session:
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
        imported = session.scalar(
            select(func.count()).select_from(ImportItem).where(ImportItem.status == "imported")
        )
        assert 2 <= articles < 8
        assert (
            articles == imported
        )  # no article without its item's result, and no item without its article
        assert session.get_one(ImportJob, job_id).state == "running"
    time.sleep(1.2)  # let the interrupted item become stale
    again = _worker(committed_database.url, "--once")
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output
    with transaction(factory) as session:
        view = get_job(session, job_id)
        assert view is not None and view.job.state == "done", view.counts
        assert view.counts == {"imported": 8}
        assert session.scalar(select(func.count()).select_from(Article)) == 8


def _ready(worker: subprocess.Popen[str]) -> None:
    """Wait until the worker has loaded its pipeline and listens for jobs."""
    assert worker.stdout is not None
    for line in worker.stdout:
        if "ready" in line:
            return
    raise AssertionError(f"the worker stopped before it was ready (exit {worker.wait()})")


@pytest.mark.parametrize("committed_database", ["postgresql"], indirect=True)
def test_two_worker_processes_share_a_job_and_keep_one_original_per_story(
    committed_database: CommittedDatabase,
) -> None:
    """Two `parley worker` processes, one job: the worker that takes its task leaves another for
    the next free worker, so both import; the AP story and its rewrite, claimed side by side,
    make one original and one copy, the same texts again are duplicates, and nothing is lost."""
    factory = committed_database.factory
    settings = Settings(
        database_url=committed_database.url, job_runner="queue", secret_key=TEST_SECRET
    )
    story = [SEEDS_DIR / "articles" / name for name in (STORY, REWRITE)]
    items = [
        *(NewItem(path.name, path.read_bytes()) for path in story),
        *corpus_items(2),
        *(NewItem(f"again-{path.name}", b"\n" + path.read_bytes()) for path in story),
    ]
    with transaction(factory) as session:
        job_id = create_job(session, items).id
    workers = [_worker(committed_database.url) for _ in range(2)]
    try:
        for worker in workers:
            _ready(worker)
        QueueDispatcher(settings).dispatch(job_id)
        _wait_until_done(factory, job_id, seconds=300, step=0.1)
        with transaction(factory) as session:
            busy = session.scalar(text("SELECT count(DISTINCT worker_id) FROM procrastinate_jobs"))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.communicate(timeout=60)
    assert busy == 2, "both workers should have run a task of the job"
    with transaction(factory) as session:
        view = get_job(session, job_id)
        assert view is not None and view.job.state == "done", view.counts
        assert view.counts == {"imported": 4, "duplicate": 2}
        by_name = {item.file_name: item.article_id for item in view.job.items}
        articles = dict(session.execute(select(Article.id, Article.duplicate_of_id)).all())
    assert sorted(articles) == sorted({by_name[item.file_name] for item in items[:4]})
    original, rewrite = (by_name[path.name] for path in story)
    assert (articles[original], articles[rewrite]) in ((None, original), (rewrite, None))
    assert [by_name[f"again-{path.name}"] for path in story] == [original, rewrite]
    assert sum(1 for copy_of in articles.values() if copy_of is None) == 3


@pytest.mark.parametrize("committed_database", ["postgresql", "sqlite"], indirect=True)
def test_twenty_concurrent_imports_of_one_text_make_one_article(
    committed_database: CommittedDatabase, extractor: Extractor
) -> None:
    factory = committed_database.factory
    result = extractor.extract(TEXT)

    def attempt(n: int) -> str:
        with transaction(factory) as session:
            return store_article(
                session, ArticleInput(text=TEXT, title=f"Copy {n}"), result, extractor.codebook
            ).status

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert statuses.count("imported") == 1
    assert statuses.count("duplicate") == 19
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_running_job_without_items_is_settled(
    factory: sessionmaker[Session], session: Session, extractor: Extractor
) -> None:
    with transaction(factory) as writer:
        job_id = create_job(writer, []).id
        writer.execute(update(ImportJob).where(ImportJob.id == job_id).values(state="running"))
    run_job(factory, job_id, ArticleImporter(factory, extractor))
    session.expire_all()
    assert session.get_one(ImportJob, job_id).state == "done"


def _wait_until_done(
    factory: sessionmaker[Session], job_id: int, seconds: float, step: float
) -> None:
    """Poll the job, each time in a fresh transaction, until it is done or the time is up (the
    test's own assertions then say what is wrong)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with transaction(factory) as session:
            if session.get_one(ImportJob, job_id).state == "done":
                return
        time.sleep(step)
