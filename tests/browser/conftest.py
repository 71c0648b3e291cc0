"""A live Parley (SQLite, seeded) served by uvicorn in a thread, and Debian's Chromium driven by
Playwright. Nothing is downloaded: the browser is /usr/bin/chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.live import VIEWPORT, chromium, make_live_database, serve


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's SQLite database: migrated, seeded, with the test accounts."""
    return make_live_database(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def live_server(live_database: str) -> Iterator[str]:
    with serve(live_database) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    opened = context.new_page()
    yield opened
    context.close()
