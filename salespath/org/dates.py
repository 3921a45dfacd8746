"""The one parser of report dates, periods and fiscal quarters, for the pages, the API and the
commands alike.

Reports reach months around their date (D + 12 months, fiscal years, a quarter's days);
years far out are mistakes, and date arithmetic near year 1 or 9999 overflows. So every
report date lies in the years 2000 to 2100, and a refusal names the field it came from.
It lives in `org`, beside the fiscal calendar's settings, because every app that reports
imports `org` and none of them may import each other for this.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.lib.fiscal import BadQuarter, FiscalQuarter, Period, parse_quarter

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(message, code="invalid", fields={field: [message]})


def _outside(field: str, value: Any) -> DomainError:
    return _refuse(
        field,
        _("“%(value)s” is outside the years %(first)s to %(last)s.")
        % {"value": value, "first": FIRST_DAY.year, "last": LAST_DAY.year},
    )


def parse_day(value: str | date, *, field: str) -> date:
    """A report date from ISO text (or a date), in the years 2000 to 2100."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise _refuse(
                field, _("“%(value)s” is not a date; use YYYY-MM-DD.") % {"value": value}
            ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _outside(field, value)
    return day


def parse_period(
    start: str | date | None, end: str | date | None, *, default: Period, fields=("from", "to")
) -> Period:
    """From and to (either may be left out for the default's); refused the wrong way round."""
    period = Period(
        parse_day(start, field=fields[0]) if start else default.start,
        parse_day(end, field=fields[1]) if end else default.end,
    )
    if period.start > period.end:
        raise _refuse(fields[1], _("The period ends before it starts."))
    return period


def parse_fiscal_quarter(value: str, *, field: str = "quarter") -> FiscalQuarter:
    """'2026Q2' → that fiscal quarter of the configured fiscal year, 2000Q1 to 2100Q4."""
    try:
        quarter = parse_quarter(value, settings.SALESPATH_FISCAL_YEAR_START_MONTH)
    except BadQuarter:
        raise _refuse(
            field,
            _("“%(value)s” is not a fiscal quarter; use a year and Q1 to Q4, like 2026Q2.")
            % {"value": value},
        ) from None
    if not FIRST_DAY.year <= quarter.year <= LAST_DAY.year:
        raise _outside(field, value)
    return quarter
