"""Who may do what with an opportunity (SPEC §1), in one module. Visibility itself is
`salespath.org.access` and `.visibility`; this adds the actions.

- the owner and the project team edit and move their opportunities;
- a sales supervisor sees the team's and, for the owner's team, approves initiations,
  overrides gates and reassigns the owner; the branch GM does the same for the branch;
- finance confirms payments (and sees everything, as executives do);
- nobody else sees the opportunity at all: loading it is a 404, not a 403.

Decisions where SPEC is silent: a supervisor or GM who is not on the project team may see
but not edit (they act through approvals and overrides, or by joining the team); nobody
approves their own initiation request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salespath.customers.access import (
    may_create_for,
    may_edit_customer,
    may_mark_target,
    may_see_customer,
)
from salespath.org.access import sees_everything, supervises
from salespath.org.models import Role, User

from . import errors
from .visibility import visible_opportunities

if TYPE_CHECKING:
    from .models import InitiationRequest, Opportunity

__all__ = [
    "may_create_for",
    "may_edit_customer",
    "may_mark_target",
    "may_see_customer",
    "supervises",
]


def _owner(opportunity: Opportunity) -> User:
    return opportunity.owner


def is_on_team(user: User, opportunity: Opportunity) -> bool:
    return opportunity.team.filter(person=user).exists()


def may_see(user: User, opportunity: Opportunity) -> bool:
    if sees_everything(user) or opportunity.owner_id == user.pk:
        return True
    return supervises(user, _owner(opportunity)) or is_on_team(user, opportunity)


def may_edit(user: User, opportunity: Opportunity) -> bool:
    """Edit fields, move stages, record the work of a stage: the owner and the project team."""
    return opportunity.owner_id == user.pk or is_on_team(user, opportunity)


def may_override(user: User, opportunity: Opportunity) -> bool:
    return supervises(user, _owner(opportunity))


def may_reassign(user: User, opportunity: Opportunity) -> bool:
    return supervises(user, _owner(opportunity)) or user.has_role(Role.ADMIN)


def may_decide_initiation(user: User, request: InitiationRequest) -> bool:
    if request.requested_by_id == user.pk:
        return False
    return supervises(user, request.opportunity.owner)


def may_confirm_payments(user: User) -> bool:
    return user.has_role(Role.FINANCE)


# --- load and authorise -------------------------------------------------------------------


def check_sees(user: User, opportunity: Opportunity) -> None:
    if not may_see(user, opportunity):
        raise errors.not_visible()


def check_edits(user: User, opportunity: Opportunity, action: str | None = None) -> None:
    """404 if `user` may not see it, 403 if they may see but not edit it."""
    from django.utils.translation import gettext as _

    check_sees(user, opportunity)
    if not may_edit(user, opportunity):
        raise errors.not_allowed(action or _("change this"))


def opportunity_for_user(user: User, pk: int | str, write: bool = False) -> Opportunity:
    """The opportunity `pk` as `user` may have it: 404 if they may not see it (or it does not
    exist), 403 if `write` and they may see but not edit it."""
    from .models import Opportunity

    try:
        opportunity = (
            visible_opportunities(user).select_related("owner", "customer", "stage").get(pk=int(pk))
        )
    except (Opportunity.DoesNotExist, ValueError, TypeError):
        raise errors.not_visible() from None
    if write:
        check_edits(user, opportunity)
    return opportunity
