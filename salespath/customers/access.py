"""Who may see and change a customer (SPEC §1), on the people rule of `salespath.org.access`.

A customer is seen by whoever may see its owner, or one of its opportunities: those are read
through the customer's reverse relations, so this app does not import the pipeline above it.
The queryset form of the same rule is `salespath.pipeline.visibility.visible_customers`."""

from __future__ import annotations

from django.db.models import Q

from salespath.org.access import owner_filter, sees_everything, supervises
from salespath.org.models import Role, User

from .models import Customer


def may_create_for(user: User, owner: User) -> bool:
    return user.pk == owner.pk or supervises(user, owner) or user.has_role(Role.ADMIN)


def may_see_customer(user: User, customer: Customer) -> bool:
    if sees_everything(user) or customer.owner_id == user.pk:
        return True
    visible = owner_filter(user)
    if Customer.objects.filter(visible, pk=customer.pk).exists():
        return True
    return customer.opportunities.filter(visible | Q(team__person=user)).exists()


def may_edit_customer(user: User, customer: Customer) -> bool:
    """The owner, their supervisor or GM, and whoever may edit an opportunity with them."""
    if customer.owner_id == user.pk or supervises(user, customer.owner):
        return True
    return (
        customer.opportunities.filter(owner=user).exists()
        or customer.opportunities.filter(team__person=user).exists()
    )


def may_mark_target(user: User, customer: Customer) -> bool:
    return supervises(user, customer.owner)
