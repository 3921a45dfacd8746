"""An index for the kanban of someone who sees every deal, on PostgreSQL.

The board of a supervisor or a branch GM reads `opportunity_on_board` (owner, stage, expected
close; migration 0004) for just their people. An executive's has no owner to start from:
each column's first cards are the deals of one stage, not lost, soonest close first — with
this index twenty index entries, without it a sort of the whole stage.
`id` is in the key for the order's tie-break, `amount` so that the count and amount per
column can be read from the index alone where vacuum has marked the pages all-visible. The
condition is written as the ORM writes it (`NOT (status = 'lost')`).

PostgreSQL only. SQLite, which has no statistics on these tables, then chose this index for
every board, because it gives the order for free, and read a stage's deals one by one looking
for the few of a small team's: the supervisor's board took 73 ms instead of 33. SQLite keeps
`opportunity_on_board` alone, and an executive's board there sorts each stage.
"""

from django.db import migrations

INDEXES = {
    "opportunity_on_board_by_stage": (
        "(stage_id, expected_close, id, amount) WHERE NOT (status = 'lost')"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON pipeline_opportunity {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0006_report_indexes")]

    operations = [migrations.RunPython(create, drop)]
