"""The stored stage funnel (`FunnelMonth`): the report reads the same numbers from it as
from the history, the services keep it equal to a rebuild, and `verify` finds and mends a
tampered row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.errors import DomainError
from salespath.forecast.integrity import CHECK_NAMES, verify
from salespath.lib.fiscal import Period
from salespath.org.scopes import Scope
from salespath.pipeline import funnel_rollup
from salespath.pipeline.funnel import split, stage_funnel
from salespath.pipeline.models import FunnelMonth, Opportunity, StageChange, Status
from salespath.pipeline.services import base
from salespath.pipeline.services.moves import (
    opportunity_lose,
    opportunity_move_back,
    opportunity_override,
    opportunity_reopen,
)
from salespath.pipeline.services.opportunities import opportunity_create, opportunity_update
from tests.factories import CustomerFactory, OpportunityFactory

STAGES = ["S2", "S3", "S4", "S5", "S6", "S7"]


def scopes(cast) -> list[Scope]:
    return [
        Scope("company"),
        Scope("team", team=cast.salesperson.team),
        Scope("person", person=cast.teammate),
    ]


def same_from_months_and_history(cast, period: Period, today: date, settings) -> None:
    for scope in scopes(cast):
        settings.SALESPATH_FUNNEL_ROLLUP = True
        fast = stage_funnel(scope, period, today=today)
        settings.SALESPATH_FUNNEL_ROLLUP = False
        slow = stage_funnel(scope, period, today=today)
        assert fast == slow, (scope.kind, period)


def test_a_period_splits_into_whole_months_and_the_fewest_days_to_read():
    today = date(2026, 12, 5)
    months, ranges = split(date(2025, 12, 6), today, today)
    # December 2025 less its first five days; December 2026 less the days still to come
    assert months[0] == date(2025, 12, 1) and months[-1] == date(2026, 12, 1)
    assert len(months) == 13
    assert ranges == [
        (date(2025, 12, 1), date(2025, 12, 5), -1),
        (date(2026, 12, 6), date(2026, 12, 31), -1),
    ]
    # ten days of March are read, rather than the month less its other 21
    months, ranges = split(date(2026, 3, 3), date(2026, 3, 12), today)
    assert (months, ranges) == ([], [(date(2026, 3, 3), date(2026, 3, 12), 1)])
    months, ranges = split(date(2026, 3, 3), date(2026, 3, 20), today)
    assert months == [date(2026, 3, 1)]
    assert ranges == [
        (date(2026, 3, 1), date(2026, 3, 2), -1),
        (date(2026, 3, 21), date(2026, 3, 31), -1),
    ]


HISTORIES = st.lists(
    st.tuples(
        st.integers(0, 1),  # owner: the salesperson or the teammate
        st.integers(0, 420),  # created so many days before today
        st.decimals(0, 5000, places=2),  # amount
        st.lists(  # later changes: days after the previous one, stage, status
            st.tuples(
                st.integers(0, 70),
                st.sampled_from(STAGES),
                st.sampled_from([Status.OPEN, Status.OPEN, Status.LOST]),
            ),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=5,
)


@pytest.mark.django_db
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    histories=HISTORIES,
    start=st.integers(0, 450),  # the period begins so many days before today
    length=st.integers(0, 420),
)
def test_the_funnel_from_the_months_equals_the_funnel_from_the_history(
    cast, settings, histories, start, length
):
    """Random histories, written directly and rolled up by `rebuild`; any period, including
    one ending after today or inside one month."""
    today = base.today()
    owners = [cast.salesperson, cast.teammate]
    with transaction.atomic():
        for owner, created_ago, amount, moves in histories:
            created = today - timedelta(days=created_ago)
            deal = OpportunityFactory(
                owner=owners[owner],
                created_on=created,
                amount=amount,
                expected_close=today + timedelta(days=30),
            )
            day, stage, status = created, "S2", Status.OPEN
            for gap, stage_to, status_to in moves:
                if day + timedelta(days=gap) > today:
                    break
                day += timedelta(days=gap)
                StageChange.objects.create(
                    opportunity=deal,
                    kind=StageChange.Kind.ADVANCE
                    if status_to == Status.OPEN
                    else StageChange.Kind.LOSE,
                    from_stage_id=stage,
                    to_stage_id=stage_to,
                    from_status=status,
                    to_status=status_to,
                    effective_on=day,
                    at=timezone.now(),
                    reason="" if status_to == Status.OPEN else "预算取消",
                )
                stage, status = stage_to, status_to
            if stage == "S7" and status == Status.OPEN:  # reaching S7 wins the deal
                done = {"status": Status.WON, "won_on": day}
            elif status == Status.LOST:
                done = {"status": status, "lost_on": day, "lost_reason": "预算取消"}
            else:
                done = {}
            Opportunity.objects.filter(pk=deal.pk).update(stage_id=stage, **done)
        funnel_rollup.rebuild()
        first = today - timedelta(days=start)
        same_from_months_and_history(
            cast, Period(first, first + timedelta(days=length)), today, settings
        )
        transaction.set_rollback(True)


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "create", "override", "override", "back", "lose", "reopen"]
            + ["owner", "amount"]
        ),
        st.integers(0, 20),  # which opportunity
        st.integers(0, 400),  # days ago, or an amount
    ),
    min_size=1,
    max_size=10,
)


@pytest.mark.django_db
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_changes_through_the_services_keep_the_funnel_months_equal_to_a_rebuild(
    cast, settings, actions
):
    today = base.today()
    customer = CustomerFactory(owner=cast.salesperson)
    with transaction.atomic():
        made: list[Opportunity] = []
        for action, which, number in actions:
            target = made[which % len(made)] if made else None
            target = target and Opportunity.objects.get(pk=target.pk)
            # moves are dated between the last one and today
            last = target and target.history_until
            on = last and last + timedelta(days=number % max(1, (today - last).days + 1))
            try:
                if action == "create" or target is None:
                    made.append(
                        opportunity_create(
                            customer=customer,
                            owner=cast.salesperson,
                            name=f"项目{len(made)}",
                            expected_close=today + timedelta(days=30),
                            amount=Decimal(number * 1000) + Decimal("0.35"),
                            created_on=today - timedelta(days=number),
                            by=cast.salesperson,
                        )
                    )
                elif action == "override":  # past the gate; to S7 is a win
                    to_stage = STAGES[min(STAGES.index(target.stage_id) + 1 + number % 2, 5)]
                    opportunity_override(
                        opportunity=target, to_stage=to_stage, by=cast.supervisor,
                        reason="客户高层已拍板", on=on,
                    )  # fmt: skip
                elif action == "back":
                    opportunity_move_back(
                        opportunity=target, to_stage="S2", by=cast.supervisor,
                        reason="客户重新评估", on=on,
                    )  # fmt: skip
                elif action == "lose":
                    opportunity_lose(opportunity=target, by=cast.supervisor, reason="价格", on=on)
                elif action == "reopen":
                    opportunity_reopen(
                        opportunity=target, by=cast.supervisor, reason="回来了", on=on
                    )
                elif action == "owner":
                    other = cast.teammate if target.owner == cast.salesperson else cast.salesperson
                    opportunity_update(
                        opportunity=target, version=None, by=cast.supervisor, owner=other
                    )
                else:
                    opportunity_update(
                        opportunity=target, version=None, by=cast.supervisor,
                        amount=Decimal(number * 777) / 100,
                    )  # fmt: skip
            except DomainError:
                pass  # refused (a move not allowed from where the deal is): nothing written
            assert funnel_rollup.differences() == []
        same_from_months_and_history(
            cast, Period(today - timedelta(days=364), today), today, settings
        )
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_verify_finds_a_tampered_funnel_month_and_the_repair_mends_it(cast):
    deal = opportunity_create(
        customer=CustomerFactory(owner=cast.salesperson),
        owner=cast.salesperson,
        name="漏斗项目",
        expected_close=base.today() + timedelta(days=30),
        amount=Decimal("1200.00"),
        by=cast.salesperson,
    )
    opportunity_override(opportunity=deal, to_stage="S4", by=cast.supervisor, reason="老客户")
    assert CHECK_NAMES.index("funnel") > CHECK_NAMES.index("amount")  # after the copies
    assert _funnel_finding(verify()).count == 0

    FunnelMonth.objects.filter(owner=cast.salesperson).update(reached_s4=7)
    FunnelMonth.objects.create(owner=cast.teammate, month=date(2020, 1, 1), cohort=1)
    found = _funnel_finding(verify(repair=True))
    assert found.count == 3 and found.repaired  # the stored row, its fresh one, the stray row
    assert _funnel_finding(verify()).count == 0
    assert FunnelMonth.objects.get(owner=cast.salesperson).reached_s4 == 1


def _funnel_finding(findings):
    return next(finding for finding in findings if finding.check == "funnel")
