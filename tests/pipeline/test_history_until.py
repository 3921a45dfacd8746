"""Every move the services record also dates the opportunity's row (`history_until`), so a
report on an earlier date knows to read the history (issue 9; `pipeline.history`)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from salespath.forecast.state import status_since
from salespath.pipeline.history import stage_on, status_on
from salespath.pipeline.models import Opportunity
from salespath.pipeline.services import base
from salespath.pipeline.services.moves import (
    opportunity_lose,
    opportunity_override,
    opportunity_reopen,
)
from salespath.pipeline.services.opportunities import opportunity_create
from tests.factories import CustomerFactory


@pytest.mark.django_db
def test_moves_date_the_row_and_a_report_before_them_reads_the_history(cast):
    today = base.today()
    created = today - timedelta(days=40)
    opportunity = opportunity_create(
        customer=CustomerFactory(owner=cast.salesperson),
        owner=cast.salesperson,
        name="历史项目",
        expected_close=today + timedelta(days=60),
        amount=Decimal("100000"),
        created_on=created,
        by=cast.salesperson,
    )
    assert opportunity.history_until == created
    opportunity_override(
        opportunity=opportunity,
        to_stage="S5",
        by=cast.supervisor,
        reason="高层已拍板",
        on=today - timedelta(days=20),
    )
    opportunity_lose(opportunity=opportunity, by=cast.salesperson, reason="价格")
    opportunity.refresh_from_db()
    assert opportunity.history_until == today
    opportunity_reopen(opportunity=opportunity, by=cast.salesperson, reason="客户回来了")
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.history_until) == ("open", today)

    def on(day):
        return Opportunity.objects.annotate(
            on_stage=stage_on(day), on_status=status_on(day), since=status_since(day)
        ).values_list("on_stage", "on_status")[0]

    assert on(today - timedelta(days=30)) == ("S2", "open")
    assert on(today - timedelta(days=10)) == ("S5", "open")
    assert on(today) == ("S5", "open")
