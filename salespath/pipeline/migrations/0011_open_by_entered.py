"""The index `opportunity_open_by_entered`: the home page's stuck deals, longest in their
stage first, found by walking the open deals by the day they entered it (issue 9), analyzed
on SQLite like those of 0010.
"""

from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE opportunity_open_by_entered")


class Migration(migrations.Migration):

    dependencies = [
        ('pipeline', '0010_customers_by_owner'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['stage_entered_on'], name='opportunity_open_by_entered'),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
