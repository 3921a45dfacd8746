"""The state of an opportunity on a cutoff date D and the forecast column it lands in (SPEC §5).

Every report of this app reads these rules from here, as SQL expressions, so the forecast,
its drill-down, a submission's snapshot and the tests all agree on one definition:

- *booked* on D: the contract was signed on or before D (`signed_on <= D`);
- *closed* on D: the opportunity reached S7 on or before D (`won_on <= D`);
- *lost* on D: its status on D, read from the stage history, is lost — so a deal lost in
  March and reopened in May was lost on 31 March and open on 31 May;
- created after D: not counted at all.

For an opportunity open on D its *close date* is the S7 date (time view) or the signing date
(category view) when that event came after D, else its expected close date. A close date on
or before D is overdue: it counts as closing on D (in `m0_3` and in the quarter Q).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.utils.translation import pgettext_lazy

from salespath.lib.fiscal import (
    FiscalQuarter,
    Period,
    add_months,
    fiscal_quarter_of,
    fiscal_year_of,
    fiscal_year_period,
)
from salespath.pipeline.history import in_history, stage_on, status_on, unchanged_since
from salespath.pipeline.models import ForecastCategory, Opportunity, Status

TIME = "time"
CATEGORY = "category"
VIEWS = (TIME, CATEGORY)

TIME_COLUMNS = ("closed", "m0_3", "m3_6", "m6_9", "m9_12", "beyond_12")
CATEGORY_COLUMNS = ("booked", "commit_q", "best_q", "best_next_q", "pipeline")
COLUMNS = {TIME: TIME_COLUMNS, CATEGORY: CATEGORY_COLUMNS}
# The columns that hold finished business rather than a forecast.
DONE_COLUMNS = {"closed", "booked"}

COLUMN_LABELS = {
    "closed": pgettext_lazy("forecast column", "Closed"),
    "m0_3": pgettext_lazy("forecast column", "Within 3 months"),
    "m3_6": pgettext_lazy("forecast column", "In 3 to 6 months"),
    "m6_9": pgettext_lazy("forecast column", "In 6 to 9 months"),
    "m9_12": pgettext_lazy("forecast column", "In 9 to 12 months"),
    "beyond_12": pgettext_lazy("forecast column", "After 12 months"),
    "booked": pgettext_lazy("forecast column", "Booked"),
    "commit_q": pgettext_lazy("forecast column", "Commit this quarter"),
    "best_q": pgettext_lazy("forecast column", "Best case this quarter"),
    "best_next_q": pgettext_lazy("forecast column", "Best case next quarter"),
    "pipeline": pgettext_lazy("forecast column", "Pipeline"),
}
VIEW_LABELS = {
    TIME: pgettext_lazy("forecast column", "By time"),
    CATEGORY: pgettext_lazy("forecast column", "By forecast category"),
}


def fiscal_start_month() -> int:
    return settings.SALESPATH_FISCAL_YEAR_START_MONTH


@dataclass(frozen=True)
class Horizon:
    """The dates a forecast on `as_of` is measured against."""

    as_of: date
    start_month: int = 1

    @classmethod
    def on(cls, as_of: date) -> Horizon:
        return cls(as_of, fiscal_start_month())

    @cached_property
    def fiscal_year(self) -> Period:
        return fiscal_year_period(fiscal_year_of(self.as_of, self.start_month), self.start_month)

    @cached_property
    def quarter(self) -> FiscalQuarter:
        return fiscal_quarter_of(self.as_of, self.start_month)

    @cached_property
    def next_quarter(self) -> FiscalQuarter:
        return self.quarter.next()

    def months_later(self, months: int) -> date:
        return add_months(self.as_of, months)


def _close(event: str, h: Horizon) -> Case:
    """The event's date if it came after D, else the expected close date."""
    return Case(When(**{f"{event}__gt": h.as_of}, then=F(event)), default=F("expected_close"))


def in_cents(amount) -> Cast:
    """An amount in integer cents: sums of these are exact on every engine (SQLite would
    otherwise sum decimals as floats), so the forecast from the opportunities and the one
    from the rollup agree to the cent."""
    return Cast(Round(amount * 100), BigIntegerField())


def _null() -> Value:
    return Value(None, output_field=CharField())


def time_column(h: Horizon) -> Case:
    """The 按时间 column, or NULL for an opportunity this view does not count.

    Needs the `time_close` alias (see `counted_on`)."""
    closed = Q(won_on__lte=h.as_of)
    omitted = Q(forecast_category=ForecastCategory.OMITTED)
    return Case(
        When(closed & Q(won_on__gte=h.fiscal_year.start), then=Value("closed")),
        When(closed, then=_null()),  # completed before this fiscal year
        # "Booked and closed ones count whatever their category": omitted drops only
        # the deals that are still open in both senses.
        When(omitted & ~Q(signed_on__lte=h.as_of), then=_null()),
        When(time_close__lte=h.months_later(3), then=Value("m0_3")),  # overdue included
        When(time_close__lte=h.months_later(6), then=Value("m3_6")),
        When(time_close__lte=h.months_later(9), then=Value("m6_9")),
        When(time_close__lte=h.months_later(12), then=Value("m9_12")),
        default=Value("beyond_12"),
        output_field=CharField(),
    )


def category_column(h: Horizon) -> Case:
    """The 按销售预测 column, or NULL for an opportunity this view does not count.

    An overdue close date (≤ D) counts as D, which is inside Q, so "in Q" is simply
    "close date ≤ end of Q". Needs the `category_close` alias."""
    booked = Q(signed_on__lte=h.as_of)
    in_q = Q(category_close__lte=h.quarter.period.end)
    in_next_q = Q(category_close__lte=h.next_quarter.period.end)
    commit = Q(forecast_category=ForecastCategory.COMMIT)
    best = Q(forecast_category=ForecastCategory.BEST_CASE)
    omitted = Q(forecast_category=ForecastCategory.OMITTED)
    return Case(
        When(booked & Q(signed_on__gte=h.fiscal_year.start), then=Value("booked")),
        When(booked, then=_null()),  # booked before this fiscal year
        When(omitted & ~Q(won_on__lte=h.as_of), then=_null()),
        When(commit & in_q, then=Value("commit_q")),
        When(best & in_q, then=Value("best_q")),
        When((commit | best) & in_next_q, then=Value("best_next_q")),
        default=Value("pipeline"),
        output_field=CharField(),
    )


def counted_on(h: Horizon, queryset: QuerySet | None = None) -> QuerySet:
    """Opportunities that existed on D and were not lost on D, with the aliases
    `status_on_d`, `stage_on_d`, `time_close`, `category_close`, `time_column`,
    `category_column` and `weight` (percent the weighted forecast counts)."""
    queryset = Opportunity.objects.all() if queryset is None else queryset
    return (
        # "not created after D" rather than "created on or before D" (the same rows: the
        # date is never empty): SQLite would otherwise read a company's opportunities in
        # the order of the index by creation date, one table page per row, when nearly all
        # of them match anyway — 2–3 times slower than reading the table (issue 20).
        with_columns(h, queryset.exclude(created_on__gt=h.as_of))
        # A missing history row (status NULL) cannot happen for rows the services write;
        # such a row is treated as open rather than silently dropped.
        .filter(Q(status_on_d__isnull=True) | ~Q(status_on_d=Status.LOST))
    )


def with_columns(h: Horizon, queryset: QuerySet) -> QuerySet:
    done = Q(signed_on__lte=h.as_of) | Q(won_on__lte=h.as_of)
    return queryset.alias(
        status_on_d=status_on(h.as_of),
        stage_on_d=stage_on(h.as_of),
        time_close=_close("won_on", h),
        category_close=_close("signed_on", h),
        time_column=time_column(h),
        category_column=category_column(h),
        # Weighted forecasts count signed or completed business in full: a signed contract
        # is not a 75% chance any more, whatever probability the record still carries.
        weight=Case(
            When(done, then=Value(100)), default=F("probability"), output_field=IntegerField()
        ),
    )


def column_alias(view: str) -> str:
    return f"{view}_column"


def close_alias(view: str) -> str:
    return f"{view}_close"


def overdue_filter(h: Horizon, view: str) -> Q:
    """Counted, still open in this view, and its close date is on or before D."""
    done = "closed" if view == TIME else "booked"
    return (
        Q(**{f"{column_alias(view)}__isnull": False})
        & ~Q(**{column_alias(view): done})
        & Q(**{f"{close_alias(view)}__lte": h.as_of})
    )


def status_since(as_of: date) -> Case:
    """The date of the last stage change on or before `as_of`: for an opportunity won or
    lost on `as_of`, the day it was won or lost. Without history after `as_of`, a won or
    lost deal's last change is its win or loss, dated on the row (`pipeline.history`)."""
    unchanged = unchanged_since(as_of)
    return Case(
        When(unchanged & Q(status=Status.WON), then=F("won_on")),
        When(unchanged & Q(status=Status.LOST), then=F("lost_on")),
        default=in_history(as_of, "effective_on"),
        output_field=DateField(),
    )
