"""The administrator's accounts page in headless Chromium, by clicking: create an account with a
one-time password, change its role, deactivate and reactivate it, reset its password, and log in
as it with the password the page showed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.live import log_in

pytestmark = pytest.mark.browser

EMAIL = "made-in-the-browser@example.org"


def one_time_password(page: Any) -> str:
    return str(page.locator("code.one-time-password").inner_text()).strip()


def test_an_administrator_manages_an_account_by_clicking(
    page: Any, browser: Any, live_server: str
) -> None:
    log_in(page, live_server, role="admin")
    page.click("nav >> text=Accounts")
    page.wait_for_url(f"{live_server}/admin/accounts")

    page.fill("form.create-account #email", EMAIL)
    page.select_option("form.create-account #role", "viewer")
    page.click("form.create-account button[type=submit]")
    page.wait_for_selector("code.one-time-password")
    assert EMAIL in page.locator("h1").inner_text()
    first_password = one_time_password(page)
    assert len(first_password) >= 10
    page.click("p.crumbs a")  # back to the list, then to the new account's page
    page.click(f"table.accounts a >> text={EMAIL}")

    page.select_option("form.role-form #role", "analyst")
    page.click("form.role-form button[type=submit]")
    page.wait_for_selector("text=The role is changed")
    assert page.locator(".account-role").inner_text() == "analyst"

    page.click("form.deactivate-form button[type=submit]")
    page.wait_for_selector("text=The account is deactivated")
    assert page.locator(".account-state").inner_text() == "deactivated"
    page.click("form.reactivate-form button[type=submit]")
    page.wait_for_selector("text=may log in again")

    page.click("form.reset-form button[type=submit]")
    page.wait_for_selector("code.one-time-password")
    password = one_time_password(page)
    assert password != first_password

    context = browser.new_context()
    try:
        newcomer = context.new_page()
        newcomer.goto(f"{live_server}/login")
        newcomer.fill("input[name=email]", EMAIL)
        newcomer.fill("input[name=password]", first_password)
        newcomer.click("main form button[type=submit]")
        newcomer.wait_for_selector("text=do not match an account")  # the reset replaced it
        newcomer.fill("input[name=email]", EMAIL)
        newcomer.fill("input[name=password]", password)
        newcomer.click("main form button[type=submit]")
        newcomer.wait_for_url(f"{live_server}/account")
        assert "analyst" in newcomer.locator("main").inner_text()
    finally:
        context.close()
