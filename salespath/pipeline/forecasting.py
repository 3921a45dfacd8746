"""The system's forecast-category suggestion and the risk flag (SPEC §3), in one function.

Rule (from stage and expected close date, `today` in the fiscal calendar):
- won (S7), or S6 closing by the end of the current fiscal quarter → commit 保证实现;
- S6 closing later, or S5 → best case 有希望实现;
- S2–S4 → pipeline 有意向;
- lost → omitted 不计入.
Risk: the owner's category is commit while the stage is below S5, or the expected close date
of an open opportunity has already passed (it must be corrected).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from salespath.lib.fiscal import fiscal_quarter_of

from .models import ForecastCategory, Status


@dataclass(frozen=True)
class ForecastAdvice:
    suggested: str
    risk: bool
    reasons: list[str] = field(default_factory=list)


def advise(
    *,
    stage: str,
    status: str,
    category: str,
    expected_close: date,
    today: date,
    fiscal_start_month: int | None = None,
) -> ForecastAdvice:
    """Plain values in, so a list or board can call it per row without queries."""
    start = fiscal_start_month or settings.SALESPATH_FISCAL_YEAR_START_MONTH
    order = int(stage[1:])
    quarter_end = fiscal_quarter_of(today, start).period.end
    if status == Status.LOST:
        suggested = ForecastCategory.OMITTED
    elif status == Status.WON or (order >= 6 and expected_close <= quarter_end):
        suggested = ForecastCategory.COMMIT
    elif order >= 5:
        suggested = ForecastCategory.BEST_CASE
    else:
        suggested = ForecastCategory.PIPELINE
    reasons = []
    if status == Status.OPEN:
        if category == ForecastCategory.COMMIT and order < 5:
            reasons.append(_("Committed while still before S5."))
        if expected_close < today:
            reasons.append(
                _("The expected close date %(date)s has passed.")
                % {"date": expected_close.isoformat()}
            )
    return ForecastAdvice(suggested=str(suggested), risk=bool(reasons), reasons=reasons)


def advise_opportunity(opportunity, *, today: date) -> ForecastAdvice:
    return advise(
        stage=opportunity.stage_id,
        status=opportunity.status,
        category=opportunity.forecast_category,
        expected_close=opportunity.expected_close,
        today=today,
    )
