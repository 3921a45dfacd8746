"""销售阶段评估表 (SPEC §4): who is on the sheet and where the ● goes."""

from datetime import date

import pytest
from django.utils import translation

from salespath.catalog.models import ProductCategory
from salespath.forecast.sheet import evaluation_sheet
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity, ProjectRole
from salespath.pipeline.services import team_member_add
from tests.factories import UserFactory, batch
from tests.forecast.builders import deal, lose, move, win
from tests.forecast.helpers import COMPANY

D = date(2026, 6, 30)  # the period is 2026Q2: 1 April – 30 June


def names(sheet):
    return [r["name"] for r in sheet["rows"]]


def test_the_stage_on_the_date_comes_from_the_history(cast):
    moved_later = deal(cast.salesperson, name="A", stage="S3", created=date(2026, 2, 1))
    move(moved_later, "S5", date(2026, 7, 10))  # today S5, but S3 on 30 June
    sheet = evaluation_sheet(COMPANY, D)
    assert [(r["name"], r["stage"]) for r in sheet["rows"]] == [("A", "S3")]
    assert [s["label"] for s in sheet["stages"]] == [
        "发掘潜在客户",
        "确认客户意向",
        "引导客户立项",
        "赢得客户认可",
        "进行商务谈判",
        "完成销售成交",
    ]


def test_rows_are_open_deals_and_those_completed_or_lost_in_the_quarter(cast):
    owner = cast.salesperson
    deal(owner, name="open")
    win(deal(owner, name="won in Q2"), date(2026, 4, 1))
    win(deal(owner, name="won in Q1"), date(2026, 3, 31))
    lose(deal(owner, name="lost in Q2"), date(2026, 6, 30))
    lose(deal(owner, name="lost in Q1"), date(2026, 3, 1))
    lose(deal(owner, name="lost after D"), date(2026, 7, 1))
    deal(owner, name="created after D", created=date(2026, 7, 1), close=date(2026, 9, 1))
    sheet = evaluation_sheet(COMPANY, D)
    assert names(sheet) == ["lost after D", "lost in Q2", "open", "won in Q2"]
    by_name = {r["name"]: r for r in sheet["rows"]}
    assert by_name["won in Q2"]["stage"] == "S7"
    assert by_name["lost in Q2"]["status"] == "lost"
    assert by_name["lost in Q2"]["status_since"] == "2026-06-30"
    assert by_name["lost after D"]["status"] == "open"


def test_project_manager_column_names_the_pm_or_else_the_owner(cast):
    pm = UserFactory(username="pm", display_name="项目经理甲", team=cast.salesperson.team)
    with_pm = deal(cast.salesperson, name="with pm", stage="S4")
    team_member_add(
        opportunity=with_pm, person=pm, role=ProjectRole.PROJECT_MANAGER, by=cast.salesperson
    )
    deal(cast.salesperson, name="without pm")
    sheet = evaluation_sheet(COMPANY, D)
    assert [(r["name"], r["project_manager"]) for r in sheet["rows"]] == [
        ("with pm", "项目经理甲"),
        ("without pm", "李明"),
    ]


def test_products_and_note_are_shown(cast):
    deal(cast.salesperson, lines={"erp": "60.00", "hr": "40.00"}, amount="100.00", note="需演示")
    row = evaluation_sheet(COMPANY, D)["rows"][0]
    assert row["products"] == ["产品erp", "产品hr"]
    assert row["note"] == "需演示"


def test_a_team_sheet_shows_only_the_team(cast):
    deal(cast.salesperson, name="mine")
    deal(cast.other_salesperson, name="other team")
    sheet = evaluation_sheet(Scope("team", team=cast.salesperson.team), D)
    assert names(sheet) == ["mine"]


@pytest.mark.parametrize("size", [2, 20])
def test_the_sheet_takes_four_queries_at_any_size(cast, django_assert_num_queries, size):
    with batch():  # kept once, as one writer of many deals keeps them
        for i in range(size):
            opportunity = deal(cast.salesperson, lines={"erp": "1.00"}, amount="1.00")
            team_member_add(
                opportunity=opportunity,
                person=cast.teammate,
                role=ProjectRole.PROJECT_MANAGER,
                by=cast.salesperson,
            )
            if i % 2:
                move(opportunity, "S4", date(2026, 5, 1))
    with django_assert_num_queries(4):
        assert len(evaluation_sheet(COMPANY, D)["rows"]) == size
    with django_assert_num_queries(6):  # and the people: how many, then this page of them
        assert len(evaluation_sheet(COMPANY, D, page=1)["rows"]) == size


def test_products_follow_the_catalogue_order_and_the_language(cast):
    opportunity = deal(cast.salesperson, lines={"erp": "60.00", "hr": "40.00"}, amount="100.00")
    ProductCategory.objects.filter(code="hr").update(sort_order=1, name_en="HR suite")
    ProductCategory.objects.filter(code="erp").update(sort_order=2, name_en="ERP")
    opportunity.name_en = "Plant rollout"
    opportunity.save()
    row = evaluation_sheet(COMPANY, D)["rows"][0]
    assert row["products"] == ["产品hr", "产品erp"]
    with translation.override("en"):
        row = evaluation_sheet(COMPANY, D)["rows"][0]
    assert (row["name"], row["products"]) == ("Plant rollout", ["HR suite", "ERP"])


def test_a_deal_whose_row_and_history_disagree_is_placed_by_its_history(cast):
    # An import that kept the CRM's "lost on" date on the row but dated the loss in the
    # history on the import day, after D: on D the deal was open, so it is on the sheet.
    opportunity = lose(deal(cast.salesperson, name="imported"), date(2026, 7, 2))
    Opportunity.objects.filter(pk=opportunity.pk).update(lost_on=date(2026, 3, 1))
    rows = evaluation_sheet(COMPANY, D)["rows"]
    assert [(r["name"], r["status"]) for r in rows] == [("imported", "open")]
