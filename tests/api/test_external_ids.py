"""An external id already in use answers 409 in the error shape, with the same words whether
the record holding it is the caller's own or one they may not see — never a 500."""

from datetime import date, timedelta

import pytest

from salespath.customers.models import Customer
from salespath.pipeline.models import Opportunity
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TAKEN = {
    "code": "external_id_taken",
    "message": "This external id is already in use.",
    "fields": {"external_id": ["This external id is already in use."]},
}


@pytest.fixture
def holders(cast):
    """One record of each kind the caller sees (their own) and one they do not (another
    team's), each holding an external id."""
    CustomerFactory(owner=cast.salesperson, external_id="C-MINE")
    CustomerFactory(owner=cast.other_salesperson, external_id="C-HIDDEN")
    OpportunityFactory(owner=cast.salesperson, external_id="P-MINE")
    OpportunityFactory(owner=cast.other_salesperson, external_id="P-HIDDEN")


@pytest.mark.parametrize("taken", ["C-MINE", "C-HIDDEN", " C-HIDDEN "])
def test_creating_a_customer_with_a_taken_external_id_is_a_409(cast, api, holders, taken):
    before = Customer.objects.count()
    response = api(cast.salesperson, language="en").post(
        "/api/v1/customers/", {"name": "新客户", "external_id": taken}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"error": TAKEN}
    assert Customer.objects.count() == before


@pytest.mark.parametrize("taken", ["C-MINE", "C-HIDDEN"])
def test_changing_a_customer_to_a_taken_external_id_is_a_409(cast, api, holders, taken):
    customer = CustomerFactory(owner=cast.salesperson, external_id="C-OWN")
    response = api(cast.salesperson, language="en").patch(
        f"/api/v1/customers/{customer.pk}/", {"external_id": taken}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"error": TAKEN}
    customer.refresh_from_db()
    assert customer.external_id == "C-OWN"


def test_a_customer_keeps_its_own_external_id_on_a_change(cast, api, holders):
    customer = Customer.objects.get(external_id="C-MINE")
    response = api(cast.salesperson).patch(
        f"/api/v1/customers/{customer.pk}/",
        {"external_id": "C-MINE", "name_en": "Mine"},
        format="json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("taken", ["P-MINE", "P-HIDDEN"])
def test_creating_an_opportunity_with_a_taken_external_id_is_a_409(cast, api, holders, taken):
    customer = Customer.objects.get(external_id="C-MINE")
    before = Opportunity.objects.count()
    response = api(cast.salesperson, language="en").post(
        "/api/v1/opportunities/",
        {
            "customer": customer.pk,
            "name": "二期",
            "expected_close": str(date.today() + timedelta(days=60)),
            "external_id": taken,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {"error": TAKEN}
    assert Opportunity.objects.count() == before


def test_a_clash_that_slips_past_the_check_is_still_the_409_error(cast, holders):
    """Two writers racing: the other took the id between the check and the write."""
    from salespath.customers.errors import external_id_taken
    from salespath.errors import Conflict
    from salespath.org.columns import unique_write

    race = unique_write(Customer, "external_id", "C-HIDDEN", error=external_id_taken())
    with pytest.raises(Conflict) as refused, race:
        CustomerFactory(owner=cast.salesperson, external_id="C-HIDDEN")
    assert refused.value.code == "external_id_taken"
    assert Customer.objects.filter(external_id="C-HIDDEN").count() == 1
