"""Work waiting on someone (issue 19 §3): who is told, about what, with which event key."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from salespath.org.models import Role, User
from salespath.pipeline.models import Opportunity, Status
from salespath.web.queries import opportunity_stages, stuck_filter

from .services import notify


def supervisors_of(person: User) -> QuerySet[User]:
    """The sales supervisors of the person's team, not the person themself."""
    if person.team_id is None:
        return User.objects.none()
    return (
        User.objects.filter(team_id=person.team_id, roles__role=Role.SUPERVISOR, is_active=True)
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
