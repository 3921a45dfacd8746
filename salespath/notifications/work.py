"""Work waiting on someone: who is told, about what, with which event key."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from salespath.org.access import supervisors
from salespath.org.models import Role, User
from salespath.pipeline.models import (
    InitiationRequest,
    Opportunity,
    Payment,
    StageChange,
    Status,
)
from salespath.pipeline.queries import opportunity_stages, stuck_filter

from .services import notify

TEAM_SUPERVISOR = frozenset({Role.SUPERVISOR})


def supervisors_of(person: User) -> QuerySet[User]:
    """The sales supervisors of the person's team, not the person themself: a team's
    reminders and a deal's news go to whoever leads the team, not to the branch GM."""
    return (
        User.objects.filter(supervisors(person, TEAM_SUPERVISOR), is_active=True)
        .exclude(pk=person.pk)
        .distinct()
    )


def deal_link(opportunity: Opportunity) -> str:
    return reverse("web:opportunity", args=[opportunity.pk])


def overdue_notify(*, now: datetime) -> int:
    """Each open deal whose expected close has passed tells its owner on the first day and
    again every seventh day while it stays so: the key holds the week of being overdue."""
    today = timezone.localtime(now).date()
    made = 0
    overdue = Opportunity.objects.filter(
        status=Status.OPEN, expected_close__lt=today, owner__is_active=True
    ).select_related("owner")
    for deal in overdue.order_by("pk"):
        week = ((today - deal.expected_close).days - 1) // 7
        made += bool(
            notify(
                recipient=deal.owner,
                kind="overdue",
                key=f"overdue:{deal.pk}:{deal.expected_close.isoformat()}:{week}",
                params={"deal": deal.name, "date": deal.expected_close.isoformat()},
                link=deal_link(deal),
                now=now,
            )
        )
    return made


def stuck_notify(*, now: datetime) -> int:
    """Each open deal longer in its stage than the stage allows tells its owner and their
    supervisors, once per stay in the stage."""
    today = timezone.localtime(now).date()
    stages = opportunity_stages()
    limits = {stage.code: stage for stage in stages}
    made = 0
    stuck = (
        Opportunity.objects.filter(stuck_filter(stages, today), owner__is_active=True)
        .select_related("owner")
        .order_by("pk")
    )
    for deal in stuck:
        stage = limits[deal.stage_id]
        key = f"stuck:{deal.pk}:{deal.stage_id}:{deal.stage_entered_on.isoformat()}"
        for person in [deal.owner, *supervisors_of(deal.owner)]:
            made += bool(
                notify(
                    recipient=person,
                    kind="stuck",
                    key=key,
                    params={
                        "deal": deal.name,
                        "owner": deal.owner,
                        "stage": stage,
                        "date": deal.stage_entered_on.isoformat(),
                        "days": stage.stuck_after_days,
                    },
                    link=deal_link(deal),
                    now=now,
                )
            )
    return made


def deciders_of(person: User) -> QuerySet[User]:
    """Who decides for the person (`org.access.supervises`): the sales supervisors of
    their team and the GM of their branch."""
    found = User.objects.filter(is_active=True).exclude(pk=person.pk)
    return found.filter(supervisors(person)).distinct()


def initiation_requested_notify(request: InitiationRequest) -> int:
    deal = request.opportunity
    made = 0
    for person in deciders_of(deal.owner).exclude(pk=request.requested_by_id):
        made += bool(
            notify(
                recipient=person,
                kind="initiation_requested",
                key=f"initiation:{request.pk}:requested",
                params={"deal": deal.name, "requester": request.requested_by},
                link=reverse("web:initiations"),
            )
        )
    return made


def initiation_decided_notify(request: InitiationRequest) -> int:
    approved = request.status == InitiationRequest.Decision.APPROVED
    return bool(
        notify(
            recipient=request.requested_by,
            kind="initiation_approved" if approved else "initiation_rejected",
            key=f"initiation:{request.pk}:{request.status}",
            params={
                "deal": request.opportunity.name,
                "decider": request.decided_by,
                "comment": request.decision_comment,
            },
            link=deal_link(request.opportunity),
        )
    )


def payment_recorded_notify(payment: Payment) -> int:
    deal = payment.contract.opportunity
    made = 0
    finance = User.objects.filter(roles__role=Role.FINANCE, is_active=True).distinct()
    for person in finance.exclude(pk=payment.recorded_by_id):
        made += bool(
            notify(
                recipient=person,
                kind="payment_recorded",
                key=f"payment:{payment.pk}:recorded",
                params={
                    "deal": deal.name,
                    "by": payment.recorded_by,
                    "amount": f"¥{payment.amount:,.2f}",
                },
                link=reverse("web:payments"),
            )
        )
    return made


def gate_override_notify(change: StageChange) -> int:
    deal = change.opportunity
    made = 0
    for person in supervisors_of(deal.owner).exclude(pk=change.by_id):
        made += bool(
            notify(
                recipient=person,
                kind="gate_override",
                key=f"override:{change.pk}",
                params={
                    "deal": deal.name,
                    "by": change.by,
                    "stage": change.to_stage,
                    "reason": change.reason,
                },
                link=deal_link(deal),
            )
        )
    return made
