"""The notifications the demo's waiting work would have sent (issue 19 §3): each pending
initiation request tells its approvers, each payment awaiting finance tells finance, so
the printed approvers and finance find their bell showing what waits for them."""

from __future__ import annotations

from salespath.notifications.work import initiation_requested_notify, payment_recorded_notify
from salespath.pipeline.models import InitiationRequest, Payment

from .deals import OPPORTUNITY_PREFIX


def write_notices() -> int:
    demo = {"opportunity__external_id__startswith": OPPORTUNITY_PREFIX}
    made = 0
    pending = InitiationRequest.objects.filter(
        status=InitiationRequest.Decision.PENDING, **demo
    ).select_related("opportunity__owner", "requested_by")
    for request in pending.order_by("pk"):
        made += initiation_requested_notify(request)
    awaiting = Payment.objects.filter(
        confirmed_by__isnull=True, contract__opportunity__external_id__startswith=OPPORTUNITY_PREFIX
    ).select_related("contract__opportunity", "recorded_by")
    for payment in awaiting.order_by("pk"):
        made += payment_recorded_notify(payment)
    return made
