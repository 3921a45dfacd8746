"""The database's indexes and named constraints are exactly the ones the code declares:
each model's Meta, plus the raw-SQL indexes listed in `pipeline/models/raw_indexes.py`.
`makemigrations --check` cannot see raw SQL, so without this an index dropped or added by
hand (or by a migration that forgot to list it) would pass unnoticed until a page slowed."""

import re

import pytest
from django.apps import apps
from django.db import connection

from salespath.pipeline.models.raw_indexes import RAW_INDEXES

# Names Django makes up for indexes and constraints it derives from fields (ForeignKey,
# db_index, unique): a hash suffix. Those follow the models by construction.
DERIVED = re.compile(
    r"_[0-9a-f]{8}(_like|_uniq|_check|_fk_\w+)?$|^sqlite_autoindex_|^__unnamed_constraint_"
)


def our_models():
    return [m for m in apps.get_models() if m.__module__.startswith("salespath.")]


def named_in_database() -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for model in our_models():
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            # PostgreSQL's names for a field's own UNIQUE and CHECK (unique=True, Positive…)
            of_fields = {
                f"{table}_{field.column}_{suffix}"
                for field in model._meta.concrete_fields
                for suffix in ("key", "check")
            }
            for name, info in constraints.items():
                if info["primary_key"] or info["foreign_key"] or DERIVED.search(name):
                    continue
                if name in of_fields:
                    continue
                if info["index"] or info["unique"] or info["check"]:
                    found.add((table, name))
    return found


def declared() -> set[tuple[str, str]]:
    names = set()
    for model in our_models():
        table = model._meta.db_table
        names |= {(table, index.name) for index in model._meta.indexes}
        names |= {(table, constraint.name) for constraint in model._meta.constraints}
    names |= {
        (table, name)
        for name, (table, _migration, engines) in RAW_INDEXES.items()
        if connection.vendor in engines
    }
    return names


@pytest.mark.django_db
def test_the_database_has_exactly_the_declared_indexes_and_constraints():
    in_database, in_code = named_in_database(), declared()
    assert sorted(in_code - in_database) == [], "declared but missing from the database"
    extra = sorted(in_database - in_code)
    assert extra == [], f"in the database but declared nowhere: {extra}"


@pytest.mark.django_db
def test_an_index_dropped_by_hand_is_found():
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX opportunity_won_by_owner")
    assert ("pipeline_opportunity", "opportunity_won_by_owner") in declared() - named_in_database()
