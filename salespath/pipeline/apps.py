from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salespath.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from .signals import opportunities_changed, opportunities_changing

        opportunities_changed.connect(keep_funnel, dispatch_uid="pipeline.keep_funnel")
        opportunities_changing.connect(
            take_out_of_funnel, dispatch_uid="pipeline.take_out_of_funnel"
        )


def keep_funnel(sender, owner_ids, opportunity_ids=None, **kwargs):
    """These salespeople's opportunities or their history changed: their stored funnel
    months are recomputed in the writer's transaction — or, when the writer names the
    opportunities (having announced them before the change too), only those are put back
    in."""
    from . import funnel_rollup

    if opportunity_ids is None:
        funnel_rollup.refresh_owners(owner_ids)
    else:
        funnel_rollup.move_opportunities(opportunity_ids, sign=+1)


def take_out_of_funnel(sender, opportunity_ids, **kwargs):
    """A writer is about to change these opportunities (their row or their history): their
    share leaves the stored funnel months, as they are now; `keep_funnel` puts it back as
    they will be."""
    from . import funnel_rollup

    funnel_rollup.move_opportunities(opportunity_ids, sign=-1)
