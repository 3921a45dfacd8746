"""Opportunities (SPEC §3), their product lines, project team, and append-only history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespath.localize import localized

from .method import OPPORTUNITY_STAGES, Criterion, Stage


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ForecastCategory(models.TextChoices):
    COMMIT = "commit", _("Commit")
    BEST_CASE = "best_case", _("Best case")
    PIPELINE = "pipeline", _("Pipeline")
    OMITTED = "omitted", _("Omitted")


class ProjectRole(models.TextChoices):
    """Roles on an opportunity's project team (SPEC §1, §2 S4–S7)."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SALES_SUPERVISOR = "sales_supervisor", _("Sales supervisor")
    PRODUCT_EXPERT = "product_expert", _("Product expert")
    INDUSTRY_EXPERT = "industry_expert", _("Industry expert")
    PRESALES = "presales", _("Presales consultant")
    IMPLEMENTATION = "implementation", _("Implementation consultant")
    BRANCH_GM = "branch_gm", _("Branch general manager")
    EXECUTIVE = "executive", _("Executive")
    FINANCE = "finance", _("Finance supervisor")


# The fields the forecast's rollups and day rows are computed from (forecast/rollups.py),
# and its month ends (forecast/month_ends.py: the creation date too; `history_until` is a
# copy of the history that its writers keep with it, checked by `salespath verify`).
FEEDS_FORECAST = frozenset(
    {
        "created_on",
        "owner",
        "owner_id",
        "status",
        "amount",
        "probability",
        "forecast_category",
        "expected_close",
        "signed_on",
        "won_on",
        "lost_on",
    }
)


class OpportunityQuerySet(models.QuerySet):
    def update(self, **values):
        """A bulk update of fields the forecast derives from keeps the forecast's rollups in
        the same transaction: the owners of the rows before and after are announced
        (`pipeline.signals`), as the services do for one deal; one of fields the evidence
        rules read forgets the rows' stored evidence (`pipeline.evidence`), as a save does.
        Other derived values have
        their own writers (`pipeline.copies`, `pipeline.history`) and `salespath verify`."""
        from django.db import transaction

        from .. import evidence

        if evidence.OPPORTUNITY_FIELDS & values.keys():
            with transaction.atomic(using=self.db):
                evidence.forget(self.values_list("pk", flat=True))
                return self._announced_update(values)
        return self._announced_update(values)

    update.alters_data = True

    def _announced_update(self, values):
        if not FEEDS_FORECAST & values.keys():
            return super().update(**values)
        from django.db import transaction

        from ..signals import announce_owners

        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            owners = set(self.model.objects.filter(pk__in=ids).values_list("owner_id", flat=True))
            count = super().update(**values)
            owners |= set(self.model.objects.filter(pk__in=ids).values_list("owner_id", flat=True))
            announce_owners(owners)
        return count


class Opportunity(models.Model):
    name = models.CharField(_("project name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=100, null=True, blank=True, unique=True
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("customer"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("account manager"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_on = models.DateField(_("created on"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage")
    )
    stage_entered_on = models.DateField(_("in this stage since"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    probability_manual = models.BooleanField(
        _("probability set by hand"),
        default=False,
        help_text=_("A hand-set probability is kept on stage moves; otherwise the stage default."),
    )
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=16,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    expected_close = models.DateField(_("expected close date"))

    # S2.3, S2.4, S4.3
    no_competitors_known = models.BooleanField(_("no competing vendor known"), default=False)
    customer_need = models.TextField(_("customer need"), blank=True)
    budget_amount = models.DecimalField(
        _("customer budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("other"), blank=True)

    # Dates copied from their events by the services, so reports need no joins.
    signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    won_on = models.DateField(_("completed on"), null=True, blank=True)
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    # The date of its latest stage change, copied by every writer of the history, so "what
    # did it look like on D" needs the history only if this is after D (`pipeline.history`).
    # Empty: not known, the history is read.
    history_until = models.DateField(
        _("latest stage change on"), null=True, blank=True, editable=False
    )
    # Copied from the project team and the product lines by every writer of them
    # (`pipeline.copies`), so the evaluation sheet reads one index rather than looking up
    # the team and the lines of thousands of opportunities.
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # as the team's member row does
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        db_constraint=False,  # the team's row holds the constraint; this is its copy
        related_name="+",
        verbose_name=_("project manager"),
    )
    product_ids = models.TextField(_("product ids"), blank=True, default="", editable=False)
    lost_reason = models.TextField(_("reason lost"), blank=True)
    lost_to = models.ForeignKey(
        "customers.Competitor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lost to"),
    )
    imported = models.BooleanField(_("imported"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "status", "stage"]),
            # Open deals by close date, then id: the home page's oldest overdue.
            models.Index(
                fields=["status", "expected_close", "id"], name="opportunity_by_status_close"
            ),
            models.Index(fields=["customer", "status"]),
            # The kanban board: a scope's owners × one stage, soonest close first; lost deals
            # (most of the table after a few years) are never on the board.
            models.Index(
                fields=["owner", "stage", "expected_close"],
                condition=~models.Q(status="lost"),
                name="opportunity_on_board",
            ),
            # The customers someone may see, from their people's deals, read from the index
            # alone (`policy.visible_customers`).
            models.Index(fields=["owner", "customer"], name="opportunity_customers_by_owner"),
            # The opportunity list, soonest close first, a page at a time (`web.views`). By
            # close date alone: keyed (close date, id) like the overdue indexes, it was what
            # PostgreSQL read a branch's overdue list from, passing years of won deals
            # (pipeline migration 0010).
            models.Index(
                fields=["expected_close"],
                condition=~models.Q(status="lost"),
                name="opportunity_listed",
            ),
            # The home page's deals stuck in their stage, longest first (`web.queries`).
            models.Index(
                fields=["stage_entered_on"],
                condition=models.Q(status="open"),
                name="opportunity_open_by_entered",
            ),
            # The home page's counts of everything a person may see, per stage, with the
            # overdue and stuck ones (`web.queries.home_summary`): read from the index alone,
            # never from the table, when the person sees the whole company. The status is in
            # it too: SQLite reads a bound `status = ?` from the index or else from the table
            # (pipeline migration 0011).
            models.Index(
                fields=["stage", "expected_close", "stage_entered_on", "amount", "status"],
                condition=models.Q(status="open"),
                name="opportunity_open_summary",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="opportunity_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_amount__isnull=True) | models.Q(budget_amount__gte=0),
                name="opportunity_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100),
                name="opportunity_probability_0_100",
                violation_error_message=_("The probability must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(expected_close__gte=models.F("created_on")),
                name="opportunity_close_not_before_creation",
                violation_error_message=_(
                    "The expected close date cannot be before the opportunity was created."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="won")
                | (models.Q(stage="S7") & models.Q(won_on__isnull=False)),
                name="opportunity_won_is_s7",
                violation_error_message=_("A won opportunity is in S7 with a completion date."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="lost")
                | (models.Q(lost_on__isnull=False) & ~models.Q(lost_reason="")),
                name="opportunity_lost_has_reason",
                violation_error_message=_("A lost opportunity needs the date and a reason."),
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=list(OPPORTUNITY_STAGES)),
                name="opportunity_stage_s2_to_s7",
                violation_error_message=_("An opportunity's stage is one of S2 to S7."),
            ),
        ]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)

    def clean(self) -> None:
        super().clean()
        if self.pk is None:
            return
        lines_total = self.lines.aggregate(total=models.Sum("amount"))["total"]
        if lines_total is not None and lines_total != self.amount:
            raise ValidationError(
                {
                    "amount": _("The amount must equal the sum of the product lines (%(total)s).")
                    % {"total": lines_total}
                }
            )


class OpportunityLine(models.Model):
    """One product of the opportunity (提供的产品); the opportunity amount is their sum."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="lines", verbose_name=_("opportunity")
    )
    product = models.ForeignKey(
        "catalog.ProductCategory",
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("product"),
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "product"], name="line_unique_product"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="line_amount_not_negative",
                violation_error_message=_("A product line amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.amount}"


class ProjectMember(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="team", verbose_name=_("opportunity")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="project_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=32, choices=ProjectRole.choices)

    class Meta:
        verbose_name = _("project team member")
        verbose_name_plural = _("project team")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person", "role"], name="project_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class AppendOnly(models.Model):
    """Rows that record what happened: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only.")


# A stage change the integrity report lists: a gate override or imported history (the
# importer writes its history as kind `import` with `imported` set, imports/writers.py).
FLAGGED_CHANGE = models.Q(override=True) | models.Q(imported=True)


class StageChange(AppendOnly):
    """One row per move. The stage an opportunity had on a date is read from here (SPEC §4)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Created")
        ADVANCE = "advance", _("Advanced")
        BACK = "back", _("Moved back")
        LOSE = "lose", _("Lost")
        REOPEN = "reopen", _("Reopened")
        IMPORT = "import", _("Imported")

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        related_name="stage_changes",
        verbose_name=_("opportunity"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from stage"),
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to stage")
    )
    from_status = models.CharField(
        _("from status"), max_length=8, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=8, choices=Status.choices)
    effective_on = models.DateField(_("effective on"))
    at = models.DateTimeField(_("recorded at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    override = models.BooleanField(_("gate overridden"), default=False)
    imported = models.BooleanField(_("imported"), default=False)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["opportunity", "effective_on", "id"]
        indexes = [
            # Each deal's history in order; with the status, the status on a date
            # (`history.status_on`, one look-up per deal) is read from the index alone.
            models.Index(
                fields=["opportunity", "effective_on", "id", "to_status"],
                name="stage_change_by_deal",
            ),
            # "Which opportunities changed after D" (pipeline.history): one range read.
            models.Index(fields=["effective_on", "opportunity"], name="stage_change_by_date"),
            # The changes out of the lost status (reopenings): whether a deal was lost on a
            # past date without reading its history (`history.not_lost_few`).
            models.Index(
                fields=["effective_on", "opportunity"],
                name="stage_change_from_lost",
                condition=models.Q(from_status="lost"),
            ),
            # The integrity report's gate overrides and imported histories: a few rows among
            # millions (`queries._overrides_and_imports` reads them by the same condition).
            models.Index(
                fields=["opportunity"],
                name="stage_change_flagged",
                condition=FLAGGED_CHANGE,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="create")
                | models.Q(kind="import")
                | models.Q(kind="advance")
                | ~models.Q(reason=""),
                name="stage_change_reason_required",
                violation_error_message=_("Moving back, losing or reopening needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id or '—'} → {self.to_stage_id}"


class FieldChange(AppendOnly):
    """History of the fields a manager watches: amount, close date, category, probability, owner."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        related_name="field_changes",
        verbose_name=_("opportunity"),
    )
    field = models.CharField(_("field"), max_length=32)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("field change")
        verbose_name_plural = _("field history")
        ordering = ["opportunity", "at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class Attestation(models.Model):
    """A person vouching for an attested criterion, on an opportunity or (S1) a customer.

    Withdrawing sets the withdrawn fields; the row itself stays as the record.
    """

    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attestations",
        verbose_name=_("opportunity"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attestations",
        verbose_name=_("customer"),
    )
    note = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opportunity__isnull=True) ^ models.Q(customer__isnull=True),
                name="attestation_on_one_subject",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "criterion"],
                condition=models.Q(withdrawn_at__isnull=True, opportunity__isnull=False),
                name="attestation_one_active_per_opportunity",
            ),
            models.UniqueConstraint(
                fields=["customer", "criterion"],
                condition=models.Q(withdrawn_at__isnull=True, customer__isnull=False),
                name="attestation_one_active_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} by {self.by}"


class InitiationRequest(models.Model):
    """立项申请: the owner asks to initiate the project; entering S4 needs an approved one."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        related_name="initiation_requests",
        verbose_name=_("opportunity"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    requirements = models.TextField(_("project requirements"))
    budget = models.DecimalField(
        _("preliminary budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    schedule = models.TextField(_("customer's schedule"), blank=True)
    selection_team = models.TextField(
        _("customer's selection team and leadership support"), blank=True
    )
    competition = models.TextField(_("consultants and competitors involved"), blank=True)
    guidance = models.TextField(_("how we guided the customer"), blank=True)
    status = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("project initiation request")
        verbose_name_plural = _("project initiation requests")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="initiation_budget_not_negative",
            ),
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=models.Q(status="pending"),
                name="initiation_one_pending_per_opportunity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.get_status_display()}"
