"""The stage funnel: its rules, once, and the report read from them.

Readings of SPEC for the funnel, as a sales manager would expect them:
- the *cohort* is the scope's opportunities created in the period;
- an opportunity *reached* a stage when its stage history ever entered that stage or a later
  one (an imported deal that starts in S5 has passed S2–S4); conversion from stage N to N+1
  is reached(N+1) ÷ reached(N) within the cohort, and the last step is S7 → won;
- *average days in stage* is over completed stays that began in the period: a stay runs from
  the day the stage was entered to the day of the next change (advance, move back, loss);
  a stay still running is not averaged in (its days are still growing), but counted apart;
- the open pipeline (count and amount per stage) is as it stands today.

Each rule is an SQL sum over one row per opportunity (`opportunities`) or per stage change
(`changes`): `_cohort_sums` and `_stay_sums`. Summed over a range of dates they are the
funnel of those days; grouped by owner and month they are the stored rollup
(`FunnelMonth`, kept by `funnel_rollup.py` with these same sums), and grouped by owner and
day `FunnelDay`. Every measure adds up across days and owners, so the report of a period
sums the months it holds whole and the days of its partial months (or the rest of those
months, to subtract, when that is fewer days) from the stored rows.
`SALESPATH_FUNNEL_ROLLUP = False` reads the whole period from the history.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Lead, Round

from salespath.lib.fiscal import Period
from salespath.org.scopes import Scope
from salespath.replicas import report_connection

from .models import (
    OPPORTUNITY_STAGES,
    FunnelDay,
    FunnelMonth,
    Opportunity,
    Stage,
    StageChange,
    Status,
)
from .models.funnel import MEASURES

FUNNEL_STAGES = OPPORTUNITY_STAGES
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))
STAGE = Stage._meta.db_table


def enabled() -> bool:
    """`SALESPATH_FUNNEL_ROLLUP = False` makes the funnel read the whole period from the
    stage history instead of the months of `FunnelMonth`."""
    return getattr(settings, "SALESPATH_FUNNEL_ROLLUP", True)


# --- the rules as SQL --------------------------------------------------------------------


def _code(value: str) -> str:
    """A stage or status code written into SQL (the sums are one text per engine)."""
    if not (isinstance(value, str) and value.isidentifier()):
        raise ValueError(f"not a code to write into SQL: {value!r}")
    return f"'{value}'"


def _order(code: str) -> str:
    return f"(SELECT {connection.ops.quote_name('order')} FROM {STAGE} WHERE code = {_code(code)})"


def _cohort_sums() -> dict[str, str]:
    """Per measure, its sum over `c`, rows of `opportunities`. An opportunity without
    history (none should lack it) counts as having reached S2."""
    furthest = f"COALESCE(c.furthest, {_order(FUNNEL_STAGES[0])})"
    cents = "COALESCE(c.cents, 0)"
    won, lost = f"c.status = {_code(Status.WON.value)}", f"c.status = {_code(Status.LOST.value)}"
    sums = {
        "cohort": "COUNT(*)",
        "won": f"SUM(CASE WHEN {won} THEN 1 ELSE 0 END)",
        "won_cents": f"SUM(CASE WHEN {won} THEN {cents} ELSE 0 END)",
        "lost": f"SUM(CASE WHEN {lost} THEN 1 ELSE 0 END)",
    }
    for code in FUNNEL_STAGES:
        reached = f"{furthest} >= {_order(code)}"
        sums[f"reached_{code.lower()}"] = f"SUM(CASE WHEN {reached} THEN 1 ELSE 0 END)"
        sums[f"reached_cents_{code.lower()}"] = f"SUM(CASE WHEN {reached} THEN {cents} ELSE 0 END)"
    return sums


def _stay_sums() -> dict[str, str]:
    """Per measure, its sum over `s`, rows of `changes` limited by `stays_condition`: a stay ended
    by a later change is completed and its days counted; one without is still running."""
    if connection.vendor == "postgresql":
        days = "(s.left_on - s.effective_on)"
    else:
        days = "CAST(ROUND(julianday(s.left_on) - julianday(s.effective_on)) AS INTEGER)"
    sums = {}
    for code in FUNNEL_STAGES:
        done = f"s.to_stage_id = {_code(code)} AND s.left_on IS NOT NULL"
        running = f"s.to_stage_id = {_code(code)} AND s.left_on IS NULL"
        sums[f"completed_{code.lower()}"] = f"SUM(CASE WHEN {done} THEN 1 ELSE 0 END)"
        sums[f"running_{code.lower()}"] = f"SUM(CASE WHEN {running} THEN 1 ELSE 0 END)"
        sums[f"days_{code.lower()}"] = f"SUM(CASE WHEN {done} THEN {days} ELSE 0 END)"
    return sums


def stays_condition() -> str:
    """The changes that begin a stay the funnel counts: into an open deal's funnel stage."""
    stages = ", ".join(_code(code) for code in FUNNEL_STAGES)
    return f"s.to_status = {_code(Status.OPEN.value)} AND s.to_stage_id IN ({stages})"


def select_list(sums: dict[str, str]) -> str:
    """Every measure in `MEASURES` order and named so, 0 for those `sums` does not count."""
    return ", ".join(f"{sums.get(measure, '0')} AS {measure}" for measure in MEASURES)


def cohort_select_list() -> str:
    return select_list(_cohort_sums())


def stay_select_list() -> str:
    return select_list(_stay_sums())


def opportunities(queryset: QuerySet) -> QuerySet:
    """One row per opportunity of `queryset`: its owner, creation day, status and amount
    (in integer cents, exact on every engine) today, and the furthest stage its history
    entered — from one join grouped by opportunity rather than a sorted look-up per
    opportunity (about three times faster for a company at scale L)."""
    return (
        queryset.values("pk", "owner_id", "created_on", "status")
        .annotate(
            cents=Cast(Round(F("amount") * 100), BigIntegerField()),
            furthest=Max("stage_changes__to_stage__order"),
        )
        .order_by()
    )


def changes(queryset: QuerySet, *, until: date | None = None, owner: bool = True) -> QuerySet:
    """One row per stage change of `queryset`, with the opportunity's owner and the day its
    next change took effect (`left_on`, none if it is the last): the next by date, then by
    id, read with LEAD over the opportunity's history — one pass, not a look-up per stay.
    `queryset` may leave out an opportunity's changes before some day, and with `until`
    those after that day: a change with no next one up to it then ends with the first one
    after it (one indexed look-up), which spares reading the history after a few days."""
    left_on = Window(
        Lead("effective_on"),
        partition_by=F("opportunity_id"),
        order_by=[F("effective_on").asc(), F("id").asc()],
    )
    if until is not None:
        after = StageChange.objects.filter(
            opportunity_id=OuterRef("opportunity_id"), effective_on__gt=until
        ).order_by("effective_on")
        left_on = Coalesce(left_on, Subquery(after.values("effective_on")[:1]))
    columns = ["to_stage_id", "to_status", "effective_on", "left_on"]
    if owner:  # the rollup's rows are per owner; a report's sums are not
        queryset, columns = (
            queryset.annotate(owner_id=F("opportunity__owner_id")),
            ["owner_id", *columns],
        )
    return queryset.annotate(left_on=left_on).values(*columns).order_by()


# --- the report ---------------------------------------------------------------------------


@dataclass
class FunnelStage:
    code: str
    label: str
    open_count: int = 0
    open_amount: Decimal = Decimal("0.00")
    reached: int = 0
    reached_amount: Decimal = Decimal("0.00")
    conversion: Decimal | None = None  # % of this stage's cohort that reached the next step
    average_days: Decimal | None = None
    completed_stays: int = 0
    running_stays: int = 0


@dataclass
class Funnel:
    period: Period
    stages: list[FunnelStage]
    cohort: int = 0
    won: int = 0
    won_amount: Decimal = Decimal("0.00")
    lost: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def win_rate(self) -> Decimal | None:
        return _percent(self.won, self.cohort)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _cents(value: int) -> Decimal:
    return Decimal(value or 0).scaleb(-2).quantize(Decimal("0.01"))


def stage_funnel(scope: Scope, period: Period, *, today: date) -> Funnel:
    """The funnel of `scope` for opportunities created in `period`; the stays are those
    that began in it up to `today`. Three queries."""
    stages = list(Stage.objects.filter(code__in=FUNNEL_STAGES).order_by("order"))
    rows = {stage.code: FunnelStage(stage.code, stage.label) for stage in stages}

    # 1. Today's open pipeline per stage.
    for row in (
        Opportunity.objects.filter(**scope.owner_filter(), status=Status.OPEN)
        .values("stage_id")
        .annotate(n=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
        .order_by()
    ):
        if row["stage_id"] in rows:
            rows[row["stage_id"]].open_count = row["n"]
            rows[row["stage_id"]].open_amount = row["amount"]

    # 2. The cohort and the stays, every measure summed in one statement.
    sums = funnel_sums(scope, period, today=today, rollup=enabled())
    funnel = Funnel(period=period, stages=[rows[stage.code] for stage in stages])
    funnel.cohort, funnel.won, funnel.lost = sums["cohort"], sums["won"], sums["lost"]
    funnel.won_amount = _cents(sums["won_cents"])
    for stage in funnel.stages:
        code = stage.code.lower()
        stage.reached = sums[f"reached_{code}"]
        stage.reached_amount = _cents(sums[f"reached_cents_{code}"])
        stage.completed_stays = sums[f"completed_{code}"]
        stage.running_stays = sums[f"running_{code}"]
        if stage.completed_stays:
            average = Decimal(sums[f"days_{code}"]) / stage.completed_stays
            stage.average_days = average.quantize(Decimal("0.1"))
    for current, following in zip(funnel.stages, funnel.stages[1:], strict=False):
        current.conversion = _percent(following.reached, current.reached)
    if funnel.stages:
        funnel.stages[-1].conversion = _percent(funnel.won, funnel.stages[-1].reached)
    return funnel


# --- summing a period ---------------------------------------------------------------------

Range = tuple[date, date, int]  # first day, last day, +1 to add or -1 to subtract


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _days_with_data(start: date, end: date, today: date) -> int:
    """Days of [start, end] that may hold history: none lies after today."""
    return max(0, (min(end, today) - start).days + 1)


def split(start: date, end: date, today: date) -> tuple[list[date], list[Range]]:
    """[start, end] as whole months (their first days) and ranges of days: a partial month is
    either its own days (+1) or its whole month less the rest of it (-1), whichever holds
    fewer days of history (days after today hold none)."""
    months: list[date] = []
    ranges: list[Range] = []
    month = start.replace(day=1)
    while month <= end:
        last = _month_end(month)
        first_day, last_day = max(start, month), min(end, last)
        if (first_day, last_day) == (month, last):
            months.append(month)
        else:
            rest = [(month, first_day - timedelta(days=1)), (last_day + timedelta(days=1), last)]
            rest = [(a, b) for a, b in rest if a <= b]
            if sum(_days_with_data(a, b, today) for a, b in rest) < _days_with_data(
                first_day, last_day, today
            ):
                months.append(month)
                ranges.extend((a, b, -1) for a, b in rest)
            else:
                ranges.append((first_day, last_day, 1))
        month = last + timedelta(days=1)
    return months, ranges


def _cohort_part(scope: Scope, days: Range) -> tuple[str, list]:
    """The cohort of the opportunities created in `days`, with the range's sign. One range
    per statement, so that each is one indexed range read (an OR of ranges is a scan)."""
    first, last, sign = days
    rows = opportunities(
        Opportunity.objects.filter(
            created_on__gte=first, created_on__lte=last, **scope.owner_filter()
        )
    )
    sql, params = rows.query.sql_with_params()
    return f"SELECT {sign} AS sign, {cohort_select_list()} FROM ({sql}) c", list(params)


def _stays_part(scope: Scope, days: Range) -> tuple[str, list]:
    """The stays that began in `days`, with the range's sign; each ends with the next change,
    read from every change from the range's first day."""
    first, last, sign = days
    history = StageChange.objects.filter(
        effective_on__gte=first, **scope.owner_filter("opportunity__owner")
    )
    sql, params = changes(history, owner=False).query.sql_with_params()
    return (
        f"SELECT {sign} AS sign, {stay_select_list()} FROM ({sql}) s "
        f"WHERE {stays_condition()} AND s.effective_on BETWEEN %s AND %s",
        [*params, first, last],
    )


def _months_part(scope: Scope, months: list[date], measures: Iterable[str]) -> tuple[str, list]:
    """The rollup's rows of these months, summed for `measures` (0 for the others: the
    cohort's and the stays' periods may hold different whole months)."""
    rows = FunnelMonth.objects.filter(month__in=months, **scope.owner_filter())
    return _stored_part(rows, 1, measures)


def _days_part(scope: Scope, days: Range, measures: Iterable[str]) -> tuple[str, list]:
    """The stored days of the range (`FunnelDay`), summed for `measures` with its sign."""
    first, last, sign = days
    rows = FunnelDay.objects.filter(day__gte=first, day__lte=last, **scope.owner_filter())
    return _stored_part(rows, sign, measures)


def _stored_part(rows: QuerySet, sign: int, measures: Iterable[str]) -> tuple[str, list]:
    measures = set(measures)
    sql, params = rows.values(*measures).query.sql_with_params()
    columns = ", ".join(
        f"SUM(m.{measure}) AS {measure}" if measure in measures else f"0 AS {measure}"
        for measure in MEASURES
    )
    return f"SELECT {int(sign)} AS sign, {columns} FROM ({sql}) m", list(params)


def funnel_sums(scope: Scope, period: Period, *, today: date, rollup: bool) -> dict[str, int]:
    """Every measure of the funnel of `scope` in `period` (stays up to `today`), from the
    rollup's months and days (`rollup`) or from the history alone. One statement."""
    last_stay = min(period.end, today)
    parts: list[tuple[str, list]] = []
    if rollup:
        cohort = split(period.start, period.end, today)
        stays = split(period.start, last_stay, today) if period.start <= last_stay else ([], [])
        # the usual case, a period ending by today, reads every measure from the same rows
        readings = (
            [(cohort, MEASURES)]
            if cohort == stays
            else [(cohort, _cohort_sums()), (stays, _stay_sums())]
        )
        for (months, ranges), measures in readings:
            if months:
                parts.append(_months_part(scope, months, measures))
            parts += [_days_part(scope, days, measures) for days in ranges]
    else:
        parts.append(_cohort_part(scope, (period.start, period.end, 1)))
        if period.start <= last_stay:
            parts.append(_stays_part(scope, (period.start, last_stay, 1)))
    if not parts:
        return dict.fromkeys(MEASURES, 0)
    union = " UNION ALL ".join(sql for sql, _params in parts)
    totals = ", ".join(f"SUM(p.sign * p.{measure})" for measure in MEASURES)
    params = [param for _sql, part_params in parts for param in part_params]
    with report_connection().cursor() as cursor:
        cursor.execute(f"SELECT {totals} FROM ({union}) p", params)
        values = cursor.fetchone()
    return {measure: int(value or 0) for measure, value in zip(MEASURES, values, strict=True)}
