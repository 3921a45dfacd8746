"""The work of stages 4–7 as data: quotes, key dates, competitors, objections, contract,
payments and shipment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .opportunity import Opportunity


def _not_negative(field: str, name: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0}), name=name, violation_error_message=message
    )


class Quote(models.Model):
    """A fee quote; S5.3 needs one with all three parts (software, implementation, service)."""

    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("Preliminary")
        FORMAL = "formal", _("Formal")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("opportunity")
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    quoted_on = models.DateField(_("quoted on"))
    software_fee = models.DecimalField(_("software fee"), max_digits=14, decimal_places=2)
    implementation_fee = models.DecimalField(
        _("implementation fee"), max_digits=14, decimal_places=2
    )
    service_fee = models.DecimalField(_("service fee"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["opportunity", "version"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "version"], name="quote_unique_version"),
            _not_negative(
                "software_fee",
                "quote_software_fee_not_negative",
                _("The software fee cannot be negative."),
            ),
            _not_negative(
                "implementation_fee",
                "quote_implementation_fee_not_negative",
                _("The implementation fee cannot be negative."),
            ),
            _not_negative(
                "service_fee",
                "quote_service_fee_not_negative",
                _("The service fee cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} v{self.version}"

    @property
    def total(self):
        return self.software_fee + self.implementation_fee + self.service_fee


class KeyDate(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_SCHEDULE = "customer_schedule", _("Customer's project schedule")
        BID = "bid", _("Bid")
        NEGOTIATION = "negotiation", _("Contract negotiation")
        SIGNING = "signing", _("Signing")
        OTHER = "other", _("Other")

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="key_dates",
        verbose_name=_("opportunity"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("key date")
        verbose_name_plural = _("key dates")
        ordering = ["opportunity", "on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class OpportunityCompetitor(models.Model):
    """A competing vendor or consultant involved in this opportunity (S2.3, S4.6)."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="competitors",
        verbose_name=_("opportunity"),
    )
    competitor = models.ForeignKey(
        "customers.Competitor",
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("competitor or consultant"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("competitor involved")
        verbose_name_plural = _("competitors involved")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "competitor"], name="opportunity_competitor_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.competitor)


class Objection(models.Model):
    """异议: an objection raised in negotiation and how it was handled."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("opportunity"),
    )
    raised_on = models.DateField(_("raised on"))
    description = models.TextField(_("objection"))
    handling = models.TextField(_("handling"), blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["opportunity", "raised_on"]

    def __str__(self) -> str:
        return self.description[:50]


class Contract(models.Model):
    """S7.1: signed with amount and payment terms; the signing date is the booking date."""

    opportunity = models.OneToOneField(
        Opportunity,
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("opportunity"),
    )
    signed_on = models.DateField(_("signed on"))
    amount = models.DecimalField(_("contract amount"), max_digits=14, decimal_places=2)
    payment_terms = models.TextField(_("payment terms"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            _not_negative(
                "amount",
                "contract_amount_not_negative",
                _("The contract amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} ({self.signed_on})"


class Installment(models.Model):
    """One part of the payment terms: what the customer must have paid by when."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="installments",
        verbose_name=_("contract"),
    )
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["contract", "due_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="installment_amount_positive",
                violation_error_message=_("An installment must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_on}: {self.amount}"


class Payment(models.Model):
    """A payment recorded by the project team; it counts for S7.2 once finance confirms it."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="payments", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["contract", "received_on"]
        indexes = [models.Index(fields=["confirmed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on}: {self.amount}"


class Shipment(models.Model):
    """S7.3: ordered from headquarters and shipped locally."""

    opportunity = models.OneToOneField(
        Opportunity,
        on_delete=models.PROTECT,
        related_name="shipment",
        verbose_name=_("opportunity"),
    )
    hq_ordered_on = models.DateField(_("ordered from headquarters on"), null=True, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shipped_on__isnull=True)
                | models.Q(hq_ordered_on__isnull=False, shipped_on__gte=models.F("hq_ordered_on")),
                name="shipment_after_order",
                violation_error_message=_("Shipping comes after ordering from headquarters."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.shipped_on or '—'}"
