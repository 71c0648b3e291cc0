"""The docs' screenshots (docs/timeline.png, article.png, issue.png, review.png), taken from a
seeded Parley in headless Chromium: `make screenshots`. The test run never writes into docs/."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.live import VIEWPORT, chromium, log_in, make_live_database, serve, wait_until

DOCS = Path(__file__).resolve().parents[2] / "docs"


def timeline(page: Any, base: str) -> None:
    page.goto(f"{base}/timeline")
    page.locator("article.statement").first.wait_for()
    page.screenshot(path=str(DOCS / "timeline.png"))


def article(page: Any, base: str) -> None:
    page.goto(f"{base}/timeline?actor=yvette-cooper")
    page.locator("article.statement").first.locator("a.evidence").click()
    page.wait_for_url(re.compile(r"/articles/\d+#statement-\d+"))
    page.screenshot(path=str(DOCS / "article.png"))


def issue(page: Any, base: str) -> None:
    page.goto(f"{base}/issues/negotiations_process")
    page.wait_for_selector("canvas#positions-chart[data-rendered=true]", timeout=10000)
    page.screenshot(path=str(DOCS / "issue.png"), full_page=False)


def review(page: Any, base: str) -> None:
    log_in(page, base)
    page.goto(f"{base}/review")
    second = page.locator(".review-item").nth(1).get_attribute("id")
    page.keyboard.press("j")
    page.keyboard.press("c")
    wait_until(page, "document.querySelector('.review-item.status-confirmed')")
    page.keyboard.press("x")
    page.wait_for_selector(f"#{second}.status-rejected")
    page.screenshot(path=str(DOCS / "review.png"))


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        database = make_live_database(Path(folder))
        with serve(database) as base, chromium() as browser:
            for shot in (timeline, article, issue, review):
                context = browser.new_context(viewport=VIEWPORT)
                shot(context.new_page(), base)
                context.close()
                print(f"docs/{shot.__name__}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
