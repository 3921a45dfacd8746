"""Logged work (SPEC §6 weekly standards; S4.7 and S5.1 evidence)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespath.pipeline.activity_kinds import ActivityKind

__all__ = ["Activity", "ActivityKind"]


class Activity(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, default=Decimal(0))
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("customer"),
    )
    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("opportunity"),
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    note = models.TextField(_("note"), blank=True)
    external_id = models.CharField(
        _("external id"), max_length=100, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_on"]),
            models.Index(fields=["opportunity", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gte=0, hours__lte=24),
                name="activity_hours_0_24",
                violation_error_message=_("Hours must be between 0 and 24."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="visit") | models.Q(customer__isnull=False),
                name="activity_visit_has_customer",
                violation_error_message=_("A customer visit needs the customer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
