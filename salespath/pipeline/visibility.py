"""Which opportunities and customers a user may see (SPEC §1), built on the people rule of
`salespath.org.access`: the records of the people one may see, and the opportunities one is
on the project team of."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from salespath.customers.models import Customer
from salespath.org.access import owner_filter
from salespath.org.models import User

from .models import Opportunity, ProjectMember


def visible_opportunities(user: User) -> QuerySet[Opportunity]:
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
    may add up counts and sums per part."""
    owned = owner_filter(user)
    if owned is None:
        return None
    on_team = Q(pk__in=ProjectMember.objects.filter(person=user).values("opportunity"))
    return [owned, on_team & ~owned]


def visible_customers(user: User) -> QuerySet[Customer]:
    """Customers one owns (or whose owner one supervises), or has an opportunity with."""
    customers = Customer.objects.all()
    visible = owner_filter(user)
    if visible is None:
        return customers
    # As `visible_opportunities`: a UNION of indexed reads by owner, no join and no DISTINCT
    # (with them, a salesperson's customer list took seconds at scale L).
    owned = Customer.objects.filter(visible).order_by().values("pk")
    on_deals = Opportunity.objects.filter(visible).order_by().values("customer")
    on_team = ProjectMember.objects.filter(person=user).order_by().values("opportunity__customer")
    return customers.filter(pk__in=owned.union(on_deals, on_team))
