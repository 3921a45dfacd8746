"""The index `opportunity_listed`: the opportunity list, soonest close first, a page at a
time, without sorting every deal that is not lost (issue 9), analyzed on SQLite like those
of 0010.
"""

from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE opportunity_listed")


class Migration(migrations.Migration):

    dependencies = [
        ('pipeline', '0011_open_by_entered'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(condition=models.Q(('status', 'lost'), _negated=True), fields=['expected_close', 'id'], name='opportunity_listed'),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
