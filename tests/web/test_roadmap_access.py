"""The roadmap goes to the people it belongs to (issue 15 §2.2): salespeople and people with
a quota see their own; leaders see the grid; anyone else gets no menu item, no report tile,
and a 403 that says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def presales(cast):
    return UserFactory(
        username="zhongyang", display_name="钟阳", team=cast.salesperson.team, roles=["presales"]
    )


def test_a_presales_consultant_has_no_roadmap(login, cast, presales):
    client = login(presales)
    response = client.get(reverse("web:roadmap"))
    assert response.status_code == 403
    assert "没有成功路线图" in response.content.decode()
    assert client.get(reverse("web:roadmap_person", args=["zhongyang"])).status_code == 403
    assert client.get(reverse("web:roadmap_grid")).status_code == 403
    for page in ("web:home", "web:reports"):
        assert 'href="/roadmap/' not in client.get(reverse(page)).content.decode()


def test_finance_gets_no_roadmap_tile_and_no_grid(login, cast):
    client = login(cast.finance)
    assert 'href="/roadmap/' not in client.get(reverse("web:reports")).content.decode()
    assert 'href="/roadmap/' not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("web:roadmap")).status_code == 403
    assert client.get(reverse("web:roadmap_grid")).status_code == 403


def test_a_supervisor_cannot_open_a_roadmap_for_someone_without_one(login, cast, presales):
    client = login(cast.supervisor)
    response = client.get(reverse("web:roadmap_person", args=["zhongyang"]))
    assert response.status_code == 403
    assert "钟阳" in response.content.decode()


def test_a_person_with_a_quota_but_no_salesperson_role_has_a_roadmap(login, cast):
    from datetime import date

    carrier = UserFactory(username="qiu", team=cast.salesperson.team, roles=["project_manager"])
    carrier.quota_start_date = date(2026, 2, 2)
    carrier.save()
    response = login(carrier).get(reverse("web:roadmap"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:roadmap_person", args=["qiu"])
    assert response.status_code == 200


def test_leaders_see_the_grid_and_salespeople_their_own(login, cast):
    for leader in (cast.supervisor, cast.branch_gm, cast.executive):
        response = login(leader).get(reverse("web:roadmap"))
        assert response.url == reverse("web:roadmap_grid")
    response = login(cast.salesperson).get(reverse("web:roadmap"))
    assert response.url == reverse("web:roadmap_person", args=["li"])
    reports = login(cast.salesperson).get(reverse("web:reports")).content.decode()
    assert 'href="/roadmap/"' in reports
