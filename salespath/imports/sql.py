"""Inserting many rows with one prepared statement, for the big tables of an import.

Why raw SQL here: `bulk_create` builds a model instance per row and passes every value of
every row through the field machinery (pre_save, get_db_prep_save, expression checks), and on
SQLite splits the rows into statements of at most 999 parameters. For 100,000 opportunities
with their lines and stage history that was two thirds of the import. Here a writer hands over
plain tuples, `cursor.executemany` runs one statement per table, and every column the writer
does not give gets its field's default, computed once per call. The same code runs on SQLite
and PostgreSQL (psycopg 3 pipelines `executemany`), inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, models

BATCH = 5000  # rows per executemany call: bounds the memory a writer's tuples take


def db_datetime(value: datetime) -> object:
    """A datetime as the driver takes it (SQLite stores naive UTC text; PostgreSQL as is)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """INSERT `rows` into `model`'s table.

    `columns` are attnames (`opportunity_id`, `amount`); each row gives their values in that
    order, already as the driver takes them: ids, str, int, bool, date, Decimal, and datetimes
    through `db_datetime`. The other concrete columns (not the auto primary key) get their
    field default — `auto_now`/`auto_now_add` fields the current time — so a column added to
    the model later with a default needs no change here.
    """
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    given = [by_attname[name] for name in columns]
    blank = model()
    rest = [
        field
        for field in model._meta.concrete_fields
        if field.attname not in columns and not isinstance(field, models.AutoField)
    ]
    defaults = tuple(
        field.get_db_prep_save(field.pre_save(blank, True), connection) for field in rest
    )
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in given + rest)
    marks = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append((*row, *defaults))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


# SQLite's page cache while an import writes (KiB, as `PRAGMA cache_size` takes a negative
# number): the default 2 MB holds a sliver of the opportunity table's two dozen indexes, so
# inserting thousands of rows into them at a million opportunities reads and spills the same
# pages again and again. Pages are taken as they are used, and given back afterwards.
IMPORT_CACHE_KIB = 262144


@contextmanager
def large_page_cache() -> Iterator[None]:
    """A larger SQLite page cache for this connection while the block runs (PostgreSQL: no
    change; its shared buffers serve every connection)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")
