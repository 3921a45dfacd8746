"""The forecast and accuracy pages at 1366 px (issue 15 §2.5): the 合计 column is in view,
the chart's last axis label is whole, the quarter input looks like the other inputs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import LineFactory, OpportunityFactory, ProductFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# How far the last column's right edge lies beyond the right edge of its scroll box (and so
# out of view): 0 or less when it is in view.
CLIPPED = """() => {
  const table = document.querySelector('[data-testid=forecast-table]');
  const wrap = table.closest('.table-wrap');
  const last = table.querySelector('thead th:last-child');
  return Math.round(last.getBoundingClientRect().right - wrap.getBoundingClientRect().right);
}"""
# How far the last x-axis label sticks out of the chart.
LABEL_CUT = """() => {
  const labels = [...document.querySelectorAll('[data-plotly] .xtick text')];
  const svg = document.querySelector('[data-plotly] .main-svg');
  return Math.round(labels[labels.length - 1].getBoundingClientRect().right
                    - svg.getBoundingClientRect().right);
}"""


@pytest.fixture
def big_company(cast):
    today = timezone.localdate()
    product = ProductFactory(code="erp")
    people = [cast.salesperson, cast.teammate, cast.other_salesperson]
    people += [UserFactory(team=cast.salesperson.team) for _ in range(3)]
    for person in people:
        for months in (1, 4, 7, 10, 14):
            deal = OpportunityFactory(
                owner=person,
                amount=Decimal("123456789.00"),
                expected_close=today + timedelta(days=30 * months),
            )
            LineFactory(opportunity=deal, product=product, amount=deal.amount)


@pytest.mark.parametrize("role", ["supervisor", "executive"])
def test_the_total_column_and_the_last_axis_label_are_in_view(
    browser_page, live_server, cast, big_company, role
):
    page = browser_page(getattr(cast, role), width=1366)
    page.goto(f"{live_server.url}/reports/forecast/", timeout=60_000)
    assert page.evaluate(CLIPPED) <= 0
    page.wait_for_selector("[data-plotly] .xtick text", timeout=60_000)
    assert page.evaluate(LABEL_CUT) <= 0


def test_the_accuracy_page_fits_and_its_input_is_styled(browser_page, live_server, cast):
    page = browser_page(cast.executive, width=1366)
    page.goto(f"{live_server.url}/reports/forecast/accuracy/", timeout=60_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    quarter = page.locator("#report-quarter")
    date_input = page.evaluate("getComputedStyle(document.querySelector('#report-quarter')).height")
    assert quarter.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"
    assert float(date_input.rstrip("px")) > 30
