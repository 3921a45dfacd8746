"""Issue 16 item 13: the pages work under their Content-Security-Policy: no violation in the
browser's console, and the forecast's chart is drawn (plotly.js from our own origin)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import LineFactory, OpportunityFactory, ProductFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def record_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def test_forecast_and_opportunity_pages_run_under_the_policy(browser_page, live_server, cast):
    erp = ProductFactory(code="erp", name="ERP 管理软件", name_en="ERP suite")
    deal = OpportunityFactory(
        name="华南集团ERP项目",
        owner=cast.salesperson,
        stage_id="S3",
        expected_close=date(2026, 5, 31),
        amount=Decimal(300000),
    )
    LineFactory(opportunity=deal, product=erp, amount=deal.amount)
    page = browser_page(cast.supervisor)
    page.set_default_timeout(60_000)  # plotly.js is 4 MB, and the machine is shared
    violations = record_violations(page)

    response = page.goto(
        f"{live_server.url}/reports/forecast/?as_of=2026-03-31", wait_until="domcontentloaded"
    )
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("[data-plotly][data-drawn] svg.main-svg").first.wait_for()

    page.goto(f"{live_server.url}/pipeline/{deal.pk}/")
    page.get_by_role("heading", name="华南集团ERP项目").first.wait_for()
    page.goto(f"{live_server.url}/pipeline/board/")
    page.locator("[data-board]").first.wait_for()
    assert violations == []
