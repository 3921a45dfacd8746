"""The home page's per-stage counts of the open deals, read from an index alone.

`opportunity_open_summary` (stage, close date, day entered the stage, amount) of the open
deals holds every column `web.queries.home_summary` counts and sums, so the whole company's
summary is an index-only read of the open deals instead of a read of the table. SQLite gets
its statistics at once, as 0010 did for its indexes, so its planner knows the index is
worth reading.
"""

from django.db import migrations, models

NAME = "opportunity_open_summary"


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"ANALYZE {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0010_page_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(status="open"),
                fields=["stage", "expected_close", "stage_entered_on", "amount"],
                name=NAME,
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
