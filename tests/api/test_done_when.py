"""Issue 6 "done when": a script that uses only the documented API (token auth) takes a new
customer and opportunity from S2 to S7 — finance confirming the payment under its own token —
submits a forecast and reads it back in the forecast report."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": "pw-for-tests"}, format="json"
    )
    assert response.status_code == 201, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['key']}")
    return client


class Script:
    """Posts and checks the status, so each step reads as one line."""

    def __init__(self, client: APIClient):
        self.client = client

    def post(self, url: str, body: dict | None = None, expect: int = 201) -> dict:
        response = self.client.post(f"/api/v1/{url}", body or {}, format="json")
        assert response.status_code == expect, (url, response.json())
        return response.json()

    def get(self, url: str) -> dict:
        response = self.client.get(f"/api/v1/{url}")
        assert response.status_code == 200, (url, response.json())
        return response.json()

    def attest(self, opportunity: dict, *codes: str) -> None:
        for code in codes:
            self.post(
                f"opportunities/{opportunity['id']}/attest/",
                {"criterion": code, "note": f"{code}: confirmed in the meeting"},
            )

    def advance(self, opportunity: dict, to_stage: str) -> dict:
        current = self.get(f"opportunities/{opportunity['id']}/")
        return self.post(
            f"opportunities/{opportunity['id']}/advance/",
            {"to_stage": to_stage, "version": current["version"]},
            expect=200,
        )


def test_a_script_takes_an_opportunity_from_s2_to_s7_and_reads_its_forecast(cast):
    product = ProductFactory(code="erp", name="ERP", name_en="ERP")
    today = timezone.localdate()
    li = Script(signed_in("li"))
    zhao = Script(signed_in("zhao"))
    finance = Script(signed_in("liu"))

    customer = li.post(
        "customers/",
        {
            "name": "华南重工集团",
            "industry": "manufacturing",
            "size": "large",
            "headcount": 5200,
            "background": "多工厂装备制造集团",
            "is_group_enterprise": True,
            "is_multi_site": True,
            "it_hardware": "IBM servers",
            "it_software": "Legacy finance system",
            "it_network": "MPLS between plants",
            "it_need": "Group-wide ERP",
            "economic_condition": "good",
            "current_system_status": "inadequate",
        },
    )
    for code in ("S1.3", "S1.4"):
        li.post(f"customers/{customer['id']}/attest/", {"criterion": code, "note": "visit"})
    assert li.get(f"customers/{customer['id']}/criteria/")["is_target"] is True
    for name, role in (("张总", "decision_maker"), ("刘工", "selection_team")):
        li.post("contacts/", {"customer": customer["id"], "name": name, "project_role": role})

    opportunity = li.post(
        "opportunities/",
        {
            "customer": customer["id"],
            "name": "集团ERP项目",
            "expected_close": (today + timedelta(days=45)).isoformat(),
            "lines": [{"product": "erp", "amount": "1200000.00"}],
            "customer_need": "财务业务一体化",
            "budget_amount": "1500000.00",
            "forecast_category": "commit",
        },
    )
    assert (opportunity["stage"], opportunity["amount"]) == ("S2", "1200000.00")
    oid = opportunity["id"]
    li.post("opportunity-competitors/", {"opportunity": oid, "name": "某竞争厂商"})

    li.attest(opportunity, "S3.1", "S3.2", "S3.3", "S3.4")
    assert li.advance(opportunity, "S3")["stage"] == "S3"

    refused = li.post(
        f"opportunities/{oid}/advance/",
        {"to_stage": "S4", "version": li.get(f"opportunities/{oid}/")["version"]},
        expect=409,
    )
    assert refused["error"]["code"] == "gate_not_met"
    assert "S4.0" in [item["code"] for item in refused["error"]["missing"]]

    initiation = li.post(
        "initiation-requests/submit/",
        {"opportunity": oid, "requirements": "集团财务与供应链", "budget": "1500000.00"},
    )
    zhao.post(
        f"initiation-requests/{initiation['id']}/approve/",
        {"project_manager": "wang", "comment": "同意立项"},
        expect=200,
    )
    li.post("key-dates/", {"opportunity": oid, "kind": "customer_schedule", "on": str(today)})
    li.post(
        "activities/",
        {"kind": "guidance", "occurred_on": str(today), "hours": "2", "opportunity": oid},
    )
    li.attest(opportunity, "S4.1", "S4.2")
    assert li.advance(opportunity, "S4")["stage"] == "S4"

    li.post(
        "activities/",
        {"kind": "product_overview", "occurred_on": str(today), "hours": "3", "opportunity": oid},
    )
    li.post(
        "quotes/",
        {
            "opportunity": oid,
            "software_fee": "800000",
            "implementation_fee": "300000",
            "service_fee": "100000",
        },
    )
    li.attest(opportunity, "S5.2")
    assert li.advance(opportunity, "S5")["stage"] == "S5"

    for kind in ("bid", "negotiation", "signing"):
        li.post("key-dates/", {"opportunity": oid, "kind": kind, "on": str(today)})
    li.attest(opportunity, "S6.1", "S6.2")
    assert li.advance(opportunity, "S6")["stage"] == "S6"

    contract = li.post(
        "contracts/",
        {
            "opportunity": oid,
            "signed_on": str(today),
            "amount": "1200000.00",
            "payment_terms": "签约付100%",
            "installments": [{"due_on": str(today), "amount": "1200000.00"}],
        },
    )
    payment = li.post(
        "payments/",
        {"contract": contract["id"], "amount": "1200000.00", "received_on": str(today)},
    )
    li.post(f"payments/{payment['id']}/confirm/", expect=403)
    confirmed = finance.post(f"payments/{payment['id']}/confirm/", expect=200)
    assert confirmed["confirmed_by"] == "liu"
    shipped = {"opportunity": oid, "hq_ordered_on": str(today), "shipped_on": str(today)}
    li.post("shipments/", shipped)
    won = li.advance(opportunity, "S7")
    assert (won["stage"], won["status"]) == ("S7", "won")
    assert all(c["met"] for c in li.get(f"opportunities/{oid}/criteria/")["criteria"])

    submission = li.post("forecast-submissions/submit/", {"as_of": str(today)})
    assert submission["person"] == "li"
    report = li.get(f"reports/forecast/?as_of={today}&view=category")
    mine = next(row for row in report["rows"] if row["key"] == "li")
    assert mine["values"]["booked"] == "1200000.00"
    assert report["total"]["counts"]["booked"] == 1
    assert product.code in [line["product"] for line in won["lines"]]
