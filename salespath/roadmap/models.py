"""The success roadmap's configuration (the playbook) and the supervisor sign-offs (SPEC §6).

The playbook is kept as versions, each in force from a date: a date is judged by the version
in force on it, so a new version changes how the roadmap is evaluated from its date on and
leaves the evaluation of earlier dates — history — as it was.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def _count(label, default: int):
    return models.PositiveIntegerField(label, default=default)


def _hours(label, default: int):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(0)],
    )


def _percent(label, default: int):
    return models.PositiveIntegerField(label, default=default)


class Playbook(models.Model):
    """Every number of SPEC §6, with the seed's values as defaults."""

    effective_from = models.DateField(_("in force from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    # Phases
    training_months = models.PositiveSmallIntegerField(
        _("expected training length (months)"),
        default=3,
        help_text=_("Used to judge training goals while a person has no quota start date."),
    )

    # Weekly work standards
    p1_profiles_per_week = _count(_("P1: customer profiles collected per week"), 5)
    p1_prospecting_hours = _hours(_("P1: hours prospecting per week"), 8)
    p1_visit_hours = _hours(_("P1: hours of customer visits per week"), 10)
    p2_prospecting_hours = _hours(_("P2: hours prospecting per week"), 10)
    p2_visits_min = _count(_("P2: customer visits per week (at least)"), 6)
    p2_visits_max = _count(_("P2: customer visits per week (up to)"), 8)
    p3_prospecting_hours = _hours(_("P3 and later: hours prospecting per week"), 4)
    p3_visits_min = _count(_("P3 and later: customer visits per week (at least)"), 10)
    p3_visits_max = _count(_("P3 and later: customer visits per week (up to)"), 12)

    # Phase goals
    p0_target_customers = _count(_("P0: target customers researched"), 20)
    p0_potential_opportunities = _count(_("P0: potential opportunities (S2+)"), 5)
    p1_customers_s2 = _count(_("P1: customers at S2 or later"), 15)
    p1_customers_s3 = _count(_("P1: customers at S3 or later"), 3)
    p1_customers_s5 = _count(_("P1: customers at S5 or later"), 1)
    p2_coverage_percent = _percent(_("P2: pipeline coverage of annual quota (%)"), 75)
    p2_quarter2_percent = _percent(_("P2: quota quarter 2 achieved (%)"), 100)
    p2_customers_s3 = _count(_("P2: customers at S3 or later"), 8)
    p2_customers_s5 = _count(_("P2: customers at S5 or later"), 4)
    p2_big_sales = _count(_("P2: completed sales of at least the big-sale amount"), 1)
    big_sale_amount = models.DecimalField(
        _("big-sale amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=350000,
        validators=[MinValueValidator(0)],
    )
    p3_coverage_percent = _percent(_("P3: pipeline coverage of annual quota (%)"), 125)
    p3_annual_percent = _percent(_("P3: annual quota achieved (%)"), 50)
    p3_customers_s5 = _count(_("P3: customers at S5 or later"), 8)
    p3_customers_s6 = _count(_("P3: customers at S6 or later"), 4)
    p4_coverage_percent = _percent(_("P4: pipeline coverage of annual quota (%)"), 150)
    p4_annual_percent = _percent(_("P4: annual quota achieved (%)"), 100)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("playbook version")
        verbose_name_plural = _("playbook (success roadmap standards and goals)")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(p2_visits_max__gte=models.F("p2_visits_min"))
                & models.Q(p3_visits_max__gte=models.F("p3_visits_min")),
                name="playbook_visit_ranges_ordered",
                violation_error_message=_("A visit range's upper bound is below its lower bound."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Playbook in force from %(day)s") % {"day": self.effective_from})


# The version that applies before any row exists (or before the first row's date).
SEED_EFFECTIVE_FROM = date(2000, 1, 1)


class SkillItem(models.TextChoices):
    """Roadmap goals a supervisor signs off rather than the data showing them."""

    FIRST_CONVERSATION = "first_conversation", _("Can hold a first conversation with a customer")
    PRODUCT_INTRODUCTION = (
        "product_introduction",
        _("Can present the standard product introduction"),
    )
    TECHNICAL_DISCUSSION = "technical_discussion", _("Can discuss product and technical topics")


class SignOff(models.Model):
    """A supervisor's confirmation that a person has a skill of the roadmap, on a date."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roadmap_signoffs",
        verbose_name=_("person"),
    )
    item = models.CharField(_("skill"), max_length=32, choices=SkillItem.choices)
    signed_on = models.DateField(_("signed off on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill sign-off")
        verbose_name_plural = _("skill sign-offs")
        ordering = ["person", "signed_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "item"], name="signoff_once_per_skill"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_item_display()} ({self.signed_on})"


class PhaseEnd(models.Model):
    """A phase of a person's roadmap that ended with goals unmet: it waits in the inbox of
    their supervisors and branch GM until one of them signs it off (SPEC §6)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phase_ends",
        verbose_name=_("person"),
    )
    phase = models.CharField(_("phase"), max_length=4)
    ended_on = models.DateField(_("ended on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phase end")
        verbose_name_plural = _("phase ends")
        ordering = ["ended_on", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "phase", "ended_on"], name="phase_end_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.phase} ({self.ended_on})"
