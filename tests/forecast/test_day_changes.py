"""A forecast between month ends adds the rollup's changes of each day since the month end
(`forecast/day_changes.py`): what a deal's events change on their day is kept, the writers
keep it, and a forecast read from it is the one read from the opportunities."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from salespath.forecast import day_changes, month_ends
from salespath.forecast.models import ForecastDayChange
from salespath.lib.fiscal import add_months
from salespath.notifications.jobs import JOBS, run_due
from salespath.pipeline.services import base
from salespath.pipeline.services.moves import opportunity_lose
from salespath.pipeline.services.opportunities import opportunity_create, opportunity_update
from tests.factories import CustomerFactory
from tests.forecast.builders import deal, lose, move, reopen, sign
from tests.forecast.test_month_ends import assert_same_past_forecasts


@pytest.fixture(autouse=True)
def _rollup_on(settings):
    settings.SALESPATH_FORECAST_ROLLUP = True


def changes(day, view="time", **kwargs) -> dict:
    """The kept changes of `day` in `view`, summed."""
    rows = ForecastDayChange.objects.filter(day=day, view=view, **kwargs)
    return rows.aggregate(deals=Sum("deals"), amount=Sum("amount"))


@pytest.mark.django_db
def test_a_deal_counts_on_the_day_it_was_created_and_leaves_on_the_day_it_was_lost(cast):
    """Its own days only: created (+1 deal, its amount in the open columns), moved between
    stages (nothing: the rows read the status, not the stage), lost (-1)."""
    end = month_ends.window(base.today())[-4]
    created, moved, lost = end + timedelta(days=3), end + timedelta(days=8), end + timedelta(20)
    opportunity = deal(
        cast.salesperson, amount="1234.56", created=created, close=add_months(created, 2)
    )
    move(opportunity, "S4", moved)
    lose(opportunity, lost)
    month_ends.rebuild()
    every = {"category": "*"}
    assert changes(created, **every) == {"deals": 1, "amount": 123456}
    assert changes(created, category="") == {"deals": 1, "amount": 123456}
    assert not ForecastDayChange.objects.filter(day=moved).exists()
    assert changes(lost, **every) == {"deals": -1, "amount": -123456}
    assert (
        ForecastDayChange.objects.filter(owner=cast.salesperson).values("day").distinct().count()
        == 2
    )
    # read on a day between: the month end plus the days since, as from the opportunities
    assert_same_past_forecasts(cast, [moved, lost, lost - timedelta(days=1)])


@pytest.mark.django_db
def test_a_date_before_the_oldest_month_end_in_its_month_subtracts_the_days_after_it(cast):
    """The oldest month end is the nearest start for the days of its month before it: the
    forecast takes back the days from D to it (kept from the first of that month)."""
    oldest = month_ends.window(base.today())[0]
    as_of = oldest - timedelta(days=6)
    before = deal(cast.salesperson, created=as_of - timedelta(days=40), close=oldest)
    sign(before, as_of + timedelta(days=2))
    lose(deal(cast.teammate, created=as_of - timedelta(days=30), close=as_of), oldest)
    deal(cast.teammate, created=as_of + timedelta(days=1), close=add_months(oldest, 3))
    month_ends.rebuild()
    assert month_ends.start_for(as_of) == oldest
    assert ForecastDayChange.objects.filter(day__gt=as_of, day__lte=oldest).count() > 0
    assert not ForecastDayChange.objects.filter(day__lt=oldest.replace(day=1)).exists()
    assert_same_past_forecasts(cast, [as_of])


@pytest.mark.django_db
def test_the_services_keep_each_day_as_a_fresh_computation(cast):
    """Created back-dated, changed in amount and owner, lost, reopened: each write moves its
    deal's days, and the forecasts between month ends still agree."""
    today = base.today()
    customer = CustomerFactory(owner=cast.salesperson)
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
    assert changes(add_months(today, -5), category="*") == {"deals": 1, "amount": 50000035}
    opportunity_update(opportunity=made, version=None, by=cast.salesperson, amount=Decimal("77"))
    assert changes(add_months(today, -5), category="*") == {"deals": 1, "amount": 7700}
    opportunity_update(opportunity=made, version=None, by=cast.supervisor, owner=cast.teammate)
    assert not ForecastDayChange.objects.filter(owner=cast.salesperson).exists()
    made.refresh_from_db()
    opportunity_lose(opportunity=made, by=cast.teammate, reason="价格")
    assert changes(today, category="*") == {"deals": -1, "amount": -7700}
    assert month_ends.day_differences() == (0, [])
    ends = month_ends.kept()
    assert_same_past_forecasts(cast, [ends[-2] + timedelta(days=9), ends[-5] + timedelta(days=20)])


@pytest.mark.django_db
def test_a_reopened_deal_counts_again_from_the_day_it_was_reopened(cast):
    end = month_ends.window(base.today())[-6]
    opportunity = deal(cast.salesperson, created=end - timedelta(days=50), close=end)
    lose(opportunity, end + timedelta(days=4))
    reopen(opportunity, end + timedelta(days=9))
    month_ends.rebuild()
    assert changes(end + timedelta(days=4), category="*")["deals"] == -1
    assert changes(end + timedelta(days=9), category="*")["deals"] == 1
    assert_same_past_forecasts(cast, [end + timedelta(days=6), end + timedelta(days=12)])


@pytest.mark.django_db
def test_the_daily_job_lets_the_days_before_the_new_oldest_month_go(cast):
    today = base.today()
    month_ago = add_months(today, -1)
    old_first = day_changes.first_day(month_ends.window(month_ago))
    deal(cast.salesperson, created=old_first + timedelta(days=2), close=add_months(today, 2))
    month_ends.rebuild(month_ago)
    assert ForecastDayChange.objects.filter(day=old_first + timedelta(days=2)).exists()
    assert "forecast-month-ends" in {
        o.job for o in run_due(now=base.timezone.now(), jobs=JOBS) if o.ran
    }
    first = day_changes.first_day(month_ends.kept())
    assert first > old_first
    assert not ForecastDayChange.objects.filter(day__lt=first).exists()
    assert month_ends.day_differences() == (0, [])


@pytest.mark.django_db
def test_the_check_counts_every_difference_and_keeps_the_first_few(cast, monkeypatch):
    """Before the table is built every row differs (millions at scale): all are counted, a
    few kept to show."""
    end = month_ends.window(base.today())[-3]
    for days in (2, 5, 9):
        deal(cast.salesperson, created=end + timedelta(days=days), close=add_months(end, 2))
    month_ends.rebuild()
    monkeypatch.setattr(day_changes, "KEEP", 2)
    kept = ForecastDayChange.objects.count()
    assert kept >= 3
    ForecastDayChange.objects.all().delete()
    count, first = month_ends.day_differences()
    assert (count, len(first)) == (kept, 2)
    assert {side for side, _row in first} == {"fresh"}
    month_ends.recompute_days()
    assert month_ends.day_differences() == (0, [])
