"""Logging work: visits, prospecting, presentations, calls and meetings (SPEC §6).

An activity belongs to the person who did it; only they log, change or delete it. Their
supervisor sees it (`queries.activities_visible_to`) but does not edit it, so the weekly
standards show what the person themself recorded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.customers.models import Customer
from salespath.org.models import User
from salespath.pipeline.models import Opportunity
from salespath.pipeline.visibility import visible_customers, visible_opportunities

from .errors import ActivityInvalid, ActivityNotYours, ActivitySubjectNotFound
from .models import Activity, ActivityKind

HOURS_IN_A_DAY = Decimal(24)
_UNCHANGED: Any = object()


def _plain(hours: Decimal) -> str:
    """20.00 → "20", 4.50 → "4.5": hours as a person writes them."""
    return format(hours.normalize(), "f")


def _hours(value: Decimal | int | float | str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        hours = Decimal("NaN")
    if not hours.is_finite():
        raise ActivityInvalid(
            _("“%(hours)s” is not a number of hours.") % {"hours": value},
            fields={"hours": [_("Enter a number of hours.")]},
        )
    if hours < 0:
        raise ActivityInvalid(
            _("Hours cannot be negative (%(hours)s).") % {"hours": hours},
            fields={"hours": [_("Hours cannot be negative.")]},
        )
    if hours > HOURS_IN_A_DAY:
        raise ActivityInvalid(
            _("A day has 24 hours; %(hours)s hours is too many.") % {"hours": hours},
            fields={"hours": [_("At most 24 hours.")]},
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise ActivityInvalid(
            _("Hours are recorded to two decimals (%(hours)s).") % {"hours": hours},
            fields={"hours": [_("At most two decimals.")]},
        )
    return hours


def _check(
    *,
    activity: Activity,
    by: User,
) -> None:
    """Every rule an activity must meet before it is written (new or changed)."""
    if activity.kind not in ActivityKind.values:
        raise ActivityInvalid(
            _("“%(kind)s” is not a kind of activity.") % {"kind": activity.kind},
            fields={"kind": [_("Choose a kind of activity.")]},
        )
    if not isinstance(activity.occurred_on, date):
        raise ActivityInvalid(
            _("The activity needs its date."), fields={"occurred_on": [_("Enter a date.")]}
        )
    if activity.occurred_on > timezone.localdate():
        raise ActivityInvalid(
            _("An activity is logged once done; %(day)s is in the future.")
            % {"day": activity.occurred_on},
            fields={"occurred_on": [_("The date cannot be in the future.")]},
        )
    activity.hours = _hours(activity.hours)
    if activity.opportunity is not None:
        if not visible_opportunities(by).filter(pk=activity.opportunity.pk).exists():
            raise ActivitySubjectNotFound(_("No such opportunity that you may see."))
        if activity.customer is None:
            activity.customer = activity.opportunity.customer
        elif activity.customer.pk != activity.opportunity.customer_id:
            raise ActivityInvalid(
                _("The opportunity “%(opportunity)s” is not with the customer “%(customer)s”.")
                % {"opportunity": activity.opportunity, "customer": activity.customer},
                fields={"opportunity": [_("Not an opportunity of this customer.")]},
            )
    customer = activity.customer
    if customer is not None and not visible_customers(by).filter(pk=customer.pk).exists():
        raise ActivitySubjectNotFound(_("No such customer that you may see."))
    if activity.kind == ActivityKind.VISIT and activity.customer is None:
        raise ActivityInvalid(
            _("A customer visit needs the customer."),
            fields={"customer": [_("Choose the customer visited.")]},
        )
    others = Activity.objects.filter(
        person=activity.person, occurred_on=activity.occurred_on
    ).exclude(pk=activity.pk).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if others + activity.hours > HOURS_IN_A_DAY:
        raise ActivityInvalid(
            _(
                "%(day)s already has %(logged)s hours logged; %(hours)s more would exceed "
                "24 hours in a day."
            )
            % {
                "day": activity.occurred_on,
                "logged": _plain(others),
                "hours": _plain(activity.hours),
            },
            fields={"hours": [_("More than 24 hours in one day.")]},
        )


def activity_log(
    *,
    person: User,
    kind: str,
    occurred_on: date,
    hours: Decimal | int | float | str,
    customer: Customer | None = None,
    opportunity: Opportunity | None = None,
    purpose: str = "",
    outcome: str = "",
    note: str = "",
    by: User,
) -> Activity:
    """Record work `person` did. Only they may log it."""
    if by.pk != person.pk:
        raise ActivityNotYours(_("You may log only your own activities."))
    activity = Activity(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        hours=hours,
        customer=customer,
        opportunity=opportunity,
        purpose=purpose,
        outcome=outcome,
        note=note,
    )
    with transaction.atomic():
        # Lock the person's row so two logs of the same day cannot both pass the 24 h check.
        User.objects.select_for_update().filter(pk=person.pk).first()
        _check(activity=activity, by=by)
        activity.save()
    return activity


def activity_update(
    *,
    activity: Activity,
    by: User,
    kind: str = _UNCHANGED,
    occurred_on: date = _UNCHANGED,
    hours: Decimal | int | float | str = _UNCHANGED,
    customer: Customer | None = _UNCHANGED,
    opportunity: Opportunity | None = _UNCHANGED,
    purpose: str = _UNCHANGED,
    outcome: str = _UNCHANGED,
    note: str = _UNCHANGED,
) -> Activity:
    """Change an activity; only its author may. Fields not given stay as they are."""
    if by.pk != activity.person_id:
        raise ActivityNotYours(_("Only the person who logged an activity may change it."))
    changes = {
        "kind": kind,
        "occurred_on": occurred_on,
        "hours": hours,
        "customer": customer,
        "opportunity": opportunity,
        "purpose": purpose,
        "outcome": outcome,
        "note": note,
    }
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=activity.person_id).first()
        changed = Activity.objects.get(pk=activity.pk)
        for field, value in changes.items():
            if value is not _UNCHANGED:
                setattr(changed, field, value)
        if opportunity is not _UNCHANGED and customer is _UNCHANGED and opportunity is not None:
            changed.customer = None  # take the new opportunity's customer
        _check(activity=changed, by=by)
        changed.save()
    return changed


def activity_delete(*, activity: Activity, by: User) -> None:
    """Delete an activity; only its author may."""
    if by.pk != activity.person_id:
        raise ActivityNotYours(_("Only the person who logged an activity may delete it."))
    with transaction.atomic():
        Activity.objects.filter(pk=activity.pk).delete()
