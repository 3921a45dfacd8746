"""Stage 7 as data: the contract with its installments, payments (recorded by the team,
confirmed by finance only) and the shipment (SPEC §2, S7.1–S7.3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import Conflict, NotAllowed
from salespath.org.models import User

from .. import errors, policy
from ..models import Contract, Installment, Opportunity, Payment, Shipment, Status
from . import base
from .waiting import notify_waiting


@transaction.atomic
def contract_sign(
    *,
    opportunity: Opportunity,
    signed_on: date,
    amount: Any,
    payment_terms: str,
    installments: Iterable[tuple[date, Any]],
    by: User,
) -> Contract:
    """落单: the contract with its amount and payment terms. The signing date is the booking
    date (Opportunity.signed_on). The installments (due date, amount) must add up to the
    contract amount, so "what the contract requires so far" (S7.2) is well defined."""
    policy.check_edits(by, opportunity, _("sign the contract"))
    if not isinstance(signed_on, date):
        raise errors.required("signed_on", _("The signing date"))
    if signed_on > base.today():
        raise errors.future_date("signed_on")
    total = base.money(amount, "amount", _("The contract amount"))
    if total == 0:
        raise errors.not_positive("amount", _("The contract amount"))
    terms = base.text(payment_terms)
    if not terms:
        raise errors.required("payment_terms", _("The payment terms"))
    parts = []
    for due_on, part in installments:
        if not isinstance(due_on, date):
            raise errors.required("installments", _("An installment's due date"))
        value = base.money(part, "installments", _("An installment"))
        if value == 0:
            raise errors.not_positive("installments", _("An installment"))
        parts.append((due_on, value))
    if not parts:
        raise errors.invalid("installments", _("Give the installments of the payment terms."))
    scheduled = base.total(
        (value for _d, value in parts), "installments", _("The sum of the installments")
    )
    if scheduled != total:
        raise errors.invalid(
            "installments",
            _("The installments add up to %(sum)s, not the contract amount %(amount)s.")
            % {"sum": scheduled, "amount": total},
        )
    current = base.lock(opportunity)
    if current.status == Status.LOST:
        raise errors.not_open()
    if Contract.objects.filter(opportunity=current).exists():
        raise Conflict(_("This opportunity already has a contract."), code="already_signed")
    contract = Contract.objects.create(
        opportunity=current,
        signed_on=signed_on,
        amount=total,
        payment_terms=terms,
        created_by=by,
    )
    Installment.objects.bulk_create(
        Installment(contract=contract, due_on=due_on, amount=value) for due_on, value in parts
    )
    current.signed_on = signed_on
    base.save(current, opportunity)
    return contract


def outstanding(contract: Contract) -> Decimal:
    """What is left to pay: the contract amount less every payment recorded, confirmed or
    not (a recorded payment is money the team says has come in)."""
    recorded = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return contract.amount - recorded


@transaction.atomic
def payment_record(*, contract: Contract, amount: Any, received_on: date, by: User) -> Payment:
    """The project team records money received; it counts for S7.2 once finance confirms."""
    policy.check_edits(by, contract.opportunity, _("record payments"))
    value = base.money(amount, "amount", _("The payment"))
    if value == 0:
        raise errors.not_positive("amount", _("The payment"))
    if not isinstance(received_on, date):
        raise errors.required("received_on", _("The date received"))
    if received_on > base.today():
        raise errors.future_date("received_on")
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    left = outstanding(locked)
    if value > left:
        raise errors.invalid(
            "amount",
            _("The payment %(amount)s is more than the contract's outstanding %(left)s.")
            % {"amount": value, "left": left},
        )
    payment = Payment.objects.create(
        contract=locked,
        amount=value,
        received_on=received_on,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    notify_waiting("payment_recorded_notify", payment)
    return payment


@transaction.atomic
def payment_confirm(*, payment: Payment, by: User) -> Payment:
    """Finance confirms the money arrived. Nobody else may, not even the owner."""
    if not policy.may_confirm_payments(by):
        raise NotAllowed(_("Only finance confirms payments."))
    current = Payment.objects.select_for_update().get(pk=payment.pk)
    if current.confirmed_at is not None:
        raise Conflict(_("This payment is already confirmed."), code="already_confirmed")
    current.confirmed_by, current.confirmed_at = by, timezone.now()
    current.save(update_fields=["confirmed_by", "confirmed_at"])
    return current


@transaction.atomic
def shipment_record(
    *,
    opportunity: Opportunity,
    by: User,
    hq_ordered_on: date | None = None,
    shipped_on: date | None = None,
    note: str = "",
) -> Shipment:
    """Record (or complete) the order from headquarters and the local shipment (S7.3)."""
    policy.check_edits(by, opportunity, _("record the shipment"))
    shipment = Shipment.objects.select_for_update().filter(opportunity=opportunity).first()
    shipment = shipment or Shipment(opportunity=opportunity)
    ordered = hq_ordered_on or shipment.hq_ordered_on
    shipped = shipped_on or shipment.shipped_on
    for field, day in (("hq_ordered_on", ordered), ("shipped_on", shipped)):
        if day is not None and day > base.today():
            raise errors.future_date(field)
    if shipped is not None and ordered is None:
        raise errors.invalid("shipped_on", _("Record the order from headquarters first."))
    if shipped is not None and shipped < ordered:
        raise errors.invalid("shipped_on", _("Shipping comes after ordering from headquarters."))
    shipment.hq_ordered_on, shipment.shipped_on = ordered, shipped
    if note:
        shipment.note = note[:200]
    shipment.save()
    return shipment
