"""The indexes the reports rely on at scale (issue 9) exist after migrating, on both engines.

Several are made with plain SQL, which Django does not know of: a later migration that
rebuilds the opportunity table on SQLite (as AddField of a NOT NULL column does) drops them
without a word, and every report still answers, only slower."""

from importlib import import_module

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

TABLES = ["pipeline_opportunity", "pipeline_stagechange", "pipeline_projectmember"]


def migration(name: str):
    return import_module(f"salespath.pipeline.migrations.{name}")


def test_every_index_the_migrations_make_by_hand_exists():
    expected = {
        *migration("0005_forecast_indexes").INDEXES,
        *migration("0006_report_indexes").INDEXES,
        *migration("0009_sheet_copies").NAMES,
        *migration("0007_page_indexes").INDEXES,  # on SQLite too since 0010
    }
    if connection.vendor == "postgresql":  # made on PostgreSQL only
        expected |= {"project_manager_by_opportunity"}
    with connection.cursor() as cursor:
        present = {
            name
            for table in TABLES
            for name in connection.introspection.get_constraints(cursor, table)
        }
    assert expected - present == set()
