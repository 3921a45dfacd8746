"""Hand-computed cases: which column each opportunity lands in (SPEC §5)."""

from datetime import date

import pytest

from salespath.forecast.queries import forecast
from tests.forecast.builders import deal, lose, reopen, sign, win
from tests.forecast.helpers import COMPANY, placed

D = date(2026, 6, 30)  # FY2026 = calendar 2026, Q = 2026Q2 (Apr–Jun), Q+1 = Jul–Sep


def time_view(as_of=D, **kwargs):
    return forecast(COMPANY, as_of, view="time", **kwargs)


def category_view(as_of=D, **kwargs):
    return forecast(COMPANY, as_of, view="category", **kwargs)


# D+3m = 2026-09-30, D+6m = 2026-12-30, D+9m = 2027-03-30, D+12m = 2027-06-30
@pytest.mark.parametrize(
    ("close", "column"),
    [
        (date(2026, 7, 1), "m0_3"),
        (date(2026, 9, 30), "m0_3"),  # exactly D + 3 months
        (date(2026, 10, 1), "m3_6"),
        (date(2026, 12, 30), "m3_6"),  # exactly D + 6 months
        (date(2026, 12, 31), "m6_9"),
        (date(2027, 3, 30), "m6_9"),  # exactly D + 9 months
        (date(2027, 3, 31), "m9_12"),
        (date(2027, 6, 30), "m9_12"),  # exactly D + 12 months
        (date(2027, 7, 1), "beyond_12"),
    ],
)
def test_time_view_puts_each_close_date_in_its_bucket(cast, close, column):
    deal(cast.salesperson, close=close, amount="120000.00")
    assert placed(time_view()) == {column: ("120000.00", 1)}


@pytest.mark.parametrize(
    ("close", "column"),
    [
        (date(2027, 2, 28), "m0_3"),  # 2026-11-30 + 3 months clamps to 2027-02-28
        (date(2027, 3, 1), "m3_6"),
        (date(2027, 5, 30), "m3_6"),  # + 6 months = 2027-05-30
        (date(2027, 5, 31), "m6_9"),
        (date(2027, 11, 30), "m9_12"),
        (date(2027, 12, 1), "beyond_12"),
    ],
)
def test_time_buckets_clamp_to_the_month_end(cast, close, column):
    deal(cast.salesperson, close=close, amount="50000.00")
    assert placed(time_view(date(2026, 11, 30))) == {column: ("50000.00", 1)}


def test_an_open_deal_closing_on_or_before_d_is_overdue_in_the_first_bucket(cast):
    late = deal(cast.salesperson, close=date(2026, 3, 15), amount="80000.00")
    on_d = deal(cast.salesperson, close=D, amount="20000.00")
    report = time_view()
    assert placed(report) == {"m0_3": ("100000.00", 2)}
    assert [o["opportunity"] for o in report["overdue"]] == [late.pk, on_d.pk]
    assert report["overdue"][0]["expected_close"] == "2026-03-15"


@pytest.mark.parametrize(
    ("category", "close", "column"),
    [
        ("commit", date(2026, 6, 30), "commit_q"),  # last day of Q
        ("commit", date(2026, 7, 1), "best_next_q"),  # first day of Q+1
        ("commit", date(2026, 9, 30), "best_next_q"),  # last day of Q+1
        ("commit", date(2026, 10, 1), "pipeline"),
        ("best_case", date(2026, 6, 30), "best_q"),
        ("best_case", date(2026, 7, 1), "best_next_q"),
        ("best_case", date(2026, 10, 1), "pipeline"),
        ("pipeline", date(2026, 6, 30), "pipeline"),
        ("pipeline", date(2026, 8, 1), "pipeline"),
    ],
)
def test_category_view_by_category_and_quarter(cast, category, close, column):
    deal(cast.salesperson, close=close, category=category, amount="70000.00")
    assert placed(category_view()) == {column: ("70000.00", 1)}


def test_an_overdue_commit_counts_in_this_quarter_and_is_flagged(cast):
    late = deal(cast.salesperson, close=date(2026, 3, 31), category="commit", amount="90000.00")
    report = category_view(date(2026, 4, 1))  # first day of Q2; the close date was in Q1
    assert placed(report) == {"commit_q": ("90000.00", 1)}
    assert [o["opportunity"] for o in report["overdue"]] == [late.pk]


def test_booked_but_not_completed_is_booked_by_category_and_open_by_time(cast):
    signed = deal(cast.salesperson, close=date(2026, 8, 20), category="commit", stage="S6")
    sign(signed, date(2026, 6, 10))
    assert placed(category_view()) == {"booked": ("100000.00", 1)}
    assert placed(time_view()) == {"m0_3": ("100000.00", 1)}


def test_time_view_uses_the_s7_date_when_it_came_after_d(cast):
    later = deal(cast.salesperson, close=date(2026, 8, 20), category="commit", stage="S6")
    win(later, date(2026, 10, 5), signed=date(2026, 6, 10))
    assert placed(time_view()) == {"m3_6": ("100000.00", 1)}
    assert placed(category_view()) == {"booked": ("100000.00", 1)}


def test_category_view_uses_the_signing_date_when_it_came_after_d(cast):
    # Expected close long past, but the contract was signed in July: not overdue on D.
    signed_later = deal(cast.salesperson, close=date(2026, 6, 1), category="commit")
    sign(signed_later, date(2026, 7, 5))
    report = category_view()
    assert placed(report) == {"best_next_q": ("100000.00", 1)}
    assert report["overdue"] == []


def test_completed_deals_count_as_closed_and_booked_only_inside_the_fiscal_year(cast):
    win(deal(cast.salesperson, amount="300000.00"), date(2026, 5, 1))
    win(deal(cast.salesperson, amount="1.00"), date(2025, 12, 20))  # last fiscal year
    win(deal(cast.salesperson, amount="40000.00"), date(2026, 1, 15), signed=date(2025, 12, 20))
    assert placed(time_view()) == {"closed": ("340000.00", 2)}
    assert placed(category_view()) == {"booked": ("300000.00", 1)}


def test_lost_deals_count_by_their_status_on_d(cast):
    lose(deal(cast.salesperson, amount="11.00"), date(2026, 6, 1))  # lost on D
    lose(deal(cast.salesperson, amount="22.00", close=date(2026, 8, 1)), date(2026, 7, 10))
    back = deal(cast.salesperson, amount="33.00", close=date(2026, 8, 1))
    lose(back, date(2026, 3, 1))
    reopen(back, date(2026, 5, 1))  # lost in March, open again on D
    still_lost = deal(cast.salesperson, amount="44.00", close=date(2026, 8, 1))
    lose(still_lost, date(2026, 3, 1))
    reopen(still_lost, date(2026, 7, 15))  # reopened only after D
    assert placed(time_view()) == {"m0_3": ("55.00", 2)}


def test_omitted_open_deals_are_in_no_column_but_finished_ones_count(cast):
    deal(cast.salesperson, category="omitted", amount="500.00")
    booked = deal(cast.salesperson, category="omitted", amount="600.00")
    sign(booked, date(2026, 6, 1))
    closed = deal(cast.salesperson, category="omitted", amount="700.00")
    win(closed, date(2026, 6, 2))
    assert placed(category_view()) == {"booked": ("1300.00", 2)}
    # booked but not completed: open in the time view, and it still counts
    assert placed(time_view()) == {"closed": ("700.00", 1), "m0_3": ("600.00", 1)}


def test_deals_created_after_d_are_not_counted(cast):
    deal(cast.salesperson, created=date(2026, 7, 1), close=date(2026, 8, 1))
    assert placed(time_view()) == {}
    assert placed(category_view()) == {}


def test_a_non_january_fiscal_year_moves_the_year_and_quarter_edges(cast, settings):
    settings.SALESPATH_FISCAL_YEAR_START_MONTH = 2  # FY2026 = Feb 2026 – Jan 2027
    d = date(2026, 5, 15)  # Q2 = May–Jul, Q+1 = Aug–Oct
    owner = cast.salesperson
    win(deal(owner, amount="1.00", created=date(2025, 12, 1)), date(2026, 1, 31))  # FY2025
    win(deal(owner, amount="2.00", created=date(2025, 12, 1)), date(2026, 2, 1))  # FY2026
    deal(owner, amount="10.00", category="commit", close=date(2026, 7, 31))
    deal(owner, amount="20.00", category="commit", close=date(2026, 8, 1))
    deal(owner, amount="40.00", category="best_case", close=date(2026, 10, 31))
    deal(owner, amount="80.00", category="best_case", close=date(2026, 11, 1))
    report = category_view(d)
    assert report["quarter"] == "2026Q2"
    assert report["fiscal_year"] == {"start": "2026-02-01", "end": "2027-01-31"}
    assert placed(report) == {
        "booked": ("2.00", 1),
        "commit_q": ("10.00", 1),
        "best_next_q": ("60.00", 2),
        "pipeline": ("80.00", 1),
    }
    assert placed(time_view(d))["closed"] == ("2.00", 1)


def test_an_april_fiscal_year_starts_closed_business_on_1_april(cast, settings):
    settings.SALESPATH_FISCAL_YEAR_START_MONTH = 4
    win(deal(cast.salesperson, amount="5.00"), date(2026, 3, 31))
    win(deal(cast.salesperson, amount="7.00"), date(2026, 4, 1))
    assert placed(time_view(date(2026, 5, 15))) == {"closed": ("7.00", 1)}
    # on 31 March the second one was still open, completing the next day
    assert placed(time_view(date(2026, 3, 31))) == {"closed": ("5.00", 1), "m0_3": ("7.00", 1)}


def test_weighted_counts_open_deals_by_probability_and_signed_ones_in_full(cast):
    deal(cast.salesperson, amount="200000.00", stage="S5", close=date(2026, 6, 20))  # 50%
    deal(cast.salesperson, amount="33333.33", stage="S3", close=date(2026, 6, 20))  # 20%
    signed = deal(cast.salesperson, amount="100000.00", stage="S6", category="commit")  # 75%
    sign(signed, date(2026, 6, 1))
    weighted = category_view(weighted=True)
    assert placed(weighted) == {
        "booked": ("100000.00", 1),
        "pipeline": ("106666.67", 2),  # 100000 + 6666.666 → rounded once per person
    }
    assert weighted["weighted"] is True
    assert placed(category_view())["pipeline"] == ("233333.33", 2)
