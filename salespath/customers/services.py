"""Writes on customers: profile, contacts, the supervisor's "target customer" mark.

`basics_completed_on` is the date the S2.1 basics (industry, background, size, headcount)
first became complete; the roadmap counts "customer profiles collected" from it. It is set
once and kept, even if a basic is later cleared: the profile *was* collected that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.customers import access as policy
from salespath.org import columns
from salespath.org.models import User

from . import errors
from .models import (
    CompanySize,
    Contact,
    ContactRole,
    Customer,
    EconomicCondition,
    Industry,
    SystemStatus,
)

BASICS = ("industry_id", "background", "size", "headcount")
TEXT_FIELDS = (
    "name_en",
    "background",
    "it_hardware",
    "it_software",
    "it_network",
    "it_need",
    "note",
)
CHOICE_FIELDS = {
    "size": CompanySize,
    "economic_condition": EconomicCondition,
    "current_system_status": SystemStatus,
}
PROFILE_FIELDS = {
    "name",
    "industry",
    "is_group_enterprise",
    "is_multi_site",
    "headcount",
    "external_id",
    *TEXT_FIELDS,
    *CHOICE_FIELDS,
}


def basics_complete(customer: Customer) -> bool:
    return all(getattr(customer, field) not in (None, "") for field in BASICS)


def _apply(customer: Customer, changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - PROFILE_FIELDS)
    if unknown:
        raise errors.invalid(
            unknown[0], _("“%(field)s” cannot be changed here.") % {"field": unknown[0]}
        )
    if "name" in changes:
        customer.name = str(changes["name"] or "").strip()
        if not customer.name:
            raise errors.required("name", _("The customer name"))
    for field in TEXT_FIELDS:
        if field in changes:
            setattr(customer, field, str(changes[field] or "").strip())
    for field, choices in CHOICE_FIELDS.items():
        if field in changes:
            value = changes[field] or ""
            if value and value not in choices.values:
                raise errors.invalid(
                    field, _("“%(value)s” is not an allowed value.") % {"value": value}
                )
            setattr(customer, field, value)
    if "industry" in changes:
        industry = changes["industry"]
        if industry is not None and not isinstance(industry, Industry):
            industry = Industry.objects.filter(code=str(industry)).first()
            if industry is None:
                raise errors.invalid(
                    "industry",
                    _("There is no industry “%(code)s”.") % {"code": changes["industry"]},
                )
        customer.industry = industry
    for field in ("is_group_enterprise", "is_multi_site"):
        if field in changes:
            value = changes[field]
            setattr(customer, field, None if value is None else bool(value))
    if "headcount" in changes:
        headcount = changes["headcount"]
        if headcount is not None:
            try:
                headcount = int(headcount)
            except (TypeError, ValueError):
                headcount = -1
            if headcount < 0:
                raise errors.invalid(
                    "headcount", _("The headcount must be a whole number, zero or more.")
                )
        customer.headcount = headcount
    if "external_id" in changes:
        customer.external_id = str(changes["external_id"] or "").strip() or None
        columns.check_unique(
            Customer,
            "external_id",
            customer.external_id,
            error=errors.external_id_taken(),
            exclude_pk=customer.pk,
        )


def _save(customer: Customer) -> None:
    with columns.unique_write(
        Customer, "external_id", customer.external_id, error=errors.external_id_taken()
    ):
        customer.save()


def _note_basics(customer: Customer, on: date) -> None:
    if customer.basics_completed_on is None and basics_complete(customer):
        customer.basics_completed_on = on


@transaction.atomic
def customer_create(
    *, owner: User, by: User, name: str, created_on: date | None = None, **profile: Any
) -> Customer:
    """A new customer owned by `owner` (an account manager; their supervisor or GM may
    create it for them)."""
    if not policy.may_create_for(by, owner):
        raise errors.not_allowed(_("create customers for this account manager"))
    created_on = created_on or timezone.localdate()
    if created_on > timezone.localdate():
        raise errors.invalid("created_on", _("The date cannot be in the future."))
    customer = Customer(owner=owner, created_by=by, created_on=created_on)
    _apply(customer, {"name": name, **profile})
    _note_basics(customer, created_on)
    _save(customer)
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, by: User, on: date | None = None, **changes: Any
) -> Customer:
    """Change the profile; notes the day the S2.1 basics first became complete (`on`,
    default today)."""
    _check_edits(by, customer)
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    _apply(current, changes)
    _note_basics(current, on or timezone.localdate())
    _save(current)
    for field in Customer._meta.concrete_fields:
        setattr(customer, field.attname, getattr(current, field.attname))
    return current


def _check_edits(by: User, customer: Customer) -> None:
    if not policy.may_see_customer(by, customer):
        raise errors.not_visible()
    if not policy.may_edit_customer(by, customer):
        raise errors.not_allowed(_("change the profile"))


@transaction.atomic
def contact_add(
    *,
    customer: Customer,
    by: User,
    name: str,
    project_role: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    note: str = "",
) -> Contact:
    """A person of the customer with their role in the customer's project (S2.5, S4.4)."""
    _check_edits(by, customer)
    name = str(name or "").strip()
    if not name:
        raise errors.required("name", _("The contact's name"))
    if project_role not in ContactRole.values:
        raise errors.invalid(
            "project_role",
            _("“%(value)s” is not a role in the customer's project.") % {"value": project_role},
        )
    return Contact.objects.create(
        customer=customer,
        name=name,
        project_role=project_role,
        title=title.strip(),
        phone=phone.strip(),
        email=email.strip(),
        note=note.strip(),
    )


@transaction.atomic
def customer_mark_target(*, customer: Customer, by: User, reason: str) -> Customer:
    """A sales supervisor of the owner's team (or the branch GM) declares the customer a
    target customer although S1 is not fully met, with a reason (SPEC §2, S1)."""
    if not policy.may_see_customer(by, customer):
        raise errors.not_visible()
    if not policy.may_mark_target(by, customer):
        raise errors.not_allowed(_("mark as a target customer"))
    reason = str(reason or "").strip()
    if not reason:
        raise errors.invalid("reason", _("A reason is required."))
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    current.target_override = True
    current.target_override_reason = reason
    current.target_override_by = by
    current.target_override_at = timezone.now()
    current.save()
    customer.target_override = True
    customer.target_override_reason = reason
    customer.target_override_by_id = by.pk
    customer.target_override_at = current.target_override_at
    return current
