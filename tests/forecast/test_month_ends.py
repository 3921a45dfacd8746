"""The forecast on a past date from the month ends' rows (`forecast/month_ends.py`) is the
forecast read from the opportunities and their history (`state.py`), to the cent, and the
writers and the daily job keep those rows equal to a fresh computation."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from salespath.forecast import month_ends
from salespath.forecast.models import ForecastMonthEnd, ForecastMonthEndRow
from salespath.forecast.queries import forecast
from salespath.lib.fiscal import add_months
from salespath.notifications.jobs import JOBS, run_due
from salespath.org.scopes import Scope
from salespath.pipeline.models import StageChange
from salespath.pipeline.services import base
from salespath.pipeline.services.contract import contract_sign
from salespath.pipeline.services.moves import opportunity_lose
from salespath.pipeline.services.opportunities import opportunity_create, opportunity_update
from tests.factories import CustomerFactory, batch
from tests.forecast.builders import deal, lose, move, reopen, sign, win

CATEGORIES = ["commit", "best_case", "pipeline", "omitted"]


@pytest.fixture(autouse=True)
def _rollup_on(settings):
    settings.SALESPATH_FORECAST_ROLLUP = True


def assert_same_past_forecasts(cast, days) -> None:
    """Every scope, view and weighting on each of `days` from the month ends, their rows
    added up by column and summed per column apart (`month_ends.BUCKETED_ON`, whichever
    engine runs the tests), equals the forecast read from the opportunities."""
    scopes = [
        Scope("company"),
        Scope("team", team=cast.salesperson.team),
        Scope("person", person=cast.teammate),
    ]
    shapes = {"bucketed": ("sqlite", "postgresql"), "per column": ()}
    for as_of in days:
        assert month_ends.start_for(as_of) is not None  # the month ends' path is taken
        for scope in scopes:
            for view in ("time", "category"):
                for weighted in (False, True):
                    slow = forecast(
                        scope, as_of, view, weighted=weighted, overdue_limit=3, rollup=False
                    )
                    for shape, engines in shapes.items():
                        with patched(month_ends, "BUCKETED_ON", engines):
                            fast = forecast(scope, as_of, view, weighted=weighted, overdue_limit=3)
                        assert fast == slow, (as_of, scope.kind, view, weighted, shape)


@contextmanager
def patched(module, name: str, value):
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


def assert_rows_as_read_directly() -> None:
    """The rows kept at each month end, made one from the other (`month_ends._fresh`), are
    those read from every opportunity at that month end."""
    with connection.cursor() as cursor:
        for end in month_ends.kept():
            cursor.execute(month_ends._select([end], "1 = 1"), [])
            direct = sorted(map(month_ends._key, cursor.fetchall()))
            kept = ForecastMonthEndRow.objects.filter(month_end=end)
            stored = sorted(
                month_ends._key(row)
                for row in kept.values_list("month_end", *month_ends.rollups.COLUMNS.split(", "))
            )
            assert stored == direct, end


@pytest.mark.django_db
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deals=st.lists(
        st.tuples(
            st.integers(0, 1),  # owner
            st.integers(0, 1200),  # days after the window's start it was created
            st.integers(-60, 500),  # days from creation to expected close
            st.integers(1, 10_000_000),  # cents
            st.sampled_from(CATEGORIES),
            st.sampled_from(["S2", "S4", "S6"]),
            st.sampled_from([None, "signed", "won", "lost", "reopened"]),
            st.integers(1, 200),  # days from creation to the event
        ),
        min_size=1,
        max_size=10,
    ),
    offset=st.integers(0, 1200),  # the forecast's day, days after the window's start
    start_month=st.integers(1, 12),
)
def test_a_forecast_on_a_past_date_equals_the_forecast_from_the_opportunities(
    cast, settings, deals, offset, start_month
):
    """Deals created, signed, won, lost and reopened over the last three years, read on any
    day of them (month ends and days between, with events after the month end before it),
    in fiscal years starting in any month: every cell, total, count and overdue list."""
    settings.SALESPATH_FISCAL_YEAR_START_MONTH = start_month
    note(f"deals={deals!r} offset={offset} start_month={start_month}")
    today = base.today()
    first = month_ends.window(today)[0]
    with transaction.atomic():
        with batch():
            for owner, created_after, close_after, cents, category, stage, event, later in deals:
                created = min(first + timedelta(days=created_after), today - timedelta(days=1))
                opportunity = deal(
                    [cast.salesperson, cast.teammate][owner],
                    amount=Decimal(cents) / 100,
                    close=max(created, created + timedelta(days=close_after)),
                    category=category,
                    created=created,
                    stage=stage,
                )
                when = min(created + timedelta(days=later), today)
                if event in ("signed", "won"):
                    sign(opportunity, when)
                if event == "won":
                    win(opportunity, min(when + timedelta(days=5), today))
                if event in ("lost", "reopened"):
                    lose(opportunity, when)
                if event == "reopened":
                    reopen(opportunity, min(when + timedelta(days=3), today))
        month_ends.rebuild()
        assert_rows_as_read_directly()
        as_of = min(first + timedelta(days=offset), today - timedelta(days=1))
        assert_same_past_forecasts(cast, [as_of, month_ends.start_for(as_of)])
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("many", [0, month_ends.MANY])
def test_changes_through_the_services_keep_the_month_ends(cast, monkeypatch, many):
    """Created, changed, signed and lost through the services after the month ends were
    prepared: their rows equal a fresh computation, and forecasts on past dates agree. With
    `MANY` 0, each deal's rows are made one month end from the other, as for many deals."""
    monkeypatch.setattr(month_ends, "MANY", many)
    today = base.today()
    customer = CustomerFactory(owner=cast.salesperson)
    old = opportunity_create(
        customer=customer,
        owner=cast.salesperson,
        name="老项目",
        expected_close=add_months(today, -2),
        amount=Decimal("300000"),
        created_on=add_months(today, -14),
        by=cast.salesperson,
    )
    month_ends.rebuild()
    made = opportunity_create(
        customer=customer,
        owner=cast.salesperson,
        name="回溯项目",
        expected_close=today - timedelta(days=20),
        amount=Decimal("500000.35"),
        forecast_category="commit",
        created_on=add_months(today, -5),
        by=cast.salesperson,
    )
    assert month_ends.differences() == []
    opportunity_update(opportunity=made, version=None, by=cast.salesperson, amount=Decimal("77"))
    opportunity_lose(opportunity=old, by=cast.salesperson, reason="价格")
    opportunity_update(opportunity=old, version=None, by=cast.supervisor, owner=cast.teammate)
    assert_rows_as_read_directly()
    contract_sign(
        opportunity=made,
        signed_on=today - timedelta(days=40),
        amount=Decimal("77"),
        payment_terms="一次付清",
        installments=[(today, Decimal("77"))],
        by=cast.salesperson,
    )
    assert month_ends.differences() == []
    ends = month_ends.kept()
    assert_same_past_forecasts(cast, [ends[-1], ends[-2] + timedelta(days=9), ends[-8]])


@pytest.mark.django_db
def test_a_deal_overdue_on_a_past_date_is_listed_though_lost_since(cast):
    """Overdue on D: open on D with a close date on or before it, whatever happened after;
    the list is read in two parts (open now; done or lost since D). A deal won after D
    closes on its S7 date (`state.close_date`): it was not overdue on D."""
    today = base.today()
    as_of = month_ends.window(today)[-3] + timedelta(days=10)
    created = as_of - timedelta(days=200)
    still_open = deal(cast.salesperson, created=created, close=as_of - timedelta(days=30))
    won_later = deal(cast.salesperson, created=created, close=as_of - timedelta(days=60))
    win(won_later, as_of + timedelta(days=5))
    lost_later = deal(cast.teammate, created=created, close=as_of - timedelta(days=90))
    lose(lost_later, as_of + timedelta(days=1))
    lost_before = deal(cast.teammate, created=created, close=as_of - timedelta(days=100))
    lose(lost_before, as_of - timedelta(days=1))
    month_ends.rebuild()
    for view in ("time", "category"):
        report = forecast(Scope("company"), as_of, view, overdue_limit=1)
        assert report["overdue_count"] == 2
        assert [item["opportunity"] for item in report["overdue"]] == [lost_later.pk]
        everything = forecast(Scope("company"), as_of, view, overdue_limit=None)
        listed = [item["opportunity"] for item in everything["overdue"]]
        assert listed == [lost_later.pk, still_open.pk]
        assert everything == forecast(
            Scope("company"), as_of, view, overdue_limit=None, rollup=False
        )


@pytest.mark.django_db
def test_a_date_late_in_its_month_starts_from_that_month_end_and_reads_the_same(cast):
    """Two days before a month end the forecast starts from that month end, taking back
    what happened in those two days: a deal created, one signed, one won, one lost, one
    closing (overdue on D only if its close date is by D)."""
    today = base.today()
    end = month_ends.window(today)[-4]
    as_of = end - timedelta(days=2)
    created = as_of - timedelta(days=100)
    deal(cast.salesperson, created=end - timedelta(days=1), close=end + timedelta(days=40))
    sign(deal(cast.salesperson, created=created, close=as_of), end)
    win(deal(cast.teammate, created=created, close=as_of - timedelta(days=3)), end)
    lose(deal(cast.teammate, created=created, close=as_of - timedelta(days=20)), end)
    deal(cast.salesperson, created=created, close=as_of - timedelta(days=1))  # overdue on D
    deal(cast.salesperson, created=created, close=end)  # not yet on D
    month_ends.rebuild()
    assert month_ends.start_for(as_of) == end
    assert month_ends.start_for(end.replace(day=3)) == end.replace(day=1) - timedelta(days=1)
    assert_same_past_forecasts(cast, [as_of])
    report = forecast(Scope("company"), as_of, "time", overdue_limit=None)
    # closing by D and open on D: the signed, the lost and the plain one; the deal won after
    # D closes on its S7 date (`state.close_date`), after D
    assert report["overdue_count"] == 3


@pytest.mark.django_db
def test_deals_read_one_by_one_on_a_past_date_are_lost_on_it_as_their_history_says(cast):
    """The boundary days of the time view (D + 3 months, read from the opportunities) and
    the deals closing in D's month by D are checked one by one, their history read only if
    they left a loss after D (`history.not_lost_few`): a deal lost before D and reopened
    after it was lost on D, and so was one moved between stages while lost; one lost and
    reopened before D, or lost after D, was not."""
    today = base.today()
    as_of = month_ends.window(today)[-8] + timedelta(days=16)  # the 16th of a month
    boundary = add_months(as_of, 3) + timedelta(days=4)  # in the days read one by one
    overdue = as_of - timedelta(days=6)  # closing in D's month, by D
    created = as_of - timedelta(days=120)
    lost_on_d = []
    for close in (boundary, overdue):
        reopened_since = lose(
            deal(cast.salesperson, created=created, close=close), as_of - timedelta(days=9)
        )
        reopen(reopened_since, as_of + timedelta(days=9))
        moved_while_lost = lose(
            deal(cast.teammate, created=created, close=close), as_of - timedelta(days=5)
        )
        move(moved_while_lost, "S3", as_of + timedelta(days=2))
        lost_on_d += [reopened_since, moved_while_lost]
        reopen(
            lose(deal(cast.salesperson, created=created, close=close), as_of - timedelta(days=30)),
            as_of - timedelta(days=20),
        )
        lose(deal(cast.teammate, created=created, close=close), as_of + timedelta(days=3))
    assert all(
        StageChange.objects.filter(
            opportunity=d, from_status="lost", effective_on__gt=as_of
        ).exists()
        for d in lost_on_d
    )
    month_ends.rebuild()
    assert_same_past_forecasts(cast, [as_of])
    report = forecast(Scope("company"), as_of, "time", overdue_limit=None)
    # two deals counted of each four: closing in m3_6 (the boundary's month goes to it by
    # the day), and overdue in m0_3
    assert report["total"]["counts"]["m3_6"] == 2
    assert report["total"]["counts"]["m0_3"] == report["overdue_count"] == 2


@pytest.mark.django_db
def test_months_in_which_nothing_happened_still_let_deals_done_a_year_before_go(cast):
    """Two deals won in the window's first months and nothing after: every later month end
    is made from the one before without an event between them, and still leaves each out
    from the month end a year after its win, as a read of the opportunities at that month
    end does; a forecast on a day of such a month reads the same either way."""
    today = base.today()
    ends = month_ends.window(today)
    for months, owner in ((1, cast.salesperson), (2, cast.teammate)):
        won_on = ends[months] - timedelta(days=5)
        created = won_on - timedelta(days=40)
        win(deal(owner, created=created, close=won_on), won_on)
    month_ends.rebuild()
    assert_rows_as_read_directly()
    # time view rows done in the first months: kept for a year, then gone
    done = ForecastMonthEndRow.objects.filter(view="time", done_month__isnull=False)
    assert done.filter(month_end=ends[10]).count() == 2
    assert not done.filter(month_end=ends[-1]).exists()
    assert_same_past_forecasts(cast, [ends[14] - timedelta(days=9), ends[20] + timedelta(days=3)])


@pytest.mark.django_db
def test_the_daily_job_prepares_the_new_month_end_and_lets_the_oldest_go(cast):
    today = base.today()
    deal(cast.salesperson, created=add_months(today, -3), close=add_months(today, 2))
    month_ends.rebuild(add_months(today, -1))  # prepared a month ago
    assert month_ends.kept() == month_ends.window(add_months(today, -1))
    newest = month_ends.window(today)[-1]
    assert month_ends.start_for(newest) != newest
    outcomes = [o for o in run_due(now=base.timezone.now(), jobs=JOBS) if o.ran]
    assert "forecast-month-ends" in {o.job for o in outcomes}
    assert month_ends.kept() == month_ends.window(today)
    assert month_ends.start_for(newest) == newest
    assert month_ends.differences() == []
    assert not ForecastMonthEndRow.objects.filter(month_end__lt=month_ends.kept()[0]).exists()


@pytest.mark.django_db
def test_the_window_reaches_three_years_back():
    ends = month_ends.window(date(2026, 12, 6))
    assert (ends[0], ends[-1], len(ends)) == (date(2023, 11, 30), date(2026, 11, 30), 37)
    assert month_ends.window(date(2024, 3, 1))[-1] == date(2024, 2, 29)


@pytest.mark.django_db
@pytest.mark.parametrize("deals", [1, 12])
def test_a_past_date_runs_the_same_queries_whatever_the_data(
    cast, deals, django_assert_num_queries
):
    today = base.today()
    with batch():
        made = [
            deal(
                [cast.salesperson, cast.teammate][n % 2],
                created=add_months(today, -6),
                close=add_months(today, -3) + timedelta(days=n),
            )
            for n in range(deals)
        ]
        sign(made[0], today - timedelta(days=1))  # an event after the date: not the rollup's
    month_ends.rebuild()
    as_of = month_ends.kept()[-3] + timedelta(days=4)
    # coverage, the month end, its rows with the deals changed since, the boundary days,
    # the deals closing since the month end, people, overdue (open now, done since)
    with django_assert_num_queries(8):
        forecast(Scope("company"), as_of, "time")
    assert ForecastMonthEnd.objects.count() == 37
