"""Scheduled jobs: `salespath jobs run-due --now T` runs each job whose slot at T has not run.

Each job names the slot an instant falls in (a day, a minute…). A slot runs once: its
`JobRun` row is taken before the job starts, so a second run-due at the same instant, or a
cron line and a scheduler racing, find it taken. And every notification a job makes is keyed
by its event, so even a job re-run by hand tells no one twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobRun


@dataclass(frozen=True)
class Job:
    name: str
    slot: Callable[[datetime], str]
    run: Callable[[datetime], int]


def daily(now: datetime) -> str:
    return timezone.localtime(now).date().isoformat()


def minutely(now: datetime) -> str:
    return timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")


def _retry(now: datetime) -> int:
    from .robots import robot_messages_retry
    from .services import deliveries_retry

    return deliveries_retry(now=now) + robot_messages_retry(now=now)


def _overdue(now: datetime) -> int:
    from .work import overdue_notify

    return overdue_notify(now=now)


def _stuck(now: datetime) -> int:
    from .work import stuck_notify

    return stuck_notify(now=now)


def _deadlines(now: datetime) -> int:
    from .deadlines import forecast_deadlines

    return forecast_deadlines(now=now)


def _digest(now: datetime) -> int:
    from .digest import weekly_digest

    return weekly_digest(now=now)


def _phase_end(now: datetime) -> int:
    from .digest import phase_end_notify

    return phase_end_notify(now=now)


def _month_ends(now: datetime) -> int:
    from salespath.forecast.month_ends import prepare

    return prepare(timezone.localtime(now).date())


def _forecast_day(now: datetime) -> int:
    from salespath.forecast.rollups import prepare_day

    return int(prepare_day(timezone.localtime(now).date()))


def _evidence(now: datetime) -> int:
    from salespath.pipeline.evidence import refresh

    return refresh(timezone.localtime(now).date())


JOBS: list[Job] = [
    Job("deliveries-retry", minutely, _retry),
    Job("deals-overdue", daily, _overdue),
    Job("deals-stuck", daily, _stuck),
    Job("forecast-deadlines", minutely, _deadlines),
    Job("weekly-digest", daily, _digest),
    Job("phase-ends", daily, _phase_end),
    Job("forecast-month-ends", daily, _month_ends),
    Job("forecast-day", daily, _forecast_day),
    Job("evidence-refresh", minutely, _evidence),
]


@dataclass
class JobOutcome:
    job: str
    slot: str
    ran: bool
    count: int


def run_due(*, now: datetime, jobs: list[Job] | None = None) -> list[JobOutcome]:
    outcomes = []
    for job in jobs or JOBS:
        slot = job.slot(now)
        # The slot is taken and the job's work done in one transaction: a job that fails
        # leaves its slot free for the next run.
        with transaction.atomic():
            try:
                with transaction.atomic():
                    run = JobRun.objects.create(job=job.name, due=slot, started_at=timezone.now())
            except IntegrityError:
                outcomes.append(JobOutcome(job.name, slot, False, 0))
                continue
            count = job.run(now)
            JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), notified=count)
        outcomes.append(JobOutcome(job.name, slot, True, count))
    return outcomes
