"""The review queue in headless Chromium: each statement with its words in their article, its
actions on one line, and "confirm all from this article" clicked, then each one undone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, select

from app.models import Statement
from tests.browser.live import log_in

pytestmark = pytest.mark.browser


def review_statuses(live_database: str, article_id: int) -> dict[int, str]:
    """The review status of each statement of the article (repeats left out), read directly."""
    engine = create_engine(live_database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Statement.id, Statement.review_status).where(
                    Statement.article_id == article_id, Statement.corroborates_id.is_(None)
                )
            ).tuples()
            return dict(rows.all())
    finally:
        engine.dispose()


def test_each_statement_shows_its_source_and_its_actions_on_one_line(
    page: Any, live_server: str
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/review")
    items = page.locator(".review-item")
    assert items.count() > 3
    for index in range(3):
        item = items.nth(index)
        source = item.locator("p.source-text")
        assert source.is_visible()
        words = item.locator("article.statement .words").inner_text().strip().strip("“”")
        assert source.locator("mark").inner_text().strip() == words
        boxes = [item.locator(f"[data-key={key}]").bounding_box() for key in ("c", "e", "x")]
        assert all(boxes)
        tops = [box["y"] for box in boxes]
        assert max(tops) - min(tops) < 4, tops  # one line
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]


def test_confirm_all_from_an_article_then_undo_each(
    page: Any, live_server: str, live_database: str
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/review")
    # The article on the page with the fewest statements left to review (at least two).
    buttons = page.locator("form.confirm-article")
    offered = {
        int(buttons.nth(i).get_attribute("action").split("/")[2]) for i in range(buttons.count())
    }

    def to_review(article_id: int) -> int:
        return list(review_statuses(live_database, article_id).values()).count("machine")

    article_id = min(offered, key=to_review)
    action = f"/articles/{article_id}/confirm"
    before = review_statuses(live_database, article_id)
    waiting = {i for i, status in before.items() if status == "machine"}
    button = page.locator(f"form.confirm-article[action='{action}'] button").first
    assert button.inner_text() == f"Confirm all {len(waiting)} from this article"
    button.click()
    page.wait_for_url(f"{live_server}/review?confirmed={len(waiting)}&article={article_id}")
    assert f"Confirmed {len(waiting)} statements" in page.locator(".message.success").inner_text()
    shown = {
        int(i.removeprefix("review-"))
        for i in page.locator(".review-item").evaluate_all("els => els.map(e => e.id)")
    }
    assert not shown & waiting  # none of them is left to review
    after = review_statuses(live_database, article_id)
    assert {after[i] for i in waiting} == {"confirmed"}
    assert {i: s for i, s in after.items() if i not in waiting} == {
        i: s for i, s in before.items() if i not in waiting
    }
    # Each confirmation is its own change in the history: undo them one by one.
    for _ in waiting:
        page.goto(f"{live_server}/history?entity=statement")
        entry = page.locator("li.history-entry", has_text=f"(all of article {article_id})")
        entry.filter(has=page.locator("form button")).first.locator("form button").click()
        page.wait_for_url(f"{live_server}/history")
    assert review_statuses(live_database, article_id) == before
