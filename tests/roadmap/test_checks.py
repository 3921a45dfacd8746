"""Start-up refuses an SQLite too old for the roadmap's query, with a message that says so."""

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from salespath.roadmap import checks


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_an_sqlite_older_than_3_35_stops_the_checks_with_the_version_found(monkeypatch, settings):
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.34.1")
    errors = checks.sqlite_version_check()
    assert [error.id for error in errors] == ["salespath.E001"]
    assert "3.35.0" in errors[0].msg and "3.34.1" in errors[0].msg
    with pytest.raises(SystemCheckError, match="3.34.1"):
        call_command("check")


def test_this_machines_database_passes(settings):
    assert checks.sqlite_version_check() == []
