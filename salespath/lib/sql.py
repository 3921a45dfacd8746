"""SQL fragments that differ between the two engines Salespath runs on, and a temporary
table of ids for set-based statements about many rows."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection


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
