"""Shared fixtures: one database per backend per run, migrated and seeded once, and a
rolled-back transaction around every test.

Set PARLEY_TEST_BACKENDS=sqlite (or postgresql) to run one backend only; the default is both.
PARLEY_TEST_POSTGRES_URL names the server (a throwaway database is created on it and dropped).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from app import migrate
from app.db import make_engine
from app.extraction.codebook import Codebook
from app.extraction.pipeline import Extractor
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings

SEEDS_DIR = PROJECT_ROOT / "seeds"
POSTGRES_URL = os.environ.get(
    "PARLEY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    name
    for name in os.environ.get("PARLEY_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if name.strip()
]


class ThrowawayDatabase:
    """A database of its own for this run: a SQLite file, or CREATE DATABASE on PostgreSQL."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.name = f"parley_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            self.url = f"sqlite:///{workdir / (self.name + '.db')}"
        else:
            self.url = (
                make_url(POSTGRES_URL).set(database=self.name).render_as_string(hide_password=False)
            )

    def create(self) -> None:
        if self.backend == "postgresql":
            with self._admin() as admin:
                admin.execute(text(f'CREATE DATABASE "{self.name}"'))

    def drop(self) -> None:
        if self.backend == "postgresql":
            with self._admin() as admin:
                admin.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def _admin(self) -> Connection:
        engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        return engine.connect()


def make_database(backend: str, workdir: Path) -> Iterator[ThrowawayDatabase]:
    database = ThrowawayDatabase(backend, workdir)
    database.create()
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return Codebook.from_dir(SEEDS_DIR)


@pytest.fixture(scope="session")
def extractor(codebook: Codebook) -> Extractor:
    return Extractor(codebook)


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database with the codebooks and seed articles loaded, shared by the run."""
    from app.db import make_sessionmaker
    from app.ingest.service import seed

    for database in make_database(request.param, tmp_path_factory.mktemp("db")):
        engine = make_engine(database.url)
        migrate.upgrade(engine)
        seed(make_sessionmaker(engine), SEEDS_DIR)
        create_test_users(make_sessionmaker(engine))
        yield engine
        engine.dispose()


TEST_SECRET = "a-test-secret-that-is-not-the-default"
PASSWORD = "correct horse battery"
USERS = {role: f"{role}@example.org" for role in ("viewer", "analyst", "admin")}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def create_test_users(factory: sessionmaker[Session]) -> None:
    from app.accounts.users import create_user
    from app.db import transaction

    with transaction(factory) as session:
        for role, email in USERS.items():
            create_user(session, email, PASSWORD, role)


def page_csrf(client: TestClient, path: str = "/login") -> str:
    """The CSRF token the pages of this client's session carry."""
    match = CSRF_META.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: TestClient, role: str | None) -> TestClient:
    """Sign the client in as the test user with this role (None: stay anonymous). Later
    requests carry no CSRF token of their own: a form test submits the token its page holds
    (tests/forms.py), as a browser does."""
    if role is not None:
        response = client.post(
            "/login",
            data={"email": USERS[role], "password": PASSWORD, "csrf_token": page_csrf(client)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    return client


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            yield connection
        finally:
            outer.rollback()


@pytest.fixture
def factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions inside the test's transaction: their commits are savepoints, all rolled back."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        seeds_dir=SEEDS_DIR,
        secret_key=TEST_SECRET,
        public_read=True,
        job_runner="inline",
    )


def client_for(
    settings: Settings,
    factory: sessionmaker[Session],
    extractor: Extractor,
    role: str | None = "analyst",
    *,
    address: str = "testclient",
) -> Iterator[TestClient]:
    """A client signed in with ``role`` whose requests run inside the test's transaction and
    come from ``address``; jobs run inline."""
    from app.ingest.queue import InlineRunner
    from app.ingest.service import ArticleImporter

    app = create_app(settings)
    with TestClient(app, client=(address, 50000)) as client:
        app.state.sessionmaker = factory
        app.state.read_sessionmaker = factory
        app.state.dispatcher = InlineRunner(factory, ArticleImporter(factory, extractor))
        yield log_in(client, role)


@pytest.fixture
def client(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    yield from client_for(settings, factory, extractor)


@pytest.fixture
def anonymous(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """A client that has not logged in (reading is public in ``settings``)."""
    yield from client_for(settings, factory, extractor, role=None)


@dataclass
class CommittedDatabase:
    """A migrated database with the codebooks, whose writes really commit (for work that other
    connections or processes must see: workers, threads, concurrent imports)."""

    url: str
    engine: Engine
    factory: sessionmaker[Session]


@pytest.fixture
def committed_database(
    request: pytest.FixtureRequest, tmp_path: Path, codebook: Codebook
) -> Iterator[CommittedDatabase]:
    from app.db import make_sessionmaker, transaction
    from app.ingest.service import load_codebooks

    backend = getattr(request, "param", "postgresql")
    if backend not in BACKENDS:
        pytest.skip(f"{backend} is not among PARLEY_TEST_BACKENDS")
    for database in make_database(backend, tmp_path):
        engine = make_engine(database.url)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        with transaction(factory) as session:
            load_codebooks(session, codebook)
        yield CommittedDatabase(database.url, engine, factory)
        engine.dispose()
