"""Where import jobs run: a procrastinate worker on PostgreSQL, a child process of the web
server on SQLite (so a heavy article never slows the pages), a thread in the web process, or
inline (the request waits; used by tests and scripts). Same code path every time."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.queues
import queue
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.ingest.jobs import has_queued_items, requeue_stale, run_job
from app.ingest.service import ArticleImporter
from app.settings import Settings

log = logging.getLogger(__name__)
QUEUE_NAME = "imports"
TASK_NAME = "parley.import_job"


class Dispatcher(Protocol):
    def dispatch(self, job_id: int) -> None: ...

    def stop(self) -> None: ...


class InlineRunner:
    """Runs the job before returning: for tests, scripts and the CLI."""

    def __init__(self, factory: sessionmaker[Session], importer: ArticleImporter | None = None):
        self.factory = factory
        self.importer = importer or ArticleImporter(factory)

    def dispatch(self, job_id: int) -> None:
        run_job(self.factory, job_id, self.importer)

    def stop(self) -> None:
        return None


class ThreadRunner:
    """One background thread in the web process works through jobs in order (SQLite)."""

    def __init__(
        self, factory: sessionmaker[Session], extract_timeout: float | None = None
    ) -> None:
        self.factory = factory
        self.jobs: queue.Queue[int | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="parley-imports", daemon=True)
        self.importer = ArticleImporter(factory, extract_timeout=extract_timeout)

    def start(self) -> None:
        # Nothing else runs jobs against this database: whatever was running when the process
        # stopped was interrupted, so it goes back in the queue now.
        with transaction(self.factory) as session:
            pending = requeue_stale(session, older_than=timedelta(0))
        for job_id in pending:
            self.jobs.put(job_id)
        self.thread.start()

    def dispatch(self, job_id: int) -> None:
        self.jobs.put(job_id)

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=30)

    def _loop(self) -> None:
        while (job_id := self.jobs.get()) is not None:
            try:
                run_job(self.factory, job_id, self.importer)
            except Exception:  # the thread must outlive a broken job; the job page shows it
                log.exception("import job %s stopped with an error", job_id)


class ProcessRunner:
    """A child process works through jobs in order (SQLite): extraction's CPU and memory stay
    out of the web process, and a pathological article cannot starve the pages. The child opens
    its own engine on the same database; if it dies, the next start puts its work back."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self.settings = settings
        self.factory = factory
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.jobs: multiprocessing.queues.Queue[int | None] = context.Queue()
        self.process = context.Process(
            target=_work_through,
            args=(settings.database_url, self.jobs, settings.extract_timeout_seconds),
            name="parley-imports",
            daemon=True,
        )

    def start(self) -> None:
        with transaction(self.factory) as session:
            pending = requeue_stale(session, older_than=timedelta(0))
        for job_id in pending:
            self.jobs.put(job_id)
        self.process.start()

    def dispatch(self, job_id: int) -> None:
        self.jobs.put(job_id)

    def stop(self) -> None:
        self.jobs.put(None)
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)


def _work_through(
    database_url: str, jobs: multiprocessing.queues.Queue[int | None], extract_timeout: float
) -> None:
    """The child's loop: one importer (one spaCy pipeline) for every job it is given."""
    from app.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    importer = ArticleImporter(factory, extract_timeout=extract_timeout)
    try:
        while (job_id := jobs.get()) is not None:
            try:
                run_job(factory, job_id, importer)
            except Exception:  # the loop must outlive a broken job; the job page shows it
                log.exception("import job %s stopped with an error", job_id)
    finally:
        engine.dispose()


def conninfo(database_url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def make_queue_app(
    settings: Settings,
    factory: sessionmaker[Session] | None = None,
    importer: ArticleImporter | None = None,
) -> Any:
    """The procrastinate app with Parley's one task; ``factory`` is needed only to run it (one
    ``importer``, and so one loaded pipeline, serves every task of the process)."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url))
    )
    if factory is not None and importer is None:
        importer = ArticleImporter(factory, extract_timeout=settings.extract_timeout_seconds)

    @app.task(name=TASK_NAME, queue=QUEUE_NAME, pass_context=False)
    def import_job(job_id: int) -> None:
        if factory is None or importer is None:
            raise RuntimeError("this process only defers jobs; run `parley worker` to import")
        # While the job has items waiting, leave a task for it in the queue: the next free
        # worker (on this machine or another) joins in, and claims items beside this one.
        with transaction(factory) as session:
            waiting = has_queued_items(session, job_id)
        if waiting:
            _defer_one(app, job_id)  # the worker's app is open already
        run_job(factory, job_id, importer)

    return app


def defer(app: Any, job_ids: list[int]) -> None:
    """Queue a task per import job; one already waiting for the same job is enough."""
    with app.open():
        for job_id in job_ids:
            _defer_one(app, job_id)


def _defer_one(app: Any, job_id: int) -> None:
    """A task for the job, unless one is already waiting (the app must be open)."""
    from procrastinate import exceptions

    with contextlib.suppress(exceptions.AlreadyEnqueued):
        app.configure_task(TASK_NAME, queueing_lock=f"job-{job_id}").defer(job_id=job_id)


class QueueDispatcher:
    """Defers a procrastinate job for each import job (PostgreSQL); `parley worker` runs them."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_queue_app(settings)

    def dispatch(self, job_id: int) -> None:
        defer(self.app, [job_id])

    def stop(self) -> None:
        return None


def make_dispatcher(settings: Settings, factory: sessionmaker[Session]) -> Dispatcher:
    mode = settings.job_runner
    if mode == "auto":
        mode = "process" if settings.is_sqlite else "queue"
    if mode == "inline":
        return InlineRunner(
            factory, ArticleImporter(factory, extract_timeout=settings.extract_timeout_seconds)
        )
    if mode == "queue":
        return QueueDispatcher(settings)
    runner: ThreadRunner | ProcessRunner = (
        ProcessRunner(settings, factory)
        if mode == "process"
        else ThreadRunner(factory, settings.extract_timeout_seconds)
    )
    runner.start()
    return runner


def run_worker(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    wait: bool = True,
    concurrency: int = 1,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """`parley worker`: load the pipeline, put interrupted work back in the queue, then process
    jobs (``on_ready`` is called when the pipeline is loaded, before the first job)."""
    importer = ArticleImporter(factory, extract_timeout=settings.extract_timeout_seconds)
    importer.warm_up()
    app = make_queue_app(settings, factory, importer)
    with transaction(factory) as session:
        pending = requeue_stale(session, older_than=timedelta(seconds=settings.stale_item_seconds))
    defer(app, pending)
    if on_ready is not None:
        on_ready()
    app.run_worker(
        queues=[QUEUE_NAME], wait=wait, concurrency=concurrency, install_signal_handlers=wait
    )
