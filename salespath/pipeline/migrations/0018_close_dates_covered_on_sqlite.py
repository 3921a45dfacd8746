"""On SQLite, the deals closing on given days with every column a forecast on a past date
reads of them, in one index (`opportunity_close_covered`).

The boundary days of the time view on a past date D (`rollups._apply_splits`: the deals
closing in the part of a month on the far side of D + 3k months) and the deals closing in
D's month by D (`month_ends.past_sums`) are found by their close dates, about 33,000 deals
for a date in mid-month at scale L, and SQLite fetched each one's table row: 70–90 ms of
the 150 ms the boundary read took. Read from this index alone, they take half. Not on
PostgreSQL, which combines the ranges of several indexes in a bitmap and reads the table
whatever the index holds. SQLite gets its statistics at once, as in 0010.
"""

from django.db import migrations

NAME = "opportunity_close_covered"
COLUMNS = (
    "expected_close, status, id, created_on, won_on, signed_on, history_until,"
    " forecast_category, probability, amount, owner_id"
)


def build(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX {NAME} ON pipeline_opportunity ({COLUMNS})")
        schema_editor.execute(f"ANALYZE {NAME}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0017_changes_from_lost_index")]

    operations = [migrations.RunPython(build, drop)]
