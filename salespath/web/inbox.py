"""What awaits a person: initiation requests to decide, payments to confirm, phase ends to
sign off — the pipeline's and roadmap's queries, with what the inbox pages show loaded in
the same query."""

from __future__ import annotations

from dataclasses import dataclass, field

from salespath.org.access import supervised
from salespath.org.models import User
from salespath.pipeline import policy
from salespath.pipeline.models import InitiationRequest, Payment
from salespath.pipeline.queries import initiations_awaiting, payments_awaiting_confirmation
from salespath.roadmap.models import PhaseEnd
from salespath.roadmap.services import may_sign_phase_end


@dataclass
class Awaiting:
    initiations: list[InitiationRequest] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    phase_ends: list[PhaseEnd] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.initiations) + len(self.payments) + len(self.phase_ends)


def initiations_to_decide(user: User) -> list[InitiationRequest]:
    return [
        request
        for request in initiations_awaiting(user)
        # the owner's team too: the GM rule reads the owner's branch through it
        .select_related("opportunity__owner__team", "opportunity__customer", "opportunity__stage")
        .order_by("requested_at", "pk")
        if policy.may_decide_initiation(user, request)
    ]


def payments_to_confirm(user: User) -> list[Payment]:
    return list(
        payments_awaiting_confirmation(user)
        .select_related("contract__opportunity__customer", "contract__opportunity__owner")
        .order_by("received_on", "pk")
    )


def phase_ends_to_sign(user: User) -> list[PhaseEnd]:
    """Phases of the user's people that ended with goals unmet and are not signed off."""
    people = supervised(user, "person")
    if people is None:
        return []
    mine = PhaseEnd.objects.filter(people, signed_at=None).exclude(person=user)
    return [
        p
        for p in mine.select_related("person__team").order_by("ended_on", "pk")
        if may_sign_phase_end(user, p.person)
    ]


def awaiting(user: User) -> Awaiting:
    return Awaiting(
        initiations=initiations_to_decide(user),
        payments=payments_to_confirm(user),
        phase_ends=phase_ends_to_sign(user),
    )
