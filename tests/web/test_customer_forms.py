"""Customer pages' forms: profile, contacts, S1.3/S1.4 attestations, the supervisor's target
mark, new customer and new opportunity — each through its service, refusals next to fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from salespath.customers.models import Contact, Customer
from salespath.pipeline.models import Attestation, Opportunity
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def act(client, customer, action, **data):
    return client.post(reverse("web:customer_action", args=[customer.pk, action]), data)


def test_the_owner_edits_the_profile_and_the_page_shows_it(login, cast, deal):
    customer = deal.customer
    client = login(cast.salesperson)
    response = act(
        client,
        customer,
        "profile",
        name="华南制造集团",
        size="large",
        headcount="3200",
        is_group_enterprise="true",
        is_multi_site="false",
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "华南制造集团" and customer.headcount == 3200
    assert customer.is_group_enterprise is True and customer.is_multi_site is False
    assert "华南制造集团" in client.get(response.url).content.decode()


def test_a_profile_without_a_name_is_refused_next_to_the_name(login, cast, deal):
    response = act(login(cast.salesperson), deal.customer, "profile", name="", headcount="-3")
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_name_error"' in html and 'id="id_headcount_error"' in html


def test_a_contact_with_a_project_role_is_added(login, cast, deal):
    client = login(cast.salesperson)
    act(client, deal.customer, "contact", name="王总", project_role="decision_maker", title="CIO")
    contact = Contact.objects.get(customer=deal.customer)
    assert contact.title == "CIO"
    response = act(client, deal.customer, "contact", name="", project_role="decision_maker")
    assert response.status_code == 422


def test_s1_3_is_attested_on_the_customer_with_a_note(login, cast, deal):
    client = login(cast.salesperson)
    response = act(client, deal.customer, "attest", criterion="S1.3", note="走访确认有预算")
    assert response.status_code == 302
    assert Attestation.objects.filter(customer=deal.customer, criterion_id="S1.3").exists()
    refused = act(client, deal.customer, "attest", criterion="S1.3", note="")
    assert refused.status_code == 422


def test_only_a_supervisor_sees_and_may_use_the_target_mark(login, cast, deal):
    page = login(cast.salesperson).get(reverse("web:customer", args=[deal.customer.pk]))
    assert 'data-testid="target-form"' not in page.content.decode()
    assert act(login(cast.salesperson), deal.customer, "target", reason="x").status_code == 403
    client = login(cast.supervisor)
    assert (
        'data-testid="target-form"'
        in client.get(reverse("web:customer", args=[deal.customer.pk])).content.decode()
    )
    act(client, deal.customer, "target", reason="集团战略客户")
    deal.customer.refresh_from_db()
    assert deal.customer.target_override is True


def test_a_new_customer_is_created_for_the_account_manager(login, cast):
    client = login(cast.supervisor)
    response = client.post(
        reverse("web:customer_new"), {"name": "东莞电子", "owner": cast.salesperson.pk}
    )
    customer = Customer.objects.get(name="东莞电子")
    assert response.status_code == 302 and customer.owner == cast.salesperson


def test_a_salesperson_cannot_create_a_customer_for_someone_else(login, cast):
    response = login(cast.salesperson).post(
        reverse("web:customer_new"), {"name": "东莞电子", "owner": cast.teammate.pk}
    )
    assert response.status_code == 422
    assert not Customer.objects.filter(name="东莞电子").exists()


def test_a_new_opportunity_starts_in_s2_with_its_product_line(login, cast, deal, erp):
    client = login(cast.salesperson)
    page = client.get(reverse("web:opportunity_new") + f"?customer={deal.customer.pk}")
    assert page.status_code == 200
    response = client.post(
        reverse("web:opportunity_new"),
        {
            "customer": deal.customer.pk,
            "owner": cast.salesperson.pk,
            "name": "二期MES项目",
            "expected_close": "2026-12-31",
            "product": erp.pk,
            "amount": "300000",
            "forecast_category": "pipeline",
        },
    )
    created = Opportunity.objects.get(name="二期MES项目")
    assert response.status_code == 302 and created.stage_id == "S2"
    assert created.amount == 300000


def test_the_customer_is_picked_from_a_search_of_ones_own_customers(login, cast, deal):
    """The new-opportunity page lists no customers (an executive sees 200,000 at scale L):
    typing finds the viewer's customers by name; another salesperson's customer is not
    found, exactly as one that does not exist."""
    mine = deal.customer
    theirs = CustomerFactory(name="东莞精密机械有限公司", owner=cast.other_salesperson)
    CustomerFactory(name="佛山精密铸造有限公司", owner=cast.salesperson)
    client = login(cast.salesperson)
    page = client.get(reverse("web:opportunity_new")).content.decode()
    assert mine.name not in page and 'type="radio"' not in page
    assert f'hx-get="{reverse("web:customer_choices")}"' in page

    def choices(typed):
        answer = client.get(reverse("web:customer_choices"), {"customer_search": typed})
        return answer.content.decode()

    found = choices("精密")
    assert "佛山精密铸造有限公司" in found and 'name="customer"' in found
    assert theirs.name not in found
    assert choices(theirs.name) == choices("没有这个名字的客户")
    assert "没有你能看到的这个名字的客户" in choices(theirs.name)
    assert choices("").strip() == ""
    from_the_customer = client.get(reverse("web:opportunity_new"), {"customer": mine.pk})
    html = from_the_customer.content.decode()
    assert f'value="{mine.pk}" checked' in html and mine.name in html
    someone_elses = client.get(reverse("web:opportunity_new"), {"customer": theirs.pk})
    assert theirs.name not in someone_elses.content.decode()


def test_a_new_opportunity_without_a_close_date_is_refused(login, cast, deal, erp):
    response = login(cast.salesperson).post(
        reverse("web:opportunity_new"),
        {"customer": deal.customer.pk, "owner": cast.salesperson.pk, "name": "x"},
    )
    assert response.status_code == 422
    assert 'id="id_expected_close_error"' in response.content.decode()
