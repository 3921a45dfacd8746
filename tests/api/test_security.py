"""Session callers keep CSRF protection, tokens never reach the logs, callers are
rate-limited with 429, and the docs page shows every endpoint from local assets."""

import logging

import pytest
from rest_framework.test import APIClient

from salespath.api.throttles import CallerRateThrottle
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_a_session_caller_needs_the_csrf_token_to_write(cast):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.salesperson)
    assert client.get("/api/v1/opportunities/").status_code == 200
    refused = client.post("/api/v1/activities/", {"kind": "call"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]


def test_a_token_caller_needs_no_csrf_token(cast, api):
    client = api(cast.salesperson)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        "/api/v1/activities/",
        {"kind": "call", "occurred_on": "2026-01-12", "hours": "1"},
        format="json",
    )
    assert response.status_code == 201


def test_tokens_never_appear_in_the_logs(cast, api, caplog):
    caplog.set_level(logging.DEBUG)
    anonymous = api()
    signed_in = anonymous.post(
        "/api/v1/auth/token/", {"username": "li", "password": "pw-for-tests"}, format="json"
    )
    key = signed_in.json()["key"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get(f"/api/v1/opportunities/{OpportunityFactory(owner=cast.other_salesperson).pk}/")
    client.post("/api/v1/auth/tokens/", {"name": ""}, format="json")
    client.delete(f"/api/v1/auth/tokens/{signed_in.json()['id']}/")
    client.get("/api/v1/opportunities/")  # revoked now: 401
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=f"Bearer {key}x")
    wrong.get("/api/v1/opportunities/")
    logged = caplog.text + "".join(repr(record.__dict__) for record in caplog.records)
    assert "Unauthorized" in logged  # the refusals were logged…
    assert key not in logged and key[:20] not in logged  # …without the key
    assert "pw-for-tests" not in logged


def test_callers_over_the_rate_are_throttled_with_retry_after(cast, api, monkeypatch):
    monkeypatch.setattr(CallerRateThrottle, "rate", "3/min", raising=False)
    client = api(cast.salesperson, language="en")
    statuses = [client.get("/api/v1/branches/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = client.get("/api/v1/branches/")
    assert throttled.json()["error"]["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0


def test_the_docs_page_is_served_with_local_assets_and_the_schema_lists_every_resource(cast, api):
    docs = api(cast.salesperson).get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower()
    schema = api(cast.salesperson).get("/api/v1/schema/?format=json").json()
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/opportunities/{id}/advance/",
        "/api/v1/opportunities/{id}/criteria/",
        "/api/v1/initiation-requests/{id}/approve/",
        "/api/v1/payments/{id}/confirm/",
        "/api/v1/forecast-submissions/submit/",
        "/api/v1/reports/forecast/",
        "/api/v1/reports/forecast-accuracy/",
    ):
        assert expected in paths
    advance = schema["paths"]["/api/v1/opportunities/{id}/advance/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(advance["responses"])
