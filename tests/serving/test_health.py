"""GET /healthz: no login, no data, 200 or 503 naming what failed (issue 18 §1)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_without_a_login_and_names_the_database_check(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "ok"}
    # the worker's heartbeat is checked too; in tests tasks run inline, so no worker is needed
    assert body["checks"]["worker"]["ok"] is True
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_configured_check_is_run_beside_the_database(client, settings):
    settings.SALESPATH_HEALTH_CHECKS = {"worker": "tests.serving.checks.heartbeat_is_fresh"}
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"] == {"ok": True, "detail": "last beat 3 s ago"}


@pytest.mark.django_db
def test_a_failing_check_makes_503_and_names_what_failed(client, settings):
    settings.SALESPATH_HEALTH_CHECKS = {"worker": "tests.serving.checks.heartbeat_is_stale"}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat for 300 s"}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_a_check_that_raises_fails_without_showing_its_message(client, settings):
    settings.SALESPATH_HEALTH_CHECKS = {"worker": "tests.serving.checks.worker_unreachable"}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "ConnectionError"}
    assert b"secret-password" not in response.content


@pytest.mark.django_db
def test_healthz_shows_no_data(client, cast):
    response = client.get(reverse("healthz"))
    for user in (cast.salesperson, cast.executive):
        assert user.username.encode() not in response.content


def test_an_unreachable_database_makes_503_naming_the_database(tmp_path):
    # A server on a port where nothing listens: the app starts, its database does not answer.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(SERVER_NAME='localhost').get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salespath.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
        "SALESPATH_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert "database" in answer["body"]["failed"]  # (the worker check reads it too)
    assert answer["body"]["checks"]["database"] == {"ok": False, "detail": "OperationalError"}


@pytest.mark.django_db
def test_healthz_answers_plain_http_probes_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/login/").status_code == 301
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_a_task_nobody_takes_makes_the_worker_check_fail(client, settings):
    """With the database queue, a task waiting longer than SALESPATH_WORKER_STALE_SECONDS
    means no `salespath jobs worker` is running: /healthz answers 503 naming the worker."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from salespath.notifications.tasks import send_delivery

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_delivery.enqueue(0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
