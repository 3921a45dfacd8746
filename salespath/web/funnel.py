"""Two reports of the web pages: the stage funnel and attainment versus quota. A few
set-based queries each, never one per opportunity.

The funnel's rules, and the stored months it is read from, are the pipeline's
(`salespath/pipeline/funnel.py`); attainment lives here, above the apps it reads, because
it combines the forecast's booked amounts, its people in scope and the quotas of `org`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salespath.forecast.attainment import signed_by_owner
from salespath.forecast.people import people_in_scope
from salespath.lib.fiscal import Period
from salespath.org.quotas import quotas_for_period
from salespath.org.scopes import Scope
from salespath.pipeline.funnel import Funnel, FunnelStage, stage_funnel

__all__ = ["Attainment", "Funnel", "FunnelStage", "attainment", "stage_funnel"]


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
