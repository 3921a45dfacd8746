"""The seed's playbook as the first version, so administrators see (and add to) it."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    Playbook = apps.get_model("roadmap", "Playbook")
    if not Playbook.objects.exists():
        Playbook.objects.create(effective_from=date(2000, 1, 1), note="成功路线图(种子文件)")


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
