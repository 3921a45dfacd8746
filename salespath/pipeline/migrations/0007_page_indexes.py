"""H3: an index for the kanban of someone who sees every deal (issue 9).

The board of a supervisor or a branch GM reads `opportunity_on_board` (owner, stage, expected
close; migration 0004) for just their people. An executive's has no owner to start from:
each column's first cards are the deals of one stage, not lost, soonest close first — with
this index twenty index entries, without it a sort of the whole stage (a second at scale L).
The condition is written exactly as the ORM writes it (`NOT (status = 'lost')`), so SQLite
sees the queries imply it; `id` is in the key for the order's tie-break, `amount` so that
the count and amount per column are read from the index alone (SQLite; PostgreSQL where
vacuum has marked the table's pages all-visible).

RunSQL, the same on SQLite and PostgreSQL; the models' Meta does not list it.
"""

from django.db import migrations

INDEXES = {
    "opportunity_on_board_by_stage": (
        "(stage_id, expected_close, id, amount) WHERE NOT (status = 'lost')"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0006_report_indexes")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON pipeline_opportunity {definition}",
            f"DROP INDEX {name}",
        )
        for name, definition in INDEXES.items()
    ]
