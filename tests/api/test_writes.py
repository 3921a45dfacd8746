"""Writes through the API: the services' rules, the version check, gates that name what is
missing, and bad input refused with a 400 naming the field — never a 500, never half a write."""

from decimal import Decimal

import pytest

from salespath.pipeline.models import Opportunity, OpportunityLine
from tests.factories import CustomerFactory, LineFactory, OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(cast):
    ProductFactory(code="erp")
    ProductFactory(code="hr")
    opportunity = OpportunityFactory(owner=cast.salesperson, amount=Decimal("100000.00"))
    LineFactory(opportunity=opportunity, product=ProductFactory(code="crm"))
    return opportunity


def url(opportunity, action="") -> str:
    return f"/api/v1/opportunities/{opportunity.pk}/" + (f"{action}/" if action else "")


def test_a_gate_not_met_is_a_409_naming_every_missing_criterion_in_the_callers_language(
    cast, api, deal
):
    response = api(cast.salesperson, language="en").post(
        url(deal, "advance"), {"to_stage": "S3", "version": deal.version}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "gate_not_met"
    codes = [item["code"] for item in error["missing"]]
    assert {"S3.1", "S3.2", "S3.3", "S3.4"} <= set(codes)
    assert "Interested in our products and services" in [i["text"] for i in error["missing"]]
    chinese = api(cast.salesperson).post(
        url(deal, "advance"), {"to_stage": "S3", "version": deal.version}, format="json"
    )
    assert "客户对我们的产品和服务有兴趣" in [i["text"] for i in chinese.json()["error"]["missing"]]
    assert Opportunity.objects.get(pk=deal.pk).stage_id == "S2"


def test_a_stale_version_is_a_409_and_nothing_changes(cast, api, deal):
    client = api(cast.salesperson)
    first = client.patch(url(deal), {"version": deal.version, "note": "第一次"}, format="json")
    assert first.status_code == 200 and first.json()["version"] == deal.version + 1
    stale = client.patch(url(deal), {"version": deal.version, "note": "第二次"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert Opportunity.objects.get(pk=deal.pk).note == "第一次"


def test_replacing_lines_sets_the_amount_to_their_sum(cast, api, deal):
    response = api(cast.salesperson).patch(
        url(deal),
        {
            "version": deal.version,
            "lines": [{"product": "erp", "amount": "300000"}, {"product": "hr", "amount": "50000"}],
            "forecast_category": "best_case",
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["amount"] == "350000.00"
    assert body["forecast_category"] == "best_case"
    assert sorted(line["product"] for line in body["lines"]) == ["erp", "hr"]


def test_lines_and_fields_are_written_together_or_not_at_all(cast, api, deal):
    response = api(cast.salesperson).patch(
        url(deal),
        {"version": deal.version, "lines": [{"product": "erp", "amount": "1"}], "amount": "5"},
        format="json",
    )
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]
    assert list(
        OpportunityLine.objects.filter(opportunity=deal).values_list("product__code", flat=True)
    ) == ["crm"]
    assert Opportunity.objects.get(pk=deal.pk).version == deal.version


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expected_close": "next month"}, "expected_close"),
        ({"expected_close": "2026-02-30"}, "expected_close"),
        ({"probability": 101}, "probability"),
        ({"probability": "half"}, "probability"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"budget_amount": "12.345"}, "budget_amount"),
        ({"forecast_category": "maybe"}, "forecast_category"),
        ({"lines": [{"product": "no-such-product", "amount": "1"}]}, "lines"),
        ({"lines": "erp"}, "lines"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"owner": "chen"}, "owner"),
        ({"version": "seven"}, "version"),
        ({"version": -1}, "version"),
    ],
)
def test_bad_field_values_are_a_400_naming_the_field(cast, api, deal, body, field):
    response = api(cast.supervisor).patch(
        url(deal), {"version": deal.version, **body}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "payload",
    ['["a list"]', '"text"', "{not json", "null", '{"customer": {"id": 1}}'],
)
def test_a_body_that_is_not_an_object_of_the_right_shape_is_a_400(cast, api, payload):
    response = api(cast.salesperson).generic(
        "POST", "/api/v1/opportunities/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]) >= {"code", "message"}


def test_another_teams_customer_behaves_as_if_it_did_not_exist(cast, api):
    theirs = CustomerFactory(owner=cast.other_salesperson)
    body = {"name": "抢单", "expected_close": "2026-12-31"}
    client = api(cast.salesperson)
    hidden = client.post("/api/v1/opportunities/", {**body, "customer": theirs.pk}, format="json")
    missing = client.post("/api/v1/opportunities/", {**body, "customer": 999999}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not Opportunity.objects.filter(name="抢单").exists()


def test_an_activity_on_another_teams_opportunity_is_not_found(cast, api):
    theirs = OpportunityFactory(owner=cast.other_salesperson)
    response = api(cast.salesperson).post(
        "/api/v1/activities/",
        {"kind": "call", "occurred_on": "2026-01-12", "hours": "1", "opportunity": theirs.pk},
        format="json",
    )
    assert response.status_code == 404


def test_customer_create_names_an_unknown_industry(cast, api):
    response = api(cast.salesperson).post(
        "/api/v1/customers/", {"name": "某公司", "industry": "piracy"}, format="json"
    )
    assert response.status_code == 400
    assert "industry" in response.json()["error"]["fields"]


def test_moving_back_needs_a_reason_and_records_it(cast, api):
    deal = OpportunityFactory(owner=cast.salesperson, stage_id="S4")
    client = api(cast.salesperson)
    refused = client.post(
        url(deal, "move-back"), {"to_stage": "S3", "version": deal.version}, format="json"
    )
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    moved = client.post(
        url(deal, "move-back"),
        {"to_stage": "S3", "version": deal.version, "reason": "客户换了负责人"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "S3"
    history = client.get(f"/api/v1/stage-changes/?opportunity={deal.pk}").json()["results"]
    assert history[-1]["reason"] == "客户换了负责人"


def test_lose_and_reopen_with_the_competitor_who_won(cast, api, deal):
    client = api(cast.salesperson)
    involved = client.post(
        "/api/v1/opportunity-competitors/",
        {"opportunity": deal.pk, "name": "对手软件"},
        format="json",
    ).json()
    deal.refresh_from_db()
    lost = client.post(
        url(deal, "lose"),
        {"version": deal.version, "reason": "价格", "lost_to": involved["competitor"]["id"]},
        format="json",
    )
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["lost_to"]) == ("lost", involved["competitor"]["id"])
    reopened = client.post(
        url(deal, "reopen"),
        {"version": lost.json()["version"], "reason": "重新招标"},
        format="json",
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"


def test_criteria_list_every_stage_with_evidence_or_attestation(cast, api, deal):
    client = api(cast.salesperson)
    attested = client.post(
        url(deal, "attest"), {"criterion": "S3.1", "note": "客户来电咨询"}, format="json"
    )
    assert attested.status_code == 201
    criteria = client.get(url(deal, "criteria")).json()["criteria"]
    assert {c["stage"] for c in criteria} == {"S2", "S3", "S4", "S5", "S6", "S7"}
    s31 = next(c for c in criteria if c["code"] == "S3.1")
    assert s31["met"] and s31["attestation"]["by"] == "li"
    withdrawn = client.post(
        url(deal, "withdraw-attestation"), {"criterion": "S3.1", "reason": "误操作"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_by"] == "li"
    again = client.post(
        url(deal, "withdraw-attestation"), {"criterion": "S3.1", "reason": "再次"}, format="json"
    )
    assert again.status_code == 400 and "criterion" in again.json()["error"]["fields"]


def test_an_evidence_criterion_cannot_be_attested(cast, api, deal):
    response = api(cast.salesperson).post(
        url(deal, "attest"), {"criterion": "S5.3", "note": "报价了"}, format="json"
    )
    assert response.status_code == 400
    assert "criterion" in response.json()["error"]["fields"]


def test_a_contract_whose_installments_do_not_add_up_is_refused(cast, api, deal):
    response = api(cast.salesperson).post(
        "/api/v1/contracts/",
        {
            "opportunity": deal.pk,
            "signed_on": "2026-01-20",
            "amount": "100.00",
            "payment_terms": "两期",
            "installments": [{"due_on": "2026-02-01", "amount": "60.00"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "installments" in response.json()["error"]["fields"]


def test_a_forecast_is_submitted_once_per_date(cast, api, deal):
    client = api(cast.salesperson)
    body = {"as_of": "2026-01-31"}
    assert (
        client.post("/api/v1/forecast-submissions/submit/", body, format="json").status_code == 201
    )
    again = client.post("/api/v1/forecast-submissions/submit/", body, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_submitted"
    detail = client.get("/api/v1/forecast-submissions/").json()["results"][0]
    snapshots = client.get(f"/api/v1/forecast-submissions/{detail['id']}/").json()["snapshots"]
    assert [row["opportunity"] for row in snapshots] == [deal.pk]


def test_activities_are_changed_and_deleted_only_by_their_author(cast, api):
    mine = api(cast.salesperson)
    logged = mine.post(
        "/api/v1/activities/",
        {"kind": "prospecting", "occurred_on": "2026-01-12", "hours": "3.5"},
        format="json",
    ).json()
    changed = mine.patch(f"/api/v1/activities/{logged['id']}/", {"hours": "4"}, format="json")
    assert changed.status_code == 200 and changed.json()["hours"] == "4.00"
    boss = api(cast.supervisor).delete(f"/api/v1/activities/{logged['id']}/")
    assert boss.status_code == 403
    assert mine.delete(f"/api/v1/activities/{logged['id']}/").status_code == 204


def test_too_many_hours_in_a_day_is_refused(cast, api):
    client = api(cast.salesperson)
    body = {"kind": "prospecting", "occurred_on": "2026-01-12", "hours": "20"}
    assert client.post("/api/v1/activities/", body, format="json").status_code == 201
    refused = client.post("/api/v1/activities/", body, format="json")
    assert refused.status_code == 400 and "hours" in refused.json()["error"]["fields"]


def test_dates_in_bodies_are_checked(cast, api, deal):
    response = api(cast.salesperson).post(
        "/api/v1/key-dates/",
        {"opportunity": deal.pk, "kind": "bid", "on": "31/12/2026"},
        format="json",
    )
    assert response.status_code == 400 and "on" in response.json()["error"]["fields"]
    ok = api(cast.salesperson).post(
        "/api/v1/key-dates/",
        {"opportunity": deal.pk, "kind": "bid", "on": "2026-12-31"},
        format="json",
    )
    assert ok.status_code == 201


@pytest.mark.parametrize(
    "path",
    [
        "opportunities/?customer=-1.3733196865653716e%2B187",
        "opportunities/?ordering=r%C2%8C%C3%88%00",
        "opportunities/?owner=%00abc&team=%00",
        "quotes/?opportunity=99999999999999999999999",
        "activities/?customer=99999999999999999999999",
        "quotas/?fiscal_year=99999999999999999999999",
        "opportunities/99999999999999999999999/",
        "activities/99999999999999999999999/",
    ],
)
def test_absurd_numbers_and_characters_in_a_url_are_refused_not_a_500(cast, api, path):
    response = api(cast.salesperson).get(f"/api/v1/{path}")
    assert response.status_code in (200, 400, 404)
    assert response.status_code == 200 or set(response.json()) == {"error"}


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/v1/quotas/", {"person": "li\x00", "fiscal_year": 2026, "fiscal_quarter": 1}),
        ("/api/v1/customers/", {"name": "新客户", "industry": "mfg\x00"}),
    ],
)
def test_a_reference_with_a_nul_is_no_such_row_not_a_server_error(cast, api, url, body):
    response = api(cast.admin).post(url, {**body, "amount": "1"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
