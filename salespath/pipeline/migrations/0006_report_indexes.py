"""H2: indexes for the evaluation sheet"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0005_forecast_indexes")]

    operations = []
