from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ForecastConfig(AppConfig):
    name = "salespath.forecast"
    label = "forecast"
    verbose_name = _("Forecast")

    def ready(self):
        from salespath.pipeline.signals import opportunities_changed

        post_migrate.connect(rebuild_after_migrations, sender=self)
        opportunities_changed.connect(keep_rollups, dispatch_uid="forecast.keep_rollups")


def keep_rollups(sender, owner_ids, **kwargs):
    """The pipeline changed these salespeople's opportunities: their rollup and day rows
    are recomputed in the writer's transaction."""
    from .rollups import refresh_owners

    refresh_owners(owner_ids)


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
