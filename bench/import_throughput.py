"""Import speed on PostgreSQL against extraction alone, and the near-duplicate lookup as the
corpus grows.

Run: .venv/bin/python bench/import_throughput.py [--rounds 3] [--server URL]

1. The seed articles and the development corpus are imported through the job machinery (read,
   extract, store, index, corroborate; one transaction per article) into a fresh database, and
   the same texts are extracted without a database, in one run; medians of articles per second
   and their ratio are printed (aim: >= 0.6).
2. The near-duplicate lookup (LSH band query + verification) is timed with 1,000 and 10,000
   articles indexed (bulk-inserted synthetic articles with realistic name sets); it should stay
   flat. A throwaway database is created on the server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import migrate  # noqa: E402
from app.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from app.extraction.codebook import Codebook  # noqa: E402
from app.extraction.pipeline import Extractor  # noqa: E402
from app.ingest.dedup import bands, find_near_duplicate, fingerprint, minhash  # noqa: E402
from app.ingest.jobs import NewItem, create_job, run_job  # noqa: E402
from app.ingest.service import ArticleImporter, load_codebooks  # noqa: E402
from app.models import Article  # noqa: E402
from app.models.dedup import ArticleBand  # noqa: E402
from app.vocabulary import JobOrigin  # noqa: E402


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
                            for b, k in bands(minhash(fingerprint(body)))
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
                    find_near_duplicate(session, probe)
                    samples.append(time.perf_counter() - started)
            results[size] = statistics.median(samples)
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--lookups", type=int, default=50)
    args = parser.parse_args()

    paths = texts(args.corpus)
    codebook = Codebook.from_dir(ROOT / "seeds")
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
