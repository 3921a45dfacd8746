"""The roadmap pages: a salesperson's own page, the team grid, supervisor sign-off."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from salespath.roadmap.models import SignOff

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_hire(cast):
    person = cast.salesperson
    person.hire_date = date(2026, 1, 5)
    person.quota_start_date = date(2026, 2, 2)
    person.save()
    return person


def test_a_salesperson_lands_on_their_own_roadmap(login, cast, new_hire):
    response = login(new_hire).get(reverse("web:roadmap"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("web:roadmap_person", args=["li"])
    assert 'data-testid="phase"' in html and 'data-testid="goals"' in html


def test_a_supervisor_sees_the_team_grid_with_everyone(login, cast, new_hire):
    response = login(cast.supervisor).get(
        reverse("web:roadmap"), {"as_of": "2026-03-18"}, follow=True
    )
    html = response.content.decode()
    assert 'data-testid="roadmap-grid"' in html
    assert "李明" in html and "王芳" in html
    assert 'class="light light-' in html


def test_a_salesperson_cannot_open_a_colleagues_roadmap(login, cast, new_hire):
    response = login(cast.teammate).get(reverse("web:roadmap_person", args=["li"]))
    assert response.status_code == 404


def test_the_supervisor_signs_off_a_skill(login, cast, new_hire):
    response = login(cast.supervisor).post(
        reverse("web:roadmap_sign_off", args=["li"]),
        {"item": "first_conversation", "on": "2026-02-20", "note": "陪访确认"},
    )
    assert response.status_code == 302
    signoff = SignOff.objects.get(person=new_hire)
    assert signoff.signed_by == cast.supervisor and signoff.signed_on == date(2026, 2, 20)


def test_a_salesperson_cannot_sign_off_themselves(login, cast, new_hire):
    response = login(new_hire).post(
        reverse("web:roadmap_sign_off", args=["li"]), {"item": "first_conversation"}
    )
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_roadmap_grid_makes_as_many_queries_for_a_bigger_team(login, cast, new_hire):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    client = login(cast.supervisor)
    url = reverse("web:roadmap_grid")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"as_of": "2026-03-18"})
    for n in range(6):
        UserFactory(
            username=f"extra{n}", team=cast.salesperson.team, quota_start_date=date(2026, 2, 2)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"as_of": "2026-03-18"})
    assert len(many) == len(few)


def test_a_big_grid_comes_in_pages_of_fifty_that_keep_the_scope_and_date(login, cast, new_hire):
    from salespath.org.models import PersonRole, Role
    from tests.factories import UserFactory

    for n in range(50):
        person = UserFactory(username=f"p{n:02d}", team=cast.salesperson.team)
        PersonRole.objects.get_or_create(person=person, role=Role.SALESPERSON)
    client = login(cast.supervisor)
    url = reverse("web:roadmap_grid")
    first = client.get(url, {"as_of": "2026-03-18"}).content.decode()
    assert first.count('<th scope="row">') == 50
    assert "52 salespeople" in first or "52 名销售人员" in first
    assert 'href="?as_of=2026-03-18&amp;page=2"' in first

    second = client.get(url, {"as_of": "2026-03-18", "page": "2"}).content.decode()
    assert second.count('<th scope="row">') == 2  # by username: p00 … p49, then li, wang
    assert "李明" in second and "王芳" in second
    assert 'href="?as_of=2026-03-18&amp;page=1"' in second
    # a page that is not one shows the first, as the other lists do
    assert client.get(url, {"page": "abc"}).status_code == 200
