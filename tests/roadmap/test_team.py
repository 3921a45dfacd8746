"""The team view: everyone × every item, in a number of queries that does not grow."""

from datetime import date

import pytest

from salespath.org.scopes import Scope
from salespath.roadmap.queries import roadmap_team
from tests.factories import ActivityFactory, CustomerFactory, QuotaFactory, UserFactory, batch
from tests.roadmap.builders import opportunity

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 7, 1)


def salesperson(team, quota_start):
    person = UserFactory(team=team, quota_start_date=quota_start)
    QuotaFactory(person=person, fiscal_year=2026, fiscal_quarter=3)
    return person


def busy(person, n):
    with batch():  # kept once, as one writer of many deals keeps them
        for i in range(n):
            customer = CustomerFactory(owner=person, basics_completed_on=date(2026, 6, 1 + i))
            ActivityFactory(
                person=person, kind="visit", customer=customer, occurred_on=date(2026, 6, 1 + i)
            )
            ActivityFactory(person=person, occurred_on=date(2026, 6, 1 + i))
            opportunity(person, on=date(2026, 5, 1), stage="S3", customer=customer, amount=1000)


def test_everyone_in_the_team_with_their_phase_weeks_and_goals(cast):
    cast.salesperson.quota_start_date = date(2026, 1, 5)
    cast.salesperson.save()
    found = roadmap_team(Scope("team", team=cast.salesperson.team), AS_OF)
    assert [person.username for person in found.people] == ["li", "wang"]  # zhao: supervisor
    li, wang = found.people
    assert li.phase.code == "P2" and len(li.weeks) == 9 and li.goals
    assert wang.phase.code == "P0" and wang.phase.estimated_end


def test_the_team_view_takes_the_same_queries_for_more_people_and_activities(
    cast, django_assert_num_queries
):
    team = cast.salesperson.team
    busy(salesperson(team, date(2026, 1, 5)), 2)
    scope = Scope("team", team=team)
    with django_assert_num_queries(9):
        roadmap_team(scope, AS_OF)
    for start in (date(2025, 6, 1), date(2026, 4, 1), date(2026, 9, 1)):
        busy(salesperson(team, start), 6)
    with django_assert_num_queries(9):
        found = roadmap_team(scope, AS_OF)
    assert len(found.people) == 6


def test_a_page_of_the_grid_holds_that_page_of_people_by_username_and_counts_everyone(
    cast, django_assert_num_queries
):
    team = cast.salesperson.team
    for start in (date(2025, 6, 1), date(2026, 4, 1), date(2026, 9, 1)):
        busy(salesperson(team, start), 1)
    scope = Scope("team", team=team)
    everyone = [person.username for person in roadmap_team(scope, AS_OF).people]
    assert len(everyone) == 5

    with django_assert_num_queries(10):  # the count of the scope's people, then as above
        second = roadmap_team(scope, AS_OF, page=2, per_page=2)
    assert [person.username for person in second.people] == everyone[2:4]
    assert second.count == 5 and second.as_dict()["pages"] == 3
    assert second.as_dict()["page"] == 2 and second.as_dict()["count"] == 5
    # the same person's figures on a page as in the whole grid
    whole = {p.username: p.as_dict() for p in roadmap_team(scope, AS_OF).people}
    assert [p.as_dict() for p in second.people] == [whole[name] for name in everyone[2:4]]

    past_the_end = roadmap_team(scope, AS_OF, page=9, per_page=2)
    assert [person.username for person in past_the_end.people] == everyone[4:]
    assert past_the_end.page.number == 3
    assert roadmap_team(scope, AS_OF, page="x", per_page=2).page.number == 1
