"""`parley seed`: both codebooks and the five seed articles, through the ordinary import path."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.codebook import Codebook
from app.ingest.service import seed
from app.models import Actor, ActorRole, Article, Event, Issue, Source, Statement
from tests.conftest import SEEDS_DIR

ISSUE_KEYS = [
    "territory",
    "ceasefire",
    "security_guarantees",
    "nato_membership",
    "peacekeepers",
    "sanctions",
    "military_aid",
    "negotiations_process",
    "prisoners",
    "energy_infrastructure",
    "minerals_economic",
    "sovereignty_recognition",
    "other",
]


def counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Issue, Actor, ActorRole, Source, Article, Statement, Event)
    }


def test_issue_codebook_has_exactly_the_contract_keys(codebook: Codebook) -> None:
    assert [issue.slug for issue in codebook.issues] == ISSUE_KEYS
    for issue in codebook.issues:
        assert issue.name and issue.question and issue.keywords


def test_actor_codebook_is_rich_enough(codebook: Codebook) -> None:
    assert len(codebook.actors) >= 60
    kinds = {actor.kind for actor in codebook.actors}
    assert kinds == {"person", "state", "organization", "group"}
    slugs = {actor.slug for actor in codebook.actors}
    for actor in codebook.actors:
        assert actor.affiliation is None or actor.affiliation in slugs


def test_seeded_database_has_codebooks_and_articles(session: Session) -> None:
    found = counts(session)
    assert found["Issue"] == 13
    assert found["Actor"] >= 60
    assert found["Article"] == 5
    assert found["Statement"] >= 50
    assert found["Event"] >= 1


def test_seed_texts_are_stored_byte_for_byte(session: Session) -> None:
    metadata = json.loads((SEEDS_DIR / "articles.json").read_text(encoding="utf-8"))
    for entry in metadata:
        stored = session.scalars(select(Article).where(Article.title == entry["title"])).one()
        assert stored.text == (SEEDS_DIR / entry["file"]).read_bytes().decode("utf-8")
        assert stored.published_on.isoformat() == entry["published"]


def test_seeding_twice_changes_nothing(factory: sessionmaker[Session], session: Session) -> None:
    before = counts(session)
    report = seed(factory, SEEDS_DIR)
    assert report.issues_created == 0
    assert report.actors_created == 0
    assert report.imports.count("imported") == 0
    assert report.imports.count("duplicate") == 5
    session.expire_all()
    assert counts(session) == before


def test_role_noun_resolves_on_the_day(codebook: Codebook) -> None:
    from datetime import date

    from app.extraction.speakers import RoleIndex

    roles = RoleIndex(codebook)
    assert roles.holder("the US president", date(2024, 12, 1))[0].name == "Joe Biden"
    assert roles.holder("the US president", date(2025, 3, 1))[0].name == "Donald Trump"
    assert roles.holder("Kremlin spokesman", date(2025, 3, 1))[0].name == "Dmitry Peskov"
