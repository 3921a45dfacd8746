"""Indexes for the evaluation sheet and the roadmap's big sales.

The evaluation sheet on D reads a scope's opportunities that are open today, or were won or
lost since the start of D's quarter (`forecast.sheet._sheet_rows`). Per owner, the
open ones come from (owner, status, stage); these two give the recently won and the recently
lost ones, so neither engine reads the years of finished deals behind each salesperson (most
of the table at scale L). Partial: a date only exists on finished deals.

The roadmap counts a big sale by the first day its opportunity reached S7, a correlated
look-up per won deal; `stage_change_reached_s7` answers it from one index entry instead of
reading and sorting the opportunity's whole history.

Plain SQL (the same on SQLite and PostgreSQL), so the models' Meta does not list them.
"""

from django.db import migrations

INDEXES = {
    "opportunity_won_by_owner": (
        "pipeline_opportunity (owner_id, won_on) WHERE won_on IS NOT NULL"
    ),
    "opportunity_lost_by_owner": (
        "pipeline_opportunity (owner_id, lost_on) WHERE lost_on IS NOT NULL"
    ),
    "stage_change_reached_s7": (
        "pipeline_stagechange (opportunity_id, effective_on, id) WHERE to_stage_id = 'S7'"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0005_forecast_indexes")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {definition}",
            reverse_sql=f"DROP INDEX {name}",
        )
        for name, definition in INDEXES.items()
    ]
