"""What salespeople signed in a period, as attainment versus quota and forecast accuracy
count it: contracts signed in the period that stand today (`state.signed_in`). Not the
forecast's `booked` column, which reads the state on its cutoff date."""

from __future__ import annotations

from django.db.models import Count, Sum

from salespath.lib.fiscal import Period
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity

from .state import signed_in


def signed_by_owner(scope: Scope, period: Period) -> dict[int, dict]:
    """Per salesperson, the contracts signed in `period` that stand today. One query;
    `{owner_id: {"amount": Decimal, "deals": int}}`."""
    rows = (
        Opportunity.objects.filter(signed_in(period), **scope.owner_filter())
        .values("owner")
        .annotate(amount=Sum("amount"), deals=Count("pk"))
        .order_by()
    )
    return {row["owner"]: row for row in rows}
