"""Customers with the S1/S2 profile (SPEC §2), their contacts, and the industry list."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespath.localize import localized


class Industry(models.Model):
    """An industry; `is_target` makes it part of the target list of S1.1 (configuration)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_target = models.BooleanField(_("target industry"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class CompanySize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")


class EconomicCondition(models.TextChoices):
    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class SystemStatus(models.TextChoices):
    NONE = "none", _("No system yet")
    INADEQUATE = "inadequate", _("System inadequate or working badly")
    ADEQUATE = "adequate", _("System adequate")


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=100, null=True, blank=True, unique=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("account manager"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_on = models.DateField(_("created on"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # S2.1 basics
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("industry")
    )
    is_group_enterprise = models.BooleanField(_("group enterprise"), null=True, blank=True)
    is_multi_site = models.BooleanField(_("multi-organisation / multi-site"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=16, choices=CompanySize.choices, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    background = models.TextField(_("background"), blank=True)
    # When the S2.1 basics first became complete; feeds "customer profiles collected" (SPEC §6).
    basics_completed_on = models.DateField(_("basics completed on"), null=True, blank=True)
    # S2.2 IT baseline
    it_hardware = models.TextField(_("existing hardware"), blank=True)
    it_software = models.TextField(_("existing software"), blank=True)
    it_network = models.TextField(_("existing network"), blank=True)
    # S2.7–S2.9 assessment
    it_need = models.TextField(_("IT need"), blank=True)
    economic_condition = models.CharField(
        _("economic condition"), max_length=16, choices=EconomicCondition.choices, blank=True
    )
    current_system_status = models.CharField(
        _("current system"), max_length=16, choices=SystemStatus.choices, blank=True
    )
    # S1: a supervisor may declare a customer a target customer with a reason.
    target_override = models.BooleanField(_("marked as target by supervisor"), default=False)
    target_override_reason = models.TextField(_("reason for marking as target"), blank=True)
    target_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked as target by"),
    )
    target_override_at = models.DateTimeField(_("marked as target at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["owner", "basics_completed_on"]),
            # the customers list, a page at a time by name
            models.Index(fields=["name", "id"], name="customer_by_name"),
        ]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class ContactRole(models.TextChoices):
    """A contact's role in the customer's own project team (S2.5, S4.4)."""

    DECISION_MAKER = "decision_maker", _("Decision maker")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    SELECTION_TEAM = "selection_team", _("Selection team member")
    IT_LEAD = "it_lead", _("IT lead")
    USER_REPRESENTATIVE = "user_representative", _("Key user")
    PROCUREMENT = "procurement", _("Procurement")
    OTHER = "other", _("Other")


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    project_role = models.CharField(
        _("role in the customer's project"), max_length=32, choices=ContactRole.choices
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "name"]

    def __str__(self) -> str:
        return self.name


class Competitor(models.Model):
    """A competing software vendor or a third-party consultant (S2.3, S4.6)."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", _("Competing vendor")
        CONSULTANT = "consultant", _("Third-party consultant")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VENDOR)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("competitor or consultant")
        verbose_name_plural = _("competitors and consultants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
