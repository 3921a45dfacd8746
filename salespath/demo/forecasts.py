"""Forecast submissions (上报, SPEC §5) along the demo's timeline.

Every salesperson with a quota reports on the first day of last quarter and every other
Monday since, through the pipeline's own `forecast_submit`, so supervisors have
submissions, week-over-week changes and an accuracy figure for the last finished quarter.
A few people have not yet reported for the latest date, as in any real team.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from salespath.forecast.services import forecast_submit
from salespath.lib.fiscal import fiscal_quarter_of

from .people import Organisation

MISSING_LATEST = 0.25


def submission_dates(today: date) -> list[date]:
    start_month = settings.SALESPATH_FISCAL_YEAR_START_MONTH
    start = fiscal_quarter_of(today, start_month).previous().period.start
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    dates = [start, *[monday + timedelta(days=14 * n) for n in range(27)]]
    return sorted({d for d in dates if d <= today})


def _time_on(rng: random.Random, day: date) -> datetime:
    """A working-hours time on `day` (the service keeps it out of the future)."""
    minutes = rng.randrange(9 * 60, 18 * 60)
    moment = datetime.combine(day, time(minutes // 60, minutes % 60))
    return timezone.make_aware(moment)


def write_submissions(rng: random.Random, org: Organisation, today: date) -> int:
    dates = submission_dates(today)
    count = 0
    for person in org.salespeople:
        for as_of in dates:
            if as_of < person.quota_start:
                continue
            if as_of == dates[-1] and rng.random() < MISSING_LATEST:
                continue
            forecast_submit(
                person=person.user, as_of=as_of, by=person.user, at=_time_on(rng, as_of)
            )
            count += 1
    return count
