from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salespath.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from .signals import opportunities_changed, opportunities_changing

        opportunities_changed.connect(keep_funnel, dispatch_uid="pipeline.keep_funnel")
        opportunities_changing.connect(note_funnel, dispatch_uid="pipeline.note_funnel")


def keep_funnel(sender, owner_ids, opportunity_ids=None, **kwargs):
    """These salespeople's opportunities or their history changed: their stored funnel
    months are recomputed in the writer's transaction — or, when the writer names the
    opportunities (having announced them before the change too), only the months those
    were in before and are in now."""
    from . import funnel_rollup

    if opportunity_ids is None:
        funnel_rollup.refresh_owners(owner_ids)
    else:
        funnel_rollup.refresh_months(opportunity_ids)


def note_funnel(sender, opportunity_ids, **kwargs):
    """A writer is about to change these opportunities: the funnel notes the months they
    are in now, for `keep_funnel` to recompute after."""
    from . import funnel_rollup

    funnel_rollup.note_months(opportunity_ids)
