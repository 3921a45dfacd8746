"""Two reports of the web pages: the stage funnel and attainment versus quota. A few
set-based queries each, never one per opportunity.

It lives in the web app, above the apps it reads, because only the analysis pages show
these reports and each combines several apps: the pipeline's stage history, the forecast's
booked amounts and people in scope, and the quotas of `org`.

Readings of SPEC for the funnel, as a sales manager would expect them:
- the *cohort* is the scope's opportunities created in the period;
- an opportunity *reached* a stage when its stage history ever entered that stage or a later
  one (an imported deal that starts in S5 has passed S2–S4); conversion from stage N to N+1
  is reached(N+1) ÷ reached(N) within the cohort, and the last step is S7 → won;
- *average days in stage* is over completed stays that began in the period: a stay runs from
  the day the stage was entered to the day of the next change (advance, move back, loss);
  a stay still running is not averaged in (its days are still growing), but counted apart;
- the open pipeline (count and amount per stage) is as it stands today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lead

from salespath.forecast.attainment import signed_by_owner
from salespath.forecast.people import people_in_scope
from salespath.forecast.state import in_cents
from salespath.lib.fiscal import Period
from salespath.org.quotas import quotas_for_period
from salespath.org.scopes import Scope
from salespath.pipeline.models import OPPORTUNITY_STAGES, Opportunity, Stage, StageChange, Status
from salespath.replicas import report_connection

FUNNEL_STAGES = OPPORTUNITY_STAGES
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))


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


def stage_funnel(scope: Scope, period: Period, *, today: date) -> Funnel:
    """The funnel of `scope` for opportunities created in `period`. Four queries."""
    stages = list(Stage.objects.filter(code__in=FUNNEL_STAGES).order_by("order"))
    order_of = {stage.code: stage.order for stage in stages}
    rows = {stage.code: FunnelStage(stage.code, stage.label) for stage in stages}
    in_scope = Opportunity.objects.filter(**scope.owner_filter())

    # 1. Today's open pipeline per stage.
    for row in (
        in_scope.filter(status=Status.OPEN)
        .values("stage_id")
        .annotate(n=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
        .order_by()
    ):
        if row["stage_id"] in rows:
            rows[row["stage_id"]].open_count = row["n"]
            rows[row["stage_id"]].open_amount = row["amount"]

    # 2. The cohort by the furthest stage reached and the status today.
    funnel = Funnel(period=period, stages=[rows[stage.code] for stage in stages])
    for furthest, status, n, cents in _cohort(in_scope, period):
        amount = Decimal(cents or 0).scaleb(-2)
        # An opportunity without history (none should lack it) counts as having reached S2.
        furthest = furthest or order_of["S2"]
        funnel.cohort += n
        if status == Status.WON:
            funnel.won += n
            funnel.won_amount += amount
        elif status == Status.LOST:
            funnel.lost += n
        for stage in stages:
            if stage.order <= furthest:
                rows[stage.code].reached += n
                rows[stage.code].reached_amount += amount
    for current, following in zip(funnel.stages, funnel.stages[1:], strict=False):
        current.conversion = _percent(following.reached, current.reached)
    if funnel.stages:
        funnel.stages[-1].conversion = _percent(funnel.won, funnel.stages[-1].reached)

    # 3. Stays in each stage that began in the period, ended by the next change if any.
    for stage_code, average, completed, running in _stays(scope, period, today):
        stage = rows.get(stage_code)
        if stage is None:
            continue
        stage.completed_stays, stage.running_stays = completed, running
        if average is not None:
            stage.average_days = Decimal(str(average)).quantize(Decimal("0.1"))
    return funnel


# The cohort per furthest stage reached and status today: how many, and their amount in cents.
COHORT_SQL = """
    SELECT c.furthest, c.status, COUNT(*), SUM(c.cents)
    FROM ({opportunities}) c
    GROUP BY c.furthest, c.status
"""


def _cohort(in_scope: QuerySet, period: Period) -> list[tuple]:
    """(furthest stage order, status, count, cents) of the opportunities of `in_scope`
    created in `period`. Each one's furthest stage is the highest its history entered, from
    one join grouped by opportunity rather than a sorted look-up per opportunity (about
    three times faster for a company at scale L)."""
    opportunities = (
        in_scope.filter(created_on__gte=period.start, created_on__lte=period.end)
        .values("pk", "status")
        .annotate(cents=in_cents(F("amount")), furthest=Max("stage_changes__to_stage__order"))
        .order_by()
    )
    sql, params = opportunities.query.sql_with_params()
    with report_connection().cursor() as cursor:
        cursor.execute(COHORT_SQL.format(opportunities=sql), params)
        return cursor.fetchall()


# Per stage: the average length of the stays that ended, how many ended, how many still run.
STAYS_SQL = """
    SELECT s.to_stage_id, AVG(CASE WHEN s.left_on IS NOT NULL THEN {days} END),
           COUNT(s.left_on), COUNT(*) - COUNT(s.left_on)
    FROM ({changes}) s
    WHERE s.to_status = %s AND s.to_stage_id IN ({stages}) AND s.effective_on <= %s
    GROUP BY s.to_stage_id
"""


def _stays(scope: Scope, period: Period, today: date) -> list[tuple]:
    """(stage, average days, completed, running) of the stays in each stage that began in
    `period` (up to `today`). A stay ends with the opportunity's next change — the next by
    date, then by id — read with LEAD over its history from the period's start (every change
    after a stay that began in the period is in it): one pass over the period's history
    instead of a look-up per stay, which is far too slow for a large company."""
    changes = (
        StageChange.objects.filter(
            effective_on__gte=period.start, **scope.owner_filter("opportunity__owner")
        )
        .annotate(
            left_on=Window(
                Lead("effective_on"),
                partition_by=F("opportunity_id"),
                order_by=[F("effective_on").asc(), F("id").asc()],
            )
        )
        .values("to_stage_id", "to_status", "effective_on", "left_on")
        .order_by()
    )
    sql, params = changes.query.sql_with_params()
    days = (
        "(s.left_on - s.effective_on)"
        if connection.vendor == "postgresql"
        else "(julianday(s.left_on) - julianday(s.effective_on))"
    )
    query = STAYS_SQL.format(days=days, changes=sql, stages=", ".join(["%s"] * len(FUNNEL_STAGES)))
    last = min(period.end, today).isoformat()
    with report_connection().cursor() as cursor:
        cursor.execute(query, [*params, Status.OPEN.value, *FUNNEL_STAGES, last])
        return cursor.fetchall()


@dataclass
class Attainment:
    person: object
    quota: Decimal
    booked: Decimal
    deals: int

    @property
    def percent(self) -> Decimal | None:
        if not self.quota:
            return None
        return (self.booked * 100 / self.quota).quantize(Decimal("0.1"))

    @property
    def gap(self) -> Decimal:
        return max(self.quota - self.booked, Decimal("0.00"))


def attainment(scope: Scope, period: Period) -> tuple[list[Attainment], Attainment]:
    """Booked per salesperson in `period` against their quota for it, and the total.

    Booked is what the forecast's accuracy counts: opportunities whose contract was signed
    (`signed_on`) in the period and that are not lost today (`forecast.state.signed_in`).
    Three queries."""
    booked = signed_by_owner(scope, period)
    people = people_in_scope(scope, set(booked))
    quotas = quotas_for_period(people, period)
    rows = [
        Attainment(
            person=person,
            quota=quotas.get(person.pk, Decimal("0.00")),
            booked=(booked.get(person.pk) or {}).get("amount") or Decimal("0.00"),
            deals=(booked.get(person.pk) or {}).get("deals") or 0,
        )
        for person in people
    ]
    total = Attainment(
        person=None,
        quota=sum((row.quota for row in rows), Decimal("0.00")),
        booked=sum((row.booked for row in rows), Decimal("0.00")),
        deals=sum(row.deals for row in rows),
    )
    return rows, total
