"""Every list answers in a fixed number of queries, whatever the number of rows: pinned at
two data sizes, so an N+1 fails here."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salespath.activities.models import Activity
from salespath.forecast.services import forecast_submit
from salespath.pipeline import services
from salespath.pipeline.models import KeyDate, Objection
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    LineFactory,
    OpportunityFactory,
    QuotaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# url → queries: the token, the caller's roles, the count, the page, and one per prefetch.
LISTS = {
    "opportunities": 5,
    "customers": 4,
    "contacts": 4,
    "team-members": 4,
    "opportunity-competitors": 4,
    "quotes": 4,
    "key-dates": 4,
    "objections": 4,
    "contracts": 5,
    "payments": 4,
    "shipments": 4,
    "initiation-requests": 4,
    "stage-changes": 4,
    "field-changes": 4,
    "activities": 4,
    "quotas": 4,
    "forecast-submissions": 4,
    "people": 5,
    "branches": 3,
    "teams": 3,
    "product-categories": 3,
    "industries": 3,
    "competitors": 3,
}


def grow(cast, n: int) -> None:
    """n more of everything each list shows, owned inside the supervisor's team."""
    today = timezone.localdate()
    for i in range(n):
        owner = UserFactory(team=cast.salesperson.team)
        customer = CustomerFactory(owner=owner)
        ContactFactory(customer=customer)
        opportunity = OpportunityFactory(owner=owner, customer=customer)
        LineFactory(opportunity=opportunity)
        services.quote_add(
            opportunity=opportunity, by=owner, software_fee=1, implementation_fee=1, service_fee=1
        )
        KeyDate.objects.create(opportunity=opportunity, kind="bid", on=today)
        Objection.objects.create(opportunity=opportunity, raised_on=today, description="贵")
        services.team_member_add(
            opportunity=opportunity, person=cast.teammate, role="presales", by=owner
        )
        services.competitor_add(opportunity=opportunity, competitor=f"厂商{i}", by=owner)
        services.initiation_submit(opportunity=opportunity, by=owner, requirements="ERP")
        contract = services.contract_sign(
            opportunity=opportunity,
            signed_on=today,
            amount=Decimal("10.00"),
            payment_terms="一次",
            installments=[(today, Decimal("10.00"))],
            by=owner,
        )
        services.payment_record(
            contract=contract, amount=Decimal("1.00"), received_on=today, by=owner
        )
        services.shipment_record(opportunity=opportunity, by=owner, hq_ordered_on=today)
        services.opportunity_update(
            opportunity=opportunity, version=None, by=owner, note="x", probability=20
        )
        Activity.objects.create(person=owner, kind="call", occurred_on=today, hours=Decimal(1))
        QuotaFactory(person=owner, fiscal_quarter=1 + i % 4, fiscal_year=2026 + i // 4)
        forecast_submit(person=owner, as_of=date(2026, 1, 31), by=owner)


def _queries(client, name: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(f"/api/v1/{name}/")
    assert answer.status_code == 200, (name, answer.content)
    assert answer.json()["count"] >= 1 or name == "competitors", name
    return len(captured), [q["sql"] for q in captured]


def test_list_query_counts_are_pinned_and_do_not_grow(cast, api):
    """Every list at once, on the same data (growing it is the test's cost: each deal goes
    through a dozen services)."""
    client = api(cast.supervisor)
    client.get("/api/v1/opportunities/")  # the token's first use is recorded once
    grow(cast, 2)
    small = {name: _queries(client, name) for name in LISTS}
    grow(cast, 6)
    large = {name: _queries(client, name) for name in LISTS}
    counts = {name: (small[name][0], large[name][0]) for name in LISTS}
    expected = {name: (queries, queries) for name, queries in LISTS.items()}
    differing = {name: large[name][1] for name in LISTS if counts[name] != expected[name]}
    assert counts == expected, differing
