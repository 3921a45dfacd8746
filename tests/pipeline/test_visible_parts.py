"""`visible_opportunity_parts`: the same deals as `visible_opportunities`, in disjoint parts
(the board counts and sums per part and adds them up)."""

import pytest

from salespath.pipeline.models import Opportunity, ProjectMember, ProjectRole
from salespath.policy import visible_opportunities, visible_opportunity_parts
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(cast):
    own = OpportunityFactory(owner=cast.salesperson)
    teammates = OpportunityFactory(owner=cast.teammate)
    other_team = OpportunityFactory(owner=cast.other_salesperson)
    elsewhere = OpportunityFactory()  # a person of no team
    for deal in (own, other_team):  # on the project team of their own deal and another team's
        ProjectMember.objects.create(
            opportunity=deal, person=cast.salesperson, role=ProjectRole.ACCOUNT_MANAGER
        )
    return [own, teammates, other_team, elsewhere]


@pytest.mark.parametrize(
    "who", ["salesperson", "teammate", "supervisor", "other_supervisor", "branch_gm", "executive"]
)
def test_the_parts_hold_each_visible_deal_exactly_once(cast, deals, who):
    user = getattr(cast, who)
    visible = set(visible_opportunities(user).values_list("pk", flat=True))

    parts = visible_opportunity_parts(user)

    if parts is None:
        assert visible == {deal.pk for deal in deals}
        return
    seen = [
        pk for part in parts for pk in Opportunity.objects.filter(part).values_list("pk", flat=True)
    ]
    assert sorted(seen) == sorted(visible)
