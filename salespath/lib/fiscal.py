"""The fiscal calendar, in one place (SPEC §5). Pure functions, no Django.

A fiscal year starts on the first day of `start_month` and is named by the calendar
year in which it starts: with start month 4, FY2026 runs 2026-04-01 .. 2027-03-31.
Quarters are its four 3-month parts, Q1..Q4.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """`day` + n months, clamped to the month's end: 2026-11-30 + 3 months = 2027-02-28."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range [start, end]."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlap_days(self, other: Period) -> int:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return max(0, (end - start).days + 1)


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    year: int
    quarter: int
    start_month: int = 1

    @property
    def period(self) -> Period:
        start = add_months(date(self.year, self.start_month, 1), 3 * (self.quarter - 1))
        return Period(start, add_months(start, 3) - timedelta(days=1))

    def next(self) -> FiscalQuarter:
        if self.quarter == 4:
            return FiscalQuarter(self.year + 1, 1, self.start_month)
        return FiscalQuarter(self.year, self.quarter + 1, self.start_month)

    def previous(self) -> FiscalQuarter:
        if self.quarter == 1:
            return FiscalQuarter(self.year - 1, 4, self.start_month)
        return FiscalQuarter(self.year, self.quarter - 1, self.start_month)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


def fiscal_year_of(day: date, start_month: int = 1) -> int:
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_period(year: int, start_month: int = 1) -> Period:
    start = date(year, start_month, 1)
    return Period(start, add_months(start, 12) - timedelta(days=1))


def fiscal_quarter_of(day: date, start_month: int = 1) -> FiscalQuarter:
    year = fiscal_year_of(day, start_month)
    months_in = (day.month - start_month) % 12
    return FiscalQuarter(year, months_in // 3 + 1, start_month)


def quarters_between(period: Period, start_month: int = 1) -> list[FiscalQuarter]:
    """Every fiscal quarter that overlaps `period`, in order."""
    quarter = fiscal_quarter_of(period.start, start_month)
    found = []
    while quarter.period.start <= period.end:
        found.append(quarter)
        quarter = quarter.next()
    return found


_QUARTER = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]([1-4])\s*$")


class BadQuarter(ValueError):
    pass


def parse_quarter(text: str, start_month: int = 1) -> FiscalQuarter:
    """'2026Q2' → FiscalQuarter(2026, 2). Raises BadQuarter for '2026Q5' or 'soon'."""
    match = _QUARTER.match(text or "")
    if not match:
        raise BadQuarter(text)
    return FiscalQuarter(int(match.group(1)), int(match.group(2)), start_month)
