"""The evaluation sheet reads each salesperson's rows from one index.

- Each opportunity carries its project manager and product ids, copied from its team and
  lines (`pipeline.copies`), backfilled here.
- `opportunity_open_on_sheet`: the deals open now without a note, holding every column the
  sheet shows of them, so the sheet reads no table row for them. PostgreSQL keeps the shown
  columns as INCLUDE columns; SQLite, which has none, as key columns after the owner, status
  and note, so its planner also prefers it to the (owner, status, stage) index. The note is
  left out (it is free text, longer than an index entry may hold), hence the condition.
- `opportunity_open_with_note`: the open deals with a note.
- `opportunity_history_by_owner`: a salesperson's deals changed after a date.

`forecast.sheet._sheet_rows` says which part of the sheet reads which. The conditions are
written as the ORM writes them (`NOT (note = '')`), so SQLite sees that a query implies them.
"""

from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings

SHOWN = "id, status, stage_id, amount, created_on, history_until, name, name_en, project_manager_id, product_ids"
OPEN_QUIET = "WHERE status = 'open' AND note = ''"

INDEXES = {
    "postgresql": [
        f"CREATE INDEX opportunity_open_on_sheet ON pipeline_opportunity (owner_id) INCLUDE ({SHOWN}) {OPEN_QUIET}",
    ],
    "sqlite": [
        f"CREATE INDEX opportunity_open_on_sheet ON pipeline_opportunity (owner_id, status, note, {SHOWN}) {OPEN_QUIET}",
    ],
}
COMMON = [
    "CREATE INDEX opportunity_open_with_note ON pipeline_opportunity (owner_id, status)"
    " WHERE status = 'open' AND NOT (note = '')",
    "CREATE INDEX opportunity_history_by_owner ON pipeline_opportunity (owner_id, history_until)",
]
NAMES = ["opportunity_open_on_sheet", "opportunity_open_with_note", "opportunity_history_by_owner"]

LISTED = {"postgresql": "STRING_AGG(product_id::text, ',')", "sqlite": "GROUP_CONCAT(product_id)"}
# One statement for both copies: on PostgreSQL, a second UPDATE of rows this transaction
# already updated queues their foreign-key checks, and the indexes below then cannot be built
# ("pending trigger events").
BACKFILL = """
    UPDATE pipeline_opportunity SET
        project_manager_id = (
            SELECT person_id FROM pipeline_projectmember
            WHERE pipeline_projectmember.opportunity_id = pipeline_opportunity.id
              AND pipeline_projectmember.role = 'project_manager'
            ORDER BY pipeline_projectmember.id LIMIT 1
        ),
        product_ids = COALESCE((
            SELECT {listed} FROM pipeline_opportunityline
            WHERE pipeline_opportunityline.opportunity_id = pipeline_opportunity.id
        ), '')
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(BACKFILL.format(listed=LISTED.get(vendor, LISTED["sqlite"])))
    for sql in INDEXES.get(vendor, INDEXES["sqlite"]) + COMMON:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0008_opportunity_history_until"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Both columns are added and removed with plain SQL: Django's AddField of a NOT NULL
        # column, and its RemoveField of a foreign key, rebuild the whole table on SQLite,
        # which copies every row and drops the indexes migrations 0005-0008 made with plain
        # SQL. ADD COLUMN (with a constant default) and DROP COLUMN do neither, on both
        # engines; the project manager's copy has no constraint of its own for that reason
        # (the team's row holds it).
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE pipeline_opportunity ADD COLUMN project_manager_id bigint NULL",
                    "ALTER TABLE pipeline_opportunity DROP COLUMN project_manager_id",
                ),
                migrations.RunSQL(
                    "ALTER TABLE pipeline_opportunity"
                    " ADD COLUMN product_ids text NOT NULL DEFAULT ''",
                    "ALTER TABLE pipeline_opportunity DROP COLUMN product_ids",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="opportunity",
                    name="project_manager",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="project manager",
                    ),
                ),
                migrations.AddField(
                    model_name="opportunity",
                    name="product_ids",
                    field=models.TextField(
                        blank=True, default="", editable=False, verbose_name="product ids"
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
