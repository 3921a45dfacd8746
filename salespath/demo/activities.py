"""Twenty-six weeks of logged work for every salesperson past training (SPEC §6 weekly
standards): visits, prospecting, calls and meetings.

How much each person logs follows their phase's standard scaled by their diligence and a
weekly swing, so the standards come out as a realistic mix of met and missed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from salespath.activities.models import Activity, ActivityKind

from . import data
from .customers import CustomerPlan
from .people import Organisation
from .phases import phase_on

WEEKS = 26

# Per phase: (visits per week, hours of prospecting per week). P1's standard is 10 hours of
# visits, about five visits of two hours.
STANDARD = {"P1": (5, 8), "P2": (7, 10), "P3": (11, 4), "P4": (11, 4)}


def _hours(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high) * 2) / 2))


def plan_activities(
    rng: random.Random, org: Organisation, customers: list[CustomerPlan], today: date
) -> list[Activity]:
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=WEEKS - 1)
    rows: list[Activity] = []
    for person in org.salespeople:
        if person.quota_start > today:
            continue  # still in training
        book = [c for c in customers if c.owner is person]
        for week in range(WEEKS):
            start = first_week + timedelta(weeks=week)
            days = [start + timedelta(days=n) for n in range(5)]
            days = [d for d in days if person.quota_start <= d <= today]
            if not days:
                continue
            visits, prospecting = STANDARD[phase_on(person.quota_start, days[0])]
            # A week off now and then; otherwise diligence × a ±30% swing.
            effort = 0.15 if rng.random() < 0.05 else person.diligence * rng.uniform(0.7, 1.3)
            effort *= len(days) / 5
            visitable = [c for c in book if c.created_on <= days[-1]]
            for _ in range(round(visits * effort) if visitable else 0):
                day = rng.choice(days)
                customer = rng.choice([c for c in visitable if c.created_on <= day] or visitable)
                rows.append(
                    Activity(
                        person=person.user,
                        kind=ActivityKind.VISIT,
                        occurred_on=max(day, customer.created_on),
                        hours=_hours(rng, 1.5, 3),
                        customer=customer.customer,
                        purpose=rng.choice(data.VISIT_PURPOSES),
                        outcome=rng.choice(data.VISIT_OUTCOMES),
                    )
                )
            remaining = prospecting * effort
            while remaining >= 0.5:
                hours = min(Decimal(str(round(remaining * 2) / 2)), _hours(rng, 1.5, 4))
                rows.append(
                    Activity(
                        person=person.user,
                        kind=ActivityKind.PROSPECTING,
                        occurred_on=rng.choice(days),
                        hours=hours,
                        note=rng.choice(data.PROSPECTING_NOTES),
                    )
                )
                remaining -= float(hours)
            for _ in range(rng.randint(1, 5)):
                customer = rng.choice(visitable) if visitable else None
                rows.append(
                    Activity(
                        person=person.user,
                        kind=ActivityKind.CALL,
                        occurred_on=rng.choice(days),
                        hours=Decimal("0.5"),
                        customer=customer.customer if customer else None,
                        purpose=rng.choice(data.CALL_PURPOSES),
                    )
                )
            if rng.random() < 0.8:
                rows.append(
                    Activity(
                        person=person.user,
                        kind=ActivityKind.MEETING,
                        occurred_on=days[0],
                        hours=_hours(rng, 1, 2),
                        purpose=rng.choice(data.MEETING_PURPOSES),
                    )
                )
    return rows


def write_activities(rows: list[Activity]) -> int:
    Activity.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
