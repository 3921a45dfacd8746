"""Organisation (SPEC §1): company → branches → teams → people, their roles and quotas."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespath.localize import localized


class Role(models.TextChoices):
    """Organisational roles of SPEC §1. A person may hold several."""

    SALESPERSON = "salesperson", _("Account manager")
    SUPERVISOR = "supervisor", _("Sales supervisor")
    BRANCH_GM = "branch_gm", _("Branch general manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    PRODUCT_EXPERT = "product_expert", _("Product expert")
    INDUSTRY_EXPERT = "industry_expert", _("Industry expert")
    PRESALES = "presales", _("Presales consultant")
    IMPLEMENTATION = "implementation", _("Implementation consultant")
    EXECUTIVE = "executive", _("Executive")
    FINANCE = "finance", _("Finance supervisor")
    ADMIN = "admin", _("Administrator")


class Branch(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="teams", verbose_name=_("branch")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["branch__code", "code"]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class User(AbstractUser):
    """A person. A team member's branch is their team's (`home_branch`): the `branch` field
    holds a branch only for someone without a team, such as a branch GM or branch staff, so
    moving a team to another branch moves its people with it."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("branch"),
        help_text=_("Only for someone without a team: a team member's branch is their team's."),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    quota_start_date = models.DateField(_("quota start date"), null=True, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=100, null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) | models.Q(branch__isnull=True),
                name="user_team_member_has_no_own_branch",
                violation_error_message=_(
                    "A team member belongs to their team's branch: leave the branch empty."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(quota_start_date__isnull=True)
                | models.Q(hire_date__isnull=True)
                | models.Q(quota_start_date__gte=models.F("hire_date")),
                name="user_quota_start_not_before_hire",
                violation_error_message=_("The quota start date cannot be before the hire date."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.team_id and self.branch_id:
            raise ValidationError(
                {
                    "branch": _(
                        "A team member belongs to their team's branch: leave the branch empty."
                    )
                }
            )
        if self.hire_date and self.quota_start_date and self.quota_start_date < self.hire_date:
            raise ValidationError(
                {"quota_start_date": _("The quota start date cannot be before the hire date.")}
            )

    @property
    def home_branch_id(self) -> int | None:
        """The person's branch: their team's, or for someone without a team their own.
        Select `team` with the person to read it without a query."""
        return self.team.branch_id if self.team_id else self.branch_id

    @property
    def home_branch(self) -> Branch | None:
        """`home_branch_id` as the branch (select `team__branch` and `branch` with it)."""
        return self.team.branch if self.team_id else self.branch

    @property
    def role_codes(self) -> frozenset[str]:
        """The person's roles; cached on the instance (prefetch `roles` to avoid a query)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(r.role for r in self.roles.all())
            self._role_codes = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_codes


class PersonRole(models.Model):
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="person_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class Quota(models.Model):
    """A person's quota for one fiscal quarter (fiscal calendar: salespath.lib.fiscal)."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("person")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    fiscal_quarter = models.PositiveSmallIntegerField(
        _("fiscal quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["person", "fiscal_year", "fiscal_quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fiscal_year", "fiscal_quarter"], name="quota_unique_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="quota_amount_not_negative",
                violation_error_message=_("A quota cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_quarter__gte=1, fiscal_quarter__lte=4),
                name="quota_quarter_1_to_4",
                violation_error_message=_("The fiscal quarter must be 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} FY{self.fiscal_year}Q{self.fiscal_quarter}"
