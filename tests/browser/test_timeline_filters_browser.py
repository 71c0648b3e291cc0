"""The timeline's filter panel in headless Chromium, typed into at a person's speed: nothing typed
is lost to the facet counts arriving, a date applies once it is whole, and a filter that cannot
apply is named on the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.live import wait_until

pytestmark = pytest.mark.browser

COUNTS_IN = "document.querySelector('#result-count strong')"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page whose date boxes read month/day/year, as an American analyst's do."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    opened = context.new_page()
    yield opened
    context.close()


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def counts_for(page: Any, **expected: list[str] | None) -> None:
    """Wait until the URL's query has the ``expected`` values (None: the parameter is absent),
    then until the results and their counts for it have come."""

    def arrived(url: str) -> bool:
        found = parse_qs(urlsplit(url).query)
        return all(found.get(name) == values for name, values in expected.items())

    page.wait_for_url(arrived, wait_until="commit")
    wait_until(page, "!document.querySelector('#filters.htmx-request')")
    wait_until(page, COUNTS_IN)
    page.wait_for_load_state("networkidle")


def test_words_typed_with_a_pause_keep_their_space(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline")
    wait_until(page, COUNTS_IN)
    page.type("#q", "peace", delay=120)
    # A pause (the results for "peace" are asked for), then on typing where the cursor is while
    # they and their counts come back.
    page.wait_for_timeout(500)
    page.keyboard.type(" talks", delay=120)
    counts_for(page, q=["peace talks"])
    assert page.input_value("#q") == "peace talks"
    assert query(page)["q"] == ["peace talks"]
    words = page.locator("article.statement .words").all_inner_texts()
    assert words and all("peace" in w.lower() and "talk" in w.lower() for w in words)
    assert page.evaluate("document.activeElement.id") == "q"  # still typing where it was


def test_a_date_typed_key_by_key_applies_once_whole(page: Any, live_server: str) -> None:
    sent: list[str] = []
    page.on(
        "request",
        lambda request: sent.append(request.url) if "from=" in request.url else None,
    )
    page.goto(f"{live_server}/timeline")
    wait_until(page, COUNTS_IN)
    page.type("#q", "peace", delay=120)
    counts_for(page, q=["peace"])
    page.focus("#filter-from")  # its month first, then its day and year
    for key in "03012025":
        page.keyboard.type(key)
        page.wait_for_timeout(120)
    counts_for(page, q=["peace"], **{"from": ["2025-03-01"]})
    assert page.input_value("#filter-from") == "2025-03-01"
    assert page.input_value("#q") == "peace"  # the other box kept its words
    assert query(page)["from"] == ["2025-03-01"]
    # One date applied, not a request per keystroke of the year (0002, 0020, 0202).
    assert {parse_qs(urlsplit(url).query)["from"][0] for url in sent} == {"2025-03-01"}
    headings = page.locator(".day-heading").all_inner_texts()
    assert headings and not any("Feb 2025" in h for h in headings)
    assert all("2025" in h or h.lower() == "date unknown" for h in headings)


def test_an_actor_typed_in_the_box_becomes_a_ticked_choice(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline")
    wait_until(page, COUNTS_IN)
    page.type("#actor-input", "Dmitri Peskov", delay=60)
    page.press("#actor-input", "Enter")
    counts_for(page, actor=["Dmitri Peskov"])
    assert set(page.locator("article.statement .speaker").all_inner_texts()) == {"Dmitry Peskov"}
    wait_until(page, "document.querySelector('#facet-actor-dmitry-peskov').checked")
    assert page.input_value("#actor-input") == ""  # ready for the next actor
    page.uncheck("#facet-actor-dmitry-peskov")
    counts_for(page, actor=None)
    wait_until(page, "document.querySelectorAll('article.statement .speaker').length > 0")
    assert len(set(page.locator("article.statement .speaker").all_inner_texts())) > 1
    assert "actor" not in query(page)


def test_a_filter_that_cannot_apply_is_named_on_the_page(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/timeline?from=2025-13-45&actor=nobody-at-all")
    problems = page.locator("#filter-problems")
    assert problems.is_visible()
    text = problems.inner_text()
    assert "“2025-13-45” is not a date" in text and "no actor is called “nobody-at-all”" in text
    assert page.locator("article.statement").count() > 0  # the rest of the view still shows
