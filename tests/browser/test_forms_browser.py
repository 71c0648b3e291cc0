"""Every form an analyst uses, filled in and submitted in headless Chromium by clicking, as a
person does: login, the first-run password change, pasting an article, uploading .txt, .html
and .pdf files with a metadata file, watching each job to its end and finding the statements on
the timeline, review by button, actors (create, edit, alias, role, merge), undo from the history,
and logging out. No test header or shortcut a browser would not send."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.accounts.users import create_user
from app.models import Actor, ActorAlias
from tests.browser.live import log_in, review_statuses, settled
from tests.ingest.test_import_cli import minimal_pdf

pytestmark = pytest.mark.browser

PASTED = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that Moscow was ready for a round of talks "
    'in Zanzibar. "We are ready to meet the Ukrainian delegation in Zanzibar next week," '
    "Peskov told reporters.\n\nUkrainian Foreign Minister Andrii Sybiha said on Wednesday that "
    "Kyiv would not accept any ceasefire that froze the front line."
)
TXT = (
    "Finland's president Alexander Stubb said on Monday that Europe must guarantee Ukraine's "
    'security after a ceasefire in Qaanaaq.\n\n"Guarantees without troops are words on paper," '
    "Stubb told a news conference."
)
HTML = (
    "<html><head><title>Talks in Tromsø</title><script>window.bad = 1</script></head><body>"
    "<nav>Home | World</nav><article><h1>Talks in Tromsø</h1>"
    "<p>Turkey's foreign minister Hakan Fidan said on Thursday that Ankara was ready to host "
    "technical talks in Tromsø on a prisoner exchange between Russia and Ukraine.</p>"
    '<p>"Both sides have shown goodwill," Fidan said.</p></article>'
    "<footer>Copyright</footer></body></html>"
)
PDF_TEXT = "Zelensky said on Friday that Ukraine would never recognise Crimea in Ushuaia talks."


@pytest.fixture(scope="module")
def database(live_database: str) -> Iterator[Engine]:
    engine = create_engine(live_database)
    yield engine
    engine.dispose()


def wait_for_job(page: Any) -> None:
    """The job page refreshes itself until the job is done; wait for that as a person would."""
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.wait_for_selector("main[data-job-state=done]", timeout=120_000)


def find_on_timeline(page: Any, live_server: str, words: str) -> str:
    page.goto(f"{live_server}/timeline")
    page.fill("input[name=q]", words)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    # The filtered results say how many statements "match"; the unfiltered page does not.
    page.wait_for_function("document.querySelector('#results').innerText.includes('match')")
    page.wait_for_load_state("networkidle")
    return str(page.locator("#results").inner_text())


def test_paste_an_article_watch_its_job_and_find_its_statements(
    page: Any, live_server: str
) -> None:
    log_in(page, live_server)
    page.click("nav >> text=Upload")
    page.fill("#title", "Peskov on Zanzibar")
    page.fill("#outlet", "Browser Wire")
    page.fill("#published", "2025-05-21")
    page.fill("#text", PASTED)
    page.click("form.upload button[type=submit]")
    wait_for_job(page)
    assert "1 of 1 finished" in page.locator(".job-summary").inner_text()
    assert page.locator("tr.item-imported").count() == 1
    results = find_on_timeline(page, live_server, "Zanzibar")
    assert "Dmitry Peskov" in results
    assert "20 May 2025" in results  # "on Tuesday" before Wednesday 21 May


def test_upload_txt_html_and_pdf_with_metadata_and_find_each(
    page: Any, live_server: str, tmp_path: Path
) -> None:
    files = {
        "stubb.txt": TXT.encode(),
        "fidan.html": HTML.encode(),
        "zelensky.pdf": minimal_pdf(PDF_TEXT),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    metadata = [
        {"file": "stubb.txt", "title": "Stubb in Qaanaaq", "published": "2025-06-03"},
        {"file": "fidan.html", "title": "Fidan on Tromsø", "published": "2025-06-06"},
        {"file": "zelensky.pdf", "title": "Zelensky in Ushuaia", "published": "2025-06-07"},
    ]
    (tmp_path / "meta.json").write_text(json.dumps(metadata), encoding="utf-8")
    log_in(page, live_server)
    page.goto(f"{live_server}/upload")
    page.set_input_files("#files", [str(tmp_path / name) for name in files])
    page.set_input_files("#metadata", str(tmp_path / "meta.json"))
    page.click("form.upload button[type=submit]")
    wait_for_job(page)
    assert page.locator("tr.item-imported").count() == 3, page.locator("main").inner_text()
    for title in ("Stubb in Qaanaaq", "Fidan on Tromsø", "Zelensky in Ushuaia"):
        assert title in page.locator("table.job-items").inner_text()
    assert "Alexander Stubb" in find_on_timeline(page, live_server, "paper")
    assert "Hakan Fidan" in find_on_timeline(page, live_server, "goodwill")
    assert "Volodymyr Zelensky" in find_on_timeline(page, live_server, "Ushuaia")
    assert page.evaluate("window.bad") is None  # the page's script never ran anywhere


def test_a_bad_upload_shows_the_reasons_and_keeps_what_was_typed(
    page: Any, live_server: str
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/upload")
    page.fill("#title", "Kept title")
    page.fill("#url", "javascript:alert(1)")
    page.fill("#text", PASTED.replace("Zanzibar", "Zanzibar-two"))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#url-error")
    assert "http://" in page.locator("#url-error").inner_text()
    assert page.input_value("#title") == "Kept title"


def test_first_run_password_change_in_the_browser(
    page: Any, live_server: str, database: Engine
) -> None:
    with Session(database) as session, session.begin():
        create_user(
            session, "first@example.org", "one-time-pass-1", "admin", must_change_password=True
        )
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "first@example.org")
    page.fill("input[name=password]", "one-time-pass-1")
    page.click("form.narrow button[type=submit]")
    page.wait_for_url(f"{live_server}/account")
    page.fill("#current", "one-time-pass-1")
    page.fill("#new", "a brand new passphrase")
    page.fill("#repeat", "a brand new passphrase")
    page.click("form.narrow button[type=submit]")
    page.wait_for_selector(".message.success")
    page.goto(f"{live_server}/review")
    assert page.url.endswith("/review")  # no longer sent back to /account


def test_review_by_clicking_confirm_and_reject(
    page: Any, live_server: str, database: Engine
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/review")
    first, second = page.locator(".review-item").nth(0), page.locator(".review-item").nth(1)
    first_id = int(first.get_attribute("id").removeprefix("review-"))
    second_id = int(second.get_attribute("id").removeprefix("review-"))
    first.locator("button.confirm").click()
    page.wait_for_selector(f"#review-{first_id}.status-confirmed")
    page.locator(f"#review-{second_id} button.reject").click()
    page.wait_for_selector(f"#review-{second_id}.status-rejected")

    expected = {first_id: "confirmed", second_id: "rejected"}
    assert settled(lambda: review_statuses(database, expected), expected) == expected


def test_actor_create_edit_alias_role_merge_and_undo_from_history(
    page: Any, live_server: str, database: Engine
) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server}/actors")
    page.click("details.create summary")
    page.fill("#new-name", "Aino Browserova")
    page.select_option("#new-kind", "person")
    page.click("form.filters-inline[method=post] button[type=submit]")
    page.wait_for_selector("text=Aino Browserova")
    with database.connect() as connection:
        slug = connection.scalar(select(Actor.slug).where(Actor.name == "Aino Browserova"))
    page.goto(f"{live_server}/actors/{slug}/edit")
    page.fill("#description", "A made-up envoy for the browser tests.")
    page.click(f"form[action='/actors/{slug}/edit'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/actors/{slug}/edit")
    page.fill("#alias", "A. Browserova")
    page.click(f"form[action='/actors/{slug}/aliases'] button[type=submit]")
    page.wait_for_selector("text=A. Browserova")
    page.goto(f"{live_server}/actors/{slug}/edit")
    page.fill("#title", "Special envoy")
    page.fill("#start_on", "2025-01-01")
    page.click(f"form[action='/actors/{slug}/roles'] button[type=submit]")
    page.wait_for_selector("text=Special envoy")
    with database.connect() as connection:
        actor_id = connection.scalar(select(Actor.id).where(Actor.slug == slug))
        aliases = set(
            connection.scalars(select(ActorAlias.alias).where(ActorAlias.actor_id == actor_id))
        )
        assert "A. Browserova" in aliases
    page.goto(f"{live_server}/actors/{slug}/edit")
    page.fill("#into", "kirill-dmitriev")
    page.click(f"form[action='/actors/{slug}/merge'] button[type=submit]")
    page.wait_for_url(f"{live_server}/actors/kirill-dmitriev")
    with database.connect() as connection:
        assert connection.scalar(select(Actor.merged_into_id).where(Actor.id == actor_id))
    page.goto(f"{live_server}/history")
    entry = page.locator("li.history-entry", has_text="merge").first
    entry.locator("button", has_text="Undo").click()
    page.wait_for_load_state("networkidle")
    with database.connect() as connection:
        assert connection.scalar(select(Actor.merged_into_id).where(Actor.id == actor_id)) is None


def test_log_out_by_clicking(page: Any, live_server: str) -> None:
    log_in(page, live_server)
    page.click("header.site form[action='/logout'] button")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/review")
    assert "/login" in page.url
