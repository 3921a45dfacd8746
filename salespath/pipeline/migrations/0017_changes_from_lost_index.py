"""The stage changes out of the lost status (reopenings, moves while lost), by date: whether a
deal was lost on a past date is read from this small index and the row, not from each deal's
history (`history.not_lost_few`). SQLite gets its statistics at once, as in 0010."""

from django.conf import settings
from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE stage_change_from_lost")


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0016_funnel_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="stagechange",
            index=models.Index(
                condition=models.Q(("from_status", "lost")),
                fields=["effective_on", "opportunity"],
                name="stage_change_from_lost",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
