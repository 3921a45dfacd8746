"""SQLite's page cache while an import writes. The import's rows go in through
`salespath.lib.sql.insert_rows`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

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
