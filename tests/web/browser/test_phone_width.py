"""At phone width (390 px) no page is wider than the screen, and the pipeline list becomes
cards (issue 15 §2.4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from salespath.forecast.services import forecast_submit
from tests.factories import LineFactory, OpportunityFactory, ProductFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = 390
PAGES = [
    "/",
    "/pipeline/",
    "/pipeline/board/",
    "/pipeline/{deal}/",
    "/pipeline/new/",
    "/customers/",
    "/customers/{customer}/",
    "/customers/new/",
    "/reports/",
    "/reports/forecast/",
    "/reports/evaluation/",
    "/reports/forecast/submissions/",
    "/reports/forecast/changes/",
    "/reports/forecast/accuracy/",
    "/reports/funnel/",
    "/reports/attainment/",
    "/roadmap/li/",
]
SUPERVISOR_PAGES = ["/roadmap/team/", "/inbox/initiations/"]


@pytest.fixture
def pipeline(cast):
    deals = [
        OpportunityFactory(
            name=f"华南制造集团第{n}期ERP与供应链协同平台建设项目",
            owner=cast.salesperson,
            amount=Decimal("800000.00"),
            expected_close=date(2027, 6, 30),
        )
        for n in range(1, 4)
    ]
    for deal in deals:
        LineFactory(opportunity=deal, product=ProductFactory(code="erp"), amount=deal.amount)
    person = cast.salesperson
    person.hire_date, person.quota_start_date = date(2026, 1, 5), date(2026, 2, 2)
    person.save()
    forecast_submit(person=person, as_of=timezone.localdate(), by=person)
    return deals[0]


def overflowing(page, live_server, paths) -> list[str]:
    wide = []
    for path in paths:
        page.goto(live_server.url + path, timeout=60_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            wide.append(f"{path}: {width} px")
    return wide


@pytest.mark.parametrize("role", ["salesperson", "supervisor"])
def test_no_page_is_wider_than_a_phone(browser_page, live_server, cast, pipeline, role):
    page = browser_page(getattr(cast, role), width=PHONE, height=844)
    paths = [p.format(deal=pipeline.pk, customer=pipeline.customer_id) for p in PAGES]
    if role == "supervisor":
        paths += SUPERVISOR_PAGES
    assert overflowing(page, live_server, paths) == []


def test_the_pipeline_list_is_cards_on_a_phone(browser_page, live_server, cast, pipeline):
    page = browser_page(cast.salesperson, width=PHONE, height=844)
    page.goto(f"{live_server.url}/pipeline/")
    name = page.get_by_role("link", name=pipeline.name)
    box = name.bounding_box()
    # The project's name runs across the card, not one character per line.
    assert box["width"] > PHONE / 2
    assert page.locator("[data-testid=pipeline-table] thead").is_hidden()
