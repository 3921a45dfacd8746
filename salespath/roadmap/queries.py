"""The success roadmap read (SPEC §6): a person's phase, weekly standards and phase goals on
a date, or everyone's in a scope at once — in a fixed number of queries however many people
and activities there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from salespath.lib.fiscal import Period
from salespath.org.models import Role, User
from salespath.org.scopes import Scope

from .goals import figures, phase_goals
from .phases import Phase, phase_on, quota_year_period
from .playbook import Playbooks
from .status import Item
from .weekly import Week, weekly_standards

GRID_PAGE = 50  # people per page of the team grid


def phase_label(code: str | None, quota_year: int = 1) -> str:
    if quota_year > 1:  # the yearly repeat (see phases.py): P2 is the year's first half
        repeat = {
            "P2": _("P2 quota year %(year)s, months 0–6"),
            "P3": _("P3 quota year %(year)s, months 6–9"),
            "P4": _("P4 quota year %(year)s, months 9–12"),
        }
        return repeat[code or ""] % {"year": quota_year}
    labels = {
        "P0": _("P0 training"),
        "P1": _("P1 quota months 0–3"),
        "P2": _("P2 quota months 3–6"),
        "P3": _("P3 quota months 6–9"),
        "P4": _("P4 quota months 9–12"),
    }
    return labels.get(code or "", _("not on the roadmap"))


@dataclass(frozen=True)
class PersonRoadmap:
    person_id: int
    username: str
    name: str
    hire_date: date | None
    quota_start_date: date | None
    phase: Phase | None
    quota_year: Period | None
    annual_quota: Decimal | None
    weeks: list[Week]
    goals: list[Item]

    @property
    def phase_label(self) -> str:
        if self.phase is None:
            return phase_label(None)
        return phase_label(self.phase.code, self.phase.quota_year)

    @property
    def this_week(self) -> Week | None:
        return self.weeks[-1] if self.weeks else None

    def as_dict(self) -> dict[str, Any]:
        return _plain(
            {
                "person": self.username,
                "name": self.name,
                "hire_date": self.hire_date,
                "quota_start_date": self.quota_start_date,
                "phase": (
                    {
                        "code": self.phase.code,
                        "label": self.phase_label,
                        "quota_year": self.phase.quota_year,
                        "start": self.phase.start,
                        "end": self.phase.end,
                        "end_estimated": self.phase.estimated_end,
                    }
                    if self.phase
                    else None
                ),
                "quota_year": (
                    {"start": self.quota_year.start, "end": self.quota_year.end}
                    if self.quota_year
                    else None
                ),
                "annual_quota": self.annual_quota,
                "weeks": [
                    {
                        "week": week.label,
                        "start": week.start,
                        "end": week.end,
                        "phase": week.phase,
                        "current": week.current,
                        "standards": [_item_dict(item) for item in week.items],
                    }
                    for week in self.weeks
                ],
                "goals": [_item_dict(item) for item in self.goals],
            }
        )


@dataclass(frozen=True)
class TeamRoadmap:
    as_of: date
    scope: str
    people: list[PersonRoadmap]
    count: int  # everyone in the scope, on every page
    page: Page | None = None  # which page of them `people` is; None: all of them

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "scope": self.scope,
            "count": self.count,
            "page": self.page.number if self.page else 1,
            "pages": self.page.paginator.num_pages if self.page else 1,
            "people": [person.as_dict() for person in self.people],
        }


def _item_dict(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "value": item.value,
        "target": item.target,
        "target_upper": item.target_upper,
        "unit": item.unit,
        "status": item.status,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def people_in(scope: Scope) -> QuerySet[User]:
    """The salespeople a roadmap scope covers (a person scope covers that person alone)."""
    if scope.kind == "person":
        return scope.people()
    return scope.people().filter(is_active=True, roles__role=Role.SALESPERSON).distinct()


def _roadmaps(people: list[User], as_of: date) -> list[PersonRoadmap]:
    playbooks = Playbooks()
    playbook = playbooks.on(as_of)
    phases = {
        person.pk: phase_on(
            hire_date=person.hire_date,
            quota_start=person.quota_start_date,
            day=as_of,
            training_months=playbook.training_months,
        )
        for person in people
    }
    data = figures(people, phases, as_of, playbook)
    weeks = weekly_standards(people, as_of, playbooks)
    found = []
    for person in people:
        phase = phases[person.pk]
        year = (
            quota_year_period(person.quota_start_date, phase.quota_year)
            if phase and phase.quota_year
            else None
        )
        found.append(
            PersonRoadmap(
                person_id=person.pk,
                username=person.username,
                name=str(person),
                hire_date=person.hire_date,
                quota_start_date=person.quota_start_date,
                phase=phase,
                quota_year=year,
                annual_quota=data[person.pk].annual_quota if year else None,
                weeks=weeks[person.pk],
                goals=phase_goals(phase, person, data[person.pk], as_of, playbook),
            )
        )
    return found


def roadmap(person: User, as_of: date) -> PersonRoadmap:
    """One person's roadmap on `as_of`. The caller has checked the viewer may see them."""
    return _roadmaps([person], as_of)[0]


def roadmap_team(
    scope: Scope, as_of: date, *, page: int | str | None = None, per_page: int = GRID_PAGE
) -> TeamRoadmap:
    """Everyone in `scope` × every standard and goal, with statuses.

    With `page` (1, 2, …), only that page of `per_page` people by username, so a branch's or
    the company's grid reads as many people as it shows (at scale L the company's 2,000 took
    seconds). As Django's paginator reads it: a page past the end is the last one, and one
    that is not a number the first."""
    people = people_in(scope).order_by("username")
    if page is None:
        everyone = list(people)
        return TeamRoadmap(as_of, scope.label, _roadmaps(everyone, as_of), count=len(everyone))
    current = Paginator(people, per_page).get_page(page)
    return TeamRoadmap(
        as_of,
        scope.label,
        _roadmaps(list(current.object_list), as_of),
        count=current.paginator.count,
        page=current,
    )


def roadmaps(people: list[User], as_of: date) -> list[PersonRoadmap]:
    """The roadmaps of the given people on `as_of`, read together (the weekly digest's)."""
    return _roadmaps(people, as_of)
