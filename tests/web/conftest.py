"""Web tests: clients logged in as members of the cast, and a small pipeline to look at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import LineFactory, OpportunityFactory, ProductFactory, written


@pytest.fixture
def login(client):
    """`login(user)` → the test client logged in as `user`, in Chinese unless told otherwise."""

    def log_in(user, language: str = "zh-hans"):
        client.force_login(user)
        client.cookies["django_language"] = language
        return client

    return log_in


@pytest.fixture
def erp(db):
    return ProductFactory(code="erp", name="ERP 管理软件", name_en="ERP suite")


@pytest.fixture
def deal(cast, erp):
    """李明's S2 deal with one product line."""
    opportunity = OpportunityFactory(
        name="华南制造ERP项目",
        name_en="South China Manufacturing ERP",
        owner=cast.salesperson,
        amount=Decimal("800000.00"),
        expected_close=date(2026, 9, 30),
    )
    LineFactory(opportunity=opportunity, product=erp, amount=Decimal("800000.00"))
    return opportunity


@pytest.fixture
def unconfirmed_payment(cast, deal):
    """A signed contract on 李明's deal with one payment the team recorded, awaiting finance."""
    from django.utils import timezone

    from salespath.pipeline.models import Contract, Payment

    contract = Contract.objects.create(
        opportunity=deal,
        signed_on=date(2026, 3, 1),
        amount=Decimal("800000.00"),
        payment_terms="签约付30%,上线付70%",
        created_by=cast.salesperson,
    )
    written(deal)  # its signing date, copied as `contract_sign` does
    return Payment.objects.create(
        contract=contract,
        amount=Decimal("240000.00"),
        received_on=date(2026, 3, 10),
        recorded_by=cast.salesperson,
        recorded_at=timezone.now(),
    )
