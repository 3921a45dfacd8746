"""Who may see what (SPEC §1), in one place. Who may *do* what lives beside it, in
`salespath.pipeline.policy`, built on these.

A person sees their own records; a supervisor their team's; a branch GM their branch's;
executives, finance and administrators everything. Project-team members see the
opportunities they are on.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from salespath.org.models import Role, User

SEES_EVERYTHING = {Role.EXECUTIVE, Role.FINANCE, Role.ADMIN}


def sees_everything(user: User) -> bool:
    return user.is_superuser or bool(user.role_codes & SEES_EVERYTHING)


def owner_filter(user: User, owner_field: str = "owner") -> Q | None:
    """A filter on the owning person for the records `user` may see; None means all."""
    if sees_everything(user):
        return None
    # Owners as `IN (people of the team)` rather than a join on the owner's team: each part
    # of the OR then reads an index, not the whole table (issue 9).
    visible = Q(**{owner_field: user})
    if user.has_role(Role.SUPERVISOR) and user.team_id:
        visible |= Q(**{f"{owner_field}__in": User.objects.filter(team_id=user.team_id)})
    if user.has_role(Role.BRANCH_GM) and user.branch_id:
        visible |= Q(**{f"{owner_field}__in": User.objects.filter(branch_id=user.branch_id)})
    return visible


def visible_people(user: User) -> QuerySet[User]:
    people = User.objects.all()
    if sees_everything(user):
        return people
    visible = Q(pk=user.pk)
    if user.has_role(Role.SUPERVISOR) and user.team_id:
        visible |= Q(team_id=user.team_id)
    if user.has_role(Role.BRANCH_GM) and user.branch_id:
        visible |= Q(branch_id=user.branch_id)
    return people.filter(visible)


def visible_opportunities(user: User) -> QuerySet:
    from salespath.pipeline.models import Opportunity, ProjectMember

    opportunities = Opportunity.objects.all()
    visible = owner_filter(user)
    if visible is None:
        return opportunities
    # A subquery, not a join: no duplicate rows, so no DISTINCT, and sums stay right.
    on_team = ProjectMember.objects.filter(person=user).values("opportunity")
    return opportunities.filter(visible | Q(pk__in=on_team))


def visible_customers(user: User) -> QuerySet:
    """Customers one owns (or whose owner one supervises), or has an opportunity with."""
    from salespath.customers.models import Customer

    customers = Customer.objects.all()
    visible = owner_filter(user)
    if visible is None:
        return customers
    on_deal = Q(opportunities__in=visible_opportunities(user).values("pk"))
    return customers.filter(visible | on_deal).distinct()
