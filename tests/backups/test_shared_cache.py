"""Many app processes (issue 18 §3): nothing that must be shared lives in one process. The
sign-in lockout is counted in the database (django-axes), and the throttles live in the cache
of CACHE_URL — by default the database's table, or Redis — so what one server process counts
holds in another. Two real `salespath runserver` processes on one database."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from .conftest import ROOT, environment, salespath

USERNAME, PASSWORD = "li", "the-right-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url, tmp_path, extra_env) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "salespath", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env={**environment(url, tmp_path), **extra_env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # start-up wait, not an assertion on speed
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the server process ended at start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start listening")


FAILURE_LIMIT = 5  # settings.AXES_FAILURE_LIMIT without SALESPATH_LOGIN_FAILURE_LIMIT
LOGIN_RATE = 20  # the token endpoint's throttle per address and minute (settings.py)


def sign_in(base: str, password: str, username: str = USERNAME) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def two_servers(databases, tmp_path, request):
    url = databases.migrated()
    salespath(
        url,
        tmp_path,
        "shell",
        "-c",
        "from salespath.org.models import User; "
        f"User.objects.create_user(username={USERNAME!r}, password={PASSWORD!r}, "
        "display_name='李明')",
    )
    extra_env = getattr(request, "param", {})
    if extra_env == "redis":
        extra_env = redis_or_skip(redis_url(url))
    servers = [start_server(url, tmp_path, extra_env) for _ in range(2)]
    yield [base for _, base in servers]
    for process, _ in servers:
        process.terminate()
        process.wait(timeout=30)


def redis_url(database_url: str) -> str:
    """A Redis database of each engine's own: CI runs the SQLite and the PostgreSQL suites
    side by side against one Redis, and both suites' servers count sign-ins from the same
    address (sharing database 15, one suite's guesses were counted in the other's)."""
    return f"redis://127.0.0.1:6379/{14 if database_url.startswith('postgres') else 15}"


def redis_or_skip(url: str) -> dict:
    import redis

    try:
        client = redis.Redis.from_url(url)
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {url}")
    return {"CACHE_URL": url}


def test_a_lockout_earned_through_one_process_holds_in_the_other(two_servers):
    first, second = two_servers
    for _ in range(FAILURE_LIMIT):
        assert sign_in(first, "wrong") in (400, 429)
    # the right password, through the other process: still locked out
    assert sign_in(second, PASSWORD) == 429
    assert sign_in(first, PASSWORD) == 429


def guesses_through(base: str) -> list[int]:
    """As many sign-ins as the address may make in a minute, each for another username (so
    no lockout, only the throttle, counts them)."""
    return [sign_in(base, "wrong", f"nobody-{n}") for n in range(LOGIN_RATE)]


def test_a_throttle_counted_through_one_process_holds_in_the_other(two_servers):
    first, second = two_servers
    assert guesses_through(first) == [400] * LOGIN_RATE
    assert sign_in(second, "wrong", "one-more") == 429


@pytest.mark.parametrize("two_servers", ["redis"], indirect=True)
def test_with_redis_as_the_cache_a_throttle_holds_in_the_other_process(two_servers):
    first, second = two_servers
    assert guesses_through(first) == [400] * LOGIN_RATE
    assert sign_in(second, "wrong", "one-more") == 429


@pytest.mark.parametrize("two_servers", [{"CACHE_URL": "locmem://"}], indirect=True)
def test_with_a_per_process_cache_the_other_process_would_not_count(two_servers):
    """Why the default cache is shared: with CACHE_URL=locmem:// each process counts alone."""
    first, second = two_servers
    assert guesses_through(first) == [400] * LOGIN_RATE
    assert sign_in(second, "wrong", "one-more") == 400
