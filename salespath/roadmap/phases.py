"""Which roadmap phase a person is in on a date (SPEC §6). Pure date arithmetic, no queries.

P0 training runs from the hire date to the day before the quota start. From the quota
start, months are counted with `add_months` (clamped to month ends) always from the quota
start itself, so a quota start on the 31st never drifts: P1 is months [0, 3), P2 [3, 6),
P3 [6, 9), P4 [9, 12). The quota year is the 12 months from the quota start; its quota
quarters are its 3-month parts.

After 12 months a new quota year begins and repeats P2–P4 (SPEC: "the yearly cycle repeats
with P2–P4's standards and goals"). A repeat year has no P1, so its months [0, 6) are P2 —
P2's weekly standards, and P2's goals judged at month 6 (quarter-2 achievement is that
year's quota quarter 2) — then P3 [6, 9) and P4 [9, 12). An experienced person therefore
works to P2's standards in their first quarter of a new year rather than to a training
phase's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from salespath.lib.fiscal import Period, add_months

P0, P1, P2, P3, P4 = "P0", "P1", "P2", "P3", "P4"


@dataclass(frozen=True)
class Phase:
    code: str
    start: date
    end: date
    # 1 for the first quota year, 2 for the first repeat, …; 0 in training.
    quota_year: int
    # Whether `end` is an estimate (training without a quota start date).
    estimated_end: bool = False

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed_days(self, as_of: date) -> int:
        """Days of the phase gone by at the end of `as_of` (0 … days)."""
        return max(0, min(self.days, (as_of - self.start).days + 1))


def months_since(start: date, day: date) -> int:
    """Whole months from `start` to `day` counted with `add_months` (day ≥ start)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    if add_months(start, months) > day:
        months -= 1
    return months


def quota_year_period(quota_start: date, year: int) -> Period:
    """Quota year `year` (1, 2, …): 12 months from the quota start's anniversary."""
    start = add_months(quota_start, 12 * (year - 1))
    return Period(start, add_months(quota_start, 12 * year) - timedelta(days=1))


def quota_quarter_period(quota_start: date, year: int, quarter: int) -> Period:
    """Quota quarter `quarter` (1–4) of quota year `year`."""
    months = 12 * (year - 1) + 3 * (quarter - 1)
    return Period(
        add_months(quota_start, months), add_months(quota_start, months + 3) - timedelta(days=1)
    )


def _months_period(quota_start: date, start_month: int, end_month: int) -> Period:
    return Period(
        add_months(quota_start, start_month),
        add_months(quota_start, end_month) - timedelta(days=1),
    )


def phase_on(
    *, hire_date: date | None, quota_start: date | None, day: date, training_months: int = 3
) -> Phase | None:
    """The phase in force on `day`, or None before the hire date or without either date."""
    if quota_start is None:
        if hire_date is None or day < hire_date:
            return None
        # No quota start yet: still training; its end is estimated from the playbook so
        # training goals can be judged against the usual length of training.
        end = add_months(hire_date, training_months) - timedelta(days=1)
        return Phase(P0, hire_date, max(end, day), 0, estimated_end=True)
    if day < quota_start:
        start = hire_date or quota_start
        if day < start:
            return None
        return Phase(P0, start, quota_start - timedelta(days=1), 0)
    months = months_since(quota_start, day)
    year, month = divmod(months, 12)
    base = 12 * year
    if year == 0:
        quarter = month // 3
        code = (P1, P2, P3, P4)[quarter]
        period = _months_period(quota_start, 3 * quarter, 3 * quarter + 3)
    elif month < 6:
        code, period = P2, _months_period(quota_start, base, base + 6)
    elif month < 9:
        code, period = P3, _months_period(quota_start, base + 6, base + 9)
    else:
        code, period = P4, _months_period(quota_start, base + 9, base + 12)
    return Phase(code, period.start, period.end, year + 1)
