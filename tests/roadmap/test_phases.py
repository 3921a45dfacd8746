"""Phases P0–P4 and the yearly repeat, across every boundary (the day before and the day of)."""

from datetime import date

import pytest

from salespath.roadmap.phases import phase_on, quota_quarter_period, quota_year_period

HIRED = date(2025, 10, 8)
QUOTA_START = date(2026, 1, 15)


def phase(day: date, quota_start=QUOTA_START, hired=HIRED):
    return phase_on(hire_date=hired, quota_start=quota_start, day=day)


@pytest.mark.parametrize(
    ("day", "code", "quota_year", "start", "end"),
    [
        (date(2025, 10, 7), None, None, None, None),  # not hired yet
        (date(2025, 10, 8), "P0", 0, date(2025, 10, 8), date(2026, 1, 14)),
        (date(2026, 1, 14), "P0", 0, date(2025, 10, 8), date(2026, 1, 14)),
        (date(2026, 1, 15), "P1", 1, date(2026, 1, 15), date(2026, 4, 14)),
        (date(2026, 4, 14), "P1", 1, date(2026, 1, 15), date(2026, 4, 14)),
        (date(2026, 4, 15), "P2", 1, date(2026, 4, 15), date(2026, 7, 14)),
        (date(2026, 7, 14), "P2", 1, date(2026, 4, 15), date(2026, 7, 14)),
        (date(2026, 7, 15), "P3", 1, date(2026, 7, 15), date(2026, 10, 14)),
        (date(2026, 10, 14), "P3", 1, date(2026, 7, 15), date(2026, 10, 14)),
        (date(2026, 10, 15), "P4", 1, date(2026, 10, 15), date(2027, 1, 14)),
        (date(2027, 1, 14), "P4", 1, date(2026, 10, 15), date(2027, 1, 14)),
        # The yearly repeat: P2 for months [0, 6) of the new quota year, then P3, P4.
        (date(2027, 1, 15), "P2", 2, date(2027, 1, 15), date(2027, 7, 14)),
        (date(2027, 7, 14), "P2", 2, date(2027, 1, 15), date(2027, 7, 14)),
        (date(2027, 7, 15), "P3", 2, date(2027, 7, 15), date(2027, 10, 14)),
        (date(2027, 10, 14), "P3", 2, date(2027, 7, 15), date(2027, 10, 14)),
        (date(2027, 10, 15), "P4", 2, date(2027, 10, 15), date(2028, 1, 14)),
        (date(2028, 1, 14), "P4", 2, date(2027, 10, 15), date(2028, 1, 14)),
        (date(2028, 1, 15), "P2", 3, date(2028, 1, 15), date(2028, 7, 14)),
    ],
)
def test_phase_on_each_side_of_every_boundary(day, code, quota_year, start, end):
    found = phase(day)
    if code is None:
        assert found is None
        return
    assert (found.code, found.quota_year, found.start, found.end) == (
        code,
        quota_year,
        start,
        end,
    )


def test_month_ends_clamp_without_drifting():
    start = date(2026, 1, 31)
    assert phase(date(2026, 4, 29), start).code == "P1"
    assert phase(date(2026, 4, 30), start).code == "P2"  # 31 Jan + 3 months = 30 Apr
    assert phase(date(2026, 7, 30), start).code == "P2"
    assert phase(date(2026, 7, 31), start).code == "P3"  # counted from 31 Jan, not from 30 Apr
    assert phase(date(2027, 1, 31), start).quota_year == 2


def test_without_a_quota_start_a_person_is_training_against_the_usual_length():
    found = phase_on(hire_date=date(2026, 3, 2), quota_start=None, day=date(2026, 4, 1))
    assert (found.code, found.end, found.estimated_end) == ("P0", date(2026, 6, 1), True)
    late = phase_on(hire_date=date(2026, 3, 2), quota_start=None, day=date(2026, 8, 1))
    assert (late.code, late.end) == ("P0", date(2026, 8, 1))


def test_no_dates_means_not_on_the_roadmap():
    assert phase_on(hire_date=None, quota_start=None, day=date(2026, 4, 1)) is None


def test_quota_year_and_its_quarters():
    year = quota_year_period(QUOTA_START, 2)
    assert (year.start, year.end) == (date(2027, 1, 15), date(2028, 1, 14))
    second = quota_quarter_period(QUOTA_START, 1, 2)
    assert (second.start, second.end) == (date(2026, 4, 15), date(2026, 7, 14))
