"""Quotas for any date range (SPEC §6), and the services that set them.

Quotas are kept per person per fiscal quarter. A date range's quota is the sum over the
fiscal quarters it touches of quota × overlap days / quarter days, so a quota year that
starts in the middle of a fiscal quarter gets the right share of each quarter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotAllowed
from salespath.lib.fiscal import Period, quarters_between
from salespath.org import columns
from salespath.org.models import Quota, Role, User

CENT = Decimal("0.01")


def _start_month() -> int:
    return settings.SALESPATH_FISCAL_YEAR_START_MONTH


def prorated(quarter_amounts: dict[tuple[int, int], Decimal], period: Period) -> Decimal:
    """The share of the quarterly quotas `quarter_amounts` ((year, quarter) → amount) that
    falls in `period`, to the cent."""
    total = Decimal(0)
    for quarter in quarters_between(period, _start_month()):
        amount = quarter_amounts.get((quarter.year, quarter.quarter))
        if not amount:
            continue
        quarter_period = quarter.period
        total += amount * period.overlap_days(quarter_period) / quarter_period.days
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def quarter_amounts_by_person(
    person_ids: Iterable[int], periods: Iterable[Period]
) -> dict[int, dict[tuple[int, int], Decimal]]:
    """Every quarterly quota of these people that touches any of `periods`, in one query."""
    quarters = {
        (q.year, q.quarter) for period in periods for q in quarters_between(period, _start_month())
    }
    found: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    if not quarters:
        return found
    touching = Q()
    for year, quarter in quarters:
        touching |= Q(fiscal_year=year, fiscal_quarter=quarter)
    rows = Quota.objects.filter(touching, person_id__in=list(person_ids)).values_list(
        "person_id", "fiscal_year", "fiscal_quarter", "amount"
    )
    for person_id, year, quarter, amount in rows:
        found[person_id][(year, quarter)] = amount
    return found


def quotas_for_period(people: Iterable[User], period: Period) -> dict[int, Decimal]:
    """Each person's quota for `period` (person id → amount; 0 without quotas), one query."""
    ids = [person.pk for person in people]
    amounts = quarter_amounts_by_person(ids, [period])
    return {pk: prorated(amounts.get(pk, {}), period) for pk in ids}


def quota_for_period(person: User, period: Period) -> Decimal:
    return quotas_for_period([person], period)[person.pk]


def _may_configure_quotas(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def quota_set(
    *, person: User, fiscal_year: int, fiscal_quarter: int, amount: Decimal | str, by: User
) -> Quota:
    """Set a person's quota for one fiscal quarter (administrators, SPEC §1)."""
    if not _may_configure_quotas(by):
        raise NotAllowed(_("Only an administrator may set quotas."))
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite():
        raise DomainError(_("“%(amount)s” is not an amount.") % {"amount": amount})
    if value < 0:
        raise DomainError(_("A quota cannot be negative (%(amount)s).") % {"amount": value})
    if value != value.quantize(CENT):
        raise DomainError(_("A quota has at most two decimals."))
    columns.check_fits(value, columns.column(Quota, "amount"), name="amount", label=_("A quota"))
    if fiscal_quarter not in (1, 2, 3, 4) or not 2000 <= fiscal_year <= 2100:
        raise DomainError(
            _("There is no fiscal quarter %(year)sQ%(quarter)s.")
            % {"year": fiscal_year, "quarter": fiscal_quarter}
        )
    with transaction.atomic():
        quota, _created = Quota.objects.update_or_create(
            person=person,
            fiscal_year=fiscal_year,
            fiscal_quarter=fiscal_quarter,
            defaults={"amount": value},
        )
    return quota


def quota_start_set(*, person: User, on: date, by: User) -> User:
    """Set the date a person's quota starts (training ends, SPEC §6)."""
    if not _may_configure_quotas(by):
        raise NotAllowed(_("Only an administrator may set quotas."))
    if person.hire_date and on < person.hire_date:
        raise DomainError(
            _("The quota start date %(start)s cannot be before the hire date %(hire)s.")
            % {"start": on, "hire": person.hire_date}
        )
    with transaction.atomic():
        person.quota_start_date = on
        person.save(update_fields=["quota_start_date"])
    return person
