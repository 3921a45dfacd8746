"""Whether a value fits the column it is about to be written to: a number its decimal
column can hold, a value its unique column does not hold yet.

SQLite stores a decimal of any width, but every later read of it through the column's
`max_digits` fails; PostgreSQL refuses the write with a server error. Every writer of a
value it computed (a sum of lines, of installments, of fees) or read from outside checks it
here first, so an oversized value is a clear refusal naming the field and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from salespath.errors import DomainError

# The shape of every money column (amounts, fees, budgets, quotas: CNY to the fen), for
# readers that check a value before they know which model it goes to.
MONEY = models.DecimalField(max_digits=14, decimal_places=2)


def column(model: type[models.Model], name: str) -> models.DecimalField:
    field = model._meta.get_field(name)
    assert isinstance(field, models.DecimalField), f"{model.__name__}.{name} is not decimal"
    return field


def largest(field: models.DecimalField) -> Decimal:
    """The largest value the column holds: 999,999,999,999.99 for (14, 2)."""
    places = field.decimal_places
    return (Decimal(10) ** (field.max_digits - places) - 1) + (1 - Decimal(10) ** -places)


def fits(value: Decimal, field: models.DecimalField) -> bool:
    """True if `value` reads back equal from `field`: no more places, no more digits."""
    if not value.is_finite():
        return False
    try:
        rounded = value.quantize(Decimal(10) ** -field.decimal_places)
    except InvalidOperation:  # wider than the context's precision: far too large
        return False
    return rounded == value and abs(rounded) <= largest(field)


def too_large_message(label: Any, field: models.DecimalField) -> str:
    return _("%(field)s is too large: at most %(max)s.") % {
        "field": label,
        "max": f"{largest(field):,}",
    }


def check_fits(value: Decimal, field: models.DecimalField, *, name: str, label: Any) -> Decimal:
    """`value`, or a refusal naming `name` (the input field the user gave) if the column
    cannot hold it."""
    if not fits(value, field):
        message = too_large_message(label, field)
        raise DomainError(message, code="invalid", fields={name: [message]})
    return value


def check_unique(
    model: type[models.Model],
    name: str,
    value: Any,
    *,
    error: DomainError,
    exclude_pk: int | None = None,
) -> None:
    """Refuse with `error` if another row already holds `value` in the unique column `name`.
    Whose row it is, and whether the caller may see it, is not said: the answer is the same."""
    if value is None:
        return
    if model._default_manager.filter(**{name: value}).exclude(pk=exclude_pk).exists():
        raise error


@contextmanager
def unique_write(
    model: type[models.Model], name: str, value: Any, *, error: DomainError
) -> Iterator[None]:
    """Run a write in a savepoint: if a concurrent writer took `value` after `check_unique`,
    the unique constraint fails and the caller gets `error`, not a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        if value is not None and model._default_manager.filter(**{name: value}).exists():
            raise error from None
        raise
