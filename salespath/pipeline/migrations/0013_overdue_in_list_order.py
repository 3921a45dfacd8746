"""The forecast's overdue indexes of 0005 keyed in the order the overdue list is read:
close date, then id (issue 9).

The overdue list is the oldest overdue deals by (expected close, id). Once the opportunity
list's index `opportunity_listed` (expected close, id; every deal not lost) existed, both
engines read the overdue list from it, since it alone gave that order: walking it from the
oldest close date passes years of won deals before the first open one, and the company
forecast at scale L went from 74 ms to over 500 ms. With the id after the close date, these
smaller indexes give the order too, and the planners take them again. Analyzed on SQLite
like those of 0010.
"""

from django.db import migrations

OLD = {
    "opportunity_open_by_close_time": (
        "(expected_close, owner_id, forecast_category, signed_on)"
        " WHERE won_on IS NULL AND NOT (status = 'lost')"
    ),
    "opportunity_open_by_close_category": (
        "(expected_close, owner_id, forecast_category, won_on)"
        " WHERE signed_on IS NULL AND NOT (status = 'lost')"
    ),
}
NEW = {
    "opportunity_open_by_close_time": (
        "(expected_close, id, owner_id, forecast_category, signed_on)"
        " WHERE won_on IS NULL AND NOT (status = 'lost')"
    ),
    "opportunity_open_by_close_category": (
        "(expected_close, id, owner_id, forecast_category, won_on)"
        " WHERE signed_on IS NULL AND NOT (status = 'lost')"
    ),
}


def _build(indexes: dict[str, str]):
    def build(apps, schema_editor):
        for name, definition in indexes.items():
            schema_editor.execute(f"DROP INDEX {name}")
            schema_editor.execute(f"CREATE INDEX {name} ON pipeline_opportunity {definition}")
            if schema_editor.connection.vendor == "sqlite":
                schema_editor.execute(f"ANALYZE {name}")

    return build


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0012_opportunity_listed")]

    operations = [migrations.RunPython(_build(NEW), _build(OLD))]
