"""Weekly work standards per ISO week, for the phase in force on the week's Monday."""

from datetime import date

import pytest

from salespath.roadmap.queries import roadmap
from tests.factories import ActivityFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def on_roadmap(person, quota_start: date):
    person.quota_start_date = quota_start
    person.save()
    return person


def visit(person, day, hours="1.00"):
    customer = CustomerFactory(owner=person)
    return ActivityFactory(
        person=person, kind="visit", occurred_on=day, hours=hours, customer=customer
    )


def items(week):
    return {item.key: item for item in week.items}


def test_a_week_spanning_the_year_end_is_one_iso_week(cast):
    li = on_roadmap(cast.salesperson, date(2026, 7, 6))  # P2 runs 2026-10-06 … 2027-01-05
    for day in [date(2026, 12, 28), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]:
        visit(li, day)
    visit(li, date(2027, 1, 3))  # Sunday: still the same week
    visit(li, date(2027, 1, 3))
    visit(li, date(2027, 1, 4))  # Monday: the next week
    ActivityFactory(person=li, occurred_on=date(2026, 12, 27), hours="3")  # the Sunday before
    ActivityFactory(person=li, occurred_on=date(2026, 12, 29), hours="6")
    ActivityFactory(person=li, occurred_on=date(2027, 1, 2), hours="4")

    weeks = roadmap(li, date(2027, 1, 10)).weeks
    year_end = weeks[-2]
    assert (year_end.label, year_end.start, year_end.end) == (
        "2026-W53",
        date(2026, 12, 28),
        date(2027, 1, 3),
    )
    assert year_end.phase == "P2"
    standards = items(year_end)
    assert (standards["visits"].value, standards["visits"].target) == (6, 6)
    assert standards["visits"].target_upper == 8
    assert standards["visits"].status == "met"
    assert (standards["prospecting_hours"].value, standards["prospecting_hours"].status) == (
        10,
        "met",
    )
    assert items(weeks[-3])["prospecting_hours"].value == 3


def test_the_last_eight_weeks_and_the_current_one_are_shown(cast):
    li = on_roadmap(cast.salesperson, date(2026, 1, 5))
    weeks = roadmap(li, date(2026, 5, 13)).weeks
    assert len(weeks) == 9
    assert weeks[0].start == date(2026, 3, 16)  # Monday 2026-05-11 − 8 weeks
    assert [week.current for week in weeks] == [False] * 8 + [True]


def test_a_week_is_judged_by_the_phase_in_force_on_its_monday(cast):
    li = on_roadmap(cast.salesperson, date(2026, 7, 6))  # P3 starts Wednesday 2027-01-06
    weeks = roadmap(li, date(2027, 1, 20)).weeks
    by_start = {week.start: week for week in weeks}
    assert by_start[date(2027, 1, 4)].phase == "P2"
    assert by_start[date(2027, 1, 11)].phase == "P3"
    assert items(by_start[date(2027, 1, 11)])["visits"].target == 10
    assert items(by_start[date(2027, 1, 11)])["prospecting_hours"].target == 4


def test_p1_counts_profiles_collected_that_week_by_their_creator(cast):
    li = on_roadmap(cast.salesperson, date(2026, 3, 2))  # P1
    for _ in range(5):
        CustomerFactory(owner=li, basics_completed_on=date(2026, 3, 11))
    # Created by li, handed to a teammate: still li's work.
    CustomerFactory(owner=cast.teammate, created_by=li, basics_completed_on=date(2026, 3, 15))
    # Owned by li but created by the teammate: not li's work.
    CustomerFactory(owner=li, created_by=cast.teammate, basics_completed_on=date(2026, 3, 12))
    CustomerFactory(owner=li, basics_completed_on=date(2026, 3, 8))  # the week before
    CustomerFactory(owner=li, basics_completed_on=None)  # basics not complete
    week = roadmap(li, date(2026, 3, 15)).weeks[-1]
    profiles = items(week)["profiles"]
    assert (profiles.value, profiles.target, profiles.status) == (6, 5, "met")


def test_the_current_week_is_on_track_while_work_keeps_pace_with_the_days(cast):
    li = on_roadmap(cast.salesperson, date(2026, 3, 2))  # P1: 8 h prospecting, 10 h visits
    ActivityFactory(person=li, occurred_on=date(2026, 3, 9), hours="4")
    visit(li, date(2026, 3, 10), hours="4")
    week = roadmap(li, date(2026, 3, 11)).weeks[-1]  # Wednesday: 3/7 of the week gone
    standards = items(week)
    assert standards["prospecting_hours"].status == "on_track"  # 4/8 ≥ 3/7
    assert standards["visit_hours"].status == "behind"  # 4/10 < 3/7
    assert standards["profiles"].status == "behind"


def test_a_finished_week_short_of_the_standard_is_behind(cast):
    li = on_roadmap(cast.salesperson, date(2026, 3, 2))
    ActivityFactory(person=li, occurred_on=date(2026, 3, 3), hours="7.5")
    week = roadmap(li, date(2026, 3, 11)).weeks[-2]
    assert items(week)["prospecting_hours"].status == "behind"


def test_training_weeks_show_the_work_without_a_standard(cast):
    li = on_roadmap(cast.salesperson, date(2026, 6, 1))
    ActivityFactory(person=li, occurred_on=date(2026, 3, 3), hours="2")
    week = roadmap(li, date(2026, 3, 4)).weeks[-1]
    assert week.phase == "P0"
    assert items(week)["prospecting_hours"].value == 2
    assert items(week)["prospecting_hours"].status is None
