"""The index `customer_by_name` for the customers list, a page at a time by name,
with its statistics on SQLite: an index created after the last ANALYZE has none, and SQLite
then takes it for a very selective one (see pipeline migration 0010 for what that cost).
"""

from django.conf import settings
from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE customer_by_name")


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0002_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['name', 'id'], name='customer_by_name'),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
