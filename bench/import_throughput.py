"""Import speed on PostgreSQL against extraction alone, and the near-duplicate lookup as the
corpus grows.

Run: .venv/bin/python bench/import_throughput.py [--rounds 3] [--server URL]
     .venv/bin/python bench/import_throughput.py --workers 1,2,4 [--repeat 3] [--corpus DIR]

1. The seed articles and the development corpus are imported through the job machinery (read,
   extract, store, index, corroborate; one transaction per article) into a fresh database, and
   the same texts are extracted without a database, in one run; medians of articles per second
   and their ratio are printed (aim: >= 0.6).
2. The near-duplicate lookup (LSH band query + verification) is timed with 1,000 and 10,000
   articles indexed (bulk-inserted synthetic articles with realistic name sets); it should stay
   flat. A throwaway database is created on the server and dropped afterwards.

With --workers, instead: worker scaling. For each worker count, a throwaway database gets one
import job of the same articles (the seeds and the corpus, each --repeat times as syndicated
copies: the same text with a line added, so each copy is a near-duplicate of the first), and that
many `parley worker` processes (separate processes, as on separate machines) import it through
the procrastinate queue; the time runs from the job's task being queued (the workers have loaded
their pipelines) until the job is done. Printed per count: articles per second, the speed-up
over one worker, the ratio per worker to extraction alone (same texts, no database, one
process), and extraction alone in that many processes at once (what the machine's free cores
allow; other work on the machine shows there). Extraction alone runs at the niceness of a
worker's extraction child (+10), so that both give way alike to whatever else runs. Afterwards
each database is checked: every item imported or a duplicate (none failed or lost), one article
per imported item, every copy pointing at an original, never two originals among the copies of
one text, every queue task succeeded.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app import migrate  # noqa: E402
from app.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from app.extraction.codebook import Codebook  # noqa: E402
from app.extraction.pipeline import Extractor  # noqa: E402
from app.ingest.budget import CHILD_NICENESS  # noqa: E402
from app.ingest.dedup import find_near_duplicate, story_of  # noqa: E402
from app.ingest.importer import content_hash  # noqa: E402
from app.ingest.jobs import NewItem, create_job, item_counts, run_job  # noqa: E402
from app.ingest.queue import defer, make_queue_app  # noqa: E402
from app.ingest.service import ArticleImporter, load_codebooks  # noqa: E402
from app.models import Article, ImportItem, ImportJob  # noqa: E402
from app.models.dedup import ArticleBand  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.vocabulary import JobOrigin, JobState  # noqa: E402


class Throwaway:
    def __init__(self, server: str) -> None:
        self.server = server
        self.name = f"parley_bench_{uuid.uuid4().hex[:10]}"
        self.url = make_url(server).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with create_engine(self.server, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *_exc: object) -> None:
        with create_engine(self.server, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


def texts(corpus: Path) -> list[Path]:
    return sorted((ROOT / "seeds" / "articles").glob("*.txt")) + sorted(corpus.glob("*.txt"))


def import_rate(server: str, paths: list[Path], codebook: Codebook, extractor: Extractor) -> float:
    with Throwaway(server) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        with transaction(factory) as session:
            load_codebooks(session, codebook)
            items = [NewItem(p.name, p.read_bytes()) for p in paths]
            job_id = create_job(session, items, JobOrigin.cli).id
        started = time.perf_counter()
        run_job(factory, job_id, ArticleImporter(factory, extractor))
        elapsed = time.perf_counter() - started
        engine.dispose()
    return len(paths) / elapsed


def lookup_times(server: str, sizes: list[int], probe: str, lookups: int) -> dict[int, float]:
    """Median seconds of one near-duplicate lookup with ``size`` articles indexed."""
    rng = random.Random(7)
    vocabulary = [f"Name{i}" for i in range(5000)] + [str(n) for n in range(1, 2000)]
    results: dict[int, float] = {}
    with Throwaway(server) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        indexed = 0
        for size in sizes:
            with transaction(factory) as session:
                while indexed < size:
                    batch = min(1000, size - indexed)
                    articles, band_rows = [], []
                    for n in range(indexed, indexed + batch):
                        names = rng.sample(vocabulary, rng.randint(15, 60))
                        body = " ".join(f"Then {name} spoke." for name in names)
                        articles.append(
                            {
                                "id": n + 1,
                                "title": f"Synthetic {n}",
                                "text": body,
                                "content_hash": uuid.uuid4().hex,
                                "published_precision": "day",
                                "language": "en",
                                "needs_review": False,
                            }
                        )
                        band_rows += [
                            {"article_id": n + 1, "band": b, "bucket": k}
                            for b, k in story_of(body, content_hash(body)).bands
                        ]
                    session.execute(insert(Article), articles)
                    session.execute(insert(ArticleBand), band_rows)
                    indexed += batch
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
            samples = []
            for _ in range(lookups):
                with transaction(factory) as session:
                    started = time.perf_counter()
                    find_near_duplicate(session, story_of(probe, content_hash(probe)))
                    samples.append(time.perf_counter() - started)
            results[size] = statistics.median(samples)
        engine.dispose()
    return results


# --- Worker scaling (--workers) ----------------------------------------------------------------


def copies(paths: list[Path], repeat: int) -> list[tuple[str, str, bytes]]:
    """(base text's name, item name, bytes): each text, then ``repeat - 1`` syndicated copies of
    it (a line added, so another content hash and the same names: a near-duplicate)."""
    found = []
    for copy in range(repeat):
        for path in paths:
            body = path.read_bytes()
            if copy:
                body += f"\n\n(copy {'i' * copy})\n".encode()
            found.append((path.name, f"{copy}-{path.name}", body))
    return found


@dataclass
class Scaling:
    workers: int
    seconds: float
    articles: int
    originals: int
    load: tuple[float, float, float]
    worker_cpu: float  # seconds of CPU: the worker processes and their extraction children
    database_cpu: float  # the PostgreSQL backends serving the throwaway database

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (Linux /proc; 0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS + sum(map(cpu_seconds, children))


def database_cpu(factory: sessionmaker[Session]) -> dict[int, float]:
    """CPU seconds so far of each backend process connected to this database (the server runs
    on this machine)."""
    with transaction(factory) as session:
        pids = session.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
    return {pid: cpu_seconds(pid) for pid in pids}


def start_workers(url: str, count: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    """``count`` `parley worker` processes on the database; returns once each has loaded its
    pipeline and waits for jobs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env["PARLEY_DATABASE_URL"] = url
    parley = str(Path(sys.executable).with_name("parley"))
    workers = []
    for n in range(count):
        log = (logs / f"worker-{n}.log").open("wb")
        workers.append(
            subprocess.Popen([parley, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    deadline = time.monotonic() + 300
    while not all("ready" in (logs / f"worker-{n}.log").read_text() for n in range(count)):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            stop_workers(workers)
            raise RuntimeError(f"the workers did not start; see {logs}")
        time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)  # procrastinate stops after the task at hand
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_until_done(factory: sessionmaker[Session], job_id: int, timeout: float = 3600) -> None:
    """Until the job is done and the queue drained (a worker that started on the job left a
    task for the next free worker; the last of those finds nothing left and ends)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with transaction(factory) as session:
            state = session.get_one(ImportJob, job_id).state
            busy = session.scalar(
                text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")
            )
        if state in (JobState.done, JobState.failed) and not busy:
            return
        time.sleep(0.05)
    raise RuntimeError(f"import job {job_id} did not finish in {timeout:.0f} s")


def check_import(
    factory: sessionmaker[Session], job_id: int, items: list[tuple[str, str, bytes]]
) -> int:
    """Every item imported or a duplicate, one article per imported item, every copy pointing
    at an original, at most one original per text and its copies, every queue task succeeded.
    Returns the number of originals."""
    problems = []
    with transaction(factory) as session:
        counts = item_counts(session, job_id)
        finished = counts.get("imported", 0) + counts.get("duplicate", 0)
        if finished != len(items):
            problems.append(f"items not imported: {counts}")
        imported = session.execute(
            select(ImportItem.file_name, ImportItem.article_id).where(
                ImportItem.job_id == job_id, ImportItem.status == "imported"
            )
        ).all()
        articles = dict(session.execute(select(Article.id, Article.duplicate_of_id)).all())
        if sorted(a for _, a in imported) != sorted(articles):
            problems.append("articles and imported items differ (a lost or an extra article)")
        for article_id, original in articles.items():
            if original is not None and articles.get(original, "missing") is not None:
                problems.append(f"article {article_id} copies {original}, not an original")
        base = {name: base for base, name, _ in items}
        originals: dict[str, int] = {}
        for file_name, article_id in imported:
            if articles.get(article_id, "missing") is None:
                originals[base[file_name]] = originals.get(base[file_name], 0) + 1
        problems += [f"{name}: {n} originals" for name, n in originals.items() if n > 1]
        tasks = dict(
            session.execute(
                text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1")
            ).all()
        )
        if set(tasks) != {"succeeded"}:
            problems.append(f"queue tasks not all succeeded: {tasks}")
    if problems:
        raise SystemExit("check failed:\n  " + "\n  ".join(problems))
    return sum(originals.values())


def scaling_run(
    server: str, codebook: Codebook, items: list[tuple[str, str, bytes]], workers: int
) -> Scaling:
    with Throwaway(server) as url, tempfile.TemporaryDirectory() as logs:
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        with transaction(factory) as session:
            load_codebooks(session, codebook)
            job_id = create_job(session, [NewItem(n, b) for _, n, b in items], JobOrigin.cli).id
        processes = start_workers(url, workers, Path(logs))
        try:
            app = make_queue_app(Settings(database_url=url))
            cpu_before = sum(cpu_seconds(p.pid) for p in processes)
            backends_before = database_cpu(factory)
            started = time.perf_counter()
            defer(app, [job_id])
            wait_until_done(factory, job_id)
            seconds = time.perf_counter() - started
            load = os.getloadavg()
            worker_cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu_before
            backends = database_cpu(factory)
            server_cpu = sum(t - backends_before.get(pid, 0.0) for pid, t in backends.items())
        finally:
            stop_workers(processes)
        originals = check_import(factory, job_id, items)
        engine.dispose()
    return Scaling(workers, seconds, len(items), originals, load, worker_cpu, server_cpu)


def _extract_in_step(bodies: list[str], ready: Any, go: Any, seconds: Any) -> None:
    # At a worker's extraction child's priority, so that both give way alike to other work on
    # the machine: the ratio then measures what importing adds, not the scheduler.
    os.nice(CHILD_NICENESS)
    extractor = Extractor(Codebook.from_dir(ROOT / "seeds"))
    extractor.extract_many(bodies[:2])  # warm up
    ready.release()
    go.wait()
    started, cpu = time.perf_counter(), os.times()
    for body in bodies:
        extractor.extract(body)
    after = os.times()
    seconds.put((time.perf_counter() - started, after.user + after.system - cpu.user - cpu.system))


def parallel_extraction_rate(bodies: list[str], processes: int) -> tuple[float, float]:
    """Articles per second of ``processes`` extracting the same texts at once, no database: what
    the machine's free cores allow at the moment (other work on it shows here too). With one
    process, the "extraction alone" that imports are compared with. Also returns the CPU
    seconds per article."""
    context = multiprocessing.get_context("spawn")
    ready, go, seconds = context.Semaphore(0), context.Event(), context.Queue()
    children = [
        context.Process(target=_extract_in_step, args=(bodies, ready, go, seconds))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    for _ in children:
        ready.acquire()
    go.set()
    timings = [seconds.get() for _ in children]
    for child in children:
        child.join()
    slowest = max(wall for wall, _ in timings)
    cpu = sum(cpu for _, cpu in timings) / (processes * len(bodies))
    return processes * len(bodies) / slowest, cpu


def worker_scaling(args: argparse.Namespace, paths: list[Path], codebook: Codebook) -> None:
    counts = [int(n) for n in args.workers.split(",")]
    items = copies(paths, args.repeat)
    bodies = [body.decode("utf-8") for _, _, body in items[: len(paths)]]
    runs: dict[int, list[Scaling]] = {n: [] for n in counts}
    alone: dict[int, list[tuple[float, float]]] = {n: [] for n in {1, *counts}}
    for _ in range(args.rounds):
        for n in counts:
            runs[n].append(scaling_run(args.server, codebook, items, n))
            alone[n].append(parallel_extraction_rate(bodies, n))
        if 1 not in counts:
            alone[1].append(parallel_extraction_rate(bodies, 1))
    extract = statistics.median(rate for rate, _ in alone[1])
    extract_cpu = statistics.median(cpu for _, cpu in alone[1])
    rows = {n: sorted(r, key=lambda run: run.rate)[len(r) // 2] for n, r in runs.items()}

    print(
        f"articles: {len(items)} ({len(paths)} texts x {args.repeat})  rounds: {args.rounds}  "
        f"database: PostgreSQL  cores: {os.cpu_count()}"
    )
    print(
        f"extraction alone, one process, no database: {extract:.2f} articles/s, "
        f"{extract_cpu * 1000:.0f} ms of CPU per article "
        f"(at niceness +{CHILD_NICENESS}, as a worker's extraction child)"
    )
    print(
        "workers  seconds  articles/s  speed-up  per worker / extraction alone"
        "  extraction alone, N processes  originals  load (1m)"
        "  CPU ms per article: workers + PostgreSQL"
    )
    first = rows[counts[0]].rate  # the speed-up is over the first count given (1 worker)
    for n, row in rows.items():
        alone_rate = statistics.median(rate for rate, _ in alone[n])
        worker_ms, database_ms = (
            1000 * t / row.articles for t in (row.worker_cpu, row.database_cpu)
        )
        print(
            f"{n:>7}  {row.seconds:7.1f}  {row.rate:10.2f}  {row.rate / first:7.2f}x"
            f"  {row.rate / n / extract:29.2f}  {alone_rate:17.2f} articles/s"
            f"  {row.originals:>9}  {row.load[0]:9.2f}"
            f"  {worker_ms:24.0f} + {database_ms:.0f}"
        )
    cpu = [(r.worker_cpu + r.database_cpu) / r.articles for r in rows.values()]
    print(
        "CPU per article, extraction alone / import (workers and PostgreSQL): "
        + ", ".join(f"{extract_cpu / c:.2f}" for c in cpu)
        + " (the ratio per worker where each worker has a core of its own)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--lookups", type=int, default=50)
    parser.add_argument(
        "--workers", help="worker counts to compare (e.g. 1,2,4): measures worker scaling"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="with --workers: each text this many times"
    )
    args = parser.parse_args()

    paths = texts(args.corpus)
    codebook = Codebook.from_dir(ROOT / "seeds")
    if args.workers:
        worker_scaling(args, paths, codebook)
        return
    extractor = Extractor(codebook)
    bodies = [p.read_text(encoding="utf-8") for p in paths]
    extractor.extract_many(bodies[:2])  # warm up

    extract_rates, import_rates = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for body in bodies:
            extractor.extract(body)
        extract_rates.append(len(bodies) / (time.perf_counter() - started))
        import_rates.append(import_rate(args.server, paths, codebook, extractor))
    extract, imported = statistics.median(extract_rates), statistics.median(import_rates)

    probe = (ROOT / "seeds" / "articles" / "2025-12-03-maple-europe-accuses-putin.txt").read_text(
        encoding="utf-8"
    )
    lookups = lookup_times(args.server, [1000, 10000], probe, args.lookups)

    print(f"articles: {len(paths)}  rounds: {args.rounds}  database: PostgreSQL")
    print(f"extraction alone        {extract:8.2f} articles/s (median)")
    print(f"import into PostgreSQL  {imported:8.2f} articles/s (median)")
    for size, seconds in lookups.items():
        print(
            f"near-duplicate lookup with {size:>6} articles indexed: "
            f"{seconds * 1000:6.2f} ms (median of {args.lookups})"
        )
    print(f"ratio import / extraction alone: {imported / extract:.2f}")


if __name__ == "__main__":
    main()
