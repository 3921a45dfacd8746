"""The method as data (SPEC §2): stages S1–S7 and their criteria, editable in the admin."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespath.localize import localized

# SPEC §2: S1 is the customer's (qualifying the lead); an opportunity lives in S2–S7, and S7
# is won. Every list of the opportunity stages in the code is this one.
OPPORTUNITY_STAGES = ("S2", "S3", "S4", "S5", "S6", "S7")


class Stage(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    short_name = models.CharField(_("column name on the evaluation sheet"), max_length=50)
    short_name_en = models.CharField(_("English column name"), max_length=80)
    owner_roles = models.CharField(_("responsible roles"), max_length=200, blank=True)
    owner_roles_en = models.CharField(_("responsible roles (English)"), max_length=300, blank=True)
    default_probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    stuck_after_days = models.PositiveSmallIntegerField(
        _("stuck after (days)"),
        default=60,
        help_text=_("An open opportunity in this stage longer than this is flagged as stuck."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_probability__gte=0, default_probability__lte=100),
                name="stage_probability_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {localized(self.name, self.name_en)}"

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def column_label(self) -> str:
        return localized(self.short_name, self.short_name_en)


class Criterion(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence-backed")
        ATTESTED = "attested", _("Attested")

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("stage")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("text"), max_length=200)
    text_en = models.CharField(_("English text"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    evidence_hint = models.CharField(_("what counts as evidence"), max_length=300, blank=True)
    evidence_hint_en = models.CharField(
        _("what counts as evidence (English)"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["stage__order", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return localized(self.text, self.text_en)
