"""A real worker process on django-tasks' database backend sends what the app enqueued.

Runs the `salespath` command in subprocesses on a fresh database of its own, on the engine of
this run (the test database of the other tests lives in this process only), so CI runs a real
worker on SQLite and on PostgreSQL."""

import json
import os
import subprocess
import sys

import pytest

from tests.backups.conftest import Databases

RECORD = """
from django.db import transaction
from salespath.notifications.health import worker_heartbeat_ok
from salespath.notifications.services import notify
from salespath.org.models import User
user = User.objects.create(username="li", email="li@example.com", display_name="李明")
with transaction.atomic():
    notify(recipient=user, kind="overdue", key="k", params={"deal": "ERP", "date": "x"})
print(worker_heartbeat_ok()[0])
"""


def salespath(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "salespath", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def worker_env(tmp_path) -> dict:
    url = os.environ.get("DATABASE_URL", "")
    engine = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    databases = Databases(engine, tmp_path)
    env = dict(os.environ)
    env |= {
        "DATABASE_URL": databases.migrated(),
        "SALESPATH_VAR_DIR": str(tmp_path),
        "SALESPATH_TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    }
    yield env
    databases.drop_all()


def test_a_worker_process_sends_what_was_enqueued(worker_env, tmp_path):
    assert salespath(worker_env, "shell", "-v0", "-c", RECORD).strip() == "True"
    waiting = json.loads(salespath(worker_env, "notifications", "--format", "json"))
    assert waiting[0]["deliveries"][0]["state"] == "pending"
    assert not list((tmp_path / "mail").glob("*.log"))

    salespath(worker_env, "jobs", "worker", "--batch")

    sent = json.loads(salespath(worker_env, "notifications", "--format", "json"))
    assert sent[0]["deliveries"][0] == {
        "channel": "email",
        "state": "sent",
        "attempts": 1,
        "last_error": "",
    }
    (mail,) = (tmp_path / "mail").glob("*.log")
    assert "li@example.com" in mail.read_text()
