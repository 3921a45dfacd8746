"""Browser tests: one chromium for the whole session (Debian's, through Playwright), a fresh
context per test, against pytest-django's live server."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import LineFactory, OpportunityFactory, ProductFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (building data) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium(chromium_path, django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright runs the test in a greenlet with its own context, where Django hands out a
    # fresh connection object: one without the serialized migration data (stages, criteria,
    # industries) that `serialized_rollback` restores after each transactional test's flush.
    # Put it on the connection class, so every connection object has it.
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """`browser_page(user=None, language="zh-hans", width=1366)` → a Playwright page, logged in
    through the login form when `user` is given."""
    contexts = []

    def open_page(user=None, *, language: str = "zh-hans", width: int = 1366, height: int = 860):
        context = chromium.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN" if language.startswith("zh") else "en-US",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label(_username_label(language)).fill(user.username)
            page.get_by_label(_password_label(language)).fill("pw-for-tests")
            page.locator("form.form-stack button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _username_label(language: str) -> str:
    return "用户名" if language.startswith("zh") else "Username"


def _password_label(language: str) -> str:
    return "密码" if language.startswith("zh") else "Password"


def screenshot(page, name: str) -> None:
    """Save the page to docs/screenshots/<name>.png when SALESPATH_TEST_SCREENSHOTS=1.

    The README's screenshots come from demo data (`scripts/screenshots.py`); a test run does
    not overwrite them unless asked to."""
    if os.environ.get("SALESPATH_TEST_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def deal(cast):
    """A salesperson's ERP deal with one product line, for the deal page's browser tests."""
    deal = OpportunityFactory(
        name="华南制造ERP项目",
        owner=cast.salesperson,
        amount=Decimal("800000.00"),
        expected_close=date(2027, 6, 30),
    )
    LineFactory(opportunity=deal, product=ProductFactory(code="erp"), amount=deal.amount)
    return deal
