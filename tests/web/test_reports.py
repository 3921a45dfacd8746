"""The report pages: forecast (views, drill-down, xlsx, submission) and the evaluation sheet."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from salespath.forecast.models import ForecastSubmission
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-03-31"


def figures(html: str) -> set[str]:
    """The forecast table's figures that open a drill-down, as "level:key:column": a figure
    links its column, its row names its level and key (app.js joins them to the table's
    address)."""
    found = set()
    for row, cells in re.findall(r'<tr [^>]*data-cell-row="([^"]*)"[^>]*>(.*?)</tr>', html, re.S):
        query = parse_qs(unescape(row), keep_blank_values=True)
        for column in re.findall(r'<a href="#drilldown" data-column="([^"]+)"', cells):
            found.add(f"{query['level'][0]}:{query['key'][0]}:{column}")
    return found


def test_forecast_page_shows_the_deal_in_its_column_with_a_drilldown_link(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:forecast"), {"as_of": AS_OF})
    html = response.content.decode()
    assert response.status_code == 200
    assert "¥800,000.00" in html
    assert f"person:{cast.salesperson.username}:m3_6" in figures(html)
    address = re.search(r'data-cell-address="([^"]+)"', html).group(1)
    assert unescape(address) == f"{reverse('web:forecast_cell')}?" + (
        f"as_of={AS_OF}&scope=team%3Agz-1&view=time&weighted=0"
    )


def test_a_big_company_forecast_stops_at_teams_which_open_their_own(login, cast, deal, monkeypatch):
    client = login(cast.executive)
    everyone = client.get(reverse("web:forecast"), {"as_of": AS_OF}).content.decode()
    assert "person:li:m3_6" in figures(everyone)
    assert 'data-testid="teams-only"' not in everyone
    assert f'href="?as_of={AS_OF}&amp;scope=team:gz-1"' in everyone  # a team opens its own

    monkeypatch.setattr("salespath.web.views.reports.PEOPLE_ON_SCREEN", 1)
    teams = client.get(reverse("web:forecast"), {"as_of": AS_OF}).content.decode()
    assert 'data-testid="teams-only"' in teams
    assert "person:li:m3_6" not in figures(teams)
    assert "team:gz-1:m3_6" in figures(teams) and "¥800,000.00" in teams
    team = client.get(reverse("web:forecast"), {"as_of": AS_OF, "scope": "team:gz-1"})
    assert "person:li:m3_6" not in figures(team.content.decode())  # 李明, 王芳: still two
    monkeypatch.setattr("salespath.web.views.reports.PEOPLE_ON_SCREEN", 2)
    team = client.get(reverse("web:forecast"), {"as_of": AS_OF, "scope": "team:gz-1"})
    assert "person:li:m3_6" in figures(team.content.decode())


def test_a_big_company_scope_picker_lists_the_people_around_the_scope_shown(
    login, cast, deal, monkeypatch
):
    """With more salespeople in view than it lists, the scope picker offers every branch and
    team, and the people of the team or branch shown, after a line saying to choose a team."""
    client = login(cast.executive)

    def picker(page: str, scope: str | None = None) -> tuple[list[str], str]:
        query = {"as_of": AS_OF} | ({"scope": scope} if scope else {})
        html = client.get(reverse(page), query).content.decode()
        select = re.search(r'<select id="report-scope".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="person:(\w+)"', select), select

    people, select = picker("web:forecast")
    assert sorted(people) == ["chen", "li", "wang"] and " disabled" not in select

    monkeypatch.setattr("salespath.web.reporting.PICKER_PEOPLE", 2)
    people, select = picker("web:forecast")
    assert people == [] and '<option value="" disabled>人员:请先选择其所在团队</option>' in select
    assert '"team:gz-2"' in select and '"branch:sz"' in select
    assert picker("web:forecast", "team:gz-1")[0] == ["li", "wang"]
    assert sorted(picker("web:forecast", "branch:gz")[0]) == ["chen", "li", "wang"]
    people, select = picker("web:funnel", "person:chen")
    assert people == ["chen"] and '<option value="person:chen" selected>' in select
    # choosing whose forecast changes to compare still lists everyone
    chooser = client.get(reverse("web:forecast_changes")).content.decode()
    assert all(f'<option value="{name}"' in chooser for name in ("chen", "li", "wang"))


def test_forecast_by_category_and_by_product(login, cast, deal):
    client = login(cast.supervisor)
    category = client.get(reverse("web:forecast"), {"as_of": AS_OF, "view": "category"})
    assert "person:li:pipeline" in figures(category.content.decode())
    product = client.get(reverse("web:forecast"), {"as_of": AS_OF, "by": "product"})
    assert "ERP 管理软件" in product.content.decode()


def test_drilling_into_a_cell_lists_its_opportunities(login, cast, deal):
    response = login(cast.supervisor).get(
        reverse("web:forecast_cell"),
        {"as_of": AS_OF, "scope": "team:gz-1", "level": "person", "key": "li", "column": "m3_6"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "华南制造ERP项目" in html and "<html" not in html


def test_a_big_cell_is_listed_a_page_at_a_time_with_the_whole_cells_count_and_total(
    login, cast, deal, monkeypatch
):
    """A company's cell holds hundreds of thousands of deals at scale: the drill-down shows a
    page of them, soonest close first, and what the whole cell holds."""
    monkeypatch.setattr("salespath.forecast.queries.CELL_PAGE", 2)
    for month in (7, 8, 9):
        OpportunityFactory(
            name=f"第{month}月项目",
            owner=cast.salesperson,
            amount=Decimal("100000.00"),
            expected_close=date(2026, month, 1),
        )
    client = login(cast.supervisor)
    cell = {"as_of": AS_OF, "scope": "team:gz-1", "level": "person", "key": "li"}
    first = client.get(reverse("web:forecast_cell"), {**cell, "column": "m3_6"})
    html = first.content.decode()
    assert "4 个商机,合计 ¥1,100,000.00" in html
    assert "第7月项目" in html and "第8月项目" in html and "华南制造ERP项目" not in html
    assert "第 1 页,共 2 页" in html
    assert f'data-cell href="{reverse("web:forecast_cell")}?' in html and "page=2" in html
    last = client.get(reverse("web:forecast_cell"), {**cell, "column": "m3_6", "page": "9"})
    html = last.content.decode()
    assert "第9月项目" in html and "华南制造ERP项目" in html and "第7月项目" not in html
    nonsense = client.get(reverse("web:forecast_cell"), {**cell, "column": "m3_6", "page": "x"})
    assert "第7月项目" in nonsense.content.decode()


def test_a_drilldown_into_a_column_or_row_that_does_not_exist_names_it(login, cast, deal):
    client = login(cast.supervisor)
    column = client.get(reverse("web:forecast_cell"), {"as_of": AS_OF, "column": "commit"})
    assert column.status_code == 400
    assert "此视图没有栏目“commit”" in column.content.decode()
    level = client.get(reverse("web:forecast_cell"), {"as_of": AS_OF, "level": "planet"})
    assert level.status_code == 400
    assert "planet" in level.content.decode()


def test_forecast_xlsx_has_the_amounts(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:forecast_xlsx"), {"as_of": AS_OF})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert 800000 in values or 800000.0 in values


def test_a_salesperson_submits_their_forecast(login, cast, deal):
    response = login(cast.salesperson).post(
        reverse("web:forecast_submit"), {"as_of": AS_OF, "scope": "person:li"}
    )
    assert response.status_code == 302
    assert ForecastSubmission.objects.filter(person=cast.salesperson).count() == 1


def test_a_salesperson_cannot_see_the_teams_forecast(login, cast):
    response = login(cast.salesperson).get(reverse("web:forecast"), {"scope": "team:gz-1"})
    assert response.status_code == 404


def test_a_bad_date_is_named_and_today_is_shown(login, cast):
    response = login(cast.salesperson).get(reverse("web:forecast"), {"as_of": "2026-02-30"})
    assert response.status_code == 400
    assert "2026-02-30" in response.content.decode()


def test_evaluation_sheet_marks_the_stage_with_a_dot(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:evaluation"), {"as_of": AS_OF})
    html = response.content.decode()
    assert "华南制造ERP项目" in html
    assert html.count("●</span>") == 1


def test_the_evaluation_sheet_shows_a_page_of_salespeople_at_a_time(login, cast, deal, monkeypatch):
    from tests.factories import OpportunityFactory

    monkeypatch.setattr("salespath.web.views.reports.SHEET_PAGE", 1)
    OpportunityFactory(name="王芳的项目", owner=cast.teammate)
    client = login(cast.supervisor)
    first = client.get(reverse("web:evaluation"), {"as_of": AS_OF}).content.decode()
    assert "华南制造ERP项目" in first and "王芳的项目" not in first  # li, then wang
    assert f'href="?as_of={AS_OF}&amp;page=2"' in first
    assert 'data-testid="sheet-pages"' in first
    second = client.get(reverse("web:evaluation"), {"as_of": AS_OF, "page": 2}).content
    assert "王芳的项目" in second.decode() and "华南制造ERP项目" not in second.decode()
    # the workbook link carries the scope and date, not the page: it holds the whole sheet
    assert f'href="/reports/evaluation.xlsx?as_of={AS_OF}"' in second.decode()


def test_evaluation_xlsx_downloads(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:evaluation_xlsx"), {"as_of": AS_OF})
    workbook = load_workbook(BytesIO(response.content))
    assert any(c.value == "华南制造ERP项目" for row in workbook.active.iter_rows() for c in row)


@pytest.mark.parametrize("url_name", ["web:forecast", "web:evaluation"])
def test_report_pages_make_as_many_queries_for_many_deals_as_for_few(login, cast, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OpportunityFactory

    client = login(cast.supervisor)
    OpportunityFactory(owner=cast.salesperson)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name), {"as_of": AS_OF})
    for _ in range(15):
        OpportunityFactory(owner=cast.teammate)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(url_name), {"as_of": AS_OF})
    assert len(many) == len(few)


def test_the_forecast_chart_names_plotly_as_a_static_file_fetched_after_the_page(login, cast):
    # plotly.js is a static file (salespath.serving.finders): compressed and cached for good
    # once collected. app.js fetches it after the load event, so no <script> waits for it.
    response = login(cast.supervisor).get(reverse("web:forecast"), {"as_of": AS_OF})
    assert response.status_code == 200
    assert b'data-plotly-src="/static/plotly/plotly.min.js"' in response.content
    assert b'<script src="/static/plotly' not in response.content
