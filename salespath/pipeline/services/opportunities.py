"""Creating and editing an opportunity: fields, product lines, with field history and the
version check (SPEC §3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salespath.catalog.models import ProductCategory
from salespath.customers.models import Customer
from salespath.org import columns
from salespath.org.models import User

from .. import errors, policy, rules
from ..models import ForecastCategory, Opportunity, StageChange, Status
from ..signals import announce_owners
from . import base


def _category(value: Any) -> str:
    text = base.text(value)
    if text not in ForecastCategory.values:
        raise errors.invalid(
            "forecast_category",
            _("“%(value)s” is not a forecast category.") % {"value": value},
        )
    return text


def _probability(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if str(value).strip() != str(number) or not 0 <= number <= 100:
        raise errors.invalid("probability", _("The probability must be between 0 and 100."))
    return number


def _close_date(value: Any, created_on: date) -> date:
    if not isinstance(value, date):
        raise errors.required("expected_close", _("The expected close date"))
    if value < created_on:
        raise errors.invalid(
            "expected_close",
            _("The expected close date cannot be before the opportunity was created."),
        )
    return value


def _lines(lines: Iterable[tuple[ProductCategory, Any]]) -> list[tuple[ProductCategory, Decimal]]:
    cleaned, seen = [], set()
    for product, amount in lines:
        if not isinstance(product, ProductCategory):
            raise errors.invalid("lines", _("Each product line needs a product."))
        if product.pk in seen:
            raise errors.invalid(
                "lines", _("The product “%(product)s” is listed twice.") % {"product": product}
            )
        seen.add(product.pk)
        cleaned.append((product, base.money(amount, "lines", _("A product line amount"))))
    return cleaned


def _lines_total(lines: list[tuple[ProductCategory, Decimal]]) -> Decimal:
    """The opportunity's amount: the sum of its lines, which its column must hold."""
    return base.total((amount for _p, amount in lines), "lines", _("The sum of the product lines"))


@transaction.atomic
def opportunity_create(
    *,
    customer: Customer,
    owner: User,
    name: str,
    expected_close: date,
    by: User,
    lines: Iterable[tuple[ProductCategory, Any]] | None = None,
    amount: Any = None,
    forecast_category: str = ForecastCategory.PIPELINE,
    probability: int | None = None,
    created_on: date | None = None,
    name_en: str = "",
    customer_need: str = "",
    budget_amount: Any = None,
    no_competitors_known: bool = False,
    note: str = "",
    external_id: str | None = None,
) -> Opportunity:
    """A new opportunity in S2 (发掘潜在商机), with its opening stage-change row.

    Give the products as `lines=[(product, amount), ...]` (the amount is their sum) or a
    plain `amount`. A `probability` given here counts as set by hand.
    """
    if not policy.may_create_for(by, owner):
        raise errors.not_allowed_to_create()
    if not (customer.owner_id == owner.pk or policy.may_see_customer(by, customer)):
        raise errors.invalid("customer", _("No such customer, or you may not see it."))
    name = base.text(name)
    if not name:
        raise errors.required("name", _("The project name"))
    created_on = created_on or base.today()
    if created_on > base.today():
        raise errors.future_date("created_on")
    expected_close = _close_date(expected_close, created_on)
    category = _category(forecast_category)
    budget = base.money(budget_amount, "budget_amount", _("The budget"), allow_none=True)
    cleaned_lines = _lines(lines or [])
    if cleaned_lines:
        total = _lines_total(cleaned_lines)
        if amount is not None and base.money(amount, "amount", _("The amount")) != total:
            raise errors.invalid(
                "amount",
                _("The amount must equal the sum of the product lines (%(total)s).")
                % {"total": total},
            )
    else:
        total = base.money(amount if amount is not None else 0, "amount", _("The amount"))
    external_id = base.text(external_id) or None
    taken = errors.external_id_taken()
    columns.check_unique(Opportunity, "external_id", external_id, error=taken)
    stage = base.stages()[rules.ENTRY_STAGE]
    manual = probability is not None
    with columns.unique_write(Opportunity, "external_id", external_id, error=taken):
        opportunity = Opportunity.objects.create(
            name=name,
            name_en=base.text(name_en),
            external_id=external_id,
            customer=customer,
            owner=owner,
            created_by=by,
            created_on=created_on,
            stage=stage,
            stage_entered_on=created_on,
            status=Status.OPEN,
            amount=total,
            probability=rules.probability(
                status=Status.OPEN,
                stage_default=stage.default_probability,
                manual=_probability(probability) if manual else None,
            ),
            probability_manual=manual,
            forecast_category=category,
            expected_close=expected_close,
            no_competitors_known=bool(no_competitors_known),
            customer_need=base.text(customer_need),
            budget_amount=budget,
            note=base.text(note),
        )
    # The lines and the opening stage change keep the row's copies (`product_ids`,
    # `history_until`) the way every later edit and move does.
    base.write_lines(opportunity, cleaned_lines)
    base.stage_change(
        opportunity,
        kind=StageChange.Kind.CREATE,
        from_stage=None,
        from_status="",
        by=by,
        on=created_on,
    )
    opportunity.save(update_fields=["product_ids", "history_until"])
    # the forecast rollup and the funnel's months take the new deal in, in this transaction
    announce_owners([owner.pk], opportunity_ids=[opportunity.pk])
    return opportunity


# Fields `opportunity_update` accepts, with how to clean each.
EDITABLE = {
    "name",
    "name_en",
    "expected_close",
    "forecast_category",
    "probability",
    "owner",
    "customer_need",
    "budget_amount",
    "no_competitors_known",
    "note",
    "amount",
}


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, version: int | None, by: User, **changes: Any
) -> Opportunity:
    """Change fields of an opportunity. `version` is the one the caller read: if someone saved
    since, nothing is written (`stale_version`). Amount, close date, category, probability
    and owner changes go to the field history.

    `probability=None` hands the probability back to the stage default.
    `amount` can only be set directly while there are no product lines.
    """
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise errors.invalid(
            unknown[0], _("“%(field)s” cannot be changed here.") % {"field": unknown[0]}
        )
    if set(changes) == {"owner"} and policy.may_reassign(by, opportunity):
        policy.check_sees(by, opportunity)  # a supervisor reassigns without being on the team
    else:
        policy.check_edits(by, opportunity)
    current = base.lock(opportunity, version)
    old = {field: getattr(current, field) for field in base.WATCHED_FIELDS}

    if "owner" in changes and changes["owner"].pk != current.owner_id:
        if not policy.may_reassign(by, current):
            raise errors.not_allowed(_("reassign the account manager"))
        current.owner = changes["owner"]
    if "name" in changes:
        current.name = base.text(changes["name"])
        if not current.name:
            raise errors.required("name", _("The project name"))
    for field in ("name_en", "customer_need", "note"):
        if field in changes:
            setattr(current, field, base.text(changes[field]))
    if "no_competitors_known" in changes:
        current.no_competitors_known = bool(changes["no_competitors_known"])
    if "budget_amount" in changes:
        current.budget_amount = base.money(
            changes["budget_amount"], "budget_amount", _("The budget"), allow_none=True
        )
    if "expected_close" in changes:
        current.expected_close = _close_date(changes["expected_close"], current.created_on)
    if "forecast_category" in changes:
        current.forecast_category = _category(changes["forecast_category"])
    if "probability" in changes:
        if changes["probability"] is None:
            current.probability_manual = False
            if current.status == Status.OPEN:
                current.probability = current.stage.default_probability
        else:
            current.probability = _probability(changes["probability"])
            current.probability_manual = True
    if "amount" in changes:
        if current.lines.exists():
            raise errors.invalid(
                "amount", _("The amount is the sum of the product lines; change the lines.")
            )
        current.amount = base.money(changes["amount"], "amount", _("The amount"))

    for field in base.WATCHED_FIELDS:
        base.record_field(current, field, old[field], getattr(current, field), by)
    return base.save(current, opportunity)


@transaction.atomic
def opportunity_set_lines(
    *,
    opportunity: Opportunity,
    lines: Iterable[tuple[ProductCategory, Any]],
    by: User,
    version: int | None = None,
) -> Opportunity:
    """Replace the product lines; the amount becomes their sum (recorded in field history)."""
    policy.check_edits(by, opportunity)
    cleaned = _lines(lines)
    if not cleaned:
        raise errors.invalid("lines", _("Give at least one product line."))
    _lines_total(cleaned)  # refused before anything is touched
    current = base.lock(opportunity, version)
    old_amount = current.amount
    current.lines.all().delete()
    base.write_lines(current, cleaned)
    current.amount = _lines_total(cleaned)
    base.record_field(current, "amount", old_amount, current.amount, by)
    return base.save(current, opportunity)
