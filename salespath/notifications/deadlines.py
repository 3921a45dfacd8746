"""Forecast deadlines, run by `jobs run-due`: remind who has not submitted
before the deadline, and at the deadline freeze their forecast as of the cutoff ("auto")."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from salespath.errors import Conflict
from salespath.forecast.calendar import Occurrence, occurrences, people_held, reminder_hours
from salespath.forecast.models import ForecastCalendar, ForecastSubmission
from salespath.forecast.services import forecast_auto_freeze
from salespath.org.models import User

from .robots import robot_post
from .services import group_text, notify
from .work import supervisors_of

# A deadline missed while no run-due ran is still acted on within this time.
CATCH_UP = timedelta(days=7)


def _missing(occurrence: Occurrence) -> list[User]:
    submitted = ForecastSubmission.objects.filter(as_of=occurrence.cutoff).values("person_id")
    return list(
        people_held(occurrence.calendar)
        .exclude(pk__in=submitted)
        .select_related("team")
        .order_by("team_id", "username")
    )


def _by_team(people: list[User]) -> dict[int | None, list[User]]:
    teams: dict[int | None, list[User]] = defaultdict(list)
    for person in people:
        teams[person.team_id].append(person)
    return teams


def _tell_supervisors(kind: str, key: str, people: list[User], params: dict, now) -> int:
    made = 0
    for team_people in _by_team(people).values():
        names = "、".join(str(p) for p in team_people)
        if team_people[0].team is not None:
            made += robot_post(
                team=team_people[0].team,
                key=f"{key}:{team_people[0].team_id}",
                text=group_text(kind, {**params, "people": names, "count": len(team_people)}),
                now=now,
            )
        for supervisor in supervisors_of(team_people[0]):
            made += bool(
                notify(
                    recipient=supervisor,
                    kind=kind,
                    key=f"{key}:{team_people[0].team_id}",
                    params={**params, "people": names, "count": len(team_people)},
                    link=_submissions_link(team_people[0], params["date"]),
                    now=now,
                )
            )
    return made


def _submissions_link(person: User, cutoff: str) -> str:
    return f"{reverse('web:submissions')}?scope=team:{person.team.code}&as_of={cutoff}"


def _remind(occurrence: Occurrence, hours: int, now: datetime) -> int:
    missing = _missing(occurrence)
    cutoff = occurrence.cutoff.isoformat()
    deadline = timezone.localtime(occurrence.deadline).strftime("%Y-%m-%d %H:%M")
    params = {"date": cutoff, "deadline": deadline}
    key = f"forecast-reminder:{occurrence.calendar.pk}:{cutoff}:{hours}"
    made = 0
    for person in missing:
        made += bool(
            notify(
                recipient=person,
                kind="forecast_reminder",
                key=key,
                params=params,
                link=f"{reverse('web:forecast')}?as_of={cutoff}",
                now=now,
            )
        )
    return made + _tell_supervisors("forecast_missing", key, missing, params, now)


def _freeze(occurrence: Occurrence, now: datetime) -> int:
    frozen = []
    for person in _missing(occurrence):
        try:
            forecast_auto_freeze(person=person, as_of=occurrence.cutoff, at=now)
        except Conflict:
            continue  # submitted in the meantime
        frozen.append(person)
    return frozen_notify(occurrence, frozen, now)


def frozen_notify(occurrence: Occurrence, frozen: list[User], now: datetime) -> int:
    """Tell each person whose forecast the deadline froze, and their supervisors who."""
    cutoff = occurrence.cutoff.isoformat()
    params = {"date": cutoff}
    key = f"forecast-auto:{occurrence.calendar.pk}:{cutoff}"
    made = 0
    for person in frozen:
        made += bool(
            notify(
                recipient=person,
                kind="forecast_auto",
                key=key,
                params=params,
                link=f"{reverse('web:submissions')}?scope=person:{person.username}",
                now=now,
            )
        )
    return made + _tell_supervisors("forecast_auto_team", key, frozen, params, now)


def forecast_deadlines(*, now: datetime) -> int:
    """For each active calendar: the cutoffs whose deadline is ahead (remind, at the
    latest reminder time passed) or just passed (freeze)."""
    today = timezone.localtime(now).date()
    made = 0
    calendars = ForecastCalendar.objects.filter(active=True).prefetch_related("exceptions")
    for cal in calendars:
        hours = reminder_hours(cal)
        ahead = timedelta(hours=max(hours, default=0))
        window = occurrences(
            cal, today - CATCH_UP - timedelta(days=31), today + ahead + timedelta(days=31)
        )
        for occurrence in window:
            if occurrence.deadline <= now:
                if now - occurrence.deadline <= CATCH_UP:
                    made += _freeze(occurrence, now)
                continue
            due = [h for h in hours if occurrence.deadline - timedelta(hours=h) <= now]
            if due:
                made += _remind(occurrence, min(due), now)
    return made
