"""The forecast calendar's rules: which cutoffs a calendar has, when each is due, who is
held to it, and whether a submission came on time."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from salespath.org.access import branch_people
from salespath.org.models import Role, User

from .models import ForecastCalendar, ForecastSubmission, How


@dataclass(frozen=True)
class Occurrence:
    calendar: ForecastCalendar
    cutoff: date
    deadline: datetime


def _rule_days(cal: ForecastCalendar, start: date, end: date) -> list[date]:
    if cal.period == ForecastCalendar.Period.WEEKLY:
        first = start + timedelta(days=(cal.weekday - start.weekday()) % 7)
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    days, year, month = [], start.year, start.month
    while date(year, month, 1) <= end:
        last = months.monthrange(year, month)[1]
        day = date(year, month, min(cal.day_of_month, last))
        if start <= day <= end:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def occurrences(cal: ForecastCalendar, start: date, end: date) -> list[Occurrence]:
    """The calendar's cutoffs whose rule day falls in [start, end], holidays applied.
    The deadline is the cutoff day at the calendar's time, in the local time zone."""
    moved = {e.day: e.moved_to for e in cal.exceptions.all()}
    found = []
    for day in _rule_days(cal, start, end):
        cutoff = moved.get(day, day)
        if cutoff is None or cutoff < cal.starts_on:
            continue  # skipped for a holiday, or before the calendar applies
        deadline = timezone.make_aware(datetime.combine(cutoff, cal.deadline_time))
        found.append(Occurrence(cal, cutoff, deadline))
    return found


def reminder_hours(cal: ForecastCalendar) -> list[int]:
    return sorted({int(h) for h in cal.reminder_hours.split(",") if h.strip()}, reverse=True)


def calendar_for(branch_id: int | None) -> ForecastCalendar | None:
    """The branch's own calendar, else the company-wide one."""
    found = {
        c.branch_id: c
        for c in ForecastCalendar.objects.filter(active=True)
        .filter(Q(branch_id=branch_id) | Q(branch__isnull=True))
        .prefetch_related("exceptions")
    }
    return found.get(branch_id) or found.get(None)


def people_held(cal: ForecastCalendar) -> QuerySet[User]:
    """The active salespeople who report on this calendar."""
    people = User.objects.filter(is_active=True, roles__role=Role.SALESPERSON).distinct()
    if cal.branch_id is not None:
        return people.filter(branch_people(cal.branch_id))
    own = ForecastCalendar.objects.filter(active=True, branch__isnull=False).values("branch_id")
    return people.exclude(branch_people(own, lookup="__in"))


def deadline_for(branch_id: int | None, as_of: date) -> datetime | None:
    """The deadline of the cutoff `as_of` in the branch's calendar, or None when `as_of`
    is not one of its cutoffs."""
    cal = calendar_for(branch_id)
    if cal is None:
        return None
    # A holiday may have moved the cutoff by some days either way.
    window = occurrences(cal, as_of - timedelta(days=31), as_of + timedelta(days=31))
    return next((o.deadline for o in window if o.cutoff == as_of), None)


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    AUTO = "auto"


def timeliness(submission: ForecastSubmission, deadline: datetime | None) -> str | None:
    if submission.how == How.AUTO:
        return Timeliness.AUTO
    if deadline is None:
        return None
    return Timeliness.ON_TIME if submission.submitted_at <= deadline else Timeliness.LATE
