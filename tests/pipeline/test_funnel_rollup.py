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
from salespath.lib.fiscal import Period, add_months
from salespath.org.scopes import Scope
from salespath.pipeline import funnel_rollup
from salespath.pipeline.funnel import split, stage_funnel
from salespath.pipeline.models import FunnelMonth, Opportunity, StageChange, Status
from salespath.pipeline.models.funnel import MEASURES
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
            + ["owner", "amount", "bulk owner"]
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
@given(actions=ACTIONS, others=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 400))))
def test_changes_through_the_services_keep_the_funnel_months_equal_to_a_rebuild(
    cast, settings, actions, others
):
    """Each write moves its deal's share out of the months and back in; the months it
    shares with other deals (written directly, rolled up by `rebuild`) stay true too."""
    today = base.today()
    customer = CustomerFactory(owner=cast.salesperson)
    with transaction.atomic():
        for owner, created_ago in others[:6]:
            OpportunityFactory(
                owner=[cast.salesperson, cast.teammate][owner],
                created_on=today - timedelta(days=created_ago),
                expected_close=today + timedelta(days=30),
            )
        funnel_rollup.rebuild()
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
                elif action == "bulk owner":  # announces the owners alone: theirs recomputed
                    other = cast.teammate if target.owner == cast.salesperson else cast.salesperson
                    Opportunity.objects.filter(pk=target.pk).update(owner=other)
                else:
                    opportunity_update(
                        opportunity=target, version=None, by=cast.supervisor,
                        amount=Decimal(number * 777) / 100,
                    )  # fmt: skip
            except DomainError:
                pass  # refused (a move not allowed from where the deal is): nothing written
            assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
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


def _months(owner) -> set[date]:
    return set(FunnelMonth.objects.filter(owner=owner).values_list("month", flat=True))


def _create(cast, created_on: date, name: str) -> Opportunity:
    return opportunity_create(
        customer=CustomerFactory(owner=cast.salesperson),
        owner=cast.salesperson,
        name=name,
        expected_close=base.today() + timedelta(days=30),
        amount=Decimal("50000.00"),
        created_on=created_on,
        by=cast.salesperson,
    )


@pytest.mark.django_db
def test_every_write_of_the_services_keeps_the_funnel_months_equal_to_a_rebuild(cast):
    today = base.today()
    created = add_months(today.replace(day=1), -7) + timedelta(days=3)
    deal = _create(cast, created, "漏斗项目")
    _create(cast, add_months(created, 4), "同一客户经理的另一个项目")
    assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
    steps = [
        lambda: opportunity_override(
            opportunity=deal, to_stage="S4", by=cast.supervisor, reason="老客户",
            on=add_months(created, 1),
        ),
        lambda: opportunity_move_back(
            opportunity=deal, to_stage="S3", by=cast.salesperson, reason="客户重新评估",
            on=add_months(created, 2),
        ),
        lambda: opportunity_lose(
            opportunity=deal, by=cast.salesperson, reason="价格", on=add_months(created, 3)
        ),
        lambda: opportunity_reopen(
            opportunity=deal, by=cast.salesperson, reason="回来了", on=add_months(created, 5)
        ),
        lambda: opportunity_update(
            opportunity=deal, version=None, by=cast.salesperson, amount=Decimal("65000.00")
        ),
        lambda: opportunity_override(
            opportunity=deal, to_stage="S7", by=cast.supervisor, reason="签了",
            on=add_months(created, 6),
        ),
    ]  # fmt: skip
    for step in steps:
        step()
        deal.refresh_from_db()
        assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
    own = _months(cast.salesperson)
    assert {created.replace(day=1), add_months(created, 5).replace(day=1)} <= own

    # a new owner: the months only this deal was in leave the old owner's rows
    opportunity_update(opportunity=deal, version=None, by=cast.supervisor, owner=cast.teammate)
    assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
    assert created.replace(day=1) not in _months(cast.salesperson)
    assert add_months(created, 4).replace(day=1) in _months(cast.salesperson)  # the other deal
    assert own - {add_months(created, 4).replace(day=1)} <= _months(cast.teammate)


def _rows(owner) -> dict[date, dict]:
    return {
        row["month"]: row
        for row in FunnelMonth.objects.filter(owner=owner).values("month", *MEASURES)
    }


@pytest.mark.django_db
def test_a_write_of_one_deal_moves_only_its_own_share(cast):
    today = base.today()
    far = add_months(today.replace(day=1), -9)
    _create(cast, far + timedelta(days=4), "去年的项目")
    deal = _create(cast, add_months(far, 6) + timedelta(days=2), "今年的项目")
    _create(cast, add_months(far, 6) + timedelta(days=9), "同月的另一个项目")
    # two rows gone wrong: one the deal is not in, one it shares with the other deal
    FunnelMonth.objects.filter(owner=cast.salesperson, month=far).update(cohort=99)
    shared = add_months(far, 6)
    FunnelMonth.objects.filter(owner=cast.salesperson, month=shared).update(lost=5)
    before = _rows(cast.salesperson)

    opportunity_override(opportunity=deal, to_stage="S4", by=cast.supervisor, reason="老客户")
    after = _rows(cast.salesperson)
    # only the deal's months changed (its cohort's, and today's: its S2 stay ended, its S4
    # stay began); the far row is as wrong as it was, the shared row's error is kept
    assert {
        month for month in before.keys() | after.keys() if before.get(month) != after.get(month)
    } <= {
        shared,
        today.replace(day=1),
    }
    assert after[far]["cohort"] == 99
    assert after[shared]["lost"] == 5 and after[shared]["reached_s4"] == 1
    found = funnel_rollup.differences()
    assert {(side, row[0], row[1]) for side, row in found} == {
        (side, cast.salesperson.pk, month.isoformat())
        for side in ("stored", "fresh")
        for month in (far, shared)
    }

    # a bulk update names the owners, not the deals: all their months are recomputed
    Opportunity.objects.filter(pk=deal.pk).update(amount=Decimal("70000.00"))
    assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
    assert FunnelMonth.objects.get(owner=cast.salesperson, month=far).cohort == 1


@pytest.mark.django_db
def test_an_import_keeps_the_months_its_deals_were_in_and_are_in(cast, tmp_path):
    from salespath.imports.services import import_files
    from tests.imports.helpers import OPPORTUNITY_HEADERS, write_xlsx

    CustomerFactory(external_id="C1", name="广州重工集团", owner=cast.salesperson)
    start = add_months(base.today().replace(day=1), -10)

    def day(months: int, days: int) -> str:
        return (add_months(start, months) + timedelta(days=days)).isoformat()

    def imported(rows, history, name):
        sheets = {
            "商机": [OPPORTUNITY_HEADERS, *rows],
            "阶段历史": [["外部编号", "阶段", "进入日期", "状态"], *history],
        }
        import_files(paths=[write_xlsx(tmp_path / name, sheets)])

    def row(key, owner, stage, created, status=""):
        return [key, f"项目{key}", "C1", owner, stage, status, day(9, 0), "", "", "", "", created]

    imported(
        [row("P1", "li", "S3", day(0, 1)), row("P2", "li", "S4", day(1, 5))],
        [
            ["P1", "S2", day(0, 1), ""],
            ["P1", "S3", day(2, 14), ""],
            ["P2", "S2", day(1, 5), ""],
            ["P2", "S4", day(3, 2), ""],
        ],
        "first.xlsx",
    )
    assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
    month = [add_months(start, n) for n in range(10)]
    assert {month[0], month[1], month[2], month[3]} <= _months(cast.salesperson)

    # P1 corrected: created later, another owner, another history (an import's own
    # history is replaced); P2 another stage
    imported(
        [row("P1", "wang", "S4", day(4, 2)), row("P2", "li", "S5", day(1, 5))],
        [
            ["P1", "S2", day(4, 2), ""],
            ["P1", "S4", day(5, 20), ""],
            ["P2", "S2", day(1, 5), ""],
            ["P2", "S4", day(3, 2), ""],
            ["P2", "S5", day(6, 1), ""],
        ],
        "corrected.xlsx",
    )
    assert funnel_rollup.differences() == [] and funnel_rollup.day_differences() == (0, [])
    assert _months(cast.salesperson) == {month[1], month[3], month[6]}  # P1's months are gone
    assert _months(cast.teammate) == {month[4], month[5]}
