"""Issue 16 item 3: two server processes share one count. Guesses spread over two servers on
one database lock the pair on both (a per-process counter would let each allow its own)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.backups.conftest import Databases

SALESPATH = str(Path(sys.executable).with_name("salespath"))
LIMIT = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(port: int, password: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=json.dumps({"username": "li", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        return urllib.request.urlopen(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120  # a start-up bound, not an assertion about speed
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server on port {port} did not start")


@pytest.fixture
def two_servers(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"} and not k.startswith("SALESPATH_")
    }
    env.update(
        DATABASE_URL=Databases("sqlite", tmp_path).migrated(),
        SALESPATH_VAR_DIR=str(tmp_path),
        SALESPATH_LOGIN_FAILURE_LIMIT=str(LIMIT),
        DJANGO_SETTINGS_MODULE="salespath.settings",
    )
    make_user = (
        "from salespath.org.models import User; "
        "User.objects.create_user(username='li', password='pw-for-tests')"
    )
    subprocess.run(
        [SALESPATH, "shell", "--no-imports", "-c", make_user], env=env, check=True, timeout=120
    )
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [SALESPATH, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def test_guesses_spread_over_two_server_processes_lock_the_pair_on_both(two_servers):
    first, second = two_servers
    answers = [sign_in(first if n % 2 else second, "wrong") for n in range(LIMIT - 1)]
    assert answers == [400] * (LIMIT - 1)  # under the limit on each server, and in all
    assert sign_in(first, "wrong") == 429  # the limit-th failure, counted across both
    assert sign_in(first, "pw-for-tests") == 429
    assert sign_in(second, "pw-for-tests") == 429
