"""Indexes the forecast rollup reads (`salespath/forecast/rollups.py`).

- The latest date of each event (`rollups.covers`): one index lookup per column, partial
  where the column is mostly empty.
- The opportunities still open in each view by expected close date: the overdue lists and
  the days of a month split by a column boundary (`queries.forecast`). Lost deals, most of
  the table after a few years, are left out. The conditions are written exactly as the ORM
  writes them (`NOT (status = 'lost')`), so SQLite sees the queries imply them.

RunSQL, the same on SQLite and PostgreSQL; the models' Meta does not list them.
"""

from django.db import migrations

INDEXES = {
    "opportunity_created_on": "(created_on)",
    "opportunity_signed_on": "(signed_on) WHERE signed_on IS NOT NULL",
    "opportunity_won_on": "(won_on) WHERE won_on IS NOT NULL",
    "opportunity_lost_on": "(lost_on) WHERE lost_on IS NOT NULL",
    # with the columns that decide "still open in this view", so counting the overdue ones
    # reads the index alone
    "opportunity_open_by_close_time": (
        "(expected_close, owner_id, forecast_category, signed_on)"
        " WHERE won_on IS NULL AND NOT (status = 'lost')"
    ),
    "opportunity_open_by_close_category": (
        "(expected_close, owner_id, forecast_category, won_on)"
        " WHERE signed_on IS NULL AND NOT (status = 'lost')"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0004_opportunity_on_board")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON pipeline_opportunity {definition}",
            f"DROP INDEX {name}",
        )
        for name, definition in INDEXES.items()
    ]
