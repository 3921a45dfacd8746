"""The forecast rollup: kept in step by the services, and the forecast read from it is the
forecast read from the opportunities (`state.py`'s reading), to the cent, whenever it is
used."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.errors import DomainError
from salespath.forecast import rollups
from salespath.forecast.models import (
    ForecastDay,
    ForecastDayChange,
    ForecastDayMark,
    ForecastRollup,
)
from salespath.forecast.queries import forecast
from salespath.forecast.state import Horizon, fiscal_start_month
from salespath.notifications.jobs import JOBS, run_due
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity
from salespath.pipeline.services import base
from salespath.pipeline.services.contract import contract_sign
from salespath.pipeline.services.moves import (
    opportunity_lose,
    opportunity_override,
    opportunity_reopen,
)
from salespath.pipeline.services.opportunities import opportunity_create, opportunity_update
from tests.factories import CustomerFactory, batch
from tests.forecast.builders import deal, lose, reopen, sign, win

CATEGORIES = ["commit", "best_case", "pipeline", "omitted"]


@pytest.fixture(autouse=True)
def _rollup_on(settings):
    settings.SALESPATH_FORECAST_ROLLUP = True


def cutoffs(today: date) -> list[date]:
    """Today, month ends, and days whose + 3k months fall early, mid and late in a month."""
    days = [today, today + timedelta(days=1)]
    for months in (0, 1, 2, 5):
        first = base.today().replace(day=1)
        month = (first.month - 1 + months) % 12 + 1
        year = first.year + (first.month - 1 + months) // 12
        start = date(year, month, 1)
        days += [start, start + timedelta(days=14), (start + timedelta(days=32)).replace(day=1)]
        days.append((start + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    return sorted({d for d in days if d >= today})


def scopes(cast) -> list[Scope]:
    return [
        Scope("company"),
        Scope("team", team=cast.salesperson.team),
        Scope("person", person=cast.teammate),
    ]


def assert_same_forecasts(cast, days, drawn: int | None = None) -> None:
    """Every scope and weighting, both views; with `drawn`, that one scope and weighting of
    the six (a property test draws it, so that its examples cover them all)."""
    pairs = [(scope, weighted) for scope in scopes(cast) for weighted in (False, True)]
    if drawn is not None:
        pairs = [pairs[drawn % len(pairs)]]
    for as_of in days:
        assert rollups.covers(as_of)
        for scope, weighted in pairs:
            for view in ("time", "category"):
                fast = forecast(scope, as_of, view, weighted=weighted)
                slow = forecast(scope, as_of, view, weighted=weighted, rollup=False)
                assert fast == slow, (as_of, scope.kind, view, weighted)


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "create", "amount", "close", "category", "probability", "owner", "lose"]
            + ["reopen", "override", "sign"]
        ),
        st.integers(0, 20),  # which opportunity
        st.integers(-200, 500),  # days, or cents / 100
        st.sampled_from(CATEGORIES),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS, cutoff=st.integers(0, 5), drawn=st.integers(0, 5))
def test_changes_through_the_services_keep_the_rollup_equal_to_a_rebuild(
    cast, actions, cutoff, drawn
):
    """Each example checks the stored rows after every change, and compares the forecasts
    on one of six cutoffs for one of six scopes and weightings (both views): across the
    examples every cutoff, scope and weighting is drawn, at a thirty-sixth of the cost."""
    today = base.today()
    customer = CustomerFactory(owner=cast.salesperson)
    with transaction.atomic():
        rollups.prepare_day(today)  # so every change also rewrites the day's rows
        made = []
        for action, which, number, category in actions:
            target = made[which % len(made)] if made else None
            target = target and type(target).objects.get(pk=target.pk)
            try:
                if action == "create" or target is None:
                    made.append(
                        opportunity_create(
                            customer=customer,
                            owner=cast.salesperson,
                            name=f"项目{len(made)}",
                            expected_close=today + timedelta(days=abs(number)),
                            amount=Decimal(abs(number) * 1000) + Decimal("0.35"),
                            forecast_category=category,
                            created_on=today - timedelta(days=30),
                            by=cast.salesperson,
                        )
                    )
                elif action == "owner":
                    other = cast.teammate if target.owner == cast.salesperson else cast.salesperson
                    opportunity_update(
                        opportunity=target, version=None, by=cast.supervisor, owner=other
                    )
                elif action == "lose":
                    opportunity_lose(opportunity=target, by=cast.supervisor, reason="价格")
                elif action == "reopen":
                    opportunity_reopen(opportunity=target, by=cast.supervisor, reason="回来了")
                elif action == "override":  # past the gate; to S7 is a win
                    opportunity_override(
                        opportunity=target,
                        to_stage=["S4", "S6", "S7"][abs(number) % 3],
                        by=cast.supervisor,
                        reason="客户高层已拍板",
                    )
                elif action == "sign":
                    contract_sign(
                        opportunity=target,
                        signed_on=today - timedelta(days=abs(number) % 20),
                        amount=target.amount,
                        payment_terms="一次付清",
                        installments=[(today, target.amount)],
                        by=target.owner,
                    )
                else:
                    change = {
                        "amount": Decimal(abs(number) * 777) / 100,
                        "close": today + timedelta(days=number),
                        "category": category,
                        "probability": abs(number) % 101,
                    }[action]
                    field = "expected_close" if action == "close" else action
                    field = "forecast_category" if action == "category" else field
                    opportunity_update(
                        opportunity=target, version=None, by=cast.supervisor, **{field: change}
                    )
            except DomainError:
                pass  # refused (e.g. a close date before creation): nothing was written
            assert rollups.differences() == []
        days = cutoffs(today)[:6]
        assert_same_forecasts(cast, [days[cutoff % len(days)]], drawn)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deals=st.lists(
        st.tuples(
            st.integers(0, 1),  # owner
            st.integers(0, 900),  # days from creation to expected close
            st.integers(1, 10_000_000),  # cents
            st.sampled_from(CATEGORIES),
            st.sampled_from(["S2", "S4", "S6"]),
            st.sampled_from([None, "signed", "won", "lost", "reopened"]),
        ),
        min_size=1,
        max_size=10,
    ),
    as_of=st.dates(date(2027, 1, 1), date(2028, 12, 31)),
    start_month=st.integers(1, 12),
)
def test_forecast_from_the_rollup_equals_the_forecast_from_the_opportunities(
    cast, settings, deals, as_of, start_month
):
    """Rich histories (signed, won, lost and reopened in the past), read on any day after
    everything happened, in fiscal years starting in any month: the rollup's SQL agrees with
    `state.py`'s columns in every cell, total, count and overdue list, to the cent."""
    settings.SALESPATH_FISCAL_YEAR_START_MONTH = start_month
    with transaction.atomic():
        with batch():  # kept once, as one writer of many deals keeps them
            for owner, close_after, amount_cents, category, stage, event in deals:
                created = date(2024, 11, 3) + timedelta(days=close_after % 400)
                opportunity = deal(
                    [cast.salesperson, cast.teammate][owner],
                    amount=Decimal(amount_cents) / 100,
                    close=created + timedelta(days=close_after),
                    category=category,
                    created=created,
                    stage=stage,
                )
                when = created + timedelta(days=20)
                if event in ("signed", "won"):
                    sign(opportunity, when)
                if event == "won":
                    win(opportunity, when + timedelta(days=5))
                if event in ("lost", "reopened"):
                    lose(opportunity, when)
                if event == "reopened":
                    reopen(opportunity, when + timedelta(days=3))
        rollups.rebuild()
        assert_same_forecasts(cast, [as_of])
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_an_event_after_the_cutoff_date_reads_the_opportunities(cast):
    """The state on D of a deal signed after D is not its current row."""
    opportunity = deal(cast.salesperson, close=date(2026, 9, 30), category="commit")
    sign(opportunity, date(2026, 8, 10))
    rollups.rebuild()
    assert not rollups.covers(date(2026, 8, 9))
    assert rollups.covers(date(2026, 8, 10))
    before = forecast(Scope("company"), date(2026, 8, 9), "category")
    assert before["total"]["values"]["booked"] == "0.00"
    assert before["total"]["values"]["commit_q"] == "100000.00"
    after = forecast(Scope("company"), date(2026, 8, 10), "category")
    assert after["total"]["values"]["booked"] == "100000.00"


@pytest.mark.django_db
@pytest.mark.parametrize("deals", [1, 12])
def test_the_rollup_path_runs_the_same_queries_whatever_the_data(
    cast, deals, django_assert_num_queries
):
    today = base.today()
    with batch():  # kept once, as one writer of many deals keeps them
        for n in range(deals):
            deal([cast.salesperson, cast.teammate][n % 2], close=today + timedelta(days=80 + n % 8))
    rollups.rebuild()
    team = Scope("team", team=cast.salesperson.team)
    forecast(Scope("company"), today, "time")  # the day's first forecast prepares its rows
    # today: coverage, the day's mark, the day's rows, people, overdue
    with django_assert_num_queries(5):
        forecast(Scope("company"), today, "time")
    with django_assert_num_queries(5):
        forecast(team, today, "category")
    # another day: coverage, the mark, the month rollup, the boundary months' days (unless
    # every D + 3k months is a month end), people, overdue
    tomorrow = today + timedelta(days=1)
    splits = (
        0 if all(rollups._time_splits(Horizon.on(tomorrow))[k][1] is None for k in range(4)) else 1
    )
    with django_assert_num_queries(5 + splits):
        forecast(Scope("company"), tomorrow, "time")
    with django_assert_num_queries(5):
        forecast(team, tomorrow, "category")


@pytest.mark.django_db
def test_check_finds_a_tampered_row_and_rebuild_mends_it(cast):
    deal(cast.salesperson)
    call_command("forecast-rollup", "--rebuild")
    call_command("forecast-rollup", "--check")
    ForecastRollup.objects.filter(view="time", category="").update(amount=1)
    with pytest.raises(CommandError):
        call_command("forecast-rollup", "--check")
    call_command("forecast-rollup", "--rebuild")
    call_command("forecast-rollup", "--check")
    # the changes of the day the deal was created, which a forecast between month ends adds
    assert ForecastDayChange.objects.filter(day=date(2026, 1, 10)).update(amount=1) > 0
    with pytest.raises(CommandError):
        call_command("forecast-rollup", "--check")
    call_command("forecast-rollup", "--rebuild")
    call_command("forecast-rollup", "--check")


@pytest.mark.django_db
def test_the_forecast_lists_the_oldest_overdue_deals_and_counts_them_all(cast):
    today = base.today()
    for days in (40, 10, 25):
        deal(cast.salesperson, close=today - timedelta(days=days), created=today - timedelta(60))
    deal(cast.salesperson, close=today + timedelta(days=5), created=today - timedelta(60))
    rollups.rebuild()
    for rollup in (True, False):
        for as_of in (today, today + timedelta(days=1)):  # the day's rows; the month rollup
            report = forecast(Scope("company"), as_of, "time", overdue_limit=2, rollup=rollup)
            assert report["overdue_count"] == 3
            closes = [item["expected_close"] for item in report["overdue"]]
            assert closes == [str(today - timedelta(40)), str(today - timedelta(25))]
            everything = forecast(Scope("company"), as_of, "time", overdue_limit=None)
            assert len(everything["overdue"]) == everything["overdue_count"] == 3


@pytest.mark.django_db
def test_the_days_rows_are_prepared_again_on_a_new_day(cast):
    today = base.today()
    opportunity = deal(cast.salesperson, close=today + timedelta(days=20), category="commit")
    rollups.rebuild()
    rollups.prepare_day(today - timedelta(days=1))  # yesterday's rows, left over
    first = forecast(Scope("company"), today, "category")
    assert ForecastDayMark.objects.get().day == today - timedelta(days=1)  # a read: no write
    assert first == forecast(Scope("company"), today, "category", rollup=False)
    # the first change on a day whose rows are stale prepares the day's, after the change
    opportunity_update(opportunity=opportunity, version=None, by=cast.salesperson, amount=5)
    assert ForecastDayMark.objects.get().day == today
    assert ForecastDay.objects.exists()
    assert forecast(Scope("company"), today, "category") == forecast(
        Scope("company"), today, "category", rollup=False
    )


@pytest.mark.django_db
def test_the_daily_job_prepares_the_days_rows_before_anyone_writes(cast):
    """Past midnight, the day's first forecasts do not wait for its first change: the
    scheduled job prepares the day's rows, once."""
    today = base.today()
    deal(cast.salesperson, close=today + timedelta(days=20), category="commit")
    rollups.rebuild()
    rollups.prepare_day(today - timedelta(days=1))  # yesterday's rows, left over
    now = base.timezone.now()
    ran = {o.job: o.count for o in run_due(now=now, jobs=JOBS) if o.ran}
    assert ran["forecast-day"] == 1
    assert ForecastDayMark.objects.get().day == today
    horizon = Horizon(today, fiscal_start_month())
    assert rollups.day_sums(horizon, "category", Q()) is not None  # what today's reads use
    assert forecast(Scope("company"), today, "category") == forecast(
        Scope("company"), today, "category", rollup=False
    )
    rollups.prepare_day(today - timedelta(days=1))
    assert "forecast-day" not in {o.job for o in run_due(now=now, jobs=JOBS) if o.ran}


@pytest.mark.django_db
@pytest.mark.drift("day_rows")
def test_check_finds_a_tampered_day_row(cast):
    deal(cast.salesperson, close=base.today() + timedelta(days=20))
    rollups.rebuild()
    rollups.prepare_day(base.today())
    assert rollups.differences() == []
    ForecastDay.objects.filter(view="time").update(amount_1=1)
    assert rollups.differences()


@pytest.mark.django_db
def test_signing_and_winning_through_the_services_keep_the_rollup_and_the_days_rows(cast):
    """The hypothesis sequence may draw these; here they surely happen, on a prepared day."""
    today = base.today()
    rollups.prepare_day(today)
    opportunity = opportunity_create(
        customer=CustomerFactory(owner=cast.salesperson),
        owner=cast.salesperson,
        name="签约项目",
        expected_close=today + timedelta(days=40),
        amount=Decimal("880000.50"),
        forecast_category="commit",
        created_on=today - timedelta(days=60),
        by=cast.salesperson,
    )
    before = forecast(Scope("company"), today, "category")
    contract_sign(
        opportunity=opportunity,
        signed_on=today - timedelta(days=1),
        amount=opportunity.amount,
        payment_terms="一次付清",
        installments=[(today, opportunity.amount)],
        by=cast.salesperson,
    )
    opportunity_override(
        opportunity=opportunity, to_stage="S7", by=cast.supervisor, reason="客户高层已拍板"
    )
    assert rollups.differences() == []
    after = forecast(Scope("company"), today, "category")
    assert after == forecast(Scope("company"), today, "category", rollup=False)
    assert before["total"]["values"]["booked"] == "0.00"
    assert after["total"]["values"]["booked"] == "880000.50"
    closed = forecast(Scope("company"), today, "time")
    assert closed == forecast(Scope("company"), today, "time", rollup=False)
    assert closed["total"]["values"]["closed"] == "880000.50"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_forward_fills_the_rollup_of_deals_made_before_it(cast):
    """An upgrade from before the rollup: the migration only makes the table, and the check
    after `migrate` fills it from the deals already there, with today's SQL on today's
    schema."""
    deal(cast.salesperson, amount="1000.00")
    deal(cast.salesperson, amount="250.00", category="commit")
    call_command("migrate", "forecast", "0001", verbosity=0)
    call_command("migrate", verbosity=0)
    assert ForecastRollup.objects.exists()
    assert rollups.differences() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_to_an_earlier_point_leaves_the_derived_data_alone(cast):
    deal(cast.salesperson, amount="1000.00")
    call_command("migrate", "forecast", "0002", verbosity=0)  # the day rows' tables are gone
    call_command("migrate", verbosity=0)
    assert rollups.differences() == []


def test_no_migration_imports_the_projects_code():
    """A migration runs against the schema of its own time; today's code may expect columns
    that did not exist then. Migrations carry their own SQL."""
    root = Path(__file__).resolve().parents[2] / "salespath"
    importing = [
        str(path.relative_to(root))
        for path in root.glob("*/migrations/*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("salespath")
        or isinstance(node, ast.Import)
        and any(a.name.startswith("salespath") for a in node.names)
    ]
    assert importing == []


@pytest.mark.django_db
def test_a_bulk_update_keeps_the_rollup(cast):
    """`Opportunity.objects.filter(…).update(amount=…)` is a write path too: the forecast
    from the rollup and the forecast from the opportunities agree after it."""
    first = deal(cast.salesperson, amount="1000.00", category="commit")
    deal(cast.salesperson, amount="2000.00")
    rollups.rebuild()
    Opportunity.objects.filter(pk=first.pk).update(amount=Decimal("5.00"))
    assert rollups.differences() == []
    Opportunity.objects.filter(owner=cast.salesperson).update(owner=cast.supervisor)
    assert rollups.differences() == []
    assert set(ForecastRollup.objects.values_list("owner", flat=True)) == {cast.supervisor.pk}
