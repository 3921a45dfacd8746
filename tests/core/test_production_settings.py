"""Issue 16 item 14: production is configured from the environment, refuses a weak key and
DEBUG, and passes `salespath check --deploy` clean in the configuration docs/security.md
documents."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SALESPATH = str(Path(sys.executable).with_name("salespath"))

# The production configuration of docs/security.md ("Running in production").
DOCUMENTED = {
    "SALESPATH_ENV": "production",
    "ALLOWED_HOSTS": "sales.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://sales.example.com",
    "SALESPATH_BEHIND_TLS_PROXY": "1",
    "SALESPATH_NUM_PROXIES": "1",
    "SALESPATH_SSL_REDIRECT": "1",
    "SALESPATH_HSTS_SECONDS": "31536000",
    "SALESPATH_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SALESPATH_HSTS_PRELOAD": "1",
}


def run(env: dict, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not k.startswith("SALESPATH_")
    }
    return subprocess.run(
        [SALESPATH, *args],
        env={**clean, "SALESPATH_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def strong_key() -> str:
    return secrets.token_urlsafe(50)


def test_the_documented_production_configuration_passes_the_deploy_check(tmp_path):
    result = run(
        {**DOCUMENTED, "SECRET_KEY": strong_key()},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_the_tls_settings_is_warned_about(tmp_path):
    result = run(
        {"SALESPATH_ENV": "production", "SECRET_KEY": strong_key()},
        "check",
        "--deploy",
        tmp_path=tmp_path,
    )
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no HTTPS redirect


@pytest.mark.parametrize(
    "key",
    ["x", "a" * 80, "abcd" * 20, strong_key()[:49]],
    # a random key's id would differ between the suite's workers (pytest-xdist)
    ids=["one character", "one character repeated", "four repeated", "49 characters"],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    result = run({**DOCUMENTED, "SECRET_KEY": key}, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = run(
        {**DOCUMENTED, "SECRET_KEY": strong_key(), "DEBUG": "1"}, "check", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_the_tls_proxy_setting_trusts_its_forwarded_protocol(tmp_path):
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    behind = run(
        {**DOCUMENTED, "SECRET_KEY": strong_key()},
        "shell",
        "--no-imports",
        "-c",
        code,
        tmp_path=tmp_path,
    )
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
    direct = run({}, "shell", "--no-imports", "-c", code, tmp_path=tmp_path)
    assert direct.stdout.strip() == "None"
