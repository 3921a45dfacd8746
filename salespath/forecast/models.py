"""Forecast submissions (上报, SPEC §5): a person's forecast for a cutoff date, frozen.

A submission and its snapshot rows are append-only, like the stage history: written once by
`forecast_submit`, never changed or deleted, so last month's forecast reads the same forever.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salespath.pipeline.models.opportunity import AppendOnly


class How(models.TextChoices):
    PERSON = "person", _("Submitted")
    AUTO = "auto", _("Frozen automatically")


class ForecastSubmission(AppendOnly):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="forecast_submissions",
        verbose_name=_("salesperson"),
    )
    as_of = models.DateField(_("cutoff date"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    how = models.CharField(
        _("how"), max_length=8, choices=How.choices, default=How.PERSON, db_default=How.PERSON
    )

    class Meta:
        verbose_name = _("forecast submission")
        verbose_name_plural = _("forecast submissions")
        ordering = ["person", "as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "as_of"], name="forecast_submission_one_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.as_of}"


class ForecastSnapshot(AppendOnly):
    """One opportunity as it stood in a submission, with the columns it landed in."""

    submission = models.ForeignKey(
        ForecastSubmission,
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("submission"),
    )
    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opportunity"),
    )
    name = models.CharField(_("project name"), max_length=200)
    stage = models.CharField(_("stage on the cutoff date"), max_length=2)
    status = models.CharField(_("status on the cutoff date"), max_length=8)
    category = models.CharField(_("forecast category"), max_length=16)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    expected_close = models.DateField(_("expected close date"))
    signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    won_on = models.DateField(_("completed on"), null=True, blank=True)
    time_close = models.DateField(_("close date (time view)"))
    time_column = models.CharField(_("time column"), max_length=16, blank=True)
    category_column = models.CharField(_("category column"), max_length=16, blank=True)
    # [{"product": code, "amount": "123.00"}, …]: the product lines as they were.
    lines = models.JSONField(_("product lines"), default=list)

    class Meta:
        verbose_name = _("forecast snapshot row")
        verbose_name_plural = _("forecast snapshot rows")
        ordering = ["submission", "opportunity"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "opportunity"], name="forecast_snapshot_one_per_opportunity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.name}"


class RollupGroups(models.Model):
    """The rollup's groups and sums (`rollups.COLUMNS` but the owner): the columns of
    today's rows, of a month end's rows and of a day's changes, which `rollups.move_rows`
    adds to and takes from alike."""

    view = models.CharField(_("view"), max_length=8)
    done_month = models.DateField(_("month completed or signed"), null=True)
    close_month = models.DateField(_("month of the close date"), null=True)
    category = models.CharField(_("forecast category"), max_length=16, blank=True)
    deals = models.IntegerField(_("opportunities"))
    amount = models.BigIntegerField(_("amount (cents)"))
    weighted = models.BigIntegerField(_("weighted amount (cents × percent)"))

    class Meta:
        abstract = True


class ForecastRollup(RollupGroups):
    """Per-salesperson sums behind the forecast when nothing happened after the cutoff date,
    so it need not read every opportunity. Derived data, not a record: `forecast.rollups`
    rewrites an owner's rows in the same transaction as every change to their
    opportunities, and `rebuild()` recomputes the whole table from the opportunities
    (`salespath forecast-rollup --check` compares them).

    One row per owner × view × the few values its columns depend on (see `rollups.py`):
    `done_month` is the month of the S7 date (time view) or of the signing date (category
    view); `close_month` the month of the expected close date where it matters. Amounts are
    integer cents so sums are exact on every engine; `weighted` is Σ cents × weight (%)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account manager"),
    )
    # today's close date is the expected one (a past date's may be the S7 date after it)
    close_month = models.DateField(_("month of the expected close date"), null=True)

    class Meta:
        verbose_name = _("forecast rollup row")
        verbose_name_plural = _("forecast rollup rows")
        indexes = [
            models.Index(fields=["owner", "view"], name="forecast_rollup_owner"),
            models.Index(fields=["view", "done_month"], name="forecast_rollup_view"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.view} {self.done_month} {self.close_month}"


class ForecastMonthEnd(models.Model):
    """A month end whose rollup rows `ForecastMonthEndRow` holds: the last three years' are
    kept (`forecast.month_ends`), a month end missing here is read from the opportunities."""

    day = models.DateField(_("month end"), unique=True)

    class Meta:
        verbose_name = _("forecast month end")
        verbose_name_plural = _("forecast month ends")
        ordering = ["day"]

    def __str__(self) -> str:
        return self.day.isoformat()


class ForecastMonthEndRow(RollupGroups):
    """`ForecastRollup`'s rows of the opportunities as they stood at the end of a past
    month (`month_end`): their status then, read from the history, and today's amounts,
    categories and dates, as SPEC §5 counts a forecast on a past date. Derived data kept by
    `forecast.month_ends` in every writer's transaction; a forecast on a past date starts
    from the last month end before it."""

    month_end = models.DateField(_("month end"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account manager"),
    )

    class Meta:
        verbose_name = _("forecast row of a month end")
        verbose_name_plural = _("forecast rows of month ends")
        indexes = [
            models.Index(fields=["month_end", "view", "owner"], name="forecast_month_end_read"),
            models.Index(
                fields=["owner", "view", "month_end", "category", "done_month", "close_month"],
                name="forecast_month_end_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month_end} {self.owner_id} {self.view}"


class ForecastDayChange(RollupGroups):
    """How the rollup's rows changed on one day of the last three years: the rows at the
    end of `day` less those at the end of the day before, of the deals with an event that
    day (created, signed, completed, lost, a change of status), grouped as
    `ForecastMonthEndRow` is. A forecast on a date between month ends adds the days from
    the month end to it (`forecast.day_changes`). Derived data kept with the month ends in
    every writer's transaction."""

    day = models.DateField(_("day"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the index on the whole key starts with the owner
        verbose_name=_("account manager"),
    )

    class Meta:
        verbose_name = _("forecast change of a day")
        verbose_name_plural = _("forecast changes of days")
        indexes = [
            models.Index(fields=["view", "day", "owner"], name="forecast_day_change_read"),
            models.Index(
                fields=["owner", "view", "day", "category", "done_month", "close_month"],
                name="forecast_day_change_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.owner_id} {self.view}"


# The most columns a forecast view has (state.COLUMNS): the day's rows keep one set each.
DAY_COLUMNS = 6


class ForecastDay(models.Model):
    """One salesperson's forecast columns in one view on one day: the month rollup
    already split into that day's columns, so the day's forecast reads one row per person.
    Column i is `state.COLUMNS[view][i]`; `overdue` counts their overdue opportunities.
    Derived data for the day `ForecastDayMark` names; `forecast.rollups` prepares it on the
    day's first forecast and rewrites a salesperson's rows with every change."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account manager"),
    )
    view = models.CharField(_("view"), max_length=8)
    overdue = models.IntegerField(_("overdue opportunities"), default=0)
    # per column i: opportunities, Σ cents, Σ cents × weight (%)
    deals_0 = models.BigIntegerField(default=0)
    amount_0 = models.BigIntegerField(default=0)
    weighted_0 = models.BigIntegerField(default=0)
    deals_1 = models.BigIntegerField(default=0)
    amount_1 = models.BigIntegerField(default=0)
    weighted_1 = models.BigIntegerField(default=0)
    deals_2 = models.BigIntegerField(default=0)
    amount_2 = models.BigIntegerField(default=0)
    weighted_2 = models.BigIntegerField(default=0)
    deals_3 = models.BigIntegerField(default=0)
    amount_3 = models.BigIntegerField(default=0)
    weighted_3 = models.BigIntegerField(default=0)
    deals_4 = models.BigIntegerField(default=0)
    amount_4 = models.BigIntegerField(default=0)
    weighted_4 = models.BigIntegerField(default=0)
    deals_5 = models.BigIntegerField(default=0)
    amount_5 = models.BigIntegerField(default=0)
    weighted_5 = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("forecast row of the day")
        verbose_name_plural = _("forecast rows of the day")
        indexes = [models.Index(fields=["view", "owner"], name="forecast_day_view_owner")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.view}"


class ForecastDayMark(models.Model):
    """Which day (and fiscal calendar) the `ForecastDay` rows are for: one row (pk 1), locked
    by whoever prepares them; no day means there are none."""

    day = models.DateField(_("day"), null=True)
    start_month = models.PositiveSmallIntegerField(_("first month of the fiscal year"), default=1)

    class Meta:
        verbose_name = _("day of the forecast rows")
        verbose_name_plural = _("day of the forecast rows")

    def __str__(self) -> str:
        return f"{self.day} ({self.start_month})"


class ForecastCalendar(models.Model):
    """When forecasts are due (上报截止): each period's cutoff date (the forecast is as of
    that day) and its submission deadline, by rule, for one branch or the whole company.
    A branch's own calendar replaces the company-wide one for its people."""

    class Period(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    name = models.CharField(_("name"), max_length=100)
    branch = models.OneToOneField(
        "org.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forecast_calendar",
        verbose_name=_("branch"),
        help_text=_("Empty: the company-wide calendar."),
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        null=True,
        blank=True,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        help_text=_("Weekly calendars: the cutoff day."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        help_text=_("Monthly calendars: the cutoff day (a shorter month uses its last day)."),
    )
    deadline_time = models.TimeField(_("deadline time"))
    reminder_hours = models.CharField(
        _("reminders (hours before the deadline)"),
        max_length=50,
        default="24,2",
        help_text=_("Comma-separated, e.g. 24,2."),
        validators=[
            RegexValidator(
                r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
                _("Enter whole hours separated by commas, e.g. 24,2."),
            )
        ],
    )
    starts_on = models.DateField(
        _("applies from"),
        default=timezone.localdate,
        help_text=_("Cutoffs before this day are not reminded or frozen."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("forecast calendar")
        verbose_name_plural = _("forecast calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["branch"],
                condition=models.Q(branch__isnull=True),
                name="forecast_calendar_one_company_wide",
                violation_error_message=_("There is already a company-wide forecast calendar."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(period="weekly", weekday__isnull=False, weekday__gte=0, weekday__lte=6)
                    | models.Q(
                        period="monthly",
                        day_of_month__isnull=False,
                        day_of_month__gte=1,
                        day_of_month__lte=31,
                    )
                ),
                name="forecast_calendar_rule_complete",
                violation_error_message=_(
                    "A weekly calendar needs its weekday, a monthly one its day of the month "
                    "(1–31)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ForecastCalendarException(models.Model):
    """A holiday: the cutoff that the rule puts on `day` moves to `moved_to`, or is skipped
    when `moved_to` is empty."""

    calendar = models.ForeignKey(
        ForecastCalendar,
        on_delete=models.CASCADE,
        related_name="exceptions",
        verbose_name=_("forecast calendar"),
    )
    day = models.DateField(_("cutoff by the rule"))
    moved_to = models.DateField(_("moved to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday exception")
        verbose_name_plural = _("holiday exceptions")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="forecast_exception_once"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.day}"
