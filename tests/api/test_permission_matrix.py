"""Every endpoint × every role → the status it answers, generated from one table.

The world: li (account manager) owns a customer and an S3 opportunity with its work on
record; wang is li's teammate (same team, not on the project team), zhao their sales
supervisor, chen a salesperson of another team of the branch, huang the branch GM, liu
finance, boss an executive. 404 means "as if it did not exist", 403 "seen but not allowed".
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from salespath.activities.models import Activity
from salespath.api.services import token_create
from salespath.customers.models import Competitor
from salespath.forecast.services import forecast_submit
from salespath.pipeline import services
from salespath.pipeline.models import FieldChange, KeyDate, Objection, StageChange, Status
from tests.conftest import Cast, make_cast, rows_for_the_module
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    OpportunityFactory,
    ProductFactory,
    QuotaFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "owner",
    "teammate",
    "supervisor",
    "other_salesperson",
    "branch_gm",
    "finance",
    "executive",
    "anonymous",
)
CAST_NAME = {"owner": "salesperson", "other_salesperson": "other_salesperson"}


@dataclass
class World:
    customer: int
    opportunity: int
    version: int
    fresh: int
    lost: int
    lost_version: int
    quote: int
    key_date: int
    objection: int
    member: int
    involved: int
    initiation: int
    contract: int
    payment: int
    activity: int
    submission: int
    person: int
    contact: int
    shipment: int
    stage_change: int
    field_change: int
    quota: int
    branch: int
    team: int
    product: int
    industry: int
    competitor: int
    token: int
    today: str


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker) -> Iterator[tuple[Cast, World]]:
    """The cast and the world, built once for the module's hundred tests."""
    with rows_for_the_module(django_db_blocker):
        cast = make_cast()
        yield cast, _world(cast)


@pytest.fixture
def cast(_built, db) -> Cast:
    return copy.deepcopy(_built[0])


@pytest.fixture
def world(_built, db) -> World:
    return _built[1]


def _world(cast: Cast) -> World:
    li, today = cast.salesperson, timezone.localdate()
    product = ProductFactory(code="erp")
    customer = CustomerFactory(owner=li)
    contact = ContactFactory(customer=customer)
    services.attestation_add(criterion="S1.4", by=li, note="seen", customer=customer)
    opportunity = OpportunityFactory(owner=li, customer=customer, stage_id="S3")
    services.attestation_add(criterion="S3.2", by=li, note="said so", opportunity=opportunity)
    fresh = OpportunityFactory(owner=li, customer=customer)
    lost = OpportunityFactory(owner=li, customer=customer)
    services.opportunity_lose(opportunity=lost, by=li, reason="budget cut")
    quote = services.quote_add(
        opportunity=opportunity, by=li, software_fee=1, implementation_fee=1, service_fee=1
    )
    initiation = services.initiation_submit(opportunity=opportunity, by=li, requirements="ERP")
    contract = services.contract_sign(
        opportunity=opportunity,
        signed_on=today,
        amount=Decimal("1000.00"),
        payment_terms="100%",
        installments=[(today, Decimal("1000.00"))],
        by=li,
    )
    opportunity.refresh_from_db()
    return World(
        customer=customer.pk,
        opportunity=opportunity.pk,
        version=opportunity.version,
        fresh=fresh.pk,
        lost=lost.pk,
        lost_version=lost.version,
        quote=quote.pk,
        key_date=KeyDate.objects.create(opportunity=opportunity, kind="bid", on=today).pk,
        objection=Objection.objects.create(
            opportunity=opportunity, raised_on=today, description="太贵"
        ).pk,
        member=services.team_member_add(
            opportunity=fresh, person=cast.other_supervisor, role="presales", by=li
        ).pk,
        involved=services.competitor_add(opportunity=fresh, competitor="某厂商", by=li).pk,
        initiation=initiation.pk,
        contract=contract.pk,
        payment=services.payment_record(
            contract=contract, amount=Decimal("10.00"), received_on=today, by=li
        ).pk,
        activity=Activity.objects.create(
            person=li, kind="call", occurred_on=today, hours=Decimal("1")
        ).pk,
        submission=forecast_submit(person=li, as_of=today, by=li).pk,
        person=li.pk,
        contact=contact.pk,
        shipment=services.shipment_record(opportunity=opportunity, by=li, hq_ordered_on=today).pk,
        stage_change=StageChange.objects.filter(opportunity=lost).first().pk,
        field_change=FieldChange.objects.filter(opportunity=lost).first().pk,
        quota=QuotaFactory(person=li).pk,
        branch=li.home_branch_id,
        team=li.team_id,
        product=product.pk,
        industry=customer.industry_id,
        competitor=Competitor.objects.get(name="某厂商").pk,
        token=token_create(user=li, name="li's script")[0].pk,
        today=today.isoformat(),
    )


def _opp(extra=None):
    return lambda w: {"opportunity": w.opportunity, **(extra or {})}


def _versioned(extra):
    return lambda w: {"version": w.version, **extra}


#           owner teammate supervisor other   gm   finance exec  anon
EVERYONE = (200, 200, 200, 200, 200, 200, 200, 401)
SEES_OPP = (200, 404, 200, 404, 200, 200, 200, 401)
EDITS_OPP = (200, 404, 403, 404, 403, 403, 403, 401)
ADDS_TO_OPP = (201, 404, 403, 404, 403, 403, 403, 401)
REMOVES = (204, 404, 403, 404, 403, 403, 403, 401)
SUPERVISES = (403, 404, 200, 404, 200, 403, 403, 401)
TEAM_SCOPE = (404, 404, 200, 404, 200, 200, 200, 401)

LISTS = [
    "opportunities",
    "customers",
    "contacts",
    "team-members",
    "opportunity-competitors",
    "quotes",
    "key-dates",
    "objections",
    "contracts",
    "payments",
    "shipments",
    "initiation-requests",
    "stage-changes",
    "field-changes",
    "activities",
    "quotas",
    "forecast-submissions",
    "forecast-calendars",
    "people",
    "branches",
    "teams",
    "product-categories",
    "industries",
    "competitors",
    "auth/tokens",
]

TABLE = [
    *[("GET", f"/{name}/", None, EVERYONE) for name in LISTS],
    ("GET", "/opportunities/{opportunity}/", None, SEES_OPP),
    ("GET", "/opportunities/{opportunity}/criteria/", None, SEES_OPP),
    ("GET", "/quotes/{quote}/", None, SEES_OPP),
    ("GET", "/key-dates/{key_date}/", None, SEES_OPP),
    ("GET", "/objections/{objection}/", None, SEES_OPP),
    ("GET", "/team-members/{member}/", None, SEES_OPP),
    ("GET", "/opportunity-competitors/{involved}/", None, SEES_OPP),
    ("GET", "/initiation-requests/{initiation}/", None, SEES_OPP),
    ("GET", "/contracts/{contract}/", None, SEES_OPP),
    ("GET", "/payments/{payment}/", None, SEES_OPP),
    ("GET", "/customers/{customer}/", None, SEES_OPP),
    ("GET", "/customers/{customer}/criteria/", None, SEES_OPP),
    ("GET", "/activities/{activity}/", None, SEES_OPP),
    ("GET", "/forecast-submissions/{submission}/", None, SEES_OPP),
    ("GET", "/people/{person}/", None, SEES_OPP),
    ("GET", "/quotas/{quota}/", None, SEES_OPP),
    ("GET", "/contacts/{contact}/", None, SEES_OPP),
    ("GET", "/shipments/{shipment}/", None, SEES_OPP),
    ("GET", "/stage-changes/{stage_change}/", None, SEES_OPP),
    ("GET", "/field-changes/{field_change}/", None, SEES_OPP),
    ("GET", "/branches/{branch}/", None, EVERYONE),
    ("GET", "/teams/{team}/", None, EVERYONE),
    ("GET", "/product-categories/{product}/", None, EVERYONE),
    ("GET", "/industries/{industry}/", None, EVERYONE),
    ("GET", "/competitors/{competitor}/", None, EVERYONE),
    ("GET", "/reports/forecast/", None, EVERYONE),
    ("GET", "/reports/forecast/?person=li", None, SEES_OPP),
    ("GET", "/reports/evaluation/?team=gz-1", None, TEAM_SCOPE),
    ("GET", "/reports/roadmap/?person=li", None, SEES_OPP),
    ("GET", "/reports/integrity/?person=li", None, SEES_OPP),
    ("GET", "/reports/forecast-changes/?person=li&from={today}", None, SEES_OPP),
    ("GET", "/reports/forecast-accuracy/?quarter=2026Q1&person=li", None, SEES_OPP),
    ("GET", "/reports/forecast-submissions/?team=gz-1", None, TEAM_SCOPE),
    # customers
    ("POST", "/customers/", {"name": "新客户"}, (201, 201, 201, 201, 201, 201, 201, 401)),
    (
        "POST",
        "/customers/",
        {"name": "新客户", "owner": "li"},
        (201, 400, 201, 400, 201, 403, 403, 401),
    ),
    ("PATCH", "/customers/{customer}/", {"note": "x"}, (200, 404, 200, 404, 200, 403, 403, 401)),
    (
        "POST",
        "/customers/{customer}/attest/",
        {"criterion": "S1.3", "note": "x"},
        (201, 404, 201, 404, 201, 403, 403, 401),
    ),
    (
        "POST",
        "/customers/{customer}/withdraw-attestation/",
        {"criterion": "S1.4", "reason": "x"},
        (200, 404, 200, 404, 200, 403, 403, 401),
    ),
    ("POST", "/customers/{customer}/mark-target/", {"reason": "x"}, SUPERVISES),
    (
        "POST",
        "/contacts/",
        lambda w: {"customer": w.customer, "name": "王", "project_role": "it_lead"},
        (201, 404, 201, 404, 201, 403, 403, 401),
    ),
    # opportunities
    (
        "POST",
        "/opportunities/",
        lambda w: {"customer": w.customer, "name": "新项目", "expected_close": "2027-06-30"},
        (201, 404, 201, 404, 201, 201, 201, 401),
    ),
    ("PATCH", "/opportunities/{opportunity}/", _versioned({"note": "x"}), EDITS_OPP),
    (
        "PATCH",
        "/opportunities/{opportunity}/",
        _versioned({"owner": "wang"}),
        (400, 404, 200, 404, 200, 403, 403, 401),  # li cannot even name wang: 400
    ),
    (
        "POST",
        "/opportunities/{opportunity}/advance/",
        _versioned({"to_stage": "S4"}),
        (409, 404, 403, 404, 403, 403, 403, 401),
    ),
    (
        "POST",
        "/opportunities/{opportunity}/override/",
        _versioned({"to_stage": "S4", "reason": "x"}),
        SUPERVISES,
    ),
    (
        "POST",
        "/opportunities/{opportunity}/move-back/",
        _versioned({"to_stage": "S2", "reason": "x"}),
        EDITS_OPP,
    ),
    ("POST", "/opportunities/{opportunity}/lose/", _versioned({"reason": "x"}), EDITS_OPP),
    (
        "POST",
        "/opportunities/{lost}/reopen/",
        lambda w: {"version": w.lost_version, "reason": "x"},
        EDITS_OPP,
    ),
    (
        "POST",
        "/opportunities/{opportunity}/attest/",
        {"criterion": "S3.1", "note": "x"},
        ADDS_TO_OPP,
    ),
    (
        "POST",
        "/opportunities/{opportunity}/withdraw-attestation/",
        {"criterion": "S3.2", "reason": "x"},
        EDITS_OPP,
    ),
    # the work of the stages
    ("POST", "/team-members/", _opp({"person": "wang", "role": "presales"}), ADDS_TO_OPP),
    ("DELETE", "/team-members/{member}/", None, REMOVES),
    (
        "POST",
        "/quotes/",
        _opp({"software_fee": "1", "implementation_fee": "1", "service_fee": "1"}),
        ADDS_TO_OPP,
    ),
    ("POST", "/key-dates/", _opp({"kind": "signing", "on": "2026-06-30"}), ADDS_TO_OPP),
    ("DELETE", "/key-dates/{key_date}/", None, REMOVES),
    ("POST", "/opportunity-competitors/", _opp({"name": "另一厂商"}), ADDS_TO_OPP),
    ("DELETE", "/opportunity-competitors/{involved}/", None, REMOVES),
    ("POST", "/objections/", _opp({"description": "交付周期"}), ADDS_TO_OPP),
    ("POST", "/objections/{objection}/resolve/", {"handling": "分期"}, EDITS_OPP),
    (
        "POST",
        "/initiation-requests/submit/",
        lambda w: {"opportunity": w.fresh, "requirements": "ERP"},
        ADDS_TO_OPP,
    ),
    (
        "POST",
        "/initiation-requests/{initiation}/approve/",
        {"project_manager": "wang"},
        SUPERVISES,
    ),
    ("POST", "/initiation-requests/{initiation}/reject/", {"comment": "再议"}, SUPERVISES),
    (
        "POST",
        "/contracts/",
        lambda w: {
            "opportunity": w.fresh,
            "signed_on": w.today,
            "amount": "100.00",
            "payment_terms": "一次付清",
            "installments": [{"due_on": w.today, "amount": "100.00"}],
        },
        ADDS_TO_OPP,
    ),
    (
        "POST",
        "/payments/",
        lambda w: {"contract": w.contract, "amount": "5.00", "received_on": w.today},
        ADDS_TO_OPP,
    ),
    ("POST", "/payments/{payment}/confirm/", None, (403, 404, 403, 404, 403, 200, 403, 401)),
    (
        "POST",
        "/shipments/",
        lambda w: {"opportunity": w.fresh, "hq_ordered_on": w.today},
        ADDS_TO_OPP,
    ),
    # activities, quotas, forecast, tokens
    (
        "POST",
        "/activities/",
        lambda w: {"kind": "call", "occurred_on": w.today, "hours": "1"},
        (201, 201, 201, 201, 201, 201, 201, 401),
    ),
    ("PATCH", "/activities/{activity}/", {"note": "x"}, EDITS_OPP),
    ("DELETE", "/activities/{activity}/", None, REMOVES),
    (
        "POST",
        "/quotas/",
        {"person": "li", "fiscal_year": 2026, "fiscal_quarter": 2, "amount": "100"},
        (403, 403, 403, 403, 403, 403, 403, 401),
    ),
    (
        "POST",
        "/forecast-submissions/submit/",
        {"person": "li", "as_of": "2026-01-31"},
        (201, 400, 201, 400, 201, 403, 403, 401),
    ),
    ("POST", "/auth/tokens/", {"name": "脚本"}, (201, 201, 201, 201, 201, 201, 201, 401)),
    ("DELETE", "/auth/tokens/{token}/", None, (204, 404, 404, 404, 404, 404, 404, 401)),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [pytest.param(*row, id=f"{row[0]} {row[1]} #{n}") for n, row in enumerate(TABLE)],
)
def test_permission_matrix(cast, world, api, method, path, body, expected):
    """One row of the table: each role calls the endpoint on the same world, every call
    rolled back before the next, so each role meets the world as it was built."""
    url = "/api/v1" + path.format(**vars(world))
    data = _json(body(world) if callable(body) else body)
    clients = {
        role: api(None if role == "anonymous" else getattr(cast, CAST_NAME.get(role, role)))
        for role in ROLES
    }
    answered, shapes = {}, {}
    for role in ROLES:
        with transaction.atomic():
            response = clients[role].generic(method, url, data, content_type="application/json")
            transaction.set_rollback(True)
        answered[role] = response.status_code
        if response.status_code >= 400:
            shapes[role] = set(response.json())
    assert answered == dict(zip(ROLES, expected, strict=True))
    assert all(shape == {"error"} for shape in shapes.values()), shapes


def _json(data) -> str:
    import json

    return json.dumps(data) if data is not None else ""


def test_the_table_covers_every_documented_operation(api, cast):
    """A new endpoint without a row here fails this test."""
    schema = api(cast.executive).get("/api/v1/schema/?format=json").json()
    documented = {
        (method.upper(), path.removeprefix("/api/v1").replace("{id}", "{}"))
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    }
    covered = {(method, _shape(path)) for method, path, _body, _expected in TABLE}
    unlisted = {"/schema/", "/auth/token/"}  # the schema itself; sign-in has its own tests
    missing = {op for op in documented - covered if op[1] not in unlisted}
    assert not missing, sorted(missing)


def _shape(path: str) -> str:
    import re

    return re.sub(r"\{[a-z_]+\}", "{}", path.split("?")[0])


def test_finance_sees_but_never_edits_and_an_admin_sets_quotas(cast, world, api):
    assert api(cast.finance).get(f"/api/v1/opportunities/{world.opportunity}/").status_code == 200
    quota = api(cast.admin).post(
        "/api/v1/quotas/",
        {"person": "li", "fiscal_year": 2026, "fiscal_quarter": 2, "amount": "300000"},
        format="json",
    )
    assert quota.status_code == 200
    assert quota.json()["amount"] == "300000.00"


def test_a_lost_opportunity_stays_lost_for_everyone_refused(cast, world, api):
    for user in (cast.teammate, cast.supervisor, cast.finance):
        api(user).post(
            f"/api/v1/opportunities/{world.lost}/reopen/",
            {"version": world.lost_version, "reason": "x"},
            format="json",
        )
    from salespath.pipeline.models import Opportunity

    assert Opportunity.objects.get(pk=world.lost).status == Status.LOST
