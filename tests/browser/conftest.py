"""A live Parley (SQLite, seeded) served by uvicorn in a thread, and Debian's Chromium driven by
Playwright. Nothing is downloaded: the browser is /usr/bin/chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.ingest.service import seed
from app.main import create_app
from app.settings import Settings
from tests.conftest import SEEDS_DIR, create_test_users

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's SQLite database: migrated, seeded, with the test accounts."""
    database = tmp_path_factory.mktemp("browser") / "parley.db"
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    seed(make_sessionmaker(engine), SEEDS_DIR)
    create_test_users(make_sessionmaker(engine))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def live_server(live_database: str) -> Iterator[str]:
    settings = Settings(
        database_url=live_database, seeds_dir=SEEDS_DIR, public_read=True, page_size=40
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is needed for browser tests: `make browser-deps`"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    opened = context.new_page()
    yield opened
    context.close()
