from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .method import OPPORTUNITY_STAGES

# What the funnel counts per stage, each a column `<measure>_<stage>` (`reached_s3`).
STAGE_MEASURES = ("reached", "reached_cents", "completed", "running", "days")
# What it counts of the cohort as a whole.
COHORT_MEASURES = ("cohort", "won", "won_cents", "lost")
MEASURES = COHORT_MEASURES + tuple(
    f"{measure}_{code.lower()}" for code in OPPORTUNITY_STAGES for measure in STAGE_MEASURES
)


class FunnelSums(models.Model):
    """Every measure of `MEASURES` as a column (added below): what a month's and a day's
    rows of the stored funnel hold alike."""

    class Meta:
        abstract = True


for _measure in MEASURES:
    FunnelSums.add_to_class(_measure, models.BigIntegerField(default=0))


class FunnelMonth(FunnelSums):
    """One salesperson's stage funnel of one month, kept by the pipeline's writers
    (`pipeline/funnel_rollup.py`): the funnel of the opportunities they own that were created
    that month (`cohort` … `reached_cents_*`), and of the stays that began that month
    (`completed_*`, `running_*`, `days_*`). A month's row answers any period holding the
    whole month; the rules are `pipeline/funnel.py`'s."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("stage funnel of a month")
        verbose_name_plural = _("stage funnels of a month")
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="funnel_month_owner_month")
        ]
        indexes = [models.Index(fields=["month", "owner"], name="funnel_month_by_month")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.month:%Y-%m}"


class FunnelDay(FunnelSums):
    """`FunnelMonth` a day at a time: the funnel of the opportunities created that day and
    of the stays that began that day. A period that starts or ends inside a month reads
    those days from here (`funnel.funnel_sums`), where it read the history: each stay there
    needs the date of its opportunity's next change."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the index on the whole key starts with the owner
        verbose_name=_("owner"),
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("stage funnel of a day")
        verbose_name_plural = _("stage funnels of a day")
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="funnel_day_owner_day")
        ]
        indexes = [models.Index(fields=["day", "owner"], name="funnel_day_by_day")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.day:%Y-%m-%d}"
