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
- Booked: opportunity amounts booked on the date (SPEC §5, `forecast.state.booked`) whose
  contract was signed in the window, unless lost by the date. Achievement = booked / the
  window's quota.
- Pipeline coverage = (booked in the quota year + the amount of opportunities open on the
  date, not booked, not omitted (不计入) — `forecast.state.in_pipeline` — whose close date
  falls in the quota year) / the annual quota. The close date is the category view's
  (`forecast.state.close_date`): the signing date when signing came after the date,
  otherwise the expected close date; an overdue one counts as closing on the date.
- A completed sale: an opportunity that reached S7 (SPEC §5 "closed") within the current
  quota year, on or before the date and not lost, with amount ≥ the big-sale amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils.translation import gettext as _

from salespath.customers.models import Customer
from salespath.forecast.state import booked, close_date, in_cents, in_pipeline
from salespath.lib.fiscal import Period
from salespath.org.models import User
from salespath.org.quotas import prorated, quarter_amounts_by_person
from salespath.pipeline.history import stage_on, status_on
from salespath.pipeline.models import Opportunity, Stage, StageChange, Status
from salespath.pipeline.qualification import target_customer_q
from salespath.replicas import report_connection

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


def _stages_from(codes: list[tuple[str, int]], threshold: str) -> list[str]:
    order = dict(codes)[threshold]
    return [code for code, stage_order in codes if stage_order >= order]


def _maybe_not_lost_on(ids: list[int], as_of: date) -> Q:
    """A superset of the opportunities of `ids` not lost on `as_of` that needs no history:
    every figure here leaves out what was lost on the date, and at scale most of a person's
    opportunities are lost ones from past years.

    It holds them all: an opportunity with no stage change after `as_of` is in the state
    its row shows today (`pipeline.history`), so if it was not lost on `as_of` it is not
    lost today; every other one has a change after `as_of` (or no date copied, which the
    history then decides).

    Each alternative repeats the owner and reads one index — (owner, status, stage) and
    (owner, history_until) — so SQLite reads the rows of the three by index instead of
    every row the person ever owned; "status IN (the others)" rather than "NOT lost" for the
    same reason."""
    mine = Q(owner_id__in=ids)
    not_lost = [status for status in Status.values if status != Status.LOST]
    return (
        (mine & Q(status__in=not_lost))
        | (mine & Q(history_until__gt=as_of))
        | (mine & Q(history_until__isnull=True))
    )


def _states_on(ids: list[int], as_of: date, big_sale: Decimal) -> QuerySet:
    """One row per opportunity of `ids` that may count on `as_of`: its owner, customer,
    amount in cents, signing date, its stage and status on the date, whether it was booked
    and whether in the pipeline on the date and its close date then (by SPEC §5's rules in
    `forecast.state`), and — for one of at least the big-sale amount — the first day it
    reached S7 (by the date)."""
    reached_s7 = (
        StageChange.objects.filter(
            opportunity=OuterRef("pk"), to_stage_id="S7", effective_on__lte=as_of
        )
        .order_by("effective_on", "id")
        .values("effective_on")[:1]
    )
    return (
        Opportunity.objects.filter(_maybe_not_lost_on(ids, as_of))
        .annotate(
            cents=in_cents(F("amount")),
            stage_on=stage_on(as_of),
            status_on=status_on(as_of),
            booked=ExpressionWrapper(booked(as_of), output_field=BooleanField()),
            in_pipeline=ExpressionWrapper(in_pipeline(as_of), output_field=BooleanField()),
            close_on=close_date("signed_on", as_of),
        )
        .annotate(
            s7_on=Case(
                When(stage_on="S7", amount__gte=big_sale, then=Subquery(reached_s7)),
                output_field=DateField(),
            ),
        )
        .values(
            "owner_id",
            "customer_id",
            "cents",
            "signed_on",
            "stage_on",
            "status_on",
            "booked",
            "in_pipeline",
            "close_on",
            "s7_on",
        )
        .order_by()
    )


# Per person, over `_states_on` and the person's quota-year windows: the goals' counts and
# sums, by the rules at the top. MATERIALIZED works each row's state out once; as a plain
# subquery both engines would copy its expressions into every figure that reads them.
FIGURES_SQL = """
    WITH windows (owner_id, year_start, year_end, q2_start, q2_end) AS (VALUES {windows}),
      states AS MATERIALIZED ({states})
    SELECT o.owner_id, {customers_at},
      SUM(o.cents) FILTER (WHERE {not_lost} AND o.booked AND o.signed_on >= w.year_start),
      SUM(o.cents) FILTER (WHERE {not_lost} AND o.booked
                           AND o.signed_on >= w.q2_start AND o.signed_on <= w.q2_end),
      SUM(o.cents) FILTER (WHERE {not_lost} AND o.in_pipeline AND o.close_on <= w.year_end),
      COUNT(*) FILTER (WHERE {not_lost} AND o.stage_on = 'S7' AND o.s7_on >= w.year_start)
    FROM states o JOIN windows w ON w.owner_id = o.owner_id
    WHERE o.stage_on IS NOT NULL
    GROUP BY o.owner_id
"""


def _money(cents: int | None) -> Decimal:
    return Decimal(cents or 0).scaleb(-2)


def _window(pk: int, year: Period | None, quarter2: Period | None) -> str:
    """A person's row of the windows, as literals: ids and dates this code made, never
    input. As parameters, five per person would reach SQLite's limit of 32,766 for a
    company-wide grid of about 5,000 people."""
    bounds = [None] * 4
    if year and quarter2:
        bounds = [year.start, year.end, quarter2.start, quarter2.end]
    return f"({int(pk)}, {', '.join(map(_day, bounds))})"


def _day(value: date | None) -> str:
    # PostgreSQL types a VALUES column from its values; an all-NULL one would be text.
    text = f"'{value.isoformat()}'" if value else "NULL"
    return f"CAST({text} AS date)" if connection.vendor == "postgresql" else text


def _person_sums(
    ids: list[int],
    years: dict[int, Period],
    quarters2: dict[int, Period],
    stages: list[tuple[str, int]],
    as_of: date,
    big_sale: Decimal,
) -> list[tuple]:
    """(owner, customers at each of STAGE_THRESHOLDS, booked in the year and in quota
    quarter 2, open closing in the year — in cents — and big sales) for each person with
    any opportunity to count."""
    windows = ", ".join(_window(pk, years.get(pk), quarters2.get(pk)) for pk in ids)
    not_lost = "o.status_on <> 'lost'"
    customers_at, at_params = [], []
    for code in STAGE_THRESHOLDS:
        codes = _stages_from(stages, code)
        placeholders = ", ".join(["%s"] * len(codes))
        customers_at.append(
            "COUNT(DISTINCT o.customer_id)"
            f" FILTER (WHERE {not_lost} AND o.stage_on IN ({placeholders}))"
        )
        at_params += codes
    states, state_params = _states_on(ids, as_of, big_sale).query.sql_with_params()
    sql = FIGURES_SQL.format(
        windows=windows,
        customers_at=", ".join(customers_at),
        not_lost=not_lost,
        states=states,
    )
    params = [*state_params, *at_params]
    with report_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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

    if not ids:
        return found
    rows = _person_sums(ids, years, quarters2, stages, as_of, playbook.big_sale_amount)
    for owner_id, *at, booked_year, booked_q2, open_in_year, big_sales in rows:
        owner = found[owner_id]
        owner.customers_at = dict(zip(STAGE_THRESHOLDS, at, strict=True))
        owner.booked_year = _money(booked_year)
        owner.booked_quarter2 = _money(booked_q2)
        owner.open_in_year = _money(open_in_year)
        owner.big_sales = big_sales

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
