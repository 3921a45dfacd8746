"""The home page's summary: per stage, overdue and stuck deals of what the viewer may see."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from salespath.pipeline.models import ProjectMember, Stage
from salespath.web.queries import home_summary
from tests.factories import OpportunityFactory, written

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def test_the_summary_counts_the_viewers_deals_and_lists_the_oldest_first(cast):
    long_ago = TODAY - timedelta(days=Stage.objects.get(code="S3").stuck_after_days + 1)
    overdue = OpportunityFactory(
        owner=cast.salesperson, stage_id="S3", amount=Decimal("100.00"),
        expected_close=TODAY - timedelta(days=3), stage_entered_on=long_ago,
    )  # fmt: skip
    later = OpportunityFactory(
        owner=cast.teammate, stage_id="S3", amount=Decimal("50.00"),
        expected_close=TODAY - timedelta(days=1), stage_entered_on=TODAY,
    )  # fmt: skip
    OpportunityFactory(
        owner=cast.teammate, stage_id="S5", amount=Decimal("7.00"),
        expected_close=TODAY + timedelta(days=30), stage_entered_on=TODAY,
    )  # fmt: skip
    other_team = OpportunityFactory(
        owner=cast.other_salesperson, stage_id="S4", amount=Decimal("1.00"),
        expected_close=TODAY - timedelta(days=9), stage_entered_on=TODAY,
    )  # fmt: skip
    lost = OpportunityFactory(owner=cast.salesperson, stage_id="S3", expected_close=TODAY)
    lost.status, lost.lost_on, lost.lost_reason = "lost", TODAY, "预算取消"
    lost.save()
    written(lost)

    supervisor = home_summary(cast.supervisor, TODAY)
    per_stage = {row["stage"].code: (row["count"], row["amount"]) for row in supervisor.stages}
    assert per_stage["S3"] == (2, Decimal("150.00")) and per_stage["S5"] == (1, Decimal("7.00"))
    assert (supervisor.open_count, supervisor.open_amount) == (3, Decimal("157.00"))
    assert supervisor.overdue == [overdue, later] and supervisor.overdue_count == 2
    assert supervisor.stuck == [overdue] and supervisor.stuck_count == 1

    # a project-team deal of another team joins 李明's own, counted once
    ProjectMember.objects.create(
        opportunity=other_team, person=cast.salesperson, role="product_expert"
    )
    ProjectMember.objects.create(
        opportunity=overdue, person=cast.salesperson, role="product_expert"
    )
    mine = home_summary(cast.salesperson, TODAY)
    assert mine.overdue == [other_team, overdue] and mine.overdue_count == 2
    assert mine.open_count == 2 and mine.stuck_count == 1

    everyone = home_summary(cast.executive, TODAY, limit=2)
    assert everyone.overdue == [other_team, overdue] and everyone.overdue_count == 3
    assert everyone.open_count == 4


def test_the_list_pages_through_the_viewers_deals_soonest_close_first(cast):
    from django.core.paginator import Paginator

    from salespath.pipeline.models import Opportunity
    from salespath.web.queries import ListedDeals

    mine = [
        OpportunityFactory(owner=owner, expected_close=TODAY + timedelta(days=n))
        for n, owner in enumerate([cast.salesperson, cast.teammate] * 3)
    ]
    elsewhere = OpportunityFactory(
        owner=cast.other_salesperson, expected_close=TODAY - timedelta(days=1)
    )
    hidden = OpportunityFactory(owner=cast.other_salesperson, expected_close=TODAY)
    ProjectMember.objects.create(
        opportunity=elsewhere, person=cast.supervisor, role="product_expert"
    )

    pages = Paginator(ListedDeals(cast.supervisor, Opportunity.objects.all()), 4)
    assert pages.count == 7 and pages.num_pages == 2
    seen = list(pages.page(1).object_list) + list(pages.page(2).object_list)
    assert seen == [elsewhere, *mine]  # by close date, then id
    assert hidden not in seen
    everyone = Paginator(ListedDeals(cast.executive, Opportunity.objects.all()), 50)
    assert everyone.count == 8
