"""S1: target customers from the profile, attestations, or a supervisor's mark."""

import pytest
from django.utils import translation

from salespath.customers.models import Customer
from salespath.customers.services import customer_mark_target
from salespath.errors import DomainError, NotAllowed
from salespath.pipeline.qualification import qualify_customer, target_customer_q
from tests.factories import CustomerFactory, industry
from tests.pipeline.evidence import attest_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(cast):
    return CustomerFactory(owner=cast.salesperson, is_group_enterprise=True, is_multi_site=True)


def codes_met(customer):
    return {r.code for r in qualify_customer(customer).results if r.met}


def test_profile_and_attestations_make_a_target_customer(customer):
    assert codes_met(customer) == {"S1.1", "S1.2"}
    assert not qualify_customer(customer).is_target
    attest_customer(customer, "S1.3", "S1.4")
    assert qualify_customer(customer).is_target
    assert Customer.objects.filter(target_customer_q()).get() == customer


@pytest.mark.parametrize(
    "change",
    [
        {"industry": None},
        {"size": "small"},
        {"is_multi_site": False},
        {"is_group_enterprise": None},
    ],
)
def test_each_profile_gap_fails_s1(customer, change):
    attest_customer(customer, "S1.3", "S1.4")
    if "industry" in change:
        customer.industry = None
    for name, value in change.items():
        setattr(customer, name, value)
    customer.save()
    assert not qualify_customer(customer).is_target
    assert not Customer.objects.filter(target_customer_q()).exists()


def test_a_non_target_industry_fails_s1_1(customer):
    customer.industry = industry("retail")
    customer.save()
    with translation.override("zh-hans"):
        s1_1 = next(r for r in qualify_customer(customer).results if r.code == "S1.1")
    assert not s1_1.met and "零售" in s1_1.why


def test_supervisor_marks_a_target_customer_with_a_reason(customer, cast):
    with pytest.raises(NotAllowed):
        customer_mark_target(customer=customer, by=cast.salesperson, reason="战略客户")
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        customer_mark_target(customer=customer, by=cast.supervisor, reason="")
    assert "原因" in refused.value.message
    customer_mark_target(customer=customer, by=cast.supervisor, reason="战略客户")
    customer.refresh_from_db()
    assert customer.target_override_by == cast.supervisor
    assert qualify_customer(customer).is_target
    assert Customer.objects.filter(target_customer_q()).exists()
