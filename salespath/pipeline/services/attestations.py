"""Attestations: a person vouches for an attested criterion with a note (SPEC §2 gate
rules). Withdrawing keeps the row, with who withdrew it, when and why."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.customers.models import Customer
from salespath.errors import Conflict
from salespath.org.models import User

from .. import errors, policy
from ..models import Attestation, Criterion, Opportunity


def _criterion(code: str | Criterion) -> Criterion:
    if isinstance(code, Criterion):
        return code
    criterion = Criterion.objects.filter(code=str(code).strip().upper()).first()
    if criterion is None:
        raise errors.invalid("criterion", _("There is no criterion “%(code)s”.") % {"code": code})
    return criterion


def _check_subject(user: User, opportunity: Opportunity | None, customer: Customer | None):
    if (opportunity is None) == (customer is None):
        raise errors.invalid("criterion", _("Attest on an opportunity or on a customer."))
    if opportunity is not None:
        policy.check_edits(user, opportunity, _("attest criteria"))
    elif not policy.may_see_customer(user, customer):
        raise errors.invalid("customer", _("No such customer, or you may not see it."))
    elif not policy.may_edit_customer(user, customer):
        raise errors.not_allowed(_("attest criteria"))


@transaction.atomic
def attestation_add(
    *,
    criterion: str | Criterion,
    by: User,
    note: str,
    opportunity: Opportunity | None = None,
    customer: Customer | None = None,
) -> Attestation:
    """Vouch for an attested criterion: S1 ones on a customer, S2–S7 ones on an opportunity.
    Evidence-backed criteria cannot be attested; they are met by the data."""
    criterion = _criterion(criterion)
    _check_subject(by, opportunity, customer)
    if criterion.kind != Criterion.Kind.ATTESTED:
        raise errors.invalid(
            "criterion",
            _("%(code)s is met by evidence on record and cannot be attested.")
            % {"code": criterion.code},
        )
    on_customer = criterion.stage_id == "S1"
    if on_customer != (customer is not None):
        message = (
            _("%(code)s is a customer criterion; attest it on the customer.")
            if on_customer
            else _("%(code)s is an opportunity criterion; attest it on the opportunity.")
        )
        raise errors.invalid("criterion", message % {"code": criterion.code})
    note = str(note or "").strip()
    if not note:
        raise errors.invalid("note", _("An attestation needs a note saying what shows it."))
    try:
        with transaction.atomic():
            return Attestation.objects.create(
                criterion=criterion,
                opportunity=opportunity,
                customer=customer,
                note=note,
                by=by,
                at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("%(code)s is already attested.") % {"code": criterion.code},
            code="already_attested",
        ) from None


@transaction.atomic
def attestation_withdraw(*, attestation: Attestation, by: User, reason: str) -> Attestation:
    """Withdraw an attestation; the row stays with who withdrew it, when and why."""
    current = Attestation.objects.select_for_update().get(pk=attestation.pk)
    _check_subject(by, current.opportunity, current.customer)
    if current.withdrawn_at is not None:
        raise Conflict(_("This attestation was already withdrawn."), code="already_withdrawn")
    reason = str(reason or "").strip()
    if not reason:
        raise errors.reason_required()
    current.withdrawn_by, current.withdrawn_at, current.withdraw_reason = (
        by,
        timezone.now(),
        reason,
    )
    current.save(update_fields=["withdrawn_by", "withdrawn_at", "withdraw_reason"])
    return current
