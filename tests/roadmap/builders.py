"""Pipeline history written as the pipeline services keep it: StageChange rows plus the
opportunity's denormalised stage, status and dates, the contract behind a signing date, and
what derives from them kept after each change (`tests.factories.written`)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from salespath.pipeline.models import Contract, Opportunity, StageChange, Status
from tests.factories import OpportunityFactory, written


def opportunity(owner, *, on: date, stage: str = "S2", amount=0, **fields) -> Opportunity:
    """An opportunity created on `on` in S2, then advanced to `stage` on the same day."""
    created = OpportunityFactory(owner=owner, created_on=on, amount=Decimal(amount), **fields)
    if stage != "S2":
        advance(created, stage, on)
    return created


def _change(opp: Opportunity, kind: str, to_stage: str, to_status: str, on: date, reason=""):
    StageChange.objects.create(
        opportunity=opp,
        kind=kind,
        from_stage_id=opp.stage_id,
        to_stage_id=to_stage,
        from_status=opp.status,
        to_status=to_status,
        effective_on=on,
        at=timezone.now(),
        by=opp.owner,
        reason=reason,
    )
    opp.history_until = max(opp.history_until or on, on)  # copied with the row


def _save(opp: Opportunity) -> None:
    opp.save()
    written(opp, copies=False)  # its copies were set with it; verify checks them


def _contract(opp: Opportunity, on: date) -> None:
    """The contract a signing date is copied from (`contract_sign`)."""
    Contract.objects.create(
        opportunity=opp,
        signed_on=on,
        amount=opp.amount,
        payment_terms="30/70",
        created_by=opp.owner,
    )
    opp.signed_on = on  # its copy


def advance(opp: Opportunity, to_stage: str, on: date) -> None:
    status = Status.OPEN
    _change(opp, StageChange.Kind.ADVANCE, to_stage, status, on)
    opp.stage_id, opp.stage_entered_on = to_stage, on
    _save(opp)


def win(opp: Opportunity, on: date, *, signed_on: date | None = None) -> None:
    """Reaches S7 (completed) on `on`; the contract was signed on `signed_on` (or `on`)."""
    _change(opp, StageChange.Kind.ADVANCE, "S7", Status.WON, on)
    opp.stage_id, opp.stage_entered_on, opp.status = "S7", on, Status.WON
    opp.won_on = on
    if opp.signed_on is None:
        _contract(opp, signed_on or on)
    _save(opp)


def sign(opp: Opportunity, on: date) -> None:
    _contract(opp, on)
    _save(opp)


def lose(opp: Opportunity, on: date) -> None:
    _change(opp, StageChange.Kind.LOSE, opp.stage_id, Status.LOST, on, reason="客户选了别家")
    opp.status, opp.lost_on, opp.lost_reason = Status.LOST, on, "客户选了别家"
    _save(opp)
