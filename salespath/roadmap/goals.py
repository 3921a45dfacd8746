"""Phase goals (SPEC §6) on an as-of date, for many people in a fixed number of queries.

Counting rules, as a sales manager reads them:
- "Customers at Sx+": distinct customers with an opportunity the person owns (today's
  owner) that on the date existed, was not lost, and was at stage Sx or later (from stage
  history). Won opportunities are in S7 and count.
- "Potential opportunities" (P0): the seed says "five potential-opportunity *customers*"
  (五家潜在的商机客户), so it is the customers at S2+ count.
- "Target customers researched": customers the person owns that are target customers (S1:
  target industry, large or medium, a multi-site group enterprise, S1.3 and S1.4 attested;
  or marked as target by a supervisor — today's profile) and whose S2.1 basics were complete
  on the date.
- Booked: opportunity amounts whose contract was signed in the window and on or before the
  date, unless lost by the date. Achievement = booked / the window's quota.
- Pipeline coverage = (booked in the quota year + the amount of opportunities open on the
  date, not booked, not omitted (不计入), whose close date falls in the quota year) / the
  annual quota. The close date is the signing date when signing came after the date,
  otherwise the expected close date; an overdue one counts as closing on the date (SPEC §5).
- A completed sale: an opportunity that reached S7 (SPEC §5 "closed") within the current
  quota year, on or before the date and not lost, with amount ≥ the big-sale amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from salespath.customers.models import Customer
from salespath.customers.qualification import target_customer_q
from salespath.lib.fiscal import Period
from salespath.org.models import User
from salespath.org.quotas import prorated, quarter_amounts_by_person
from salespath.pipeline.history import changed_after, stage_on, status_on
from salespath.pipeline.models import ForecastCategory, Opportunity, Stage, StageChange, Status

from .models import Playbook, SignOff, SkillItem
from .phases import P0, P1, P2, P3, Phase, quota_quarter_period, quota_year_period
from .status import Item, judge, judge_signoff

STAGE_THRESHOLDS = ("S2", "S3", "S5", "S6")


@dataclass
class Figures:
    """What the data shows for one person on the date."""

    customers_at: dict[str, int]
    target_customers: int = 0
    booked_year: Decimal = Decimal(0)
    booked_quarter2: Decimal = Decimal(0)
    open_in_year: Decimal = Decimal(0)
    big_sales: int = 0
    signed_off: frozenset[str] = frozenset()
    annual_quota: Decimal = Decimal(0)
    quarter2_quota: Decimal = Decimal(0)


def _per_person(values: dict[int, date | None]) -> Case:
    """An owner-dependent date, as SQL: each person's own quota-year window."""
    whens = [When(owner_id=pk, then=Value(day)) for pk, day in values.items() if day]
    return Case(*whens, default=Value(None), output_field=DateField())


def _stages_from(codes: list[tuple[str, int]], threshold: str) -> list[str]:
    order = dict(codes)[threshold]
    return [code for code, stage_order in codes if stage_order >= order]


def _maybe_not_lost_on(as_of: date) -> Q:
    """A superset of the opportunities not lost on `as_of` that needs no history: every
    figure here leaves out what was lost on the date, and at scale most of a person's
    opportunities are lost ones from past years.

    It holds them all: an opportunity with no stage change after `as_of` is in the state
    its row shows today (`pipeline.history`), so if it was not lost on `as_of` it is not
    lost today; every other one has a change after `as_of`."""
    # "status IN (the others)" rather than "NOT lost", so that an index can find them.
    not_lost = [status for status in Status.values if status != Status.LOST]
    return Q(status__in=not_lost) | changed_after(as_of)


def figures(
    people: list[User], phases: dict[int, Phase | None], as_of: date, playbook: Playbook
) -> dict[int, Figures]:
    ids = [person.pk for person in people]
    stages = list(Stage.objects.order_by("order").values_list("code", "order"))
    found = {pk: Figures(customers_at=dict.fromkeys(STAGE_THRESHOLDS, 0)) for pk in ids}

    years: dict[int, Period] = {}
    quarters2: dict[int, Period] = {}
    for person in people:
        phase = phases.get(person.pk)
        if phase and phase.quota_year:
            years[person.pk] = quota_year_period(person.quota_start_date, phase.quota_year)
            quarters2[person.pk] = quota_quarter_period(
                person.quota_start_date, phase.quota_year, 2
            )

    not_lost = ~Q(_status=Status.LOST)
    booked_by_date = Q(signed_on__lte=as_of) & not_lost
    close_on = Case(
        When(signed_on__gt=as_of, then=F("signed_on")),
        default=F("expected_close"),
        output_field=DateField(),
    )
    reached_s7 = (
        StageChange.objects.filter(
            opportunity=OuterRef("pk"), to_stage_id="S7", effective_on__lte=as_of
        )
        .order_by("effective_on", "id")
        .values("effective_on")[:1]
    )
    counts = {
        f"at_{code}": Count(
            "customer", distinct=True, filter=not_lost & Q(_stage__in=_stages_from(stages, code))
        )
        for code in STAGE_THRESHOLDS
        if code in dict(stages)
    }
    rows = (
        Opportunity.objects.filter(owner_id__in=ids)
        .filter(_maybe_not_lost_on(as_of))
        .annotate(
            _stage=stage_on(as_of),
            _status=status_on(as_of),
            _year_start=_per_person({pk: p.start for pk, p in years.items()}),
            _year_end=_per_person({pk: p.end for pk, p in years.items()}),
            _q2_start=_per_person({pk: p.start for pk, p in quarters2.items()}),
            _q2_end=_per_person({pk: p.end for pk, p in quarters2.items()}),
            _close_on=close_on,
            _s7_on=Subquery(reached_s7, output_field=DateField()),
        )
        .filter(_stage__isnull=False)
        .values("owner_id")
        .annotate(
            **counts,
            booked_year=Sum("amount", filter=booked_by_date & Q(signed_on__gte=F("_year_start"))),
            booked_q2=Sum(
                "amount",
                filter=booked_by_date
                & Q(signed_on__gte=F("_q2_start"), signed_on__lte=F("_q2_end")),
            ),
            open_in_year=Sum(
                "amount",
                filter=Q(_status=Status.OPEN, _year_end__isnull=False)
                & (Q(signed_on__isnull=True) | Q(signed_on__gt=as_of))
                & ~Q(forecast_category=ForecastCategory.OMITTED)
                & Q(_close_on__lte=F("_year_end")),
            ),
            big_sales=Count(
                "pk",
                filter=not_lost
                & Q(_stage="S7", amount__gte=playbook.big_sale_amount)
                & Q(_s7_on__gte=F("_year_start")),
            ),
        )
        .order_by()
    )
    for row in rows:
        owner = found[row["owner_id"]]
        for code in STAGE_THRESHOLDS:
            owner.customers_at[code] = row.get(f"at_{code}", 0)
        owner.booked_year = row["booked_year"] or Decimal(0)
        owner.booked_quarter2 = row["booked_q2"] or Decimal(0)
        owner.open_in_year = row["open_in_year"] or Decimal(0)
        owner.big_sales = row["big_sales"]

    researched = (
        Customer.objects.filter(owner_id__in=ids, created_on__lte=as_of)
        .filter(target_customer_q(), basics_completed_on__lte=as_of)
        .values("owner_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in researched:
        found[row["owner_id"]].target_customers = row["count"]

    signed: dict[int, set[str]] = {}
    for person_id, item in SignOff.objects.filter(
        person_id__in=ids, signed_on__lte=as_of
    ).values_list("person_id", "item"):
        signed.setdefault(person_id, set()).add(item)
    for pk, items in signed.items():
        found[pk].signed_off = frozenset(items)

    quotas = quarter_amounts_by_person(
        years.keys(), list(years.values()) + list(quarters2.values())
    )
    for pk, year in years.items():
        found[pk].annual_quota = prorated(quotas.get(pk, {}), year)
        found[pk].quarter2_quota = prorated(quotas.get(pk, {}), quarters2[pk])
    return found


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent to one decimal; None without a quota to compare with."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def phase_goals(
    phase: Phase | None,
    person: User,
    data: Figures,
    as_of: date,
    playbook: Playbook,
) -> list[Item]:
    """Every goal of the phase in force on `as_of`, with value, target and status."""
    if phase is None:
        return []
    window = {"start": phase.start, "end": phase.end, "as_of": as_of}

    def count(key: str, label: str, value: int, target: int) -> Item:
        return Item(key, label, value, target, "count", judge(value, target, **window))

    def at(code: str, target: int) -> Item:
        return count(
            f"customers_{code.lower()}",
            _("Customers at %(stage)s or later") % {"stage": code},
            data.customers_at[code],
            target,
        )

    def signoff(item: SkillItem) -> Item:
        signed = item.value in data.signed_off
        status = judge_signoff(signed, end=phase.end, as_of=as_of)
        return Item(f"signoff_{item.value}", str(item.label), int(signed), 1, "signoff", status)

    def percent(key: str, label: str, part: Decimal, whole: Decimal, target: int, **span) -> Item:
        value = _percent(part, whole)
        status = judge(value, Decimal(target), **(span or window))
        return Item(key, label, value, Decimal(target), "percent", status)

    coverage_label = _("Pipeline coverage of annual quota")
    annual_label = _("Annual quota achieved")
    pipeline = data.booked_year + data.open_in_year
    if phase.code == P0:
        return [
            count(
                "target_customers",
                _("Target customers researched"),
                data.target_customers,
                playbook.p0_target_customers,
            ),
            count(
                "potential_opportunities",
                _("Potential opportunities (customers at S2 or later)"),
                data.customers_at["S2"],
                playbook.p0_potential_opportunities,
            ),
            signoff(SkillItem.FIRST_CONVERSATION),
        ]
    if phase.code == P1:
        return [
            at("S2", playbook.p1_customers_s2),
            at("S3", playbook.p1_customers_s3),
            at("S5", playbook.p1_customers_s5),
            signoff(SkillItem.PRODUCT_INTRODUCTION),
            signoff(SkillItem.TECHNICAL_DISCUSSION),
        ]
    if phase.code == P2:
        quarter2 = quota_quarter_period(person.quota_start_date, phase.quota_year, 2)
        return [
            percent(
                "coverage",
                coverage_label,
                pipeline,
                data.annual_quota,
                playbook.p2_coverage_percent,
            ),
            # In a repeat year P2 spans quota quarters 1–2; quarter-2 bookings can only come
            # in quarter 2, so that goal's progress is measured against quarter 2's days.
            percent(
                "quarter2_achievement",
                _("Quota quarter 2 achieved"),
                data.booked_quarter2,
                data.quarter2_quota,
                playbook.p2_quarter2_percent,
                start=quarter2.start,
                end=quarter2.end,
                as_of=as_of,
            ),
            at("S3", playbook.p2_customers_s3),
            at("S5", playbook.p2_customers_s5),
            count(
                "big_sales",
                _("Sales completed of at least %(amount)s")
                % {"amount": f"{playbook.big_sale_amount:,.0f}"},
                data.big_sales,
                playbook.p2_big_sales,
            ),
        ]
    if phase.code == P3:
        return [
            percent(
                "coverage",
                coverage_label,
                pipeline,
                data.annual_quota,
                playbook.p3_coverage_percent,
            ),
            percent(
                "annual_achievement",
                annual_label,
                data.booked_year,
                data.annual_quota,
                playbook.p3_annual_percent,
            ),
            at("S5", playbook.p3_customers_s5),
            at("S6", playbook.p3_customers_s6),
        ]
    return [
        percent(
            "coverage", coverage_label, pipeline, data.annual_quota, playbook.p4_coverage_percent
        ),
        percent(
            "annual_achievement",
            annual_label,
            data.booked_year,
            data.annual_quota,
            playbook.p4_annual_percent,
        ),
    ]
