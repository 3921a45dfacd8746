"""A "how to fix" link opens the form it points at (issue 15 §2.7)."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_competitors_fix_link_opens_the_competitor_form(browser_page, live_server, cast, deal):
    page = browser_page(cast.salesperson)
    page.goto(f"{live_server.url}/pipeline/{deal.pk}/")
    form = page.get_by_test_id("competitor-form")
    assert form.get_attribute("open") is None
    page.locator("[data-criterion='S2.3'] a[href$='#competitors']").click()
    page.wait_for_function("document.querySelector('[data-testid=competitor-form]').open === true")
    assert form.locator("input:not([type=hidden]), select").first.is_visible()


def test_a_fix_link_from_another_page_opens_the_form_on_arrival(
    browser_page, live_server, cast, deal
):
    page = browser_page(cast.salesperson)
    page.goto(f"{live_server.url}/pipeline/{deal.pk}/#competitors", referer=live_server.url + "/")
    page.wait_for_function("document.querySelector('[data-testid=competitor-form]').open === true")


def test_saving_a_form_does_not_open_the_next_one(browser_page, live_server, cast, deal):
    page = browser_page(cast.salesperson)
    page.goto(f"{live_server.url}/pipeline/{deal.pk}/")
    lose = page.get_by_test_id("lose-form")
    lose.locator("summary").click()
    lose.get_by_role("button", name="保存").click()  # refused: no reason
    lose = page.get_by_test_id("lose-form")
    lose.get_by_label("丢单原因").fill("客户预算取消")
    lose.get_by_role("button", name="保存").click()
    page.get_by_test_id("reopen-form").wait_for()
    assert page.get_by_test_id("reopen-form").get_attribute("open") is None
