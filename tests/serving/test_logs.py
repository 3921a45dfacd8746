"""Request lines and security events (issue 18 §1): what an operator reads, and what never
reaches the log."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from salespath.serving.jsonlog import JsonFormatter
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def _records(caplog, logger: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logger]


def _everything_logged(caplog) -> str:
    formatter = JsonFormatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_a_request_is_logged_with_its_route_template_status_time_and_user(client, cast, caplog):
    deal = OpportunityFactory(owner=cast.salesperson)
    client.force_login(cast.salesperson)
    with caplog.at_level(logging.INFO, logger="salespath.requests"):
        response = client.get(reverse("web:opportunity", args=[deal.pk]))
    assert response.status_code == 200
    [record] = _records(caplog, "salespath.requests")
    assert record.method == "GET"
    assert record.route == "pipeline/<int:pk>/"
    assert record.status == 200
    assert record.user_id == cast.salesperson.pk
    assert record.duration_ms >= 0
    assert f"/pipeline/{deal.pk}/" not in _everything_logged(caplog)


def test_a_query_string_never_reaches_the_log(client, cast, caplog):
    client.force_login(cast.salesperson)
    with caplog.at_level(logging.INFO, logger="salespath"):
        client.get(reverse("web:pipeline"), {"q": "华南秘密项目", "token": "sp_live_abcdef"})
    [record] = _records(caplog, "salespath.requests")
    assert record.route == "pipeline/"
    logged = _everything_logged(caplog)
    assert "华南秘密项目" not in logged and "sp_live_abcdef" not in logged


def test_an_unmatched_path_is_logged_without_it(client, caplog):
    with caplog.at_level(logging.INFO, logger="salespath.requests"):
        client.get("/no-such-page-for-alice/")
    [record] = _records(caplog, "salespath.requests")
    assert (record.route, record.status, record.user_id) == ("", 404, None)
    assert "alice" not in _everything_logged(caplog)


def test_a_failed_login_is_a_security_event_without_the_password(client, cast, caplog):
    with caplog.at_level(logging.INFO, logger="salespath"):
        response = client.post(
            reverse("web:login"), {"username": "li", "password": "wrong-horse-battery"}
        )
    assert response.status_code == 200  # the form again, with its error
    [event] = _records(caplog, "salespath.security")
    assert event.levelno == logging.WARNING
    assert (event.event, event.username) == ("login_failed", "li")
    assert "wrong-horse-battery" not in _everything_logged(caplog)


def test_a_failed_api_sign_in_is_a_security_event_too(client, cast, caplog):
    with caplog.at_level(logging.INFO, logger="salespath"):
        client.post(
            "/api/v1/auth/token/",
            {"username": "li", "password": "wrong-horse-battery"},
            content_type="application/json",
        )
    events = _records(caplog, "salespath.security")
    assert [event.event for event in events] == ["login_failed"]
    assert "wrong-horse-battery" not in _everything_logged(caplog)


def test_permission_denied_is_a_security_event_naming_the_route_and_user(client, cast, caplog):
    client.force_login(cast.other_supervisor)
    with caplog.at_level(logging.INFO, logger="salespath"):
        response = client.get(reverse("web:payments"))
    assert response.status_code == 403
    [event] = _records(caplog, "salespath.security")
    assert event.event == "permission_denied"
    assert (event.route, event.user_id) == ("inbox/payments/", cast.other_supervisor.pk)


def test_the_client_address_comes_from_the_proxy_only_when_behind_it(client, settings, caplog):
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    with caplog.at_level(logging.INFO, logger="salespath"):
        client.post(reverse("web:login"), {"username": "li", "password": "x"})
        settings.SALESPATH_NUM_PROXIES = 1
        client.post(reverse("web:login"), {"username": "li", "password": "x"})
    assert [event.ip for event in _records(caplog, "salespath.security")] == [
        "127.0.0.1",
        "203.0.113.9",
    ]


def test_json_lines_carry_the_fields_as_keys():
    record = logging.makeLogRecord(
        {"name": "salespath.requests", "levelname": "INFO", "msg": "GET pipeline/ 200"}
    )
    record.route, record.status = "pipeline/", 200
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "pipeline/" and line["status"] == 200
    assert line["logger"] == "salespath.requests" and line["message"] == "GET pipeline/ 200"


def test_an_api_lockout_is_a_security_event(client, cast, caplog, settings):
    limit = settings.AXES_FAILURE_LIMIT
    with caplog.at_level(logging.INFO, logger="salespath"):
        for _ in range(limit + 1):
            response = client.post(
                "/api/v1/auth/token/",
                {"username": "nobody-locked", "password": "guess"},
                content_type="application/json",
            )
    assert response.status_code == 429
    events = [event.event for event in _records(caplog, "salespath.security")]
    assert events.count("login_failed") >= limit and "lockout" in events


def test_a_refused_api_token_is_a_security_event_without_the_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="salespath"):
        response = client.get(
            "/api/v1/opportunities/", HTTP_AUTHORIZATION="Token sp_not_a_real_token_123"
        )
    assert response.status_code == 401
    [event] = _records(caplog, "salespath.security")
    assert (event.event, event.status, event.user_id) == ("unauthorized", 401, None)
    assert "sp_not_a_real_token_123" not in _everything_logged(caplog)
