"""Two reports of the web pages: the stage funnel and attainment versus quota. A few
set-based queries each, never one per opportunity.

(Kept in the web app while the pipeline app is being changed by its own engineer; it reads
only the pipeline's models and `history`.)

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

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from salespath.forecast.queries import booked_by_owner, people_in_scope
from salespath.lib.fiscal import Period
from salespath.org.quotas import quotas_for_period
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity, Stage, StageChange, Status

FUNNEL_STAGES = ("S2", "S3", "S4", "S5", "S6", "S7")
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
    furthest = StageChange.objects.filter(opportunity=OuterRef("pk")).order_by("-to_stage__order")
    cohort = (
        in_scope.filter(created_on__gte=period.start, created_on__lte=period.end)
        .annotate(furthest=Subquery(furthest.values("to_stage__order")[:1]))
        .values("furthest", "status")
        .annotate(n=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
        .order_by()
    )
    funnel = Funnel(period=period, stages=[rows[stage.code] for stage in stages])
    for group in cohort:
        # An opportunity without history (none should lack it) counts in its current stage.
        furthest = group["furthest"] or order_of["S2"]
        funnel.cohort += group["n"]
        if group["status"] == Status.WON:
            funnel.won += group["n"]
            funnel.won_amount += group["amount"]
        elif group["status"] == Status.LOST:
            funnel.lost += group["n"]
        for stage in stages:
            if stage.order <= furthest:
                rows[stage.code].reached += group["n"]
                rows[stage.code].reached_amount += group["amount"]
    for current, following in zip(funnel.stages, funnel.stages[1:], strict=False):
        current.conversion = _percent(following.reached, current.reached)
    if funnel.stages:
        funnel.stages[-1].conversion = _percent(funnel.won, funnel.stages[-1].reached)

    # 3. Stays in each stage that began in the period, ended by the next change if any.
    next_change = StageChange.objects.filter(opportunity=OuterRef("opportunity")).filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), pk__gt=OuterRef("pk"))
    )
    stays = (
        StageChange.objects.filter(
            to_status=Status.OPEN,
            to_stage__in=FUNNEL_STAGES,
            effective_on__gte=period.start,
            effective_on__lte=min(period.end, today),
            **scope.owner_filter("opportunity__owner"),
        )
        .annotate(
            left_on=Subquery(next_change.order_by("effective_on", "pk").values("effective_on")[:1])
        )
        .annotate(
            stay=ExpressionWrapper(F("left_on") - F("effective_on"), output_field=DurationField())
        )
        .values("to_stage")
        .annotate(
            average=Avg("stay", filter=Q(left_on__isnull=False)),
            completed=Count("pk", filter=Q(left_on__isnull=False)),
            running=Count("pk", filter=Q(left_on__isnull=True)),
        )
        .order_by()
    )
    for row in stays:
        stage = rows.get(row["to_stage"])
        if stage is None:
            continue
        stage.completed_stays, stage.running_stays = row["completed"], row["running"]
        if row["average"] is not None:
            days = row["average"].total_seconds() / 86400
            stage.average_days = Decimal(str(days)).quantize(Decimal("0.1"))
    return funnel


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
    (`signed_on`) in the period and that are not lost today. Three queries."""
    booked = booked_by_owner(scope, period)
    people = people_in_scope(scope, set(booked))
    quotas = quotas_for_period(people, period)
    rows = [
        Attainment(
            person=person,
            quota=quotas.get(person.pk, Decimal("0.00")),
            booked=(booked.get(person.pk) or {}).get("booked") or Decimal("0.00"),
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
