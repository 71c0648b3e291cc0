"""Page latency at scale: a synthetic corpus with a realistic spread, the timeline and issue
pages timed against the bare SQL for the same rows, and Datasette's filtered table page over the
same SQLite data as the peer an analyst might use instead.

Run: .venv/bin/python bench/page_latency.py [--statements 1000000] [--requests 40]
     [--backends sqlite,postgresql] [--server postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
     [--keep]   (then, to time the same data again without building it:)
     .venv/bin/python bench/page_latency.py --database URL-that---keep-printed

The corpus: about 300 actors (speakers drawn from a Zipf-like spread, as coverage is), the 13
issues, two years of days (more statements in the later months), one article per ten
statements. SQLite: bulk-inserted at the revision before the tallies, whose upgrades then count
them. PostgreSQL: loaded by COPY at the head revision with triggers and secondary indexes off,
then the indexes built and the tallies counted in bulk. Up to 50,000 statements, both tallies
are checked against a recount from scratch. For each backend the script prints p50 and p95
(with the load average) of:
  /timeline (no filter), /timeline?actor=…&issue=…, /timeline?q=…, /issues/{slug}, and
  /timeline/facets with several sets of structured filters and with words (each marked exact
  or estimated, as the response says)
then the peak resident memory of the web process (uvicorn in its own process), the same
actor + issue facets counted exactly over the statements (no tally), the bare SQL that
selects the same first page of statements, on SQLite Datasette's table page filtered on the same
speaker and issue, and last the query plan of the slowest query each page runs (captured as the
page's code runs it).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import migrate  # noqa: E402
from app.db import make_engine, make_sessionmaker, optimize, transaction  # noqa: E402
from app.extraction.codebook import Codebook  # noqa: E402
from app.ingest.service import load_codebooks  # noqa: E402
from app.models import Actor, Article, Issue, Source, Statement, StatementIssue  # noqa: E402
from app.models.tally import GRAINS  # noqa: E402
from app.queries.tally import issues_tallied, recount, recount_issues  # noqa: E402
from app.queries.tally import tallied as tallied_rows  # noqa: E402

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
BATCH = 5000


def _setup(engine: Engine) -> tuple[list[int], list[int], list[int]]:
    """The codebooks, 300 actors and 60 outlets; returns the actor, issue and outlet ids."""
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
    return actor_ids, issue_ids, source_ids


def _articles(rng: random.Random, articles: int, source_ids: list[int]) -> Iterator[dict]:
    for n in range(articles):
        day = START + timedelta(days=int(DAYS * (1 - rng.random() ** 2)))  # later is busier
        yield {
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


def _statements(
    rng: random.Random, statements: int, articles: int, actor_ids: list[int], issue_ids: list[int]
) -> Iterator[tuple[dict, list[dict]]]:
    """Each statement with its issue links (the first ranked 0)."""
    weights = [1 / (rank + 1) for rank in range(len(actor_ids))]  # Zipf-like: a few speak most
    issue_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(issue_ids))]
    for n in range(statements):
        statement_id = n + 1
        day = START + timedelta(days=int(DAYS * (1 - rng.random() ** 2)))
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24)))
        row = {
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
        links = [
            {"statement_id": statement_id, "issue_id": issue_id, "rank": rank, "score": 1.0}
            for rank, issue_id in enumerate(
                dict.fromkeys(rng.choices(issue_ids, issue_weights, k=2))
            )
        ]
        yield row, links


def build_corpus(engine: Engine, statements: int, seed: int = 7) -> dict[str, str]:
    """Insert the synthetic corpus in batches of rows (at the revision before the tallies,
    whose upgrades then count it); returns the actor and issue the filters use."""
    rng = random.Random(seed)
    actor_ids, issue_ids, source_ids = _setup(engine)
    articles = max(1, statements // 10)
    with engine.begin() as connection:
        for batch in batched(_articles(rng, articles, source_ids), BATCH):
            connection.execute(insert(Article), batch)
        for batch in batched(_statements(rng, statements, articles, actor_ids, issue_ids), BATCH):
            connection.execute(insert(Statement), [row for row, _links in batch])
            connection.execute(insert(StatementIssue), [link for _row, ls in batch for link in ls])
    return chosen_filters(engine)


def batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _issue_set(issue_ids: Iterable[int]) -> str:
    """A set of issues as the tallies' triggers write it: ",3,7,"."""
    ordered = sorted(issue_ids)
    return "".join(f",{i}" for i in ordered) + ("," if ordered else "")


def copy_corpus(engine: Engine, statements: int, seed: int = 7) -> dict[str, str]:
    """PostgreSQL: the same corpus at the head revision, by COPY with triggers and secondary
    indexes off (the hidden sets of issues written as the triggers would), then the indexes
    built and the tallies counted in bulk."""
    rng = random.Random(seed)
    actor_ids, issue_ids, source_ids = _setup(engine)
    articles = max(1, statements // 10)
    connection = engine.raw_connection()
    try:
        cursor = connection.driver_connection.cursor()
        cursor.execute("SET session_replication_role = replica")  # no triggers, no FK checks
        tables = ("article", "statement", "statement_issue")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            (list(tables),),
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        _copy_rows(cursor, "article", _articles(rng, articles, source_ids))
        _copy_statements(cursor, _statements(rng, statements, articles, actor_ids, issue_ids))
        connection.commit()
        print(f"  COPY: {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        print(f"  indexes built: {time.perf_counter() - started:.0f} s", flush=True)
        for sql in tally_fill_sql():
            cursor.execute(sql)
        print(f"  tallies counted: {time.perf_counter() - started:.0f} s", flush=True)
        for table in ("article", "statement"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        connection.commit()
    finally:
        connection.close()
    return chosen_filters(engine)


def _copy_rows(cursor: Any, table: str, rows: Iterator[dict]) -> None:
    first = next(rows)
    columns = ", ".join(f'"{column}"' for column in first)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write_row(tuple(first.values()))
        for row in rows:
            copy.write_row(tuple(row.values()))


def _copy_statements(cursor: Any, statements: Iterator[tuple[dict, list[dict]]]) -> None:
    """Statements (with their hidden sets of issues), then their links, in one pass."""
    with tempfile.TemporaryFile("w+") as links_file:
        first = next(statements)
        columns = [*first[0], "issue_ids", "lead_issue_ids"]
        quoted = ", ".join(f'"{column}"' for column in columns)
        with cursor.copy(f"COPY statement ({quoted}) FROM STDIN") as copy:
            for row, links in itertools.chain([first], statements):
                issues = [link["issue_id"] for link in links]
                lead = [link["issue_id"] for link in links if link["rank"] == 0]
                copy.write_row((*row.values(), _issue_set(issues), _issue_set(lead)))
                for link in links:
                    links_file.write(
                        f"{link['statement_id']}\t{link['issue_id']}\t{link['rank']}\t1.0\n"
                    )
        links_file.seek(0)
        with cursor.copy(
            "COPY statement_issue (statement_id, issue_id, rank, score) FROM STDIN"
        ) as copy:
            while chunk := links_file.read(1 << 20):
                copy.write(chunk)


def _migration(slug: str) -> Any:
    """A migration module (their file names are not importable names)."""
    path = next((ROOT / "migrations" / "versions").glob(f"*-{slug}.py"))
    spec = importlib.util.spec_from_file_location(slug, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tally_fill_sql() -> list[str]:
    """The tallies counted in bulk (PostgreSQL): the statement tally's full grain from the
    statements as its migration counts it, each coarse grain (app/models/tally.py) from the
    full one (a pass over the narrow full grain instead of over the statements), and the issue
    tally as its migration counts it."""
    tally = _migration("statement_tally")
    key = tally.KEY
    full = next(grain for grain in GRAINS if grain.dims == "DSOKI")
    sql = [
        f"INSERT INTO statement_tally ({key}, n) "
        f"SELECT {tally._key('s', 'a.source_id', 'postgresql')}, count(*) "
        f"FROM statement s JOIN article a ON a.id = s.article_id "
        f"CROSS JOIN {_grain_rows([(full.id, full.dims)])} "
        f"WHERE {tally.VISIBLE.format(row='s')} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    ]
    for grain in GRAINS:
        if grain != full:
            sql.append(
                f"INSERT INTO statement_tally ({key}, n) "
                f"SELECT {tally._key('t', 't.source_id', 'postgresql')}, sum(t.n) "
                f"FROM statement_tally t CROSS JOIN {_grain_rows([(grain.id, grain.dims)])} "
                f"WHERE t.grain = {full.id} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
            )
    sql.append(_migration("issue_tally").fill_sql("postgresql")[1])  # its sets came by COPY
    return [*sql, "ANALYZE statement_tally", "ANALYZE issue_tally"]


def _grain_rows(grains: list[tuple[int, str]]) -> str:
    """Grains as the statement tally's migration lists them (GRAIN_ROWS), for ``grains``."""
    rows = ", ".join(
        "({}, {}, {})".format(
            grain,
            1 if "D" in dims else 2 if "M" in dims else 0,
            ", ".join(str(int(dim in dims)) for dim in "SOKI"),
        )
        for grain, dims in grains
    )
    return f"(VALUES {rows}) AS g"


def settle(engine: Engine) -> None:
    """As after any bulk load (`parley db optimize`): statistics; on PostgreSQL the visibility
    map (so index-only scans stay index-only and autovacuum does not start in the middle of the
    timings), on SQLite the full-text index merged into one segment."""
    optimize(engine)


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


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """Parley served by uvicorn in its own process (whose memory is then its own)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "PARLEY_DATABASE_URL": url,
        "PARLEY_PUBLIC_READ": "true",
        "PARLEY_JOB_RUNNER": "inline",
        "PARLEY_SECRET_KEY": "bench-" + uuid.uuid4().hex,
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/static/app.css").read()
            return process, base
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the server did not start")


def memory(pid: int) -> str:
    """Peak and current resident memory of a process, from /proc (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return f"peak RSS (VmHWM) {fields['VmHWM'].strip()}, RSS now {fields['VmRSS'].strip()}"


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


def page_work(chosen: dict[str, str]) -> dict[str, Callable[[Session], object]]:
    """What each page asks of the database, called as the page calls it."""
    from app.positions.views import issue_coverage
    from app.queries import timeline

    filters = timeline.TimelineFilters
    by_actor = filters(actors=(chosen["actor"],), issues=(chosen["issue"],))
    march = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}
    return {
        "/timeline": lambda s: timeline.load_timeline(s, filters(), count=False),
        "/timeline actor+issue": lambda s: timeline.load_timeline(s, by_actor, count=False),
        "/timeline free text": lambda s: timeline.load_timeline(
            s, filters(q="guarantees Geneva"), count=False
        ),
        f"/issues/{chosen['issue']} coverage": lambda s: issue_coverage(
            s, s.scalars(select(Issue).where(Issue.slug == chosen["issue"])).one()
        ),
        "/timeline/facets actor+issue": lambda s: timeline.facets(s, by_actor),
        "/timeline/facets stance+dates": lambda s: timeline.facets(
            s, filters(stances=("supports",), **march)
        ),
    }


def print_page_plans(engine: Engine, chosen: dict[str, str]) -> None:
    """The query plan of the slowest query each page runs (the page's own SQL, captured as it
    runs, then explained with the same parameters). Timed from execute to execute's return:
    psycopg has read the rows by then, SQLite only the first (it steps on as they are fetched),
    so on SQLite the query "slowest to execute" may not be the one that took longest."""
    ran: list[list[Any]] = []

    def before(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        ran.append([sql, params, time.perf_counter()])

    def after(*_args: Any) -> None:
        ran[-1][2] = time.perf_counter() - ran[-1][2]

    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    for label, work in page_work(chosen).items():
        ran.clear()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            with make_sessionmaker(engine)() as session:
                work(session)
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        queries = [q for q in ran if not q[0].lstrip().upper().startswith(("EXPLAIN", "SET"))]
        sql, params, seconds = max(queries, key=lambda q: q[2])
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(explain + sql, params).all()
        print(
            f"  plan, {label} (slowest to execute of its {len(queries)} queries, "
            f"{seconds * 1000:.1f} ms):\n"
            f"    {' '.join(sql.split())[:600]}"
        )
        print(
            "\n".join("      " + str(row[0] if explain == "EXPLAIN " else row[-1]) for row in rows)
        )


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


def open_database(backend: str, args: argparse.Namespace, workdir: Path) -> tuple[str, Any]:
    """A new database: its URL and what to drop afterwards."""
    if backend == "sqlite":
        db_file = workdir / f"parley_latency_{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{db_file}", db_file
    name = f"parley_latency_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
    return url, (admin, name)


def drop_database(cleanup: Any) -> None:
    if isinstance(cleanup, Path):
        for leftover in cleanup.parent.glob(cleanup.name + "*"):
            leftover.unlink()
        return
    admin, name = cleanup
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(engine: Engine, statements: int) -> dict[str, str]:
    """SQLite: rows in bulk at the revision before the tallies, whose upgrades then count them
    and install their triggers, as a deployment upgrading does. PostgreSQL: COPY at the head
    revision, the tallies counted in bulk after. Small corpora are checked against a recount."""
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        migrate.upgrade(engine)
        chosen = copy_corpus(engine, statements)
        built = tallied = time.perf_counter()
    else:
        migrate.upgrade(engine, BEFORE_TALLY)
        chosen = build_corpus(engine, statements)
        built = time.perf_counter()
        migrate.upgrade(engine)
        tallied = time.perf_counter()
    settle(engine)
    print(
        f"\n{engine.dialect.name}: {statements:,} statements built in {built - started:.0f} s, "
        f"tallies counted in {tallied - built:.0f} s (PostgreSQL: within the build), settled in "
        f"{time.perf_counter() - tallied:.0f} s; load average {load_average()}",
        flush=True,
    )
    if statements <= 50_000:
        with make_sessionmaker(engine)() as session:
            assert tallied_rows(session) == recount(session), "statement tally"
            assert issues_tallied(session) == recount_issues(session), "issue tally"
        print("  both tallies equal a recount from scratch")
    return chosen


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def page_urls(base: str, chosen: dict[str, str]) -> dict[str, str]:
    actor, issue = chosen["actor"], chosen["issue"]
    facets = f"{base}/timeline/facets"
    return {
        "/timeline": f"{base}/timeline",
        "/timeline actor+issue": f"{base}/timeline?actor={actor}&issue={issue}",
        "/timeline free text": f"{base}/timeline?q=guarantees+Geneva",
        # Fewer matches (13,000 at 1M): too many to cut the page from a list of 2,000 ids, too
        # few for a walk that asks FTS5 about each statement to meet fifty soon (SQLite).
        "/timeline free text, 4 words": f"{base}/timeline?q=guarantees+Geneva+talks+army",
        f"/issues/{issue}": f"{base}/issues/{issue}",
        # The page's second request: facet counts and the total.
        "/timeline/facets actor+issue": f"{facets}?actor={actor}&issue={issue}",
        "/timeline/facets": facets,
        "/timeline/facets issue": f"{facets}?issue={issue}",
        "/timeline/facets stance+dates": f"{facets}?stance=supports&from=2025-03-01&to=2025-03-31",
        "/timeline/facets stance+days": f"{facets}?stance=supports&from=2025-03-05&to=2025-04-20",
        "/timeline/facets issue+kind+dates": (
            f"{facets}?issue={issue}&kind=reported&from=2025-01-01&to=2025-06-30"
        ),
        "/timeline/facets actor+stance+dates": (
            f"{facets}?actor={actor}&stance=opposes&from=2025-03-01&to=2025-03-31"
        ),
        "/timeline/facets issue+outlet": f"{facets}?issue={issue}&outlet=2",
        "/timeline/facets free text": f"{facets}?q=guarantees+Geneva",
    }


def time_pages(base: str, chosen: dict[str, str], args: argparse.Namespace) -> None:
    for label, page_url in page_urls(base, chosen).items():
        # Facets with words count over the statements (seconds at a million): fewer runs.
        slow = "facets free text" in label
        p50, p95 = timed_get(page_url, args.slow_requests if slow else args.requests)
        print(
            f"  {label:36} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms{exactness(page_url)}"
            f"   (load {load_average()})",
            flush=True,
        )


def time_bare_sql(engine: Engine, chosen: dict[str, str], args: argparse.Namespace) -> None:
    backend = engine.dialect.name
    params = {"actor": int(chosen["actor_id"]), "issue": int(chosen["issue_id"])}
    fts = {"q": "guarantees Geneva" if backend == "postgresql" else '"guarantees" "geneva"'}
    for label, sql, values in (
        ("SQL latest 50", LATEST_SQL, {}),
        ("SQL actor+issue 50", FILTERED_SQL, params),
        ("SQL free text 50", text_sql(backend), fts),
    ):
        p50, p95 = timed_sql(engine, sql, values, args.requests)
        print(f"  {label:36} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms", flush=True)


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    if args.database:
        url, cleanup = args.database, None  # built by an earlier --keep run: timed as it is
    else:
        url, cleanup = open_database(backend, args, workdir)
    engine = make_engine(url)
    server = None
    try:
        if args.database:
            chosen = chosen_filters(engine)
            print(f"\n{engine.dialect.name}: as built before; load average {load_average()}")
        else:
            chosen = load(engine, args.statements)
        server, base = serve(url)
        time_pages(base, chosen, args)
        print(f"  web process (uvicorn, pid {server.pid}): {memory(server.pid)}", flush=True)
        if not args.skip_exact_count:
            p50, p95 = timed_exact_count(engine, chosen, args.slow_requests)
            print(f"  {'facets over statements a+i':36} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        time_bare_sql(engine, chosen, args)
        if engine.dialect.name == "sqlite":
            p50, p95 = datasette_times(Path(engine.url.database or ""), chosen, args.requests)
            print(f"  {'Datasette actor+issue table':36} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        print_page_plans(engine, chosen)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        engine.dispose()
        if args.keep or cleanup is None:
            print(f"  kept: --database {url}")
        else:
            drop_database(cleanup)


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
    parser.add_argument(
        "--skip-exact-count",
        action="store_true",
        help="skip the facets counted over the statements (a minute each at 10M)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="leave the database built, to time it again later"
    )
    parser.add_argument(
        "--database", help="time this database (kept by --keep) instead of building one"
    )
    args = parser.parse_args()
    if args.database:
        args.backends = make_url(args.database).get_backend_name()
    for backend in args.backends.split(","):
        run_backend(backend.strip(), args, args.workdir)


if __name__ == "__main__":
    main()
