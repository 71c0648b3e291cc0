"""Migrations are the only way the schema changes: upgrade an empty database to head, find no
difference between models and migrations, and downgrade back to an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

import app.models  # noqa: F401
from app import migrate
from app.db import Base, make_engine
from app.migrate import include_object
from tests.conftest import BACKENDS, make_database

CORE_TABLES = {
    "source",
    "article",
    "actor",
    "actor_alias",
    "actor_role",
    "issue",
    "statement",
    "statement_issue",
    "position",
    "event",
    "event_actor",
    "event_article",
    "import_job",
    "import_item",
}


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for database in make_database(request.param, tmp_path):
        engine = make_engine(database.url)
        yield engine
        engine.dispose()


def test_upgrade_creates_the_core_tables(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert tables >= CORE_TABLES
    assert migrate.current_revision(empty_engine) == migrate.head_revision(empty_engine)


def test_models_and_migrations_agree(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_downgrade_to_base_leaves_no_tables(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    remaining = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    if empty_engine.dialect.name == "postgresql":
        with empty_engine.connect() as connection:
            leftovers = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%%'"
            ).scalar()
        assert leftovers == 0
    assert remaining == set()
    assert migrate.current_revision(empty_engine) is None


def test_upgrade_after_downgrade_is_repeatable(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    migrate.upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= CORE_TABLES
