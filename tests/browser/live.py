"""A seeded SQLite Parley served by uvicorn in a thread, and Debian's Chromium: shared by the
browser tests (tests/browser/conftest.py) and `make screenshots` (tests/browser/screenshots.py)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.ingest.service import seed
from app.main import create_app
from app.models import Statement
from app.settings import Settings
from tests.conftest import PASSWORD, SEEDS_DIR, USERS, create_test_users

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_live_database(folder: Path) -> str:
    """A SQLite database in ``folder``: migrated, seeded, with the test accounts; its URL."""
    url = f"sqlite:///{folder / 'parley.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    seed(make_sessionmaker(engine), SEEDS_DIR)
    create_test_users(make_sessionmaker(engine))
    engine.dispose()
    return url


@contextmanager
def serve(database_url: str) -> Iterator[str]:
    """Parley on a free local port for as long as the block runs; its base URL."""
    settings = Settings(
        database_url=database_url, seeds_dir=SEEDS_DIR, public_read=True, page_size=40
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=_free_port(), log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright (nothing is downloaded)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is needed for browser tests: `make browser-deps`"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


def wait_until(page: Any, condition: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript condition. (Playwright's wait_for_function evaluates strings with
    eval, which the app's Content-Security-Policy rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({condition})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.05)


def log_in(page: Any, live_server: str, role: str = "analyst") -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", USERS[role])
    page.fill("input[name=password]", PASSWORD)
    page.click("form.narrow button[type=submit]")
    page.wait_for_url(f"{live_server}/")


def settled(read: Callable[[], Any], expected: Any, timeout: float = 5.0) -> Any:
    """``read()`` once it gives ``expected`` (or its last answer after ``timeout``): the request's
    transaction commits as its session dependency ends, which can be just after the page has
    swapped in the response, so a test reading the database may be a moment early."""
    deadline = time.monotonic() + timeout
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def review_statuses(database: Engine, statement_ids: Iterable[int]) -> dict[int, str]:
    """Each statement's review status, as committed."""
    with database.connect() as connection:
        rows = connection.execute(
            select(Statement.id, Statement.review_status).where(
                Statement.id.in_(list(statement_ids))
            )
        )
        return dict(rows.tuples().all())
