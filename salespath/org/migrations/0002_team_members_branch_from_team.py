"""A team member's branch is their team's, read through the team: the copy each member
kept in `branch` is cleared, and a check keeps it empty from now on."""

import django.db.models.deletion
from django.db import migrations, models

# Its own SQL: a migration runs against the schema of its time, not today's models.
CLEAR_COPIES = "UPDATE org_user SET branch_id = NULL WHERE team_id IS NOT NULL"

# Going back, the members get their team's branch again, as the code of that time expects.
RESTORE_COPIES = """
UPDATE org_user SET branch_id = (SELECT t.branch_id FROM org_team t WHERE t.id = org_user.team_id)
WHERE team_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(CLEAR_COPIES, RESTORE_COPIES, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="branch",
            field=models.ForeignKey(
                blank=True,
                help_text="Only for someone without a team: a team member's branch is their team's.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="people",
                to="org.branch",
                verbose_name="branch",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("team__isnull", True), ("branch__isnull", True), _connector="OR"
                ),
                name="user_team_member_has_no_own_branch",
                violation_error_message="A team member belongs to their team's branch: leave the branch empty.",
            ),
        ),
    ]
