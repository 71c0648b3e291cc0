"""One story, many sources: near-duplicate articles and repeated statements."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.db import transaction
from app.extraction.pipeline import Extractor
from app.ingest import dedup
from app.ingest.dedup import bands, candidates, fingerprint, minhash, similarity
from app.ingest.importer import ArticleInput, ImportOutcome, store_article
from app.ingest.jobs import NewItem, create_job, run_job
from app.models import Article, Statement
from tests.conftest import SEEDS_DIR, CommittedDatabase

AP = SEEDS_DIR / "articles" / "2025-12-03-ap-europeans-accuse-putin.txt"
REWRITE = SEEDS_DIR / "articles" / "2025-12-03-maple-europe-accuses-putin.txt"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def test_the_seed_rewrite_points_at_the_ap_original(session: Session) -> None:
    original = session.scalars(select(Article).where(Article.title.like("Europeans accuse%"))).one()
    rewrite = session.scalars(select(Article).where(Article.title.like("Europe Accuses%"))).one()
    assert rewrite.duplicate_of_id == original.id
    assert original.duplicate_of_id is None


def test_repeated_statements_are_linked_across_the_pair(session: Session) -> None:
    earlier = aliased(Statement)
    pairs = session.execute(
        select(Statement.text, earlier.text).join(earlier, Statement.corroborates_id == earlier.id)
    ).all()
    assert pairs, "the rewrite repeats some of the AP story's statements"
    texts = {later for later, _ in pairs}
    assert "positive" in texts or any("wasting the world" in text for text in texts)


def test_the_timeline_shows_a_repeated_statement_once_with_its_sources(client: TestClient) -> None:
    page = BeautifulSoup(client.get("/timeline").text, "html.parser")
    sources = page.select("details.sources")
    assert sources
    summary = sources[0].select_one("summary").get_text(strip=True)
    assert summary == "reported by 2 outlets"
    outlets = [a.get_text(strip=True) for a in sources[0].select("li a")]
    assert outlets == ["CBC News (The Associated Press)", "Maple Newswire"]


def test_fingerprint_similarity_separates_a_rewrite_from_another_report() -> None:
    ap, rewrite = (
        fingerprint(AP.read_text(encoding="utf-8")),
        fingerprint(REWRITE.read_text(encoding="utf-8")),
    )
    other = fingerprint(
        (SEEDS_DIR / "articles" / "2025-04-23-novinite-deadlock-in-london.txt").read_text(
            encoding="utf-8"
        )
    )
    assert similarity(ap, rewrite) >= 0.6
    assert similarity(ap, other) < 0.4


def test_fingerprints_are_kept_for_the_latest_texts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Recent fingerprints are reused (each import compares with the same candidates again),
    and no more than FINGERPRINTS_KEPT are kept, whatever was fingerprinted."""
    monkeypatch.setattr(dedup, "_fingerprints", {})
    monkeypatch.setattr(dedup, "FINGERPRINTS_KEPT", 3)
    texts = [f"Talks in Geneva and Riyadh, said Umerov and Witkoff on day {n}." for n in range(5)]
    first = fingerprint(texts[0])
    assert fingerprint(texts[0]) is first
    assert "geneva" in first and "umerov" in first
    for text in texts:
        fingerprint(text)
    assert len(dedup._fingerprints) == 3
    assert fingerprint(texts[0]) == first  # fingerprinted again, alike


def test_lsh_finds_the_rewrite_by_index_lookup(session: Session) -> None:
    original = session.scalars(
        select(Article.id).where(Article.title.like("Europeans accuse%"))
    ).one()
    found = candidates(session, bands(minhash(fingerprint(REWRITE.read_text(encoding="utf-8")))))
    assert original in found


@pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the development corpus (not in the repository) is not at {CORPUS}"
)
@pytest.mark.parametrize("committed_database", ["sqlite"], indirect=True)
def test_the_development_corpus_has_no_false_merges(committed_database: CommittedDatabase) -> None:
    factory = committed_database.factory
    files = sorted(CORPUS.glob("*.txt"))
    assert len(files) == 30
    with transaction(factory) as session:
        job_id = create_job(session, [NewItem(p.name, p.read_bytes()) for p in files]).id
    run_job(factory, job_id)
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 30
        assert (
            session.scalar(
                select(func.count())
                .select_from(Article)
                .where(Article.duplicate_of_id.is_not(None))
            )
            == 0
        )


@pytest.mark.parametrize("committed_database", ["postgresql", "sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("first_file", "second_file", "second_status"),
    [(AP, REWRITE, "imported"), (REWRITE, AP, "imported"), (AP, AP, "duplicate")],
    ids=["original-then-rewrite", "rewrite-then-original", "same-text"],
)
def test_two_workers_storing_one_story_at_once_make_one_original(
    committed_database: CommittedDatabase,
    extractor: Extractor,
    first_file: Path,
    second_file: Path,
    second_status: str,
) -> None:
    """The first worker has stored its article but not committed when the second starts on
    the same story: the second must end up a copy of the first (or, for the same text, a
    duplicate of it), never a second original, and neither article may be lost."""
    factory = committed_database.factory
    first = ArticleInput(text=first_file.read_text(encoding="utf-8"), title="First", outlet="AP")
    second = ArticleInput(
        text=second_file.read_text(encoding="utf-8"), title="Second", outlet="Maple Newswire"
    )
    results = {id(item): extractor.extract(item.text) for item in (first, second)}
    stored, release = threading.Event(), threading.Event()
    outcomes: dict[str, ImportOutcome] = {}

    def store(name: str, item: ArticleInput, hold: bool) -> None:
        with transaction(factory) as session:
            outcomes[name] = store_article(session, item, results[id(item)], extractor.codebook)
            if hold:  # in the middle of the first worker's transaction, the second one starts
                stored.set()
                release.wait(timeout=60)

    holder = threading.Thread(target=store, args=("first", first, True))
    holder.start()
    assert stored.wait(timeout=60)
    late = threading.Thread(target=store, args=("second", second, False))
    late.start()
    late.join(timeout=2)  # long enough for the second to look up and store, if nothing stops it
    release.set()
    holder.join(timeout=60)
    late.join(timeout=60)
    assert not holder.is_alive() and not late.is_alive()

    assert outcomes["first"].status == "imported"
    assert outcomes["second"].status == second_status
    with transaction(factory) as session:
        rows = session.execute(select(Article.id, Article.duplicate_of_id)).all()
    originals = [article_id for article_id, copy_of in rows if copy_of is None]
    assert originals == [outcomes["first"].article_id]
    if second_status == "imported":
        assert sorted(rows) == [
            (outcomes["first"].article_id, None),
            (outcomes["second"].article_id, outcomes["first"].article_id),
        ]
    else:
        assert outcomes["second"].article_id == outcomes["first"].article_id
        assert len(rows) == 1
