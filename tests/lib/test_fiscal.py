from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salespath.lib.fiscal import (
    BadQuarter,
    FiscalQuarter,
    Period,
    add_months,
    fiscal_quarter_of,
    fiscal_year_period,
    parse_quarter,
    quarters_between,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2026, 6, 30), 12, date(2027, 6, 30)),
        (date(2026, 5, 15), -5, date(2025, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_quarter_of_a_january_fiscal_year():
    assert fiscal_quarter_of(date(2026, 6, 30)) == FiscalQuarter(2026, 2)
    assert fiscal_quarter_of(date(2026, 7, 1)) == FiscalQuarter(2026, 3)
    assert FiscalQuarter(2026, 2).period == Period(date(2026, 4, 1), date(2026, 6, 30))


def test_quarter_of_an_april_fiscal_year_is_named_by_its_start_year():
    assert fiscal_quarter_of(date(2027, 2, 10), 4) == FiscalQuarter(2026, 4, 4)
    assert fiscal_quarter_of(date(2026, 4, 1), 4) == FiscalQuarter(2026, 1, 4)
    assert fiscal_year_period(2026, 4) == Period(date(2026, 4, 1), date(2027, 3, 31))
    assert FiscalQuarter(2026, 4, 4).next() == FiscalQuarter(2027, 1, 4)


def test_parse_quarter_refuses_a_fifth_quarter():
    assert parse_quarter("2026Q2") == FiscalQuarter(2026, 2)
    with pytest.raises(BadQuarter):
        parse_quarter("2026Q5")
    with pytest.raises(BadQuarter):
        parse_quarter("next quarter")


def test_quarters_between_a_mid_quarter_year():
    quarters = quarters_between(Period(date(2026, 2, 15), date(2027, 2, 14)))
    assert [str(q) for q in quarters] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1"]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 12))
def test_every_day_is_in_exactly_its_own_quarter(day, start_month):
    quarter = fiscal_quarter_of(day, start_month)
    assert day in quarter.period
    assert day not in quarter.next().period
    assert day not in quarter.previous().period
