"""Curation in headless Chromium: the review queue from the keyboard, editing in place, adding
a statement by selecting words, and no page breaking the Content-Security-Policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from app.models import Article, Statement
from tests.browser.live import log_in, review_statuses, settled, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def database(live_database: str) -> Iterator[Engine]:
    engine = create_engine(live_database)
    yield engine
    engine.dispose()


def test_no_page_breaks_the_content_security_policy(
    page: Any, live_server: str, database: Engine
) -> None:
    with database.connect() as connection:
        statement_id = connection.scalar(select(Statement.id).order_by(Statement.id))
        article_id = connection.scalar(select(Article.id).order_by(Article.id))
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server)
    for path in [
        "/",
        "/issues/ceasefire",
        "/review",
        f"/articles/{article_id}",
        f"/statements/{statement_id}",
        "/actors/vladimir-putin/edit",
        "/history",
        "/upload",
    ]:
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")
    assert problems == []


def test_work_the_review_queue_from_the_keyboard(
    page: Any, live_server: str, database: Engine
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/review")
    items = page.locator(".review-item")
    first_id = int(items.nth(0).get_attribute("id").removeprefix("review-"))
    second_id = int(items.nth(1).get_attribute("id").removeprefix("review-"))
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_selector(f"#review-{first_id}.status-confirmed")
    wait_until(
        page,
        f"document.querySelector('#review-{second_id} article.statement').classList.contains('is-current')",
    )
    page.keyboard.press("x")
    page.wait_for_selector(f"#review-{second_id}.status-rejected")

    expected = {first_id: "confirmed", second_id: "rejected"}
    assert settled(lambda: review_statuses(database, expected), expected) == expected


def test_edit_a_statement_in_place(page: Any, live_server: str, database: Engine) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/review")
    item = page.locator(".review-item").nth(2)
    statement_id = int(item.get_attribute("id").removeprefix("review-"))
    item.locator("a[data-key=e]").click()
    form = page.locator(f"#review-{statement_id} form.statement-form")
    form.wait_for()
    assert page.url.endswith("/review")  # in place, no navigation
    form.locator("select[name=stance]").select_option("conditional")
    form.locator("input[name=speaker]").fill("Nobody Atall")  # unknown: refused in place
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#review-{statement_id} .field-error")
    assert "No actor is called" in page.locator(f"#review-{statement_id} .field-error").inner_text()
    page.locator(f"#review-{statement_id} input[name=speaker]").fill("dmitry-peskov")
    page.locator(f"#review-{statement_id} button[type=submit]").click()
    page.wait_for_selector(f"#review-{statement_id}.status-edited")
    with database.connect() as connection:
        stance = connection.scalar(select(Statement.stance).where(Statement.id == statement_id))
    assert stance == "conditional"


def test_select_words_in_the_article_to_add_a_statement(
    page: Any, live_server: str, database: Engine
) -> None:
    with database.connect() as connection:
        article_id, text = connection.execute(
            select(Article.id, Article.text).order_by(Article.id.desc())
        ).first()
    log_in(page, live_server)
    page.goto(f"{live_server}/articles/{article_id}")
    # Select the first plain run's words the way a mouse would, across the run's text node.
    run = page.locator("#article-text span[data-offset]").nth(3)
    run_offset = int(run.get_attribute("data-offset"))
    run_text = run.inner_text()
    words = run_text.strip()[:30]
    start = run_offset + run_text.index(words)
    run.evaluate(
        """(el, [from, to]) => {
             const range = document.createRange();
             range.setStart(el.firstChild, from); range.setEnd(el.firstChild, to);
             const selection = window.getSelection();
             selection.removeAllRanges(); selection.addRange(range);
             document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
           }""",
        [run_text.index(words), run_text.index(words) + len(words)],
    )
    panel = page.locator("#add-statement")
    assert panel.get_attribute("open") is not None
    assert panel.locator("input[name=start]").input_value() == str(start)
    assert panel.locator("input[name=end]").input_value() == str(start + len(words))
    assert text[start : start + len(words)] == words
    panel.locator("input[name=speaker]").fill("vladimir-putin")
    panel.locator("select[name=issue]").select_option("territory")
    panel.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/statements/\d+$"))
    statement_id = int(page.url.rsplit("/", 1)[1])
    with database.connect() as connection:
        saved = connection.execute(
            select(Statement.text, Statement.origin).where(Statement.id == statement_id)
        ).one()
    assert tuple(saved) == (words, "analyst")


def test_re_extract_an_article_by_clicking(page: Any, live_server: str, database: Engine) -> None:
    with database.connect() as connection:
        article_id = connection.scalar(select(Article.id).order_by(Article.id))
        before = connection.scalar(
            select(func.count()).select_from(Statement).where(Statement.article_id == article_id)
        )
    log_in(page, live_server)
    page.goto(f"{live_server}/articles/{article_id}")
    # The first re-extraction starts a process and loads the pipeline: seconds, more on a busy
    # machine.
    with page.expect_navigation(
        url=re.compile(rf"/articles/{article_id}\?reextracted="), timeout=180_000
    ):
        page.get_by_role("button", name="Re-extract this article").click()
    notice = page.locator("p.message.success").inner_text()
    assert re.search(r"\d+ (kept|updated|added)", notice), notice
    with database.connect() as connection:
        after = connection.scalar(
            select(func.count()).select_from(Statement).where(Statement.article_id == article_id)
        )
    assert after >= 1 and before >= 1  # found again, not wiped
