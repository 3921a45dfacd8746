"""A supervisor opens the forecast, drills into a cell, downloads the xlsx."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import LineFactory, OpportunityFactory, ProductFactory

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def pipeline(cast):
    erp = ProductFactory(code="erp", name="ERP 管理软件", name_en="ERP suite")
    for n, (owner, stage, close) in enumerate(
        [
            (cast.salesperson, "S3", date(2026, 5, 31)),
            (cast.salesperson, "S5", date(2026, 8, 31)),
            (cast.teammate, "S4", date(2026, 6, 30)),
            (cast.teammate, "S6", date(2026, 12, 31)),
        ]
    ):
        deal = OpportunityFactory(
            name=f"华南集团ERP项目{n + 1}期",
            owner=owner,
            stage_id=stage,
            expected_close=close,
            amount=Decimal(300000 + 100000 * n),
        )
        LineFactory(opportunity=deal, product=erp, amount=deal.amount)


def test_supervisor_drills_into_a_forecast_cell_and_downloads_the_xlsx(
    browser_page, live_server, cast, pipeline, tmp_path
):
    page = browser_page(cast.supervisor)
    page.get_by_role("link", name="报表").click()
    page.get_by_role("link", name="销售预测").first.click()
    page.get_by_label("截止日期").fill("2026-03-31")
    page.get_by_role("button", name="显示").click()
    table = page.get_by_test_id("forecast-table")
    table.wait_for()
    # plotly.js, a deferred static file, drew the chart of the totals.
    page.locator("[data-plotly][data-drawn] svg.main-svg").first.wait_for()
    address = page.url
    figure = page.locator('tr[data-cell-row*="key=li&"] a[data-column="m0_3"]')
    figure.hover()  # pointed at, the figure links its list: a middle click opens it in a tab
    figure_address = figure.evaluate("link => link.href")
    figure.click()
    drilldown = page.get_by_test_id("drilldown-table")
    drilldown.wait_for()
    assert "华南集团ERP项目1期" in drilldown.inner_text()
    assert "华南集团ERP项目3期" not in drilldown.inner_text()
    # in a tab of its own the same list is a page
    alone = page.context.new_page()
    alone.goto(figure_address)
    assert "华南集团ERP项目1期" in alone.get_by_test_id("drilldown-table").inner_text()
    assert "李明" in alone.locator("h2").first.inner_text()
    alone.close()
    # the list opens below the table; the page, its address and its filters stay
    assert page.url == address
    assert page.get_by_label("截止日期").input_value() == "2026-03-31"
    screenshot(page, "forecast")

    with page.expect_download() as download_info:
        page.get_by_test_id("forecast-xlsx").click()
    path = tmp_path / "forecast.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(path)
    assert workbook.active.max_row > 3

    # a team's name in the table opens that team's forecast as a page of its own
    table.get_by_role("link", name="广州一组").click()
    page.wait_for_url("**scope=team:gz-1**")
    assert page.get_by_test_id("drilldown-table").count() == 0


def test_supervisor_sees_the_board_and_the_evaluation_sheet(browser_page, cast, pipeline):
    page = browser_page(cast.supervisor)
    page.goto(page.url + "pipeline/board/")
    page.locator("[data-card]").first.wait_for()
    assert page.locator("[data-card]").count() == 4
    screenshot(page, "board")
    page.goto(page.url.split("/pipeline")[0] + "/reports/evaluation/?as_of=2026-03-31")
    assert page.get_by_test_id("evaluation-table").locator("td.dot span").count() == 4
    screenshot(page, "evaluation-sheet")


def test_the_board_works_at_phone_width(browser_page, cast, pipeline):
    page = browser_page(cast.supervisor, width=390, height=844)
    page.goto(page.url + "pipeline/")
    assert page.get_by_test_id("pipeline-table").is_visible()
    screenshot(page, "pipeline-phone")


def test_supervisor_opens_the_roadmap_grid(browser_page, cast):
    salesperson = cast.salesperson
    salesperson.quota_start_date = date(2026, 2, 2)
    salesperson.save()
    page = browser_page(cast.supervisor)
    page.get_by_role("link", name="路线图").click()
    grid = page.get_by_test_id("roadmap-grid")
    grid.wait_for()
    assert "李明" in grid.inner_text()
    assert grid.locator(".light").count() > 0
    screenshot(page, "roadmap-grid")
    grid.get_by_role("link", name="李明").click()
    page.get_by_test_id("goals").wait_for()
    screenshot(page, "roadmap-person")


def test_a_long_forecast_opens_at_its_branches_which_unfold_on_a_click(
    browser_page, live_server, cast, pipeline, monkeypatch
):
    """A forecast of more rows than a screen takes in opens with the company and its
    branches showing; a branch's ▸ shows its teams and people, and ▾ folds them again."""
    monkeypatch.setattr("salespath.web.reporting.ROWS_OPEN", 3)
    page = browser_page(cast.executive)
    page.goto(f"{live_server.url}/reports/forecast/?as_of=2026-03-31")
    table = page.get_by_test_id("forecast-table")
    branch = table.locator("tr.level-branch", has_text="广州分公司")
    team = table.locator("tr.level-team", has_text="广州一组")
    person = table.locator("tr.level-person", has_text="李明")
    expect(page.get_by_test_id("folded")).to_contain_text("▸")
    expect(branch).to_be_visible()
    expect(team).to_be_hidden()
    expect(person).to_be_hidden()
    toggle = branch.locator(".tree-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(team).to_be_visible()
    expect(person).to_be_visible()
    person.locator('a[data-column="m0_3"]').click()  # an unfolded figure drills down
    expect(page.get_by_test_id("drilldown-table")).to_contain_text("华南集团ERP项目1期")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(person).to_be_hidden()
