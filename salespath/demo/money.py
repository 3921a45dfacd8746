"""Contracts, installments, payments and shipments of the won and booked demo deals
(S7.1–S7.3): payments never exceed the contract, and some wait for finance's confirmation."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from salespath.pipeline.models import Contract, Installment, Opportunity, Payment, Shipment

from . import data
from .people import Organisation
from .stories import Story
from .timing import moment

CENT = Decimal("0.01")


def between(fraction: float, start: date, stop: date) -> date:
    return start + timedelta(days=round(fraction * (stop - start).days))


def write_contracts(
    rng: random.Random, org: Organisation, stories: list[Story], by_story: dict, today: date
) -> dict[str, int]:
    """Won deals: contract signed in S6, first installment paid and confirmed, ordered and
    shipped by the completion date (S7.1–S7.3). Booked deals: signed, still in S6."""
    finance = org.with_role("finance")[0].user
    deals = [s for s in stories if s.status == "won" or s.booked]
    contracts, plans = [], []
    for s in deals:
        entered = s.entered(6)
        end = s.won_on or today

        signed = between(rng.uniform(0.2, 0.6) if s.won_on else rng.random(), entered, end)
        contracts.append(
            Contract(
                opportunity=by_story[s.number],
                signed_on=signed,
                amount=s.amount,
                payment_terms=data.LOW_PAYMENT_TERMS,
                created_by=s.owner.user,
            )
        )
        first_due = between(0.2, signed, end) if s.won_on else signed + timedelta(days=10)
        shares = [s.amount * Decimal("0.3"), s.amount * Decimal("0.4")]
        shares = [x.quantize(CENT) for x in shares]
        shares.append(s.amount - sum(shares))
        dues = [
            first_due,
            signed + timedelta(days=rng.randint(60, 120)),
            signed + timedelta(days=rng.randint(150, 270)),
        ]
        plans.append((s, signed, end, list(zip(dues, shares, strict=True))))
    Contract.objects.bulk_create(contracts)
    installments, payments, shipments = [], [], []
    awaiting = 0
    for contract, (s, signed, end, terms) in zip(contracts, plans, strict=True):
        by_story[s.number].signed_on = signed
        installments += [
            Installment(contract=contract, due_on=due, amount=amount, note=note)
            for (due, amount), note in zip(terms, ["签约款", "上线款", "验收款"], strict=True)
        ]
        for index, (due, amount) in enumerate(terms):
            confirmed: date | None
            if index == 0 and s.won_on:
                received = signed + timedelta(days=round(0.4 * (end - signed).days))
                confirmed = signed + timedelta(days=round(0.6 * (end - signed).days))
            else:
                early = s.won_on and due > today and rng.random() < 0.1
                received = (
                    today - timedelta(days=rng.randint(0, 5))
                    if early
                    else due + timedelta(days=rng.randint(-5, 15))
                )
                received = max(received, signed)
                if received > today or (due > today and not early):
                    continue  # not paid yet
                confirmed = received + timedelta(days=rng.randint(1, 3))
                if early or confirmed > today or (not s.won_on and rng.random() < 0.5):
                    confirmed = None  # awaiting finance
            awaiting += confirmed is None
            payments.append(
                Payment(
                    contract=contract,
                    amount=amount,
                    received_on=received,
                    recorded_by=s.owner.user,
                    recorded_at=moment(received, 10),
                    confirmed_by=finance if confirmed else None,
                    confirmed_at=moment(confirmed, 16) if confirmed else None,
                )
            )
        if s.won_on:
            ordered = signed + timedelta(days=round(0.3 * (end - signed).days))
            shipped = signed + timedelta(days=round(0.8 * (end - signed).days))
            shipments.append(
                Shipment(
                    opportunity=by_story[s.number],
                    hq_ordered_on=ordered,
                    shipped_on=shipped,
                    note="已向总部订货并发货",
                )
            )
        elif signed + timedelta(days=5) <= today:
            shipments.append(
                Shipment(opportunity=by_story[s.number], hq_ordered_on=signed + timedelta(days=5))
            )
    Installment.objects.bulk_create(installments)
    Payment.objects.bulk_create(payments)
    Shipment.objects.bulk_create(shipments)
    Opportunity.objects.bulk_update([by_story[s.number] for s in deals], ["signed_on"])
    return {"payments_awaiting_finance": awaiting}
