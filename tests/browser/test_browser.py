"""Click through the real pages in headless Chromium: filters, the back button, load more, the
evidence in the article, the chart. (The docs' screenshots are `make screenshots`' business.)"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.live import wait_until

pytestmark = pytest.mark.browser


def statement_speakers(page: Any) -> set[str]:
    return set(page.locator("article.statement .speaker").all_inner_texts())


def test_filter_by_actor_then_issue_and_go_back(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline")
    page.locator("label.facet", has_text="Dmitry Peskov").locator("input").check()
    page.wait_for_url(re.compile(r"\?actor=dmitry-peskov$"), wait_until="commit")
    wait_until(page, "document.querySelectorAll('article.statement .speaker').length > 0")
    assert statement_speakers(page) == {"Dmitry Peskov"}
    page.locator("#filters input[name=issue][value=negotiations_process]").check()
    page.wait_for_url(
        re.compile(r"actor=dmitry-peskov&issue=negotiations_process"), wait_until="commit"
    )
    wait_until(
        page, "document.querySelector('input[name=issue][value=negotiations_process]').checked"
    )
    filtered = page.locator(".result-count strong").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r"\?actor=dmitry-peskov$"), wait_until="commit")
    wait_until(
        page, "!document.querySelector('input[name=issue][value=negotiations_process]').checked"
    )
    assert statement_speakers(page) == {"Dmitry Peskov"}
    assert page.locator(".result-count strong").inner_text() != filtered or int(filtered) > 0


def test_load_more_appends_the_next_page(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline")
    first = page.locator("article.statement").count()
    assert first == 40
    # The total arrives with the facet counts, swapped in out of band.
    wait_until(page, "document.querySelector('#result-count strong')")
    assert int(page.locator("#result-count strong").inner_text().replace(",", "")) > 40
    page.locator(".load-more a").click()
    wait_until(page, "document.querySelectorAll('article.statement').length > 40")
    ids = page.locator("article.statement").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)) > 40


def test_open_the_evidence_and_see_the_words_highlighted(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline?actor=yvette-cooper")
    statement = page.locator("article.statement").first
    words = statement.locator(".words").inner_text().strip()
    if "direct_quote" in (statement.locator(".words").get_attribute("class") or ""):
        # a direct quote is shown between marks the stylesheet adds; the text has none
        words = words.removeprefix("“").removesuffix("”")
    statement.locator("a.evidence").click()
    page.wait_for_url(re.compile(r"/articles/\d+#statement-\d+"))
    target = page.url.split("#")[1]
    mark = page.locator(f"mark#{target}")
    assert mark.is_visible()
    # exactly the statement's words, a closing mark of a quoted phrase included
    assert mark.inner_text().strip() == words
    assert "Yvette Cooper" in (mark.get_attribute("title") or "")


def test_the_issue_chart_renders(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/issues/negotiations_process")
    page.wait_for_selector("canvas#positions-chart[data-rendered=true]", timeout=10000)
    box = page.locator("canvas#positions-chart").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    assert page.locator("table.matrix tbody tr").count() >= 2


def test_keyboard_moves_between_statements(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline")
    page.keyboard.press("j")
    page.keyboard.press("j")
    current = page.locator("article.statement.is-current")
    assert current.count() == 1
    assert current.get_attribute("id") == page.locator("article.statement").nth(1).get_attribute(
        "id"
    )
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"


def test_the_timeline_shows_days_newest_first_with_their_statements(
    page: Any, live_server: str
) -> None:
    page.goto(f"{live_server}/timeline")
    days = page.locator("section.day[data-day]").evaluate_all("els => els.map(e => e.dataset.day)")
    dated = [day for day in days if day]
    assert len(dated) >= 2
    assert dated == sorted(dated, reverse=True)
    statements = page.locator("article.statement")
    assert statements.count() == 40
    first = statements.first
    assert first.locator(".speaker").inner_text().strip()
    assert first.locator(".words").inner_text().strip()
    href = first.locator("a.evidence").get_attribute("href") or ""
    assert re.fullmatch(r"/articles/\d+#statement-\d+", href)


def test_actor_autocomplete_offers_names_and_aliases(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline")
    page.locator("#actor-input").press_sequentially("Zelenskyy", delay=20)
    wait_until(page, "document.querySelectorAll('#actor-options option').length > 0")
    assert (
        page.locator("#actor-options option").first.get_attribute("value") == "volodymyr-zelensky"
    )
