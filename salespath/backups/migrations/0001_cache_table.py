"""The database cache table (CACHE_URL=db://…, the default), so `salespath migrate` is all a
new installation runs and every app process shares throttles and lockouts from the start."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
