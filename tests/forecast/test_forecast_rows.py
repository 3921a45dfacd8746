"""Rows, subtotals, product split, drill-down and query counts of the forecast."""

from datetime import date

import pytest

from salespath.errors import DomainError
from salespath.forecast.queries import forecast, forecast_cell
from salespath.org.scopes import Scope
from tests.factories import UserFactory, batch
from tests.forecast.builders import deal, sign, win
from tests.forecast.helpers import COMPANY, row

D = date(2026, 6, 30)


@pytest.fixture
def pipeline(cast):
    deal(cast.salesperson, amount="100.00", category="commit", close=date(2026, 6, 10))
    deal(cast.teammate, amount="200.00", category="best_case", close=date(2026, 8, 1))
    deal(cast.other_salesperson, amount="400.00", close=date(2027, 1, 1))
    win(deal(cast.salesperson, amount="800.00"), date(2026, 5, 5))
    return cast


def test_owner_rows_have_team_branch_and_company_subtotals_after_their_people(pipeline):
    report = forecast(COMPANY, D, view="category")
    assert [(r["level"], r["key"]) for r in report["rows"]] == [
        ("person", "li"),
        ("person", "wang"),
        ("team", "gz-1"),
        ("person", "chen"),
        ("team", "gz-2"),
        ("branch", "gz"),
        ("company", None),
    ]
    assert row(report, "person", "li")["values"]["booked"] == "800.00"
    assert row(report, "team", "gz-1")["values"] == {
        "booked": "800.00",
        "commit_q": "100.00",
        "best_q": "0.00",
        "best_next_q": "200.00",
        "pipeline": "0.00",
    }
    assert row(report, "team", "gz-1")["total"] == "1100.00"
    assert row(report, "company", None)["total"] == report["total"]["total"] == "1500.00"
    assert report["total"]["counts"] == {
        "booked": 1,
        "commit_q": 1,
        "best_q": 0,
        "best_next_q": 1,
        "pipeline": 1,
    }


def test_a_team_scope_lists_every_salesperson_even_without_deals(pipeline):
    UserFactory(username="new", display_name="新人", team=pipeline.salesperson.team)
    report = forecast(Scope("team", team=pipeline.salesperson.team), D, view="time")
    assert [(r["level"], r["key"]) for r in report["rows"]] == [
        ("person", "li"),
        ("person", "new"),
        ("person", "wang"),
        ("team", "gz-1"),
    ]
    assert row(report, "person", "new")["total"] == "0.00"
    assert report["total"]["total"] == "1100.00"


def test_by_team_and_by_branch_show_only_the_groups(pipeline):
    by_team = forecast(COMPANY, D, view="time", by="team")
    assert [(r["level"], r["key"], r["total"]) for r in by_team["rows"]] == [
        ("team", "gz-1", "1100.00"),
        ("team", "gz-2", "400.00"),
        ("branch", "gz", "1500.00"),
        ("company", None, "1500.00"),
    ]
    by_branch = forecast(Scope("branch", branch=pipeline.branch_gm.branch), D, by="branch")
    assert [(r["level"], r["key"]) for r in by_branch["rows"]] == [("branch", "gz")]


def test_multi_product_deals_split_their_amount_by_product(cast):
    deal(cast.salesperson, amount="300.00", lines={"erp": "200.00", "hr": "100.00"})
    deal(cast.salesperson, amount="50.00", lines={"hr": "50.00"})
    deal(cast.teammate, amount="7.00")  # no product lines
    report = forecast(COMPANY, D, view="time", by="product")
    assert [(r["key"], r["values"]["m0_3"], r["counts"]["m0_3"]) for r in report["rows"]] == [
        ("erp", "200.00", 1),
        ("hr", "150.00", 2),
        (None, "7.00", 1),
    ]
    assert report["rows"][-1]["label"] == "未指定产品"
    # amounts add up across products; counts are opportunities, each counted once in total
    assert report["total"]["values"]["m0_3"] == "357.00"
    assert report["total"]["counts"]["m0_3"] == 3


def test_the_drill_down_lists_the_opportunities_behind_a_cell(pipeline):
    cell = forecast_cell(
        COMPANY, D, view="category", level="team", key="gz-1", column="best_next_q"
    )
    assert [(o["owner"], o["amount"], o["column"]) for o in cell] == [
        ("wang", "200.00", "best_next_q")
    ]
    whole_row = forecast_cell(COMPANY, D, view="time", level="person", key="li")
    assert sorted(o["amount"] for o in whole_row) == ["100.00", "800.00"]
    assert [o["overdue"] for o in whole_row if o["amount"] == "100.00"] == [True]


def test_the_drill_down_of_a_product_cell_shows_the_line_amount(cast):
    deal(cast.salesperson, amount="300.00", lines={"erp": "200.00", "hr": "100.00"})
    cell = forecast_cell(COMPANY, D, view="time", level="product", key="hr", column="m0_3")
    assert [o["amount"] for o in cell] == ["100.00"]


def test_unknown_view_grouping_or_column_is_refused_with_a_message():
    with pytest.raises(DomainError, match="quarterly"):
        forecast(COMPANY, D, view="quarterly")
    with pytest.raises(DomainError, match="region"):
        forecast(COMPANY, D, by="region")
    with pytest.raises(DomainError, match="m0_3"):
        forecast_cell(COMPANY, D, view="category", level="company", key=None, column="m0_3")


def _grow(cast, n: int) -> None:
    people = [cast.salesperson, cast.teammate, cast.other_salesperson]
    with batch():  # kept once, as one writer of many deals keeps them
        for i in range(n):
            owner = people[i % 3]
            opportunity = deal(
                owner,
                amount=f"{1000 + i}.00",
                created=date(2025, 12, 1),
                category=["commit", "best_case", "pipeline", "omitted"][i % 4],
                close=date(2026, 1 + i % 12, 1 + i % 28),
                lines={"erp": f"{600 + i}.00", "hr": "400.00"} if i % 2 else None,
            )
            if i % 5 == 0:
                sign(opportunity, date(2026, 3, 1 + i % 28))


# Nothing happened after D, so the forecast per person reads the rollup: whether it covers
# D, the day rows' mark (they are today's), the month rollup, for the time view the days of
# a boundary month (D + 6 months is no month end), the people, the overdue list.
FROM_THE_ROLLUP = {"time": 6, "category": 5}
# From the opportunities (per product, or on a day with later events): the figures per
# owner (or product), the people (or the per-owner counts), the overdue list.
FROM_THE_OPPORTUNITIES = 3


@pytest.mark.parametrize("size", [3, 24])
@pytest.mark.parametrize("by", ["owner", "team", "branch", "product"])
def test_forecast_query_count_does_not_grow_with_the_data(
    cast, django_assert_num_queries, size, by
):
    _grow(cast, size)
    for view in ("time", "category"):
        queries = FROM_THE_OPPORTUNITIES if by == "product" else FROM_THE_ROLLUP[view]
        with django_assert_num_queries(queries):
            forecast(COMPANY, D, view=view, by=by, weighted=True)
        with django_assert_num_queries(FROM_THE_OPPORTUNITIES):
            forecast(COMPANY, D, view=view, by=by, weighted=True, rollup=False)


@pytest.mark.parametrize("size", [3, 24])
def test_drill_down_is_one_query(cast, django_assert_num_queries, size):
    _grow(cast, size)
    with django_assert_num_queries(1):
        forecast_cell(COMPANY, D, view="time", level="company", key=None)
