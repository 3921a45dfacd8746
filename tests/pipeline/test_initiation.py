"""Project initiation (立项): submit, approve with the team, reject; S4 needs approval."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from salespath.errors import Conflict, DomainError, NotAllowed
from salespath.pipeline.criteria import evaluate
from salespath.pipeline.models import InitiationRequest, Opportunity, ProjectMember
from salespath.pipeline.services import initiation_approve, initiation_reject, initiation_submit
from tests.factories import OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(cast):
    deal = OpportunityFactory(owner=cast.salesperson, expected_close=date(2027, 6, 30))
    return initiation_submit(
        opportunity=deal, by=cast.salesperson, requirements="集团财务一体化", budget="900000"
    )


def s4_0(deal):
    return next(r for r in evaluate(deal) if r.code == "S4.0")


def test_submit_records_the_request_and_the_budget(request_):
    deal = Opportunity.objects.get(pk=request_.opportunity_id)
    assert request_.status == "pending" and deal.budget_amount == Decimal("900000")
    assert not s4_0(deal).met


def test_only_the_owner_submits_and_one_request_waits_at_a_time(request_, cast):
    request_.opportunity.team.create(person=cast.teammate, role="presales")
    with pytest.raises(NotAllowed):
        initiation_submit(opportunity=request_.opportunity, by=cast.teammate, requirements="x")
    with pytest.raises(Conflict):
        initiation_submit(opportunity=request_.opportunity, by=cast.salesperson, requirements="x")


@pytest.mark.parametrize("approver", ["supervisor", "branch_gm"])
def test_approval_forms_the_project_team_and_meets_s4_0(request_, cast, approver):
    expert = UserFactory(username="expert", team=None, branch=None, roles=["product_expert"])
    initiation_approve(
        request=request_,
        by=getattr(cast, approver),
        project_manager=cast.teammate,
        members=[(expert, "product_expert")],
        comment="同意",
    )
    request_.refresh_from_db()
    assert request_.status == "approved" and request_.decided_by == getattr(cast, approver)
    team = set(ProjectMember.objects.values_list("person__username", "role"))
    assert team == {
        ("wang", "project_manager"),
        ("li", "account_manager"),
        ("expert", "product_expert"),
    }
    assert s4_0(request_.opportunity).met


@pytest.mark.parametrize("who", ["other_supervisor", "teammate", "executive", "finance"])
def test_only_the_owners_supervisor_or_gm_decides(request_, cast, who):
    with pytest.raises((NotAllowed, DomainError)):
        initiation_approve(request=request_, by=getattr(cast, who), project_manager=cast.teammate)
    assert InitiationRequest.objects.get(pk=request_.pk).status == "pending"


def test_nobody_approves_their_own_request(cast):
    deal = OpportunityFactory(owner=cast.supervisor)
    own = initiation_submit(opportunity=deal, by=cast.supervisor, requirements="x")
    with translation.override("zh-hans"), pytest.raises(NotAllowed) as refused:
        initiation_approve(request=own, by=cast.supervisor, project_manager=cast.teammate)
    assert "自己" in refused.value.message
    assert InitiationRequest.objects.get(pk=own.pk).status == "pending"
    assert not ProjectMember.objects.exists()


def test_rejection_needs_a_comment_and_allows_a_new_request(request_, cast):
    with pytest.raises(DomainError):
        initiation_reject(request=request_, by=cast.supervisor, comment="")
    initiation_reject(request=request_, by=cast.supervisor, comment="预算未落实")
    request_.refresh_from_db()
    assert (request_.status, request_.decision_comment) == ("rejected", "预算未落实")
    with pytest.raises(Conflict):
        initiation_approve(request=request_, by=cast.supervisor, project_manager=cast.teammate)
    again = initiation_submit(
        opportunity=request_.opportunity, by=cast.salesperson, requirements="补充预算"
    )
    assert again.status == "pending"
