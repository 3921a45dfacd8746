"""The customers list: whom each person sees, by name, with their open deals counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from salespath.pipeline.models import ProjectMember
from salespath.policy import visible_customers
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _names(client, **params) -> list[str]:
    page = client.get(reverse("web:customers"), params).context["page_obj"]
    return [(customer.name, customer.open_deals) for customer in page.object_list]


def test_each_person_sees_their_peoples_customers_and_those_of_their_deals(login, cast):
    own = CustomerFactory(name="甲公司", owner=cast.salesperson)
    OpportunityFactory(owner=cast.salesperson, customer=own)
    OpportunityFactory(
        owner=cast.salesperson,
        customer=own,
        status="lost",
        lost_reason="预算取消",
        lost_on="2026-02-01",
    )
    teammates = CustomerFactory(name="乙公司", owner=cast.teammate)
    others = CustomerFactory(name="丙公司", owner=cast.other_salesperson)
    # li sells to 丁公司 though chen owns it, and is on the project team of a deal of 戊公司
    shared = CustomerFactory(name="丁公司", owner=cast.other_salesperson)
    OpportunityFactory(owner=cast.salesperson, customer=shared)
    on_team = CustomerFactory(name="戊公司", owner=cast.other_salesperson)
    deal = OpportunityFactory(owner=cast.other_salesperson, customer=on_team)
    ProjectMember.objects.create(opportunity=deal, person=cast.salesperson, role="product_expert")

    assert _names(login(cast.salesperson)) == [("丁公司", 1), ("戊公司", 1), ("甲公司", 1)]
    assert _names(login(cast.supervisor)) == [("丁公司", 1), ("乙公司", 0), ("甲公司", 1)]
    assert [name for name, _n in _names(login(cast.executive))] == [
        "丁公司", "丙公司", "乙公司", "戊公司", "甲公司"
    ]  # fmt: skip
    assert _names(login(cast.salesperson), q="戊") == [("戊公司", 1)]
    # the same set wherever the policy is read (API, forms, activity checks)
    assert set(visible_customers(cast.salesperson)) == {own, shared, on_team}
    assert teammates not in visible_customers(cast.salesperson)
    assert others in visible_customers(cast.other_supervisor)
