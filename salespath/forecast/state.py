"""The state of an opportunity on a cutoff date D and the forecast column it lands in (SPEC §5).

This module is where SPEC §5's rules are written; every other reading of them is built from
these definitions or tested against them (see "Other forms" below).

- *booked* on D: the contract was signed on or before D (`signed_on <= D`);
- *closed* on D: the opportunity reached S7 on or before D (`won_on <= D`);
- *lost* on D: its status on D, read from the stage history, is lost — so a deal lost in
  March and reopened in May was lost on 31 March and open on 31 May;
- created after D: not counted at all.

For an opportunity open on D its *close date* is the S7 date (time view) or the signing date
(category view) when that event came after D, else its expected close date. A close date on
or before D is overdue: it counts as closing on D (in `m0_3` and in the quarter Q).

Where SPEC leaves room, this is the reading:

- "Omitted opportunities open on D are in no column; booked and closed ones count whatever
  their category": *open* here is open in both senses. An omitted deal is left out of both
  views only while it is neither booked nor closed on D (`left_out`): signed but not yet
  at S7, it is `booked` in the category view and bucketed by its close date in the time
  view; at S7 without a contract, it is `closed` in the time view and in the category
  view's columns by its close date.
- A deal closed on D but not booked (moved to S7 without a contract) is in the category
  view like any deal not booked: its category and close date place it.
- A row with no stage history on D (the services always write one) is treated as open,
  never silently dropped.
- Weighted forecasts count a booked or closed deal in full (`weight`): a signed contract is
  not a 75% chance any more, whatever probability the record still carries.
- Amounts, categories and probabilities are today's (SPEC); sums are in integer cents
  (`in_cents`).
- What attainment versus quota and forecast accuracy count as booked in a period
  (`signed_in`, `attainment.signed_by_owner`) is a different figure from the forecast's
  `booked` on D: contracts signed in the period that still stand today (not lost today).
  The forecast reads the state on D; attainment is judged afterwards, so a contract
  cancelled after the quarter no longer counts as achieved, and the amount is today's.

Each rule takes D, or None for "as the row is now": when nothing happened to any
opportunity after D (`rollups.covers`), every date on a row is on or before D and its
status is its status on D, so "booked on D" is "has a signing date". The rollup reads the
rules that way.

Other forms, for speed, and what keeps them equal to these rules:

- `rollups.py`: its SQL (`_select`) and the open deals of the overdue list and the boundary
  months (`time_open`, `category_open`) are built from `booked`, `closed`, `not_lost`,
  `left_out`, `still_open` and `weight` read as the row is now; the month buckets are its
  own, and `tests/forecast/test_rollups.py` compares every cell of forecasts from the
  rollup with forecasts from `counted_on`, to the cent, on random pipelines, dates and
  fiscal years.
- `roadmap/goals.py` (SPEC §6's booked and pipeline coverage): each opportunity's
  `booked`, `in_pipeline` and `close_date` on D come from here, as columns of its SQL;
  `tests/roadmap/test_goal_figures.py` compares its figures with a plain reading of these
  rules on random pipelines and dates, and booked in the quota year with the forecast's
  `booked` cell. Its pipeline leaves out a deal closed but not booked, which the category
  view still places: coverage adds only deals still to be won.
- `submissions.py` totals frozen snapshot rows, each carrying the columns computed here
  when it was submitted.
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
from django.db.models.functions import Cast, Coalesce, Round
from django.utils.translation import pgettext_lazy

from salespath.lib.fiscal import (
    FiscalQuarter,
    Period,
    add_months,
    fiscal_quarter_of,
    fiscal_year_of,
    fiscal_year_period,
)
from salespath.pipeline.history import in_history, not_lost_few, status_on, unchanged_since
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


# --- the rules: `as_of` is D, or None for "as the row is now" (see the module's docstring)


def booked(as_of: date | None) -> Q:
    return Q(signed_on__isnull=False) if as_of is None else Q(signed_on__lte=as_of)


def not_booked(as_of: date | None) -> Q:
    return Q(signed_on__isnull=True) if as_of is None else ~Q(signed_on__lte=as_of)


def closed(as_of: date | None) -> Q:
    return Q(won_on__isnull=False) if as_of is None else Q(won_on__lte=as_of)


def not_closed(as_of: date | None) -> Q:
    return Q(won_on__isnull=True) if as_of is None else ~Q(won_on__lte=as_of)


def not_lost(as_of: date | None) -> Q:
    """Not lost on D. On a date it needs the `standing_on_d` alias (`with_columns`): the
    status on D, a missing history row (status NULL) counting as open — one reading of the
    history per row, where "NULL or not lost" wrote the lookup twice."""
    if as_of is None:
        return ~Q(status=Status.LOST)
    return ~Q(standing_on_d=Status.LOST)


def standing_on(as_of: date) -> Coalesce:
    """`status_on` with a missing history row read as open (`not_lost`)."""
    return Coalesce(status_on(as_of), Value(Status.OPEN))


OMITTED = Q(forecast_category=ForecastCategory.OMITTED)
COMMIT = Q(forecast_category=ForecastCategory.COMMIT)
BEST_CASE = Q(forecast_category=ForecastCategory.BEST_CASE)


def left_out(as_of: date | None) -> Q:
    """Omitted and open in both senses, neither booked nor closed on D: in no column of
    either view."""
    return OMITTED & not_booked(as_of) & not_closed(as_of)


def still_open(view: str, as_of: date | None) -> Q:
    """Not lost and in one of the view's open columns (not `closed` / `booked`): the deals
    that can be overdue. Among the deals not done in a view, `left_out` is "omitted and not
    done in the other sense"; said so, the condition names only columns of the view's
    overdue index (pipeline migration 0010)."""
    return not_lost(as_of) & open_in_view(view, as_of)


def open_in_view(view: str, as_of: date | None) -> Q:
    """`still_open` for deals already known not lost (`counted_on`): on a date, the status
    then is read from the history, and saying it twice made the engines read it twice."""
    if view == TIME:
        return not_closed(as_of) & ~(OMITTED & not_booked(as_of))
    return not_booked(as_of) & ~(OMITTED & not_closed(as_of))


def weight(as_of: date | None) -> Case:
    """Percent of its amount the weighted forecast counts: 100 once booked or closed."""
    return Case(
        When(booked(as_of) | closed(as_of), then=Value(100)),
        default=F("probability"),
        output_field=IntegerField(),
    )


def close_date(event: str, as_of: date) -> Case:
    """The event's date (`won_on`: time view, `signed_on`: category view) if it came after
    D, else the expected close date."""
    return Case(When(**{f"{event}__gt": as_of}, then=F(event)), default=F("expected_close"))


def signed_in(period: Period) -> Q:
    """Signed in `period` and not lost today: what attainment and accuracy count (not the
    forecast's `booked` on D; see the module's docstring)."""
    return signed_between(period.start, period.end)


def signed_between(start: date, end: date | F) -> Q:
    """`signed_in` with an end that may be a column: accuracy's "booked so far" reads a
    submission's frozen rows, signed from the quarter's start up to the submission's date and
    not lost when it was submitted."""
    return Q(signed_on__gte=start, signed_on__lte=end) & ~Q(status=Status.LOST)


def in_pipeline(as_of: date) -> Q:
    """Open on D in every sense (neither booked nor closed; lost is read separately) and not
    omitted: the pipeline SPEC §6's coverage adds to what is booked."""
    return not_booked(as_of) & not_closed(as_of) & ~OMITTED


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
    return Case(
        When(closed(h.as_of) & Q(won_on__gte=h.fiscal_year.start), then=Value("closed")),
        When(closed(h.as_of), then=_null()),  # completed before this fiscal year
        When(left_out(h.as_of), then=_null()),
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
    in_q = Q(category_close__lte=h.quarter.period.end)
    in_next_q = Q(category_close__lte=h.next_quarter.period.end)
    return Case(
        When(booked(h.as_of) & Q(signed_on__gte=h.fiscal_year.start), then=Value("booked")),
        When(booked(h.as_of), then=_null()),  # booked before this fiscal year
        When(left_out(h.as_of), then=_null()),
        When(COMMIT & in_q, then=Value("commit_q")),
        When(BEST_CASE & in_q, then=Value("best_q")),
        When((COMMIT | BEST_CASE) & in_next_q, then=Value("best_next_q")),
        default=Value("pipeline"),
        output_field=CharField(),
    )


def counted_on(h: Horizon, queryset: QuerySet | None = None, *, few: bool = False) -> QuerySet:
    """Opportunities that existed on D and were not lost on D, with the aliases
    `standing_on_d` (`not_lost`'s), `time_close`, `category_close`, `time_column`,
    `category_column` and `weight` (percent the weighted forecast counts). Not the stage and
    status on D, which no forecast reads: each is a lookup in the history that the ORM
    resolved, copied and compiled with every query built on these (the snapshot of a
    submission adds them, `services._snapshot_population`).

    `few`: `queryset` is already narrowed by an index to a few thousand deals (those
    closing on some days): the creation date is then checked on each of them, never read
    from its index, which PostgreSQL otherwise intersected with them — a bitmap of half a
    million deals created by D, 20–26 ms a query at scale L, to drop a few thousand. And
    "not lost on D" reads the history only for those that left a loss after D
    (`history.not_lost_few`): the same rows, without a look-up in the history for each."""
    queryset = Opportunity.objects.all() if queryset is None else queryset
    created = "created_on"
    if few:  # an expression no index answers; the date is never empty
        queryset, created = queryset.alias(created=Coalesce(created, created)), "created"
    # "not created after D" rather than "created on or before D" (the same rows: the date is
    # never empty): SQLite would otherwise read a company's opportunities in the order of
    # the index by creation date, one table page per row, when nearly all of them match.
    counted = with_columns(h, queryset.exclude(**{f"{created}__gt": h.as_of}))
    if few:
        return counted.filter(not_lost_few(h.as_of, "standing_on_d"))
    return counted.filter(not_lost(h.as_of))


def with_columns(h: Horizon, queryset: QuerySet) -> QuerySet:
    return queryset.alias(
        standing_on_d=standing_on(h.as_of),
        time_close=close_date("won_on", h.as_of),
        category_close=close_date("signed_on", h.as_of),
        time_column=time_column(h),
        category_column=category_column(h),
        weight=weight(h.as_of),
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
