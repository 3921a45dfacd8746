"""The project manager and the products an opportunity row carries follow its team and its
lines through every writer (issue 9; `pipeline.copies`), so the evaluation sheet shows them
right without looking each one up."""

from datetime import timedelta

import pytest

from salespath.pipeline.copies import copy_team_and_lines, stale_copies
from salespath.pipeline.models import Opportunity, ProjectMember
from salespath.pipeline.services import (
    base,
    initiation_approve,
    initiation_submit,
    opportunity_create,
    opportunity_set_lines,
    team_member_add,
    team_member_remove,
)
from tests.factories import CustomerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_deal(cast, name: str, **details):
    """A deal of the cast's salesperson, created by the service (which keeps the copies)."""
    return opportunity_create(
        customer=CustomerFactory(owner=cast.salesperson),
        owner=cast.salesperson,
        name=name,
        expected_close=base.today() + timedelta(days=90),
        by=cast.salesperson,
        **details,
    )


def copies(opportunity) -> tuple[int | None, set[int]]:
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    ids = {int(pk) for pk in opportunity.product_ids.split(",") if pk}
    return opportunity.project_manager_id, ids


def test_lines_set_by_the_services_are_copied_onto_the_row(cast):
    erp, hr, crm = ProductFactory(code="erp"), ProductFactory(code="hr"), ProductFactory(code="crm")
    opportunity = new_deal(cast, "一体化项目", lines=[(erp, "600000"), (hr, "400000")])
    assert copies(opportunity) == (None, {erp.pk, hr.pk})
    opportunity_set_lines(opportunity=opportunity, lines=[(crm, "500000")], by=cast.salesperson)
    assert copies(opportunity) == (None, {crm.pk})
    assert opportunity.product_ids == str(crm.pk)  # the caller's instance follows too
    assert stale_copies() == []


def test_the_first_project_manager_on_the_team_is_copied_onto_the_row(cast):
    opportunity = new_deal(cast, "立项项目", amount="900000")
    request = initiation_submit(
        opportunity=opportunity, by=cast.salesperson, requirements="集团财务", budget="900000"
    )
    initiation_approve(request=request, by=cast.supervisor, project_manager=cast.teammate)
    assert copies(opportunity)[0] == cast.teammate.pk

    second = UserFactory(username="pm2", team=cast.salesperson.team)
    team_member_add(
        opportunity=opportunity, person=second, role="project_manager", by=cast.salesperson
    )
    assert copies(opportunity)[0] == cast.teammate.pk  # the first one stays

    first = ProjectMember.objects.get(opportunity=opportunity, person=cast.teammate)
    team_member_remove(member=first, by=cast.salesperson)
    assert copies(opportunity)[0] == second.pk
    team_member_remove(
        member=ProjectMember.objects.get(opportunity=opportunity, person=second),
        by=cast.salesperson,
    )
    assert copies(opportunity)[0] is None
    assert stale_copies() == []


def test_a_stale_copy_is_found_and_recomputed(cast):
    erp = ProductFactory(code="erp")
    opportunity = new_deal(cast, "校验项目", lines=[(erp, "100000")])
    Opportunity.objects.filter(pk=opportunity.pk).update(
        product_ids="", project_manager=cast.teammate
    )
    assert stale_copies() == [opportunity.pk]
    copy_team_and_lines([opportunity.pk])
    assert stale_copies() == []
    assert copies(opportunity) == (None, {erp.pk})
