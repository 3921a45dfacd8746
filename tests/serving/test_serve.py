"""`salespath serve`: gunicorn, with whitenoise serving the collected, compressed static files."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import plotly
import pytest

from salespath.lib.servers import answers

ROOT = Path(__file__).resolve().parents[2]
SALESPATH = [sys.executable, "-m", "salespath"]
PLOTLY_FILE = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
TEN_YEARS = 315360000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    # A fresh SQLite database in var_dir: /healthz and the login page need no tables.
    env.update(SALESPATH_VAR_DIR=str(var_dir), **extra)
    return env


def _get(url: str, encodings: str = "identity"):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encodings})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = _environment(
        var_dir,
        # Quality 5 compresses plotly.js in a fraction of a second instead of half a minute.
        SALESPATH_STATIC_BROTLI_QUALITY="5",
        SALESPATH_BIND=f"127.0.0.1:{port}",
        SALESPATH_WORKERS="1",
        SALESPATH_THREADS="2",
        LOG_FORMAT="json",
        # no tables, so no task queue: the worker's health check has nothing to read
        SALESPATH_TASKS_BACKEND="immediate",
    )
    # The admin's and the API browser's files are collected in production too; the test
    # leaves them out to spare a few seconds of compression.
    ignore = ["-i", "admin", "-i", "drf_spectacular_sidecar", "-i", "rest_framework"]
    subprocess.run(
        [*SALESPATH, "collectstatic", "--noinput", *ignore],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    log = (var_dir / "serve.log").open("w+")
    process = subprocess.Popen(
        [*SALESPATH, "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    if not answers(base, process, seconds=60):
        process.kill()
        log.seek(0)
        pytest.fail(f"salespath serve did not start:\n{log.read()}")
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())["paths"]
    yield base, manifest, log
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_serve_answers_health_and_the_login_page(server):
    base, manifest, _ = server
    status, _, body = _get(f"{base}/healthz")
    assert status == 200
    assert json.loads(body)["checks"]["database"]["ok"] is True
    status, _, page = _get(f"{base}/login/")
    assert status == 200
    # The page names the hashed copies, which may be cached for good.
    assert f'/static/{manifest["web/app.css"]}"'.encode() in page


@pytest.mark.parametrize(("encodings", "encoding"), [("br, gzip", "br"), ("gzip", "gzip")])
def test_plotly_is_served_compressed_with_far_future_cache_headers(server, encodings, encoding):
    base, manifest, _ = server
    status, headers, body = _get(f"{base}/static/{manifest['plotly/plotly.min.js']}", encodings)
    assert status == 200
    assert headers["Content-Encoding"] == encoding
    assert f"max-age={TEN_YEARS}" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    unpacked = brotli.decompress(body) if encoding == "br" else gzip.decompress(body)
    assert unpacked == PLOTLY_FILE.read_bytes()
    assert len(body) < len(unpacked) / 3


def test_serve_logs_each_request_as_one_json_line(server):
    base, _, log = server
    _get(f"{base}/login/?next=/pipeline/&token=do-not-log-me")
    lines = _log_lines_until(log, lambda line: line.get("route") == "login/")
    requests = [line for line in lines if line["logger"] == "salespath.requests"]
    assert {"method": "GET", "route": "login/", "status": 200, "user_id": None}.items() <= (
        requests[-1].items()
    )
    assert "do-not-log-me" not in json.dumps(lines)


def _log_lines_until(log, wanted) -> list[dict]:
    """The server's JSON log lines, once one of them is `wanted` (the worker writes its line
    just after answering)."""
    deadline = time.monotonic() + 30
    while True:
        log.seek(0)
        lines = [json.loads(line) for line in log if line.startswith("{")]
        if any(wanted(line) for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_serve_refuses_to_start_before_the_static_files_are_collected(tmp_path):
    done = subprocess.run(
        [*SALESPATH, "serve"], env=_environment(tmp_path), cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "collectstatic" in done.stderr


def test_serve_refuses_a_worker_count_that_is_not_a_number(tmp_path):
    done = subprocess.run(
        [*SALESPATH, "serve"],
        env=_environment(tmp_path, SALESPATH_WORKERS="four"),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "SALESPATH_WORKERS" in done.stderr and "four" in done.stderr
