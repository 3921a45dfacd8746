"""Settings come from the environment (issue 2)."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command


def run_settings(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", f"import salespath.settings as s; {code}"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_settings(
        {"SALESPATH_ENV": "production", "SALESPATH_VAR_DIR": str(tmp_path)}, "print(1)"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_local_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"SALESPATH_VAR_DIR": str(tmp_path)}
    first = run_settings(env, "print(s.SECRET_KEY)").stdout.strip()
    second = run_settings(env, "print(s.SECRET_KEY)").stdout.strip()
    assert len(first) > 40 and first == second
    assert (tmp_path / "secret_key").exists()


def test_default_database_is_an_sqlite_file_under_var_and_language_is_chinese(tmp_path):
    out = run_settings(
        {"SALESPATH_VAR_DIR": str(tmp_path)},
        "print(s.DATABASES['default']['NAME'], s.LANGUAGE_CODE, s.TIME_ZONE)",
    ).stdout.split()
    assert out == [str(tmp_path / "salespath.sqlite3"), "zh-hans", "Asia/Shanghai"]


def test_database_url_selects_postgresql(tmp_path):
    out = run_settings(
        {"SALESPATH_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://postgres@db:5432/sp"},
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])",
    ).stdout.split()
    assert out == ["django.db.backends.postgresql", "sp"]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_cache_is_the_shared_database_table_unless_cache_url_says_otherwise(tmp_path):
    env = {"SALESPATH_VAR_DIR": str(tmp_path)}
    default = run_settings(env, "print(s.CACHES['default']['BACKEND'])").stdout.strip()
    assert default == "django.core.cache.backends.db.DatabaseCache"
    redis = run_settings(
        {**env, "CACHE_URL": "redis://127.0.0.1:6379/1"}, "print(s.CACHES['default']['BACKEND'])"
    )
    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    bad = run_settings({**env, "CACHE_URL": "memcached://x"}, "print(1)")
    assert bad.returncode != 0 and "CACHE_URL" in bad.stderr
