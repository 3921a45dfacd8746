"""Open deals by close date, then id (issue 9): the home page's oldest overdue deals are
read in the index's order. Without the id, PostgreSQL read them from the opportunity list's
index (every deal not lost by close date, 0012), passing years of won deals, and an
executive's or a branch GM's home took 0.4 s at scale L. Analyzed on SQLite like 0010's.
"""

from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE opportunity_by_status_close")


class Migration(migrations.Migration):

    dependencies = [
        ('pipeline', '0013_overdue_in_list_order'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='opportunity',
            name='pipeline_op_status_329faf_idx',
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['status', 'expected_close', 'id'], name='opportunity_by_status_close'),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
