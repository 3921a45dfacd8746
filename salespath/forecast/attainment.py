"""What salespeople booked in a period, as attainment versus quota and forecast accuracy
count it."""

from __future__ import annotations

from django.db.models import Count, Sum

from salespath.lib.fiscal import Period
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity, Status


def booked_by_owner(scope: Scope, period: Period) -> dict[int, dict]:
    """Booked per salesperson in `period`: opportunities whose contract was signed in the
    period and that are not lost today — what forecast accuracy and attainment versus quota
    both count. One query; `{owner_id: {"booked": Decimal, "deals": int}}`."""
    rows = (
        Opportunity.objects.filter(
            signed_on__gte=period.start, signed_on__lte=period.end, **scope.owner_filter()
        )
        .exclude(status=Status.LOST)
        .values("owner")
        .annotate(booked=Sum("amount"), deals=Count("pk"))
        .order_by()
    )
    return {row["owner"]: row for row in rows}
