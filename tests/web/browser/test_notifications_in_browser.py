"""In a real browser: the bell shows the unread count, the list marks read and all read."""

from __future__ import annotations

import pytest

from salespath.notifications.services import notify
from tests.factories import OpportunityFactory

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_bell_counts_unread_and_the_list_marks_them_read(browser_page, live_server, cast):
    deal = OpportunityFactory(owner=cast.salesperson, name="华南制造ERP项目")
    for n, kind in enumerate(["overdue", "stuck"]):
        notify(
            recipient=cast.salesperson,
            kind=kind,
            key=f"{kind}:{n}",
            params={
                "deal": deal.name,
                "date": "2026-03-01",
                "owner": cast.salesperson,
                "stage": "S2",
                "days": 60,
            },
            link=f"/pipeline/{deal.pk}/",
        )
    page = browser_page(cast.salesperson)
    assert page.get_by_test_id("bell-count").inner_text() == "2"
    page.get_by_test_id("bell").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    rows = page.get_by_test_id("notification")
    assert rows.count() == 2
    screenshot(page, "notifications")

    rows.first.get_by_test_id("mark-read").click()
    page.get_by_test_id("bell-count").filter(has_text="1").wait_for()
    page.get_by_test_id("mark-all-read").click()
    page.get_by_test_id("unread-count").filter(has_text="0").wait_for()
    # The bell reloads itself after the list says so (htmx's notifications-changed event).
    page.get_by_test_id("bell-count").wait_for(state="detached")
    assert page.get_by_test_id("bell").is_visible()

    page.get_by_role("link", name="已逾期：华南制造ERP项目").click()
    page.wait_for_url(f"{live_server.url}/pipeline/{deal.pk}/")
