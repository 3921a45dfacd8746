from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salespath.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from salespath.customers.models import Contact, Customer, Industry

        from . import evidence, models
        from .signals import opportunities_changed, opportunities_changing

        # What the rules of `criteria.py` read: its rows' writes forget the stored evidence
        # of their deals (`pipeline/evidence.py`; the activities app connects its own).
        for model in (
            Customer,
            Contact,
            Industry,
            models.Opportunity,
            models.Attestation,
            models.OpportunityCompetitor,
            models.InitiationRequest,
            models.ProjectMember,
            models.Quote,
            models.KeyDate,
            models.Contract,
            models.Installment,
            models.Payment,
            models.Shipment,
        ):
            evidence.connect(model)
        for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                evidence.forget_every_deal,
                models.Criterion,
                dispatch_uid=f"evidence.criterion.{uid}",
            )

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
