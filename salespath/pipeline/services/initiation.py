"""Project initiation (立项): the owner asks, a sales supervisor of the owner's team or the
branch GM decides (SPEC §2, S4). Approval forms the project team; entering S4 needs an
approved request (criterion S4.0)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import Conflict, NotAllowed
from salespath.org.models import User

from .. import errors, policy
from ..copies import copy_team_and_lines
from ..models import InitiationRequest, Opportunity, ProjectMember, ProjectRole, Status
from . import base
from .waiting import notify_waiting


@transaction.atomic
def initiation_submit(
    *,
    opportunity: Opportunity,
    by: User,
    requirements: str,
    budget: Any = None,
    schedule: str = "",
    selection_team: str = "",
    competition: str = "",
    guidance: str = "",
) -> InitiationRequest:
    """The account manager asks to initiate the project, with the S4 information. A budget
    given here is also recorded on the opportunity when it has none yet (S4.3)."""
    policy.check_sees(by, opportunity)
    if opportunity.owner_id != by.pk:
        raise NotAllowed(_("Only the account manager submits the project initiation request."))
    requirements = base.text(requirements)
    if not requirements:
        raise errors.required("requirements", _("The project requirements"))
    amount = base.money(budget, "budget", _("The budget"), allow_none=True)
    current = base.lock(opportunity)
    if current.status != Status.OPEN:
        raise errors.not_open()
    requests = InitiationRequest.objects.filter(opportunity=current)
    if requests.filter(status=InitiationRequest.Decision.PENDING).exists():
        raise Conflict(
            _("An initiation request for this opportunity is already waiting for a decision."),
            code="initiation_pending",
        )
    if requests.filter(status=InitiationRequest.Decision.APPROVED).exists():
        raise Conflict(_("The project initiation is already approved."), code="initiation_done")
    request = InitiationRequest.objects.create(
        opportunity=current,
        requested_by=by,
        requested_at=timezone.now(),
        requirements=requirements,
        budget=amount,
        schedule=base.text(schedule),
        selection_team=base.text(selection_team),
        competition=base.text(competition),
        guidance=base.text(guidance),
    )
    if amount is not None and current.budget_amount is None:
        current.budget_amount = amount
        base.save(current, opportunity)
    notify_waiting("initiation_requested_notify", request)
    return request


def _pending(request: InitiationRequest, by: User) -> InitiationRequest:
    current = (
        InitiationRequest.objects.select_for_update()
        .select_related("opportunity__owner")
        .get(pk=request.pk)
    )
    policy.check_sees(by, current.opportunity)
    if current.requested_by_id == by.pk:
        raise NotAllowed(_("Nobody may decide on their own initiation request."))
    if not policy.may_decide_initiation(by, current):
        raise NotAllowed(
            _("Only a sales supervisor of the owner's team or the branch GM decides this.")
        )
    if current.status != InitiationRequest.Decision.PENDING:
        raise Conflict(_("This request has already been decided."), code="already_decided")
    return current


@transaction.atomic
def initiation_approve(
    *,
    request: InitiationRequest,
    by: User,
    project_manager: User,
    members: Iterable[tuple[User, str]] = (),
    comment: str = "",
) -> InitiationRequest:
    """Approve and form the project team: the project manager, the account manager, and the
    given `(person, role)` members."""
    current = _pending(request, by)
    if not isinstance(project_manager, User):
        raise errors.required("project_manager", _("The project manager"))
    team = [(project_manager, ProjectRole.PROJECT_MANAGER)]
    team.append((current.opportunity.owner, ProjectRole.ACCOUNT_MANAGER))
    for person, role in members:
        if role not in ProjectRole.values:
            raise errors.invalid(
                "members", _("“%(role)s” is not a project-team role.") % {"role": role}
            )
        team.append((person, role))
    for person, role in team:
        ProjectMember.objects.get_or_create(
            opportunity=current.opportunity, person=person, role=role
        )
    copy_team_and_lines([current.opportunity_id])
    current.status = InitiationRequest.Decision.APPROVED
    current.decided_by, current.decided_at = by, timezone.now()
    current.decision_comment = base.text(comment)
    current.save()
    notify_waiting("initiation_decided_notify", current)
    return current


@transaction.atomic
def initiation_reject(*, request: InitiationRequest, by: User, comment: str) -> InitiationRequest:
    """Reject with a comment the account manager can act on; they may submit again."""
    current = _pending(request, by)
    comment = base.text(comment)
    if not comment:
        raise errors.invalid("comment", _("Say why the request is rejected."))
    current.status = InitiationRequest.Decision.REJECTED
    current.decided_by, current.decided_at = by, timezone.now()
    current.decision_comment = comment
    current.save()
    notify_waiting("initiation_decided_notify", current)
    return current
