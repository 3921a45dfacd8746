"""The work of each stage as data: quotes, key dates, competitors, objections, contract,
payments and shipment — and the bad input each refuses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from salespath.errors import Conflict, DomainError, NotAllowed
from salespath.pipeline.models import Contract, Opportunity, Payment, Quote, Shipment
from salespath.pipeline.services import (
    competitor_add,
    contract_sign,
    key_date_add,
    objection_add,
    objection_resolve,
    payment_confirm,
    payment_record,
    quote_add,
    shipment_record,
    team_member_add,
    team_member_remove,
)
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def deal(cast):
    return OpportunityFactory(owner=cast.salesperson)


def sign(deal, cast, amount="1000", installments=None):
    return contract_sign(
        opportunity=deal,
        signed_on=TODAY(),
        amount=amount,
        payment_terms="签约付30%,验收付70%",
        installments=installments or [(TODAY(), "300"), (TODAY() + timedelta(days=90), "700")],
        by=cast.salesperson,
    )


def test_quotes_are_versioned(deal, cast):
    first = quote_add(
        opportunity=deal,
        by=cast.salesperson,
        software_fee=500,
        implementation_fee=200,
        service_fee=0,
    )
    second = quote_add(
        opportunity=deal,
        by=cast.salesperson,
        software_fee=450,
        implementation_fee=200,
        service_fee=50,
        kind="formal",
    )
    assert (first.version, second.version, second.total) == (1, 2, Decimal("700"))


@pytest.mark.parametrize("missing", ["software_fee", "implementation_fee", "service_fee"])
def test_a_quote_missing_a_fee_part_is_refused(deal, cast, missing):
    fees = {"software_fee": 1, "implementation_fee": 1, "service_fee": 1, missing: None}
    with translation.override("zh-hans"), pytest.raises(DomainError) as caught:
        quote_add(opportunity=deal, by=cast.salesperson, **fees)
    assert "必填" in caught.value.message and missing in caught.value.fields
    assert not Quote.objects.exists()


def test_key_dates_competitors_and_objections(deal, cast):
    key_date_add(opportunity=deal, kind="bid", on=date(2026, 12, 1), by=cast.salesperson)
    deal.no_competitors_known = True
    deal.save()
    competitor_add(opportunity=deal, competitor="浪潮", kind="vendor", by=cast.salesperson)
    with pytest.raises(Conflict):
        competitor_add(opportunity=deal, competitor="浪潮", by=cast.salesperson)
    assert not Opportunity.objects.get(pk=deal.pk).no_competitors_known
    objection = objection_add(opportunity=deal, description="价格偏高", by=cast.salesperson)
    objection_resolve(objection=objection, handling="分期付款", by=cast.salesperson)
    objection.refresh_from_db()
    assert objection.resolved and objection.handling == "分期付款"
    with pytest.raises(DomainError):
        key_date_add(opportunity=deal, kind="party", on=date(2026, 12, 1), by=cast.salesperson)


def test_team_members_are_added_and_removed(deal, cast):
    member = team_member_add(
        opportunity=deal, person=cast.teammate, role="presales", by=cast.salesperson
    )
    with pytest.raises(Conflict):
        team_member_add(
            opportunity=deal, person=cast.teammate, role="presales", by=cast.salesperson
        )
    team_member_remove(member=member, by=cast.salesperson)
    assert not deal.team.exists()


def test_contract_sign_records_the_booking_date(deal, cast):
    contract = sign(deal, cast)
    deal.refresh_from_db()
    assert deal.signed_on == TODAY() and deal.version == 2
    assert [i.amount for i in contract.installments.all()] == [Decimal("300"), Decimal("700")]
    with pytest.raises(Conflict):
        sign(deal, cast)


@pytest.mark.parametrize(
    "amount, installments, words",
    [
        ("-1000", None, "不能为负"),
        ("0", None, "必须大于零"),
        ("1000", [(TODAY(), "900")], "不是合同金额"),
        ("1000", [(TODAY(), "-1"), (TODAY(), "1001")], "不能为负"),
    ],
)
def test_bad_contracts_are_refused_and_nothing_written(deal, cast, amount, installments, words):
    with translation.override("zh-hans"), pytest.raises(DomainError) as caught:
        sign(deal, cast, amount=amount, installments=installments)
    assert words in caught.value.message
    assert not Contract.objects.exists()
    assert Opportunity.objects.get(pk=deal.pk).signed_on is None


def test_payments_are_recorded_by_the_team_and_confirmed_by_finance_only(deal, cast):
    contract = sign(deal, cast)
    payment = payment_record(
        contract=contract, amount="300", received_on=TODAY(), by=cast.salesperson
    )
    for who in ("salesperson", "supervisor", "executive", "branch_gm"):
        with translation.override("zh-hans"), pytest.raises(NotAllowed) as caught:
            payment_confirm(payment=payment, by=getattr(cast, who))
        assert "财务" in caught.value.message
    assert Payment.objects.get(pk=payment.pk).confirmed_at is None
    payment_confirm(payment=payment, by=cast.finance)
    assert Payment.objects.get(pk=payment.pk).confirmed_by == cast.finance
    with pytest.raises(Conflict):
        payment_confirm(payment=payment, by=cast.finance)


def test_a_payment_larger_than_the_outstanding_balance_is_refused(deal, cast):
    contract = sign(deal, cast)
    payment_record(contract=contract, amount="600", received_on=TODAY(), by=cast.salesperson)
    with translation.override("zh-hans"), pytest.raises(DomainError) as caught:
        payment_record(contract=contract, amount="400.01", received_on=TODAY(), by=cast.salesperson)
    assert "400.01" in caught.value.message and "400.00" in caught.value.message
    assert contract.payments.count() == 1


def test_shipment_is_recorded_in_two_steps(deal, cast):
    shipment_record(opportunity=deal, hq_ordered_on=TODAY(), by=cast.salesperson)
    shipment_record(opportunity=deal, shipped_on=TODAY(), by=cast.salesperson)
    shipment = Shipment.objects.get(opportunity=deal)
    assert shipment.hq_ordered_on == shipment.shipped_on == TODAY()


def test_shipping_before_ordering_is_refused(deal, cast):
    with pytest.raises(DomainError):
        shipment_record(opportunity=deal, shipped_on=TODAY(), by=cast.salesperson)
    with pytest.raises(DomainError):
        shipment_record(
            opportunity=deal,
            hq_ordered_on=TODAY(),
            shipped_on=TODAY() - timedelta(days=1),
            by=cast.salesperson,
        )
    assert not Shipment.objects.exists()
