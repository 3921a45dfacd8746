"""Opportunities with the history and denormalised dates the pipeline services keep:
a StageChange row per move, `signed_on` from the Contract, `won_on` the S7 date, `lost_on`;
and, after each change, the copies and the forecast rollup kept as the services keep them
(`tests.factories.written`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from salespath.pipeline.models import Contract, Opportunity, StageChange, Status
from tests.factories import LineFactory, OpportunityFactory, ProductFactory, batch, written

PROBABILITY = {"S2": 10, "S3": 20, "S4": 30, "S5": 50, "S6": 75, "S7": 100}


def deal(
    owner,
    *,
    amount: str | Decimal = "100000.00",
    close: date = date(2026, 9, 30),
    category: str = "pipeline",
    created: date = date(2026, 1, 10),
    stage: str = "S2",
    probability: int | None = None,
    lines: dict[str, str] | None = None,
    name: str | None = None,
    note: str = "",
) -> Opportunity:
    """An open opportunity created on `created` in S2, then moved to `stage` the same day."""
    extra = {"name": name} if name else {}
    with batch():  # its lines and its move kept with it, once
        opportunity = OpportunityFactory(
            owner=owner,
            amount=Decimal(amount),
            expected_close=close,
            forecast_category=category,
            created_on=created,
            probability=probability if probability is not None else PROBABILITY[stage],
            note=note,
            **extra,
        )
        if stage != "S2":
            move(opportunity, stage, created)
        for code, line_amount in (lines or {}).items():
            LineFactory(
                opportunity=opportunity,
                product=ProductFactory(code=code, name=f"产品{code}"),
                amount=Decimal(line_amount),
            )
    return opportunity


def _change(opportunity, *, kind, to_stage, to_status, on, reason="") -> None:
    StageChange.objects.create(
        opportunity=opportunity,
        kind=kind,
        from_stage_id=opportunity.stage_id,
        to_stage_id=to_stage,
        from_status=opportunity.status,
        to_status=to_status,
        effective_on=on,
        at=timezone.now(),
        by=opportunity.owner,
        reason=reason,
    )
    # the latest change's date, copied with the row as the services copy it
    opportunity.history_until = max(opportunity.history_until or on, on)


def _save(opportunity: Opportunity) -> None:
    opportunity.save()
    written(opportunity, copies=False)  # its copies were set with it; verify checks them


def move(opportunity, stage: str, on: date) -> Opportunity:
    kind = StageChange.Kind.ADVANCE if stage > opportunity.stage_id else StageChange.Kind.BACK
    # a move between stages keeps the status (a lost deal moved stays lost)
    _change(
        opportunity, kind=kind, to_stage=stage, to_status=opportunity.status, on=on, reason="test"
    )
    opportunity.stage_id = stage
    opportunity.stage_entered_on = on
    _save(opportunity)
    return opportunity


def sign(opportunity, on: date) -> Opportunity:
    Contract.objects.create(
        opportunity=opportunity,
        signed_on=on,
        amount=opportunity.amount,
        payment_terms="30/70",
        created_by=opportunity.owner,
    )
    opportunity.signed_on = on
    _save(opportunity)
    return opportunity


def win(opportunity, on: date, *, signed: date | None = None) -> Opportunity:
    """Signed (on `signed`, default the same day) and moved to S7 on `on`."""
    if opportunity.signed_on is None:
        sign(opportunity, signed or on)
    _change(opportunity, kind=StageChange.Kind.ADVANCE, to_stage="S7", to_status=Status.WON, on=on)
    opportunity.stage_id = "S7"
    opportunity.stage_entered_on = on
    opportunity.status = Status.WON
    opportunity.won_on = on
    opportunity.probability = 100
    _save(opportunity)
    return opportunity


def lose(opportunity, on: date) -> Opportunity:
    _change(
        opportunity,
        kind=StageChange.Kind.LOSE,
        to_stage=opportunity.stage_id,
        to_status=Status.LOST,
        on=on,
        reason="客户预算取消",
    )
    opportunity.status = Status.LOST
    opportunity.lost_on = on
    opportunity.lost_reason = "客户预算取消"
    _save(opportunity)
    return opportunity


def reopen(opportunity, on: date) -> Opportunity:
    _change(
        opportunity,
        kind=StageChange.Kind.REOPEN,
        to_stage=opportunity.stage_id,
        to_status=Status.OPEN,
        on=on,
        reason="客户重启项目",
    )
    opportunity.status = Status.OPEN
    opportunity.lost_on = None
    opportunity.lost_reason = ""
    _save(opportunity)
    return opportunity
