"""Bulk writing of plain row tuples, bypassing the ORM: COPY on PostgreSQL (psycopg 3),
`executemany` on SQLite.

A `Table` names the fields each row gives (in order) and fixes every other column to a
constant. It refuses, when it is built, a table whose required columns are neither given
nor fixed, so a model change fails the generator at once rather than half-way through L.

Values in rows are already in the form both engines accept as text: dates as ISO strings,
datetimes from `Clock.stamp`, amounts as integers (yuan) or strings, booleans as bool.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED


class Table:
    def __init__(self, model: type[Model], given: Sequence[str], fixed: dict | None = None):
        fixed = dict(fixed or {})
        meta = model._meta
        self.name = meta.db_table
        fields = {f.name: f for f in meta.concrete_fields}
        unknown = [n for n in [*given, *fixed] if n not in fields]
        if unknown:
            raise ValueError(f"{self.name}: no fields {unknown}")
        for name, field in fields.items():
            if name in given or name in fixed:
                continue
            if field.null:
                fixed[name] = None
            elif field.default is not NOT_PROVIDED:
                fixed[name] = field.get_default()
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fixed[name] = Clock.now_stamp()
            else:
                raise ValueError(f"{self.name}.{name} needs a value")
        self.columns = [fields[n].column for n in given] + [fields[n].column for n in fixed]
        self.constants = tuple(fixed.values())

    def write(self, rows: Iterable[tuple]) -> int:
        constants = self.constants
        return write_rows(self.name, self.columns, (row + constants for row in rows))


def write_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        raw = connection.connection
        sql = f"COPY {quote(table)} ({names}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join("?" * len(columns))
    batch: list[tuple] = []
    raw_cursor = connection.connection.cursor()
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                raw_cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            raw_cursor.executemany(sql, batch)
            count += len(batch)
    finally:
        raw_cursor.close()
    return count


class Clock:
    """Datetime values as text in the form each engine stores (UTC; SQLite without offset)."""

    @staticmethod
    def suffix() -> str:
        return "+00:00" if connection.vendor == "postgresql" else ""

    @classmethod
    def now_stamp(cls) -> str:
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        return now.isoformat(" ") + cls.suffix()


def max_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0] or 0


def reset_sequences(models: list[type[Model]]) -> None:
    """After writing explicit ids, let the database hand out the next ones (PostgreSQL)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def secondary_indexes(model: type[Model]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `model`'s table that no constraint or
    primary key owns: the ones a bulk load can drop and build again afterwards."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                SELECT indexname, indexdef FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = %s
                  AND indexname NOT IN (
                    SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass
                  )
                """,
                [table, connection.ops.quote_name(table)],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        return list(cursor.fetchall())


@contextmanager
def indexes_built_after(models: list[type[Model]]):
    """Drop the secondary indexes of `models` for the load and build them again at the end:
    one sort per index instead of millions of random B-tree inserts. Inside the caller's
    transaction, so a failure restores them too."""
    dropped = [index for model in models for index in secondary_indexes(model)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _sql in dropped:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in dropped:
            cursor.execute(sql)


@contextmanager
def foreign_keys_checked_after(models: list[type[Model]]):
    """PostgreSQL checks a foreign key with a trigger per inserted row; dropping the keys of
    `models` for the load and adding them back checks each one in a single join instead.
    Adding a key back fails the whole transaction if any row breaks it. (SQLite: see
    `generate.bulk_session`.)"""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Check what was written so far (the people), so no deferred check is pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            """,
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
