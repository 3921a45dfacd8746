"""SQL fragments that differ between the two engines Salespath runs on, a temporary table of
ids for set-based statements about many rows, and inserting many rows with one prepared
statement.

Why raw SQL for many rows (`insert_rows`): `bulk_create` builds a model instance per row and
passes every value of every row through the field machinery (pre_save, get_db_prep_save,
expression checks), and on SQLite splits the rows into statements of at most 999 parameters.
For 100,000 imported opportunities with their lines and stage history that was two thirds of
the import. Here a writer hands over plain tuples, which go in with one `COPY` per table on
PostgreSQL and one `executemany` on SQLite, and every column the writer does not give gets
its field's default, computed once per call; inside the caller's transaction.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, models


def month_start(column: str) -> str:
    """The first day of the month of the date `column`, as a date (PostgreSQL) or its ISO
    text (SQLite). `%%`: the statements it goes into are run with a parameter list."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


@contextmanager
def ids_table(cursor, name: str, ids: Iterable[int]) -> Iterator[Callable[[str], str]]:
    """A temporary table `name` of these ids (at least one) for the statements run inside
    the block, which it gives the SQL condition that a column is among them; the table is
    dropped at the end of the block (after an error the transaction's rollback
    drops it: a DROP would fail in PostgreSQL's aborted transaction and hide the error)."""
    ids = sorted({int(pk) for pk in ids})
    cursor.execute(f"CREATE TEMPORARY TABLE {name} (id BIGINT PRIMARY KEY)")
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", [(i,) for i in chunk])
    # PostgreSQL: a new table has no statistics, and without them the planner may read
    # every row of the other side to join a few thousand
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {name}")

    def among(column: str) -> str:
        # The range as well: the planner then reads these rows by the primary key (an
        # import's new rows are one range) rather than every row.
        return (
            f"{column} BETWEEN {ids[0]:d} AND {ids[-1]:d} AND {column} IN (SELECT id FROM {name})"
        )

    yield among
    cursor.execute(f"DROP TABLE {name}")


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
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in given + rest)
    if connection.vendor == "postgresql":
        # COPY streams the rows instead of executing the INSERT once per row (even
        # pipelined): an import of 10,000 opportunities with their lines and history at
        # scale L spent 3.7 s of 9.6 s waiting on those statements.
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *defaults))
        return
    marks = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append((*row, *defaults))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
