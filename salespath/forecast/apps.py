from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ForecastConfig(AppConfig):
    name = "salespath.forecast"
    label = "forecast"
    verbose_name = _("Forecast")

    def ready(self):
        from salespath.pipeline.signals import opportunities_changed, opportunities_changing

        post_migrate.connect(rebuild_after_migrations, sender=self)
        opportunities_changed.connect(keep_rollups, dispatch_uid="forecast.keep_rollups")
        opportunities_changing.connect(
            take_out_of_rollups, dispatch_uid="forecast.take_out_of_rollups"
        )


def keep_rollups(sender, owner_ids, opportunity_ids=None, **kwargs):
    """The pipeline changed these salespeople's opportunities: their rollup, month-end and
    day rows are recomputed in the writer's transaction — or, when the writer names the
    opportunities (having announced them before the change too), only those are put back
    in."""
    from . import month_ends, rollups

    if opportunity_ids is None:
        rollups.refresh_owners(owner_ids)
        month_ends.refresh_owners(owner_ids)
        return
    owners = rollups.move_opportunities(opportunity_ids, sign=+1)
    month_ends.move_opportunities(opportunity_ids, sign=+1)
    rollups.refresh_day_rows(set(owner_ids) | owners, moved=opportunity_ids)


def take_out_of_rollups(sender, opportunity_ids, **kwargs):
    """A writer is about to change these opportunities: their share leaves the rollup, the
    month ends' rows and the day's rows, as they are now; `keep_rollups` puts it back as
    they will be."""
    from . import month_ends, rollups

    rollups.move_opportunities(opportunity_ids, sign=-1)
    month_ends.move_opportunities(opportunity_ids, sign=-1)
    rollups.take_out_of_day_rows(opportunity_ids)


def rebuild_after_migrations(sender, plan=None, using="default", **kwargs):
    """After `migrate` has applied something and every app is at its latest migration, the
    derived data is checked against its source rows and rebuilt where it differs: migrations
    hold their own SQL and never call today's code, which would run against an older
    schema, so this is where a schema change meets the code that derives from it."""
    if not plan:
        return
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from .integrity import verify

    connection = connections[using]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # migrated to an earlier point: today's SQL would not fit that schema
    verify(repair=True)  # every derived value, as `salespath verify --repair` (docs/verify.md)
