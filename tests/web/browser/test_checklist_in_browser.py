"""Logging an activity on the opportunity page refreshes the checklist, its badge and what
the next stage still needs, without a reload (issue 15 §2.1)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import LineFactory, OpportunityFactory, ProductFactory
from tests.pipeline.evidence import evidence_up_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def s3_deal(cast):
    deal = OpportunityFactory(
        name="华南制造ERP项目",
        owner=cast.salesperson,
        amount=Decimal("800000.00"),
        expected_close=date(2027, 6, 30),
        stage_id="S3",
    )
    LineFactory(opportunity=deal, product=ProductFactory(code="erp"), amount=deal.amount)
    evidence_up_to(deal, "S3")
    return deal


def missing_count(page) -> int:
    return int(re.findall(r"\d+", page.get_by_test_id("next-stage-status").inner_text())[-1])


def test_logging_a_guidance_activity_ticks_s4_7_and_the_badge_drops(
    browser_page, live_server, cast, s3_deal
):
    page = browser_page(cast.salesperson)
    page.goto(f"{live_server.url}/pipeline/{s3_deal.pk}/")
    s4_7 = page.locator("[data-criterion='S4.7']")
    assert s4_7.get_attribute("data-met") == "0"
    before = missing_count(page)
    assert "S4.7" in page.get_by_test_id("blocking").inner_text()

    page.evaluate("window.__not_reloaded = true")
    form = page.locator("#activities-panel form")
    form.locator("select[name=kind]").select_option("guidance")
    form.get_by_role("button", name="记录活动").click()
    page.get_by_text("活动已记录。").wait_for()

    page.locator("[data-criterion='S4.7'][data-met='1']").wait_for()
    assert missing_count(page) == before - 1
    assert "S4.7" not in page.get_by_test_id("blocking").inner_text()
    assert page.evaluate("window.__not_reloaded") is True
