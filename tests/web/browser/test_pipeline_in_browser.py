"""A salesperson drags a deal into a gate that refuses it, sees what is missing, attests
the last criterion and advances; a supervisor approves an initiation; the language switch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from salespath.pipeline.models import InitiationRequest, Opportunity
from tests.factories import LineFactory, OpportunityFactory, ProductFactory, written
from tests.pipeline.evidence import attest, s2_evidence

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def ready_deal(cast):
    """An S2 deal with its S2 evidence on record and three of the four S3 attestations."""
    deal = OpportunityFactory(
        name="华南制造ERP项目",
        owner=cast.salesperson,
        amount=Decimal("800000.00"),
        expected_close=date(2027, 6, 30),
    )
    LineFactory(opportunity=deal, product=ProductFactory(code="erp"), amount=deal.amount)
    s2_evidence(deal)
    attest(deal, "S3.1", "S3.2", "S3.3")
    return deal


def test_salesperson_drags_into_a_refusing_gate_attests_and_advances(
    browser_page, live_server, cast, ready_deal
):
    page = browser_page(cast.salesperson)
    page.get_by_role("link", name="商机", exact=True).click()
    page.get_by_role("link", name="看板").click()
    card = page.locator(f"#card-{ready_deal.pk}")
    assert card.get_attribute("data-stage") == "S2"

    page.drag_and_drop(f"#card-{ready_deal.pk}", "section.column[data-stage=S3] .column-body")

    refusal = page.get_by_test_id("refusal")
    refusal.wait_for()
    missing = page.get_by_test_id("missing-criteria")
    assert "S3.4" in missing.inner_text()
    assert "S3.1" not in missing.inner_text()
    # The card went back to its column.
    assert page.locator(f"section.column[data-stage=S2] #card-{ready_deal.pk}").count() == 1

    missing.get_by_role("link", name="确认此项").click()
    page.wait_for_url(f"**/pipeline/{ready_deal.pk}/#criterion-S3.4")
    row = page.locator('[id="criterion-S3.4"]')
    # The fix link opened the attest form on arrival (issue 15 §2.7): no second click.
    assert row.locator("details").get_attribute("open") is not None
    row.get_by_label("S3.4 的说明").fill("客户已邀请三家厂商交流")
    row.get_by_role("button", name="确认").click()
    page.locator('[id="criterion-S3.4"][data-met="1"]').wait_for()
    assert page.get_by_test_id("next-stage-status").inner_text() == "可进入 S3"

    page.get_by_test_id("advance").click()
    page.get_by_test_id("current-stage").filter(has_text="确认客户意向").wait_for()
    assert Opportunity.objects.get(pk=ready_deal.pk).stage_id == "S3"
    screenshot(page, "opportunity")


def test_supervisor_approves_an_initiation_from_the_inbox(browser_page, cast, ready_deal):
    InitiationRequest.objects.create(
        opportunity=ready_deal,
        requested_by=cast.salesperson,
        requested_at=timezone.now(),
        requirements="集团财务集中,统一核算",
    )
    page = browser_page(cast.supervisor)
    screenshot(page, "home-supervisor")
    page.get_by_role("link", name="立项审批").click()
    page.get_by_label("项目经理").select_option(label=str(cast.supervisor))
    page.get_by_test_id("approve").click()
    page.get_by_test_id("inbox-empty").wait_for()
    assert "已批准" in page.locator(".flash-stack").inner_text()
    request = InitiationRequest.objects.get(opportunity=ready_deal)
    assert request.status == "approved" and request.decided_by == cast.supervisor


def test_switching_the_language_to_english_and_back(browser_page, cast):
    page = browser_page(cast.salesperson)
    assert page.get_by_role("link", name="商机", exact=True).is_visible()
    page.get_by_role("button", name="EN").click()
    page.get_by_role("link", name="Pipeline", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="中文").click()
    page.get_by_role("link", name="商机", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_finance_confirms_a_payment_on_the_opportunity_page(browser_page, cast, ready_deal):
    from salespath.pipeline.models import Contract, Payment

    contract = Contract.objects.create(
        opportunity=ready_deal,
        signed_on=date(2026, 3, 1),
        amount=Decimal("800000.00"),
        payment_terms="签约付30%",
        created_by=cast.salesperson,
    )
    written(ready_deal)  # its signing date, copied as `contract_sign` does
    payment = Payment.objects.create(
        contract=contract,
        amount=Decimal("240000.00"),
        received_on=date(2026, 3, 10),
        recorded_by=cast.salesperson,
        recorded_at=timezone.now(),
    )
    page = browser_page(cast.finance)
    page.get_by_role("link", name="回款确认").click()
    page.get_by_role("link", name="华南制造ERP项目").click()
    page.get_by_test_id("confirm-payment").click()
    page.locator(f"#payment-{payment.pk}").get_by_text("已确认").wait_for()
    payment.refresh_from_db()
    assert payment.confirmed_by == cast.finance
