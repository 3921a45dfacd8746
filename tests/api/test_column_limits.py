"""A sum the services compute (the amount from the product lines, the installments, a quote's
fees) is checked against its column before anything is written: too large is a 400 naming the
field, never a 500, never a row that every later read fails on."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.errors import DomainError
from salespath.org.columns import column, fits, largest
from salespath.org.models import Quota
from salespath.org.quotas import quota_set
from salespath.pipeline import services
from salespath.pipeline.models import (
    Contract,
    FieldChange,
    Opportunity,
    OpportunityLine,
    Quote,
)
from tests.factories import CustomerFactory, OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db

TOP = Decimal("999999999999.99")  # the largest a (14, 2) column holds


def test_largest_and_fits_follow_the_columns_shape():
    amount = column(Opportunity, "amount")
    assert largest(amount) == TOP
    assert fits(TOP, amount)
    assert not fits(TOP + Decimal("0.01"), amount)
    assert not fits(Decimal("1.001"), amount)
    assert not fits(Decimal("1E+40"), amount)


@pytest.fixture
def deal(cast):
    for code in "abcdefg":
        ProductFactory(code=code)
    return OpportunityFactory(owner=cast.salesperson, amount=Decimal("100.00"))


def test_seven_lines_of_the_largest_amount_answer_400_and_store_nothing(cast, api, deal):
    lines = [{"product": code, "amount": "999999999999.99"} for code in "abcdefg"]
    response = api(cast.salesperson, language="en").patch(
        f"/api/v1/opportunities/{deal.pk}/",
        {"version": deal.version, "lines": lines},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["lines"] == [
        "The sum of the product lines is too large: at most 999,999,999,999.99."
    ]
    stored = Opportunity.objects.get(pk=deal.pk)
    assert stored.amount == Decimal("100.00")
    assert stored.version == deal.version
    assert not OpportunityLine.objects.filter(opportunity=deal).exists()
    assert not FieldChange.objects.filter(opportunity=deal).exists()
    # every page that reads it still answers
    assert api(cast.supervisor).get("/api/v1/opportunities/").status_code == 200


def test_a_new_opportunity_whose_lines_overflow_is_refused(cast, api, deal):
    customer = CustomerFactory(owner=cast.salesperson)
    before = Opportunity.objects.count()
    response = api(cast.salesperson, language="en").post(
        "/api/v1/opportunities/",
        {
            "customer": customer.pk,
            "name": "Too big",
            "expected_close": str(date.today() + timedelta(days=30)),
            "lines": [{"product": code, "amount": "999999999999.99"} for code in "ab"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "lines" in response.json()["error"]["fields"]
    assert Opportunity.objects.count() == before


def test_a_quote_whose_total_overflows_is_refused(cast, deal):
    with pytest.raises(DomainError) as refused:
        services.quote_add(
            opportunity=deal,
            by=cast.salesperson,
            software_fee=TOP,
            implementation_fee=TOP,
            service_fee=Decimal("1"),
        )
    assert "total" in refused.value.fields
    assert not Quote.objects.filter(opportunity=deal).exists()


def test_an_amount_wider_than_its_column_is_refused_by_the_service_itself(cast, deal):
    with pytest.raises(DomainError) as refused:
        services.opportunity_update(
            opportunity=deal, version=deal.version, by=cast.salesperson, amount="1e15"
        )
    assert "amount" in refused.value.fields
    with pytest.raises(DomainError) as refused:
        quota_set(
            person=cast.salesperson,
            fiscal_year=2026,
            fiscal_quarter=1,
            amount="10000000000000",
            by=cast.admin,
        )
    assert "amount" in refused.value.fields
    assert not Quota.objects.exists()


def test_contract_installments_that_overflow_are_refused(cast, deal):
    with pytest.raises(DomainError) as refused:
        services.contract_sign(
            opportunity=deal,
            by=cast.salesperson,
            signed_on=date.today(),
            amount=TOP,
            payment_terms="50/50",
            installments=[(date.today(), TOP), (date.today(), TOP)],
        )
    assert "installments" in refused.value.fields
    assert not Contract.objects.exists()


def test_the_quote_page_shows_an_overflowing_total_on_the_form(cast, client, deal):
    client.force_login(cast.salesperson)
    response = client.post(
        reverse("web:opportunity_work", args=[deal.pk, "quote"]),
        {"kind": "formal", "software_fee": TOP, "implementation_fee": TOP, "service_fee": "0"},
    )
    assert response.status_code == 422
    assert "999,999,999,999.99" in response.content.decode()
    assert not Quote.objects.exists()


AMOUNTS = st.decimals(min_value=0, max_value=TOP, places=2, allow_nan=False, allow_infinity=False)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=7))
def test_no_accepted_set_of_lines_stores_an_amount_its_column_cannot_hold(cast, deal, amounts):
    products = list(ProductFactory._meta.model.objects.filter(code__in="abcdefg"))[: len(amounts)]
    current = Opportunity.objects.get(pk=deal.pk)
    try:
        services.opportunity_set_lines(
            opportunity=current,
            lines=list(zip(products, amounts, strict=False)),
            by=cast.salesperson,
            version=current.version,
        )
    except DomainError as refused:
        assert sum(amounts) > TOP
        assert "lines" in refused.fields
        return
    stored = Opportunity.objects.get(pk=deal.pk)  # reading it back must not fail
    assert stored.amount == sum(amounts)
    assert fits(stored.amount, column(Opportunity, "amount"))
    total = OpportunityLine.objects.filter(opportunity=deal).aggregate(total=Sum("amount"))
    assert total["total"] == stored.amount
