"""Customer profile services: basics_completed_on, contacts, bad input."""

from datetime import date

import pytest
from django.utils import timezone, translation

from salespath.customers.models import Contact, Customer
from salespath.customers.services import contact_add, customer_create, customer_update
from salespath.errors import DomainError, NotAllowed, NotFound
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_basics_completed_on_is_the_day_the_basics_first_became_complete(cast):
    customer = customer_create(
        owner=cast.salesperson,
        by=cast.salesperson,
        name="美的集团",
        created_on=date(2026, 3, 2),
        industry="manufacturing",
        size="large",
    )
    assert customer.basics_completed_on is None
    customer_update(customer=customer, by=cast.salesperson, background="家电", on=date(2026, 3, 9))
    assert customer.basics_completed_on is None
    customer_update(customer=customer, by=cast.salesperson, headcount=150000, on=date(2026, 3, 10))
    assert customer.basics_completed_on == date(2026, 3, 10)
    customer_update(customer=customer, by=cast.salesperson, headcount=None)
    customer_update(customer=customer, by=cast.salesperson, headcount=1)
    assert Customer.objects.get(pk=customer.pk).basics_completed_on == date(2026, 3, 10)


def test_created_complete_counts_from_the_creation_day(cast):
    customer = customer_create(
        owner=cast.salesperson,
        by=cast.salesperson,
        name="格力",
        industry="manufacturing",
        size="large",
        background="空调",
        headcount=80000,
    )
    assert customer.basics_completed_on == timezone.localdate()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"industry": "astrology"}, "industry"),
        ({"size": "huge"}, "size"),
        ({"headcount": -3}, "headcount"),
        ({"name": ""}, "name"),
        ({"owner_id": 1}, "owner_id"),
    ],
)
def test_bad_profile_input_is_refused_in_chinese(cast, changes, field):
    customer = CustomerFactory(owner=cast.salesperson, name="原名")
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        customer_update(customer=customer, by=cast.salesperson, **changes)
    assert field in refused.value.fields
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert Customer.objects.get(pk=customer.pk).name == "原名"


def test_contacts_need_a_name_and_a_known_role(cast):
    customer = CustomerFactory(owner=cast.salesperson)
    contact_add(customer=customer, by=cast.salesperson, name="周总", project_role="decision_maker")
    with pytest.raises(DomainError):
        contact_add(customer=customer, by=cast.salesperson, name="某人", project_role="boss")
    assert Contact.objects.count() == 1


def test_others_may_not_edit_or_see_a_customer(cast):
    customer = CustomerFactory(owner=cast.salesperson)
    with pytest.raises(NotFound):
        customer_update(customer=customer, by=cast.other_salesperson, note="x")
    with pytest.raises(NotAllowed):
        customer_update(customer=customer, by=cast.executive, note="x")
    customer_update(customer=customer, by=cast.supervisor, note="主管补充")
