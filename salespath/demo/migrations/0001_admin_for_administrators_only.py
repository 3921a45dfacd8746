"""Issue 16: earlier demo databases made every person staff and put everyone in a group
holding every view permission. Take both back; administrators keep their staff flag."""

from django.db import migrations

OLD_VIEWER_GROUP = "Salespath 查看全部"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("org", "User")
    Group.objects.filter(name=OLD_VIEWER_GROUP).delete()
    User.objects.filter(is_staff=True, is_superuser=False).exclude(roles__role="admin").update(
        is_staff=False
    )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
