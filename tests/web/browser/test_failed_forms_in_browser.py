"""After a refused form the address in the browser can be reloaded (issue 15 §2.6)."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reloading_after_a_refused_mark_lost_shows_the_deal(browser_page, live_server, cast, deal):
    page = browser_page(cast.salesperson)
    page.goto(f"{live_server.url}/pipeline/{deal.pk}/")
    lose = page.get_by_test_id("lose-form")
    lose.locator("summary").click()
    lose.get_by_role("button", name="保存").click()
    page.get_by_test_id("lose-form").locator(".errorlist").wait_for()  # the reason is required
    # Whatever the address bar shows now, opening it again is the deal's page, not a 405.
    response = page.goto(page.url)
    assert response.status == 200
    assert page.get_by_test_id("opportunity-name").inner_text() == "华南制造ERP项目"
