from django.db import models
from django.utils.translation import gettext_lazy as _

from .opportunity import Opportunity


class StoredEvidence(models.Model):
    """What an opportunity's evidence supported when `pipeline/evidence.py` last evaluated
    it: the highest stage whose criteria (and every earlier stage's, from S2) were met, and
    the codes of the criteria that were not. True for any day from `computed_on` to the day
    before `until` (no limit when empty), until a writer of the evidence deletes it."""

    opportunity = models.OneToOneField(
        Opportunity,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_evidence",
        verbose_name=_("opportunity"),
    )
    stage = models.CharField(_("evidenced stage"), max_length=8, blank=True)
    unmet = models.TextField(_("criteria not met"), blank=True)
    computed_on = models.DateField(_("evaluated on"))
    until = models.DateField(_("true until"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored evidence")
        verbose_name_plural = _("stored evidence")
        indexes = [
            models.Index(
                fields=["until"],
                name="stored_evidence_until",
                condition=models.Q(until__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} {self.stage or '-'}"
