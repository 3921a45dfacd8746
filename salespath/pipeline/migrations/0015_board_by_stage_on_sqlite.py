"""The board index by stage (0007, PostgreSQL only until now) on SQLite too (issue 9).

0007 kept it off SQLite, which without statistics chose it for every board. Since 0012 the
opportunity list's index (close date, id) gives the board's order for a whole stage too, and
SQLite read an executive's board columns through it, passing years of won deals for each
open stage: 1.8 s at scale L. With this index, analyzed here (as `salespath generate`
analyzes every table), SQLite reads each column from its stage: 0.75 s for the executive,
and a team's board still reads its people's deals by owner (35 ms).
"""

from django.db import migrations

NAME = "opportunity_on_board_by_stage"
DEFINITION = "(stage_id, expected_close, id, amount) WHERE NOT (status = 'lost')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"CREATE INDEX {NAME} ON pipeline_opportunity {DEFINITION}")
    schema_editor.execute(f"ANALYZE {NAME}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0014_status_close_id")]

    operations = [migrations.RunPython(create, drop)]
