"""A person's branch is their team's, read through the team: a team moved to another branch
(in the admin, or by a bulk update) takes its people and their deals with it, into the new
branch's forecast, evaluation sheet and general manager's view, and out of the old one's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from salespath.forecast.queries import forecast
from salespath.forecast.sheet import evaluation_sheet
from salespath.org.access import supervises, visible_people
from salespath.org.models import Branch, Team, User
from salespath.org.scopes import Scope
from salespath.pipeline.services import base
from salespath.pipeline.visibility import visible_opportunities
from tests.factories import UserFactory
from tests.forecast.builders import deal

pytestmark = pytest.mark.django_db


def _by_update(team: Team, branch: Branch, client) -> None:
    Team.objects.filter(pk=team.pk).update(branch=branch)


def _in_the_admin(team: Team, branch: Branch, client) -> None:
    client.force_login(UserFactory(username="root", team=None, is_superuser=True, is_staff=True))
    reply = client.post(
        reverse("admin:org_team_change", args=[team.pk]),
        {"code": team.code, "name": team.name, "name_en": team.name_en, "branch": branch.pk},
    )
    assert reply.status_code == 302, reply.content.decode()[:2000]


def _person_rows(report: dict) -> dict[str, dict]:
    return {row["key"]: row["values"] for row in report["rows"] if row["level"] == "person"}


@pytest.mark.parametrize("move", [_by_update, _in_the_admin], ids=["update", "admin"])
@pytest.mark.parametrize("rollup", [False, True], ids=["opportunities", "rollup"])
def test_a_team_moved_to_another_branch_takes_its_people_and_deals(
    cast, client, settings, move, rollup
):
    settings.SALESPATH_FORECAST_ROLLUP = rollup
    today = base.today()
    li = cast.salesperson
    old, new = li.team.branch, Branch.objects.get(code="sz")
    new_gm = UserFactory(username="sun", team=None, branch=new, roles=["branch_gm"])
    mine = deal(li, amount="120000.00", created=today - timedelta(days=10), close=today)
    deal(cast.other_salesperson, amount="70000.00", created=today - timedelta(days=10), close=today)
    own = _person_rows(forecast(Scope("person", person=li), today))["li"]
    assert any(own.values())

    move(li.team, new, client)

    old_scope, new_scope = Scope("branch", branch=old), Scope("branch", branch=new)
    moved = _person_rows(forecast(new_scope, today))
    assert moved["li"] == own
    assert moved.keys() == {"li", "wang"}  # the team's salespeople, not the admin
    assert "li" not in _person_rows(forecast(old_scope, today))
    assert "chen" in _person_rows(forecast(old_scope, today))
    assert [r["amount"] for r in evaluation_sheet(new_scope, today)["rows"]] == ["120000.00"]
    assert [r["owner"] for r in evaluation_sheet(old_scope, today)["rows"]] == ["陈静"]

    li, old_gm = User.objects.get(pk=li.pk), User.objects.get(pk=cast.branch_gm.pk)
    assert li.home_branch == new
    assert supervises(new_gm, li) and not supervises(old_gm, li)
    assert visible_people(new_gm).filter(pk=li.pk).exists()
    assert not visible_people(old_gm).filter(pk=li.pk).exists()
    assert visible_opportunities(new_gm).filter(pk=mine.pk).exists()
    assert not visible_opportunities(old_gm).filter(pk=mine.pk).exists()


def test_the_database_keeps_a_team_member_without_a_branch_of_their_own(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.salesperson.pk).update(branch=cast.branch_gm.branch)
