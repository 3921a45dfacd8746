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
    # One `owner IN (people)` rather than joins on the owner's team or branch: the database
    # then reads the owner index for just those people (issue 9).
    people = Q(pk=user.pk)
    if user.has_role(Role.SUPERVISOR) and user.team_id:
        people |= Q(team_id=user.team_id)
    if user.has_role(Role.BRANCH_GM) and user.branch_id:
        people |= Q(branch_id=user.branch_id)
    return Q(**{f"{owner_field}__in": User.objects.filter(people).values("pk")})


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
    # The deals of those people and the ones the user is on the project team of, as one
    # UNION of two indexed reads: no join, no duplicates, no DISTINCT, and sums stay right.
    owned = Opportunity.objects.filter(visible).order_by().values("pk")
    on_team = ProjectMember.objects.filter(person=user).order_by().values("opportunity")
    return opportunities.filter(pk__in=owned.union(on_team))


def visible_opportunity_parts(user: User) -> list[Q] | None:
    """The same opportunities as `visible_opportunities`, as filters on disjoint sets whose
    union is all of them (None: everything): the deals of the people `owner_filter` names,
    and the project-team deals of anyone else. A caller narrows each part first (one board
    column, the deals not lost), so that each is one indexed read of just those rows, and
    may add up counts and sums per part (issue 9)."""
    from salespath.pipeline.models import ProjectMember

    owned = owner_filter(user)
    if owned is None:
        return None
    on_team = Q(pk__in=ProjectMember.objects.filter(person=user).values("opportunity"))
    return [owned, on_team & ~owned]


def visible_customers(user: User) -> QuerySet:
    """Customers one owns (or whose owner one supervises), or has an opportunity with."""
    from salespath.customers.models import Customer
    from salespath.pipeline.models import Opportunity, ProjectMember

    customers = Customer.objects.all()
    visible = owner_filter(user)
    if visible is None:
        return customers
    # As `visible_opportunities`: a UNION of indexed reads by owner, no join and no DISTINCT
    # (with them, a salesperson's customer list took seconds at scale L, issue 9).
    owned = Customer.objects.filter(visible).order_by().values("pk")
    on_deals = Opportunity.objects.filter(visible).order_by().values("customer")
    on_team = ProjectMember.objects.filter(person=user).order_by().values("opportunity__customer")
    return customers.filter(pk__in=owned.union(on_deals, on_team))
