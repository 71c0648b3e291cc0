"""Page latency at scale: a synthetic corpus with a realistic spread, the timeline and issue
pages timed against the bare SQL for the same rows, and Datasette's filtered table page over the
same SQLite data as the peer an analyst might use instead.

Run: .venv/bin/python bench/page_latency.py [--statements 1000000] [--requests 40]
     [--backends sqlite,postgresql] [--server postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

The corpus: about 300 actors (speakers drawn from a Zipf-like spread, as coverage is), the 13
issues, two years of days (more statements in the later months), one article per ten
statements, bulk-inserted at the revision before the statement tally, whose upgrade then counts
them. For each backend the script prints p50 and p95 of:
  /timeline (no filter), /timeline?actor=…&issue=…, /timeline?q=…, /issues/{slug}, and
  /timeline/facets with actor + issue, none, issue, stance + a month, and words (each marked
  exact or estimated, as the response says)
then the same actor + issue facets counted exactly over the statements (no tally), the bare SQL
that selects the same first page of statements, and the query plans of the actor + issue and
free-text queries (they should use indexes). On SQLite it also times Datasette's table page
filtered on the same speaker and issue.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from app import migrate  # noqa: E402
from app.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from app.extraction.codebook import Codebook  # noqa: E402
from app.ingest.service import load_codebooks  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import Actor, Article, Source, Statement, StatementIssue  # noqa: E402
from app.settings import Settings  # noqa: E402

WORDS = (
    "ceasefire talks territory guarantees sanctions troops peace plan negotiations delegation "
    "withdrawal occupation security summit envoy proposal agreement prisoners exchange energy "
    "minerals recognition referendum elections army border frontline memorandum framework "
    "Istanbul Geneva Riyadh Moscow Kyiv Washington Brussels Alaska Berlin Paris London"
).split()
STANCES = ("supports", "opposes", "conditional", "neutral")
# The revision before the statement tally: the corpus is loaded there, and the upgrade counts it.
BEFORE_TALLY = "d1a2b3c4e5f6"
START = date(2024, 1, 1)
DAYS = 730


def build_corpus(engine: Engine, statements: int, seed: int = 7) -> dict[str, str]:
    """Bulk-insert the synthetic corpus; returns the actor and issue the filters use."""
    rng = random.Random(seed)
    factory = make_sessionmaker(engine)
    with transaction(factory) as session:
        load_codebooks(session, Codebook.from_dir(ROOT / "seeds"))
    with transaction(factory) as session:
        known = [row[0] for row in session.execute(text("SELECT id FROM actor ORDER BY id"))]
        extra = [
            {
                "name": f"Synthetic Speaker {n}",
                "slug": f"synthetic-{n}",
                "kind": "person",
                "needs_review": False,
                "created_at": START,
            }
            for n in range(max(0, 300 - len(known)))
        ]
        if extra:
            session.execute(insert(Actor), extra)
        actor_ids = [row[0] for row in session.execute(text("SELECT id FROM actor ORDER BY id"))]
        issue_ids = [
            row[0] for row in session.execute(text("SELECT id FROM issue ORDER BY sort_order"))
        ]
        session.execute(insert(Source), [{"name": f"Outlet {n}"} for n in range(60)])
        source_ids = [row[0] for row in session.execute(text("SELECT id FROM source ORDER BY id"))]
    weights = [1 / (rank + 1) for rank in range(len(actor_ids))]  # Zipf-like: a few speak most
    issue_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(issue_ids))]
    articles = max(1, statements // 10)
    batch = 5000
    next_article, next_statement = 1, 1
    with engine.begin() as connection:
        for first in range(0, articles, batch):
            rows = []
            for n in range(first, min(articles, first + batch)):
                day = START + timedelta(days=int(DAYS * (1 - rng.random() ** 2)))  # later is busier
                rows.append(
                    {
                        "id": n + 1,
                        "title": f"Synthetic article {n}",
                        "source_id": rng.choice(source_ids),
                        "published_on": day,
                        "published_precision": "day",
                        "text": "synthetic",
                        "content_hash": uuid.uuid4().hex,
                        "language": "en",
                        "needs_review": False,
                        "imported_at": START,
                    }
                )
            connection.execute(insert(Article), rows)
        next_article = articles + 1
        for first in range(0, statements, batch):
            rows, links = [], []
            for n in range(first, min(statements, first + batch)):
                statement_id = n + 1
                day = START + timedelta(days=int(DAYS * (1 - rng.random() ** 2)))
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24)))
                rows.append(
                    {
                        "id": statement_id,
                        "article_id": rng.randint(1, articles),
                        "speaker_id": rng.choices(actor_ids, weights)[0],
                        "kind": rng.choice(("direct_quote", "reported")),
                        "text": words,
                        "start": 0,
                        "end": len(words),
                        "said_on": day,
                        "said_on_precision": "day",
                        "stance": rng.choice(STANCES),
                        "confidence": 0.7,
                        "review_status": "machine",
                        "created_at": START,
                        "updated_at": START,
                    }
                )
                for rank, issue_id in enumerate(
                    dict.fromkeys(rng.choices(issue_ids, issue_weights, k=2))
                ):
                    links.append(
                        {
                            "statement_id": statement_id,
                            "issue_id": issue_id,
                            "rank": rank,
                            "score": 1.0,
                        }
                    )
            connection.execute(insert(Statement), rows)
            connection.execute(insert(StatementIssue), links)
        next_statement = statements + 1
    del next_article, next_statement
    return chosen_filters(engine)


def settle(engine: Engine) -> None:
    """As after any bulk load: statistics, and on PostgreSQL the visibility map (so index-only
    scans stay index-only and autovacuum does not start in the middle of the timings)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def chosen_filters(engine: Engine) -> dict[str, str]:
    """The actor (third busiest) and issue (first) the filtered pages use."""
    with engine.begin() as connection:
        top_actor = connection.execute(
            text(
                "SELECT a.slug, a.id FROM actor a JOIN statement s ON s.speaker_id = a.id "
                "GROUP BY a.slug, a.id ORDER BY count(*) DESC LIMIT 1 OFFSET 2"
            )
        ).one()
        issue = connection.execute(
            text("SELECT slug, id FROM issue ORDER BY sort_order LIMIT 1")
        ).one()
    return {
        "actor": top_actor[0],
        "actor_id": str(top_actor[1]),
        "issue": issue[0],
        "issue_id": str(issue[1]),
    }


def serve(url: str) -> tuple[uvicorn.Server, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        database_url=url,
        public_read=True,
        job_runner="inline",
        secret_key="bench-" + uuid.uuid4().hex,
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def timed_get(url: str, requests: int) -> tuple[float, float]:
    samples = []
    urllib.request.urlopen(url).read()  # warm up
    for _ in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            response.read()
            assert response.status == 200, url
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def exactness(url: str) -> str:
    """Whether a facets response says its counts are estimated."""
    if "/timeline/facets" not in url:
        return ""
    with urllib.request.urlopen(url) as response:
        # The note itself, not its (always present) container #facet-note.
        return (
            "   estimated" if 'class="hint facet-note"' in response.read().decode() else "   exact"
        )


def timed_exact_count(engine: Engine, chosen: dict[str, str], requests: int) -> tuple[float, float]:
    """The peer of the tally: the same exact facet counts (actor + issue) counted over the
    statements and their indexes (the counting the windowed facets do, with no window)."""
    from app.queries import timeline

    filters = timeline.TimelineFilters(actors=(chosen["actor"],), issues=(chosen["issue"],))
    window, timeline.FACET_WINDOW = timeline.FACET_WINDOW, 10**9
    samples = []
    try:
        for _ in range(requests):
            with make_sessionmaker(engine)() as session:
                started = time.perf_counter()
                timeline.windowed_facets(session, filters)
                samples.append(time.perf_counter() - started)
    finally:
        timeline.FACET_WINDOW = window
    return percentiles(samples)


def timed_sql(
    engine: Engine, sql: str, params: dict[str, object], requests: int
) -> tuple[float, float]:
    samples = []
    with engine.connect() as connection:
        connection.execute(text(sql), params).all()
        for _ in range(requests):
            started = time.perf_counter()
            connection.execute(text(sql), params).all()
            samples.append(time.perf_counter() - started)
    return percentiles(samples)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


FILTERED_SQL = (
    "SELECT s.* FROM statement s WHERE s.speaker_id = :actor AND s.review_status != 'rejected' "
    "AND s.corroborates_id IS NULL "
    "AND EXISTS (SELECT 1 FROM statement_issue si "
    "WHERE si.statement_id = s.id AND si.issue_id = :issue) "
    "ORDER BY s.said_on DESC, s.id DESC LIMIT 50"
)
LATEST_SQL = (
    "SELECT s.* FROM statement s WHERE s.review_status != 'rejected' AND s.corroborates_id IS NULL "
    "ORDER BY s.said_on DESC, s.id DESC LIMIT 50"
)


def text_sql(dialect: str) -> str:
    if dialect == "postgresql":
        return (
            "SELECT s.* FROM statement s "
            "WHERE s.search_vector @@ plainto_tsquery('english', :q) "
            "ORDER BY s.said_on DESC, s.id DESC LIMIT 50"
        )
    # Common words, as the bench's are: the app walks the timeline's order and asks FTS5
    # about each statement (rare words would be looked up first and cut from a list of ids).
    return (
        "SELECT s.* FROM statement s WHERE EXISTS (SELECT 1 FROM statement_fts f "
        "WHERE f.rowid = s.id AND statement_fts MATCH :q) "
        "ORDER BY s.said_on DESC, s.id DESC LIMIT 50"
    )


def plan(engine: Engine, sql: str, params: dict[str, object]) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            rows = connection.execute(text("EXPLAIN " + sql), params).all()
            return "\n".join("    " + row[0] for row in rows)
        rows = connection.execute(text("EXPLAIN QUERY PLAN " + sql), params).all()
        return "\n".join("    " + row[-1] for row in rows)


def datasette_times(db_file: Path, chosen: dict[str, str], requests: int) -> tuple[float, float]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("datasette")),
            "serve",
            str(db_file),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "20000",
            "--setting",
            "facet_time_limit_ms",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/-/versions.json").read()
                break
            except OSError:
                time.sleep(0.1)
        # The analyst's equivalent: the statement table filtered on the speaker and, through a
        # join table, the issue; Datasette filters one table, so the issue goes in as SQL.
        url = (
            f"{base}/{db_file.stem}/statement?speaker_id={chosen['actor_id']}"
            f"&_where=id+in+(select+statement_id+from+statement_issue+where+issue_id%3D{chosen['issue_id']})"
            "&_sort_desc=said_on&_size=50&_nofacet=1&_nocount=1"
        )
        return timed_get(url, requests)
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    if backend == "sqlite":
        db_file = workdir / f"parley_latency_{uuid.uuid4().hex[:8]}.db"
        url, cleanup = f"sqlite:///{db_file}", None
    else:
        name = f"parley_latency_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
        cleanup = (admin, name)
    engine = make_engine(url)
    try:
        # Rows in bulk first, then the tally counted from them in one pass and its triggers
        # installed (the migration that adds it does both), as a deployment upgrading does.
        migrate.upgrade(engine, BEFORE_TALLY)
        started = time.perf_counter()
        chosen = build_corpus(engine, args.statements)
        built = time.perf_counter()
        migrate.upgrade(engine)
        tallied = time.perf_counter()
        settle(engine)
        print(
            f"\n{backend}: {args.statements:,} statements built in {built - started:.0f} s, "
            f"tally counted in {tallied - built:.0f} s, settled in "
            f"{time.perf_counter() - tallied:.0f} s"
        )
        server, base = serve(url)
        pages = {
            "/timeline": f"{base}/timeline",
            "/timeline actor+issue": (
                f"{base}/timeline?actor={chosen['actor']}&issue={chosen['issue']}"
            ),
            "/timeline free text": f"{base}/timeline?q=guarantees+Geneva",
            # The page's second request: facet counts and the total.
            "/timeline/facets actor+issue": (
                f"{base}/timeline/facets?actor={chosen['actor']}&issue={chosen['issue']}"
            ),
            "/timeline/facets": f"{base}/timeline/facets",
            "/timeline/facets issue": f"{base}/timeline/facets?issue={chosen['issue']}",
            "/timeline/facets stance+dates": (
                f"{base}/timeline/facets?stance=supports&from=2025-03-01&to=2025-03-31"
            ),
            "/timeline/facets free text": f"{base}/timeline/facets?q=guarantees+Geneva",
            f"/issues/{chosen['issue']}": f"{base}/issues/{chosen['issue']}",
        }
        for label, page_url in pages.items():
            # Facets with words count over the statements (seconds at a million): fewer runs.
            slow = "facets free text" in label
            p50, p95 = timed_get(page_url, args.slow_requests if slow else args.requests)
            print(f"  {label:28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms{exactness(page_url)}")
        p50, p95 = timed_exact_count(engine, chosen, args.slow_requests)
        print(f"  {'facets over statements a+i':28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        params = {"actor": int(chosen["actor_id"]), "issue": int(chosen["issue_id"])}
        fts = {"q": "guarantees Geneva" if backend == "postgresql" else '"guarantees" "geneva"'}
        for label, sql, values in (
            ("SQL latest 50", LATEST_SQL, {}),
            ("SQL actor+issue 50", FILTERED_SQL, params),
            ("SQL free text 50", text_sql(backend), fts),
        ):
            p50, p95 = timed_sql(engine, sql, values, args.requests)
            print(f"  {label:28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        if backend == "sqlite":
            p50, p95 = datasette_times(db_file, chosen, args.requests)
            print(f"  {'Datasette actor+issue table':28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        print("  plan, actor + issue:\n" + plan(engine, FILTERED_SQL, params))
        print("  plan, free text:\n" + plan(engine, text_sql(backend), fts))
        server.should_exit = True
    finally:
        engine.dispose()
        if backend == "sqlite":
            for leftover in db_file.parent.glob(db_file.name + "*"):
                leftover.unlink()
        if cleanup is not None:
            admin, name = cleanup
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--slow-requests", type=int, default=5, help="for the requests that take seconds"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    for backend in args.backends.split(","):
        run_backend(backend.strip(), args, args.workdir)


if __name__ == "__main__":
    main()
