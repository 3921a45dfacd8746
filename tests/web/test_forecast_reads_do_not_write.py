"""Opening today's forecast never writes (issue 17 item 7): the day's rows are prepared by
writers (the rebuild, the first change of a day) or a job, never by a page view, which on
SQLite would otherwise take the database's write lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salespath.forecast import rollups
from salespath.forecast.models import ForecastDay, ForecastDayMark
from salespath.forecast.queries import forecast
from salespath.org.scopes import Scope
from salespath.pipeline.services import base
from salespath.pipeline.services.opportunities import opportunity_update
from tests.forecast.builders import deal

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def _rollup_on(settings):
    settings.SALESPATH_FORECAST_ROLLUP = True


def writes_of(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(WRITES)]


@pytest.mark.parametrize("left_over", ["yesterday", "none"])
def test_opening_todays_forecast_writes_nothing(login, cast, left_over):
    today = base.today()
    deal(cast.salesperson, close=today + timedelta(days=20), category="commit")
    rollups.rebuild()
    if left_over == "yesterday":
        rollups.prepare_day(today - timedelta(days=1))
    else:
        ForecastDay.objects.all().delete()
        ForecastDayMark.objects.update(day=None)
    client = login(cast.supervisor)
    for view in ("time", "category"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("web:forecast"), {"view": view})
        assert response.status_code == 200
        assert writes_of(captured) == []
    # and what it showed is the forecast read from the opportunities
    assert forecast(Scope("company"), today, "category") == forecast(
        Scope("company"), today, "category", rollup=False
    )


def test_the_rebuild_and_the_first_change_of_a_day_prepare_the_days_rows(cast):
    today = base.today()
    opportunity = deal(cast.salesperson, close=today + timedelta(days=20), category="commit")
    rollups.rebuild()
    assert ForecastDayMark.objects.get().day == today
    rollups.prepare_day(today - timedelta(days=1))  # as if the rows were yesterday's
    opportunity_update(opportunity=opportunity, version=None, by=cast.salesperson, amount=5)
    assert ForecastDayMark.objects.get().day == today
    assert rollups.differences() == []
    assert forecast(Scope("company"), today, "time") == forecast(
        Scope("company"), today, "time", rollup=False
    )
