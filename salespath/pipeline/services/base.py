"""Plumbing shared by the pipeline services: locking with the version check, field history,
stage lookups and date checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from salespath.catalog.models import ProductCategory
from salespath.org import columns
from salespath.org.models import User

from .. import errors
from ..copies import product_ids_text
from ..models import (
    OPPORTUNITY_STAGES,
    FieldChange,
    Opportunity,
    OpportunityLine,
    Stage,
    StageChange,
)
from ..signals import announce_changing, announce_owners

# Fields whose every change is kept in FieldChange (SPEC §3).
WATCHED_FIELDS = ("amount", "expected_close", "forecast_category", "probability", "owner", "stage")


def today() -> date:
    return timezone.localdate()


def lock(opportunity: Opportunity, version: int | None = None) -> Opportunity:
    """The opportunity's current row, locked for this transaction (select_for_update).

    With `version`, refuses with `stale_version` if someone saved since the caller read it.
    """
    current = (
        Opportunity.objects.select_for_update()
        .select_related("owner", "stage", "customer")
        .get(pk=opportunity.pk)
    )
    if version is not None and int(version) != current.version:
        raise errors.stale_version()
    return current


def save(
    current: Opportunity, original: Opportunity | None = None, *, history: StageChange | None = None
) -> Opportunity:
    """Save with the version bumped; copy the new state onto the caller's instance too.
    `history`: the move's stage change (`stage_change(..., write=False)`), written with it."""
    current.version += 1
    # What derives from the deal follows in this transaction (owner before and after): it
    # lets go of the deal as stored — its row and its history — and takes it in as saved,
    # so the move's stage change is written between the two.
    before = Opportunity.objects.filter(pk=current.pk).values_list("owner_id", flat=True)
    owners = {*before, current.owner_id}
    announce_changing([current.pk], owners)
    if history is not None:
        history.save(force_insert=True)
    current.save()
    announce_owners(owners, opportunity_ids=[current.pk])
    if original is not None and original is not current:
        for field in Opportunity._meta.concrete_fields:
            setattr(original, field.attname, getattr(current, field.attname))
        for cached in ("stage", "owner", "customer", "lost_to"):
            relation = Opportunity._meta.get_field(cached)
            if relation.is_cached(original):
                relation.delete_cached_value(original)
    return current


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, User):
        return value.username
    if isinstance(value, Stage):
        return value.code
    return str(value)


def record_field(opportunity: Opportunity, field: str, old: Any, new: Any, by: User | None):
    if _as_text(old) == _as_text(new):
        return None
    return FieldChange.objects.create(
        opportunity=opportunity,
        field=field,
        old_value=_as_text(old)[:200],
        new_value=_as_text(new)[:200],
        at=timezone.now(),
        by=by,
    )


def stages() -> dict[str, Stage]:
    return {stage.code: stage for stage in Stage.objects.all()}


def opportunity_stage(code: Any, known: dict[str, Stage]) -> Stage:
    if isinstance(code, Stage):
        code = code.code
    text = str(code or "").strip().upper()
    if text not in known or text not in OPPORTUNITY_STAGES:
        raise errors.unknown_stage(code)
    return known[text]


def effective_date(current: Opportunity, on: date | None, field: str = "on") -> date:
    """The date a move takes effect: today unless given; never in the future nor before the
    last recorded move, so the history stays in order."""
    day = on or today()
    if day > today():
        raise errors.future_date(field)
    last = (
        StageChange.objects.filter(opportunity=current)
        .order_by("-effective_on", "-id")
        .values_list("effective_on", flat=True)
        .first()
    )
    if last is not None and day < last:
        raise errors.date_before_history(field, last)
    return day


def money_column():
    """Every amount of the pipeline is a (14, 2) column like the opportunity's."""
    return columns.column(Opportunity, "amount")


def money(value: Any, field: str, label: str, *, allow_none: bool = False) -> Decimal | None:
    from django.utils.translation import gettext as _

    if value is None or value == "":
        if allow_none:
            return None
        raise errors.required(field, label)
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise errors.invalid(field, _("%(field)s is not a number.") % {"field": label}) from None
    if not amount.is_finite():
        raise errors.invalid(field, _("%(field)s is not a number.") % {"field": label})
    if amount < 0:
        raise errors.negative(field, label)
    return columns.check_fits(amount, money_column(), name=field, label=label)


def total(values: Iterable[Decimal], field: str, label: str) -> Decimal:
    """The sum of amounts that is written to a money column, refused if it cannot hold it."""
    return columns.check_fits(sum(values, Decimal("0.00")), money_column(), name=field, label=label)


def text(value: Any) -> str:
    return str(value or "").strip()


def write_lines(current: Opportunity, lines: Iterable[tuple[ProductCategory, Decimal]]) -> None:
    """Insert the opportunity's product lines and keep the row's copy of their products
    (`product_ids`, see pipeline/copies.py). The caller removes old lines and saves `current`."""
    lines = list(lines)
    OpportunityLine.objects.bulk_create(
        OpportunityLine(opportunity=current, product=product, amount=amount)
        for product, amount in lines
    )
    current.product_ids = product_ids_text(product.pk for product, _amount in lines)


def stage_change(
    current: Opportunity,
    *,
    kind: str,
    from_stage: Stage | None,
    from_status: str,
    by: User | None,
    on: date,
    reason: str = "",
    override: bool = False,
    write: bool = True,
) -> StageChange:
    """The stage change to `current`'s stage and status; with `write=False` not yet written:
    a move of an existing deal hands it to `save`, which writes it between the
    announcements."""
    # The caller saves `current`; moves are never dated before the last one (effective_date).
    current.history_until = max(on, current.history_until or on)
    change = StageChange(
        opportunity=current,
        kind=kind,
        from_stage=from_stage,
        to_stage=current.stage,
        from_status=from_status,
        to_status=current.status,
        effective_on=on,
        at=timezone.now(),
        by=by,
        reason=reason,
        override=override,
    )
    if write:
        change.save(force_insert=True)
    return change
