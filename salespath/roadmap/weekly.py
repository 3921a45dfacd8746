"""Weekly work standards (SPEC §6): per ISO week (Monday–Sunday), from logged activities
and collected customer profiles, against the standards of the phase in force that week.

A week is judged by the phase and playbook in force on its Monday: the week a quota starts
mid-week is still a training week, and a week spanning a year end is one week (ISO
2026-W53 runs 2026-12-28 … 2027-01-03).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DateField, Sum, Value, When
from django.utils.translation import gettext as _

from salespath.activities.models import Activity, ActivityKind
from salespath.customers.models import Customer
from salespath.org.models import User

from .phases import P0, P1, P2, phase_on
from .playbook import Playbooks
from .status import Item, judge

WEEKS_BACK = 8


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    start: date
    end: date
    phase: str | None
    current: bool
    items: list[Item]

    @property
    def label(self) -> str:
        year, week, _weekday = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class _Tally:
    profiles: int = 0
    prospecting_hours: Decimal = Decimal(0)
    visit_hours: Decimal = Decimal(0)
    visits: int = 0


def _week_of(field: str, mondays: list[date]) -> Case:
    """The Monday of the week `field` falls in, among `mondays` (ascending, and `field` on or
    after the first): so the database sums per week, not per day."""
    return Case(
        *[When(**{f"{field}__gte": monday}, then=Value(monday)) for monday in reversed(mondays)],
        output_field=DateField(),
    )


def _tallies(people: list[User], mondays: list[date], last: date) -> dict[tuple[int, date], _Tally]:
    """(person id, week's Monday) → what they did, in two grouped queries whatever the
    number of activities: rows are per person, week and kind."""
    tallies: dict[tuple[int, date], _Tally] = defaultdict(_Tally)
    ids = [person.pk for person in people]
    first = mondays[0]
    done = (
        Activity.objects.filter(
            person_id__in=ids,
            occurred_on__range=(first, last),
            kind__in=[ActivityKind.VISIT, ActivityKind.PROSPECTING],
        )
        .values("person_id", "kind", week=_week_of("occurred_on", mondays))
        .annotate(hours=Sum("hours"), count=Count("id"))
        .order_by()
    )
    for row in done:
        tally = tallies[(row["person_id"], row["week"])]
        if row["kind"] == ActivityKind.PROSPECTING:
            tally.prospecting_hours += row["hours"]
        else:
            tally.visit_hours += row["hours"]
            tally.visits += row["count"]
    # Customers the person created whose S2.1 basics became complete that week.
    profiles = (
        Customer.objects.filter(created_by_id__in=ids, basics_completed_on__range=(first, last))
        .values("created_by_id", week=_week_of("basics_completed_on", mondays))
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in profiles:
        tallies[(row["created_by_id"], row["week"])].profiles += row["count"]
    return tallies


def _items(phase: str | None, tally: _Tally, playbook, *, start: date, end: date, as_of: date):
    def item(key, label, value, target, unit, upper=None):
        status = judge(value, target, start=start, end=end, as_of=as_of)
        return Item(key, label, value, target, unit, status, upper)

    profiles_label = _("Customer profiles collected")
    prospecting_label = _("Hours prospecting")
    if phase is None:
        return []
    if phase == P0:  # training: no weekly standard, the work done is shown
        return [
            item("profiles", profiles_label, tally.profiles, None, "count"),
            item("prospecting_hours", prospecting_label, tally.prospecting_hours, None, "hours"),
            item("visit_hours", _("Hours of customer visits"), tally.visit_hours, None, "hours"),
        ]
    if phase == P1:
        return [
            item(
                "profiles", profiles_label, tally.profiles, playbook.p1_profiles_per_week, "count"
            ),
            item(
                "prospecting_hours",
                prospecting_label,
                tally.prospecting_hours,
                playbook.p1_prospecting_hours,
                "hours",
            ),
            item(
                "visit_hours",
                _("Hours of customer visits"),
                tally.visit_hours,
                playbook.p1_visit_hours,
                "hours",
            ),
        ]
    if phase == P2:
        hours, low, high = (
            playbook.p2_prospecting_hours,
            playbook.p2_visits_min,
            playbook.p2_visits_max,
        )
    else:
        hours, low, high = (
            playbook.p3_prospecting_hours,
            playbook.p3_visits_min,
            playbook.p3_visits_max,
        )
    return [
        item("prospecting_hours", prospecting_label, tally.prospecting_hours, hours, "hours"),
        # "6–8 visits per week": the lower bound is the standard, the range is shown.
        item("visits", _("Customer visits"), tally.visits, low, "count", high),
    ]


def weekly_standards(
    people: list[User], as_of: date, playbooks: Playbooks
) -> dict[int, list[Week]]:
    """Each person's last `WEEKS_BACK` weeks and the current one (up to `as_of`), oldest first."""
    this_monday = monday_of(as_of)
    mondays = [this_monday - timedelta(weeks=n) for n in range(WEEKS_BACK, -1, -1)]
    tallies = _tallies(people, mondays, as_of)
    weeks: dict[int, list[Week]] = {}
    for person in people:
        rows = []
        for monday in mondays:
            playbook = playbooks.on(monday)
            phase = phase_on(
                hire_date=person.hire_date,
                quota_start=person.quota_start_date,
                day=monday,
                training_months=playbook.training_months,
            )
            sunday = monday + timedelta(days=6)
            tally = tallies.get((person.pk, monday), _Tally())
            items = _items(
                phase.code if phase else None,
                tally,
                playbook,
                start=monday,
                end=sunday,
                as_of=min(as_of, sunday),
            )
            rows.append(
                Week(monday, sunday, phase.code if phase else None, monday == this_monday, items)
            )
        weeks[person.pk] = rows
    return weeks
