"""PostgreSQL: the forecast's rollup and month-end rows leave a fifth of each page free.

Every writer adds to or takes from these rows' counts and amounts (`rollups.move_rows`),
and no index covers those columns, so with room on the page PostgreSQL writes the new
version of a row beside the old one and touches none of the table's three indexes (a
"HOT" update). Packed full, as a rebuild leaves them, every update also wrote three index
entries: importing 10,000 deals at scale L updated 56,000 month-end rows in 4.1 s; with
the room, 1.2–1.4 s (BENCHMARKS.md, "The import at L"). Pages written before this
migration keep their layout until they are rewritten (`VACUUM FULL`); a new database's are
written with the room. SQLite has no such setting.
"""

from django.db import migrations

TABLES = ("forecast_forecastrollup", "forecast_forecastmonthendrow")


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 80)")


def pack_full(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("forecast", "0005_month_ends")]

    operations = [migrations.RunPython(leave_room, pack_full)]
