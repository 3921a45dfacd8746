from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salespath.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from .signals import opportunities_changed

        opportunities_changed.connect(keep_funnel, dispatch_uid="pipeline.keep_funnel")


def keep_funnel(sender, owner_ids, **kwargs):
    """These salespeople's opportunities or their history changed: their stored funnel
    months are recomputed in the writer's transaction."""
    from .funnel_rollup import refresh_owners

    refresh_owners(owner_ids)
