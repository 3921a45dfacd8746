"""Issue 16 item 3: one sign-in lockout for every way in, per (username, client address),
counted in the database; forwarded headers trusted only behind a configured proxy."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from salespath.api.throttles import CallerRateThrottle
from salespath.security.clientip import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
USER_ADDRESS = "198.51.100.7"
PASSWORD = "pw-for-tests"


def web_login(client: Client, username: str, password: str, path: str = "/login/"):
    return client.post(path, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(cast):
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(30):
        web_login(client, "li", "wrong")
    response = web_login(client, "li", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert "Retry-After" in response


def test_the_lockout_page_says_why_and_for_how_long(cast):
    client = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = web_login(client, "li", "wrong")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "15 minutes" in response.content.decode()


def test_the_admin_login_shares_the_lockout(db):
    UserFactory(username="root", team=None, is_superuser=True, is_staff=True, roles=["admin"])
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        web_login(client, "root", "wrong", "/admin/login/")
    response = web_login(client, "root", PASSWORD, "/admin/login/")
    assert response.status_code == 429
    assert not logged_in(client)


def test_failures_on_the_api_count_towards_the_web_login(cast):
    api = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post(
            "/api/v1/auth/token/",
            {"username": "li", "password": "wrong"},
            content_type="application/json",
        )
    client = Client(REMOTE_ADDR=ATTACKER)
    assert web_login(client, "li", PASSWORD).status_code == 429
    assert not logged_in(client)


def test_a_lockout_from_another_address_does_not_lock_the_user_out(cast):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(30):
        web_login(attacker, "li", "wrong")
    assert web_login(attacker, "li", PASSWORD).status_code == 429
    user = Client(REMOTE_ADDR=USER_ADDRESS)
    response = web_login(user, "li", PASSWORD)
    assert response.status_code == 302
    assert logged_in(user)


def test_a_forged_forwarded_header_neither_escapes_nor_causes_a_lockout(cast):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    # A new "address" in the header each time, some of them the user's: still one address.
    forged = [USER_ADDRESS if n % 2 else f"192.0.2.{n}" for n in range(30)]
    for address in forged:
        attacker.post(
            "/login/", {"username": "li", "password": "wrong"}, HTTP_X_FORWARDED_FOR=address
        )
    escaped = attacker.post(
        "/login/", {"username": "li", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.200"
    )
    assert escaped.status_code == 429
    user = Client(REMOTE_ADDR=USER_ADDRESS)  # the address the attacker named
    assert web_login(user, "li", PASSWORD).status_code == 302


def test_forwarded_addresses_are_read_only_behind_a_configured_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {USER_ADDRESS}"
    )
    assert client_ip(request) == "10.0.0.2"
    assert CallerRateThrottle().get_ident(request) == "10.0.0.2"
    settings.SALESPATH_NUM_PROXIES = 1  # one proxy of ours: the entry it appended
    assert client_ip(request) == USER_ADDRESS


def test_each_lockout_is_logged_on_the_security_logger(cast, caplog):
    client = Client(REMOTE_ADDR=ATTACKER)
    with caplog.at_level(logging.WARNING, logger="salespath.security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            web_login(client, "li", "wrong")
    records = [
        r
        for r in caplog.records
        if r.name == "salespath.security" and getattr(r, "event", None) == "lockout"
    ]
    assert len(records) == 1  # one lockout line (each failure has its own line too)
    assert "li" in records[0].getMessage() and ATTACKER in records[0].getMessage()


@pytest.fixture
def one_server(tmp_path):
    """A real `salespath runserver` process on a fresh database of this run's engine: each
    request has its own thread and connection, as in production (the test live server would
    share one in-memory SQLite connection between its threads)."""
    import os

    from tests.backups.conftest import Databases, salespath
    from tests.backups.test_shared_cache import start_server

    url = os.environ.get("DATABASE_URL", "")
    engine = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    databases = Databases(engine, tmp_path)
    url = databases.migrated()
    salespath(
        url,
        tmp_path,
        "shell",
        "-c",
        "from salespath.org.models import User; "
        f"User.objects.create_user(username='li', password={PASSWORD!r}, display_name='李明')",
    )
    process, base = start_server(url, tmp_path, {})
    yield base
    process.terminate()
    process.wait(timeout=30)
    databases.drop_all()


def test_parallel_wrong_guesses_lock_the_pair(one_server):
    """Twenty-four wrong guesses at once, half on the web login and half on the API: the
    count is the database's, so the right password afterwards is refused on both."""
    base = one_server

    def web_guess() -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(f"{base}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = f"csrfmiddlewaretoken={token}&username=li&password=wrong".encode()
        request = urllib.request.Request(
            f"{base}/login/", data=body, headers={"Referer": base + "/"}
        )
        with contextlib.suppress(urllib.error.HTTPError):
            opener.open(request)

    def api_attempt(password: str) -> int:
        request = urllib.request.Request(
            f"{base}/api/v1/auth/token/",
            data=json.dumps({"username": "li", "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            return urllib.request.urlopen(request, timeout=60).status
        except urllib.error.HTTPError as error:
            return error.code

    threads = [threading.Thread(target=web_guess) for _ in range(12)]
    threads += [threading.Thread(target=api_attempt, args=("wrong",)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api_attempt(PASSWORD) == 429
