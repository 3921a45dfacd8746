"""Forecast submissions (上报, SPEC §5) on the demo's forecast calendar (issue 19 §1).

The company reports weekly, as of each Friday, by Friday 18:00, from the first Friday of
last quarter. Every salesperson has a submission for every cutoff since they were hired
(the calendar holds new hires too, before their quota starts): most made on time during
the working day, some late (after the deadline, before the next run of the calendar), and
some frozen automatically ("auto") at the deadline because nobody submitted. Who was
frozen at the latest cutoff is told, and so are their supervisors, as the calendar's job
does it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from salespath.forecast.calendar import Occurrence
from salespath.forecast.models import ForecastCalendar
from salespath.forecast.services import forecast_auto_freeze, forecast_submit
from salespath.lib.fiscal import fiscal_quarter_of
from salespath.notifications.deadlines import frozen_notify

from . import data
from .people import Organisation

FRIDAY = 4
DEADLINE = time(18, 0)
# Of the cutoffs already past: who submitted late, and who was frozen automatically.
LATE = 0.12
AUTO = 0.06
# The latest closed week is the one a visitor opens first: the calendar's freezing shows there.
AUTO_LATEST = 0.2
# On the cutoff day itself, before the deadline: who has not reported yet.
MISSING_TODAY = 0.25


def calendar_start(today: date) -> date:
    start = fiscal_quarter_of(today, settings.SALESPATH_FISCAL_YEAR_START_MONTH)
    first = start.previous().period.start
    return first + timedelta(days=(FRIDAY - first.weekday()) % 7)


def submission_dates(today: date) -> list[date]:
    """The calendar's cutoffs up to today: every Friday from `calendar_start`."""
    first = calendar_start(today)
    return [first + timedelta(weeks=n) for n in range((today - first).days // 7 + 1)]


def write_calendar(today: date) -> ForecastCalendar:
    return ForecastCalendar.objects.get_or_create(
        name=data.FORECAST_CALENDAR,
        branch=None,
        defaults={
            "period": ForecastCalendar.Period.WEEKLY,
            "weekday": FRIDAY,
            "deadline_time": DEADLINE,
            "starts_on": calendar_start(today),
        },
    )[0]


def _at(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time())) + timedelta(minutes=minutes)


def _on_time(rng: random.Random, day: date) -> datetime:
    """A working-hours time on the cutoff day, before the deadline."""
    return _at(day, rng.randrange(9 * 60, 18 * 60))


def _late(rng: random.Random, day: date) -> datetime:
    """After the deadline: that evening or the next morning."""
    return _at(day, 18 * 60 + rng.randrange(5, 15 * 60))


def write_submissions(rng: random.Random, org: Organisation, today: date) -> int:
    calendar = write_calendar(today)
    dates = submission_dates(today)
    # The latest cutoff whose deadline has passed is closed as the calendar's job does it:
    # who is missing is frozen at the deadline and told, and so are their supervisors.
    closing = next((d for d in reversed(dates) if d < today), None)
    frozen_at_closing = []
    count = 0
    for person in org.salespeople:
        for as_of in dates:
            if as_of < person.hire_date:
                continue  # the calendar holds every salesperson from their first day
            deadline = _at(as_of, 18 * 60)
            draw = rng.random()
            if as_of == today:
                if draw < MISSING_TODAY:
                    continue
                at = _on_time(rng, as_of)
            elif draw < (AUTO_LATEST if as_of == closing else AUTO):
                forecast_auto_freeze(person=person.user, as_of=as_of, at=deadline)
                if as_of == closing:
                    frozen_at_closing.append(person.user)
                count += 1
                continue
            elif draw < AUTO + LATE and as_of != closing:
                at = _late(rng, as_of)
            else:
                at = _on_time(rng, as_of)
            forecast_submit(person=person.user, as_of=as_of, by=person.user, at=at)
            count += 1
    if closing is not None:
        deadline = _at(closing, 18 * 60)
        frozen_at_closing.sort(key=lambda user: (user.team_id or 0, user.username))
        frozen_notify(Occurrence(calendar, closing, deadline), frozen_at_closing, deadline)
    return count
