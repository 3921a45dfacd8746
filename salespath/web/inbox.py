"""What awaits a person: initiation requests to decide, payments to confirm.

Which requests a person may decide is `salespath.pipeline.policy`'s rule; these reads
select the candidates in one query and let the policy judge each fetched row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from salespath.org.models import Role, User
from salespath.pipeline import policy
from salespath.pipeline.models import InitiationRequest, Payment

from .queries import visible


@dataclass
class Awaiting:
    initiations: list[InitiationRequest] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.initiations) + len(self.payments)


def initiations_to_decide(user: User) -> list[InitiationRequest]:
    if not user.role_codes & {Role.SUPERVISOR, Role.BRANCH_GM}:
        return []
    pending = (
        InitiationRequest.objects.filter(
            status=InitiationRequest.Decision.PENDING, opportunity__in=visible(user)
        )
        .select_related(
            "opportunity__owner", "opportunity__customer", "opportunity__stage", "requested_by"
        )
        .order_by("requested_at", "pk")
    )
    return [request for request in pending if policy.may_decide_initiation(user, request)]


def payments_to_confirm(user: User) -> list[Payment]:
    if not policy.may_confirm_payments(user):
        return []
    return list(
        Payment.objects.filter(confirmed_at__isnull=True)
        .select_related(
            "contract__opportunity__customer", "contract__opportunity__owner", "recorded_by"
        )
        .order_by("received_on", "pk")
    )


def awaiting(user: User) -> Awaiting:
    return Awaiting(initiations=initiations_to_decide(user), payments=payments_to_confirm(user))
