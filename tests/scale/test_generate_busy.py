"""The generator at a tiny size with a busy sales force (its own module: the generator
refuses a second company, and tests/scale/test_generate.py keeps one for all its tests)."""

from dataclasses import replace
from datetime import date

from django.db.models import Sum

from salespath.activities.models import Activity
from salespath.activities.services import HOURS_IN_A_DAY
from salespath.scale.generate import generate
from salespath.scale.sizes import SIZES

TODAY = date(2026, 11, 30)


def test_no_one_logs_more_than_a_working_day_even_with_many_activities_per_deal(db):
    """The service refuses a 25th hour in a day; a generated busy person must leave room for
    the day's real work (the load test logs an activity on today's date)."""
    busy = replace(SIZES["T"], activities_per_opportunity=60.0)
    generate(size=busy, seed=3, today=TODAY)
    days = Activity.objects.values("person", "occurred_on").annotate(hours=Sum("hours"))
    assert days.count() > 0
    assert max(day["hours"] for day in days) <= HOURS_IN_A_DAY
    assert Activity.objects.count() > busy.opportunities * 20  # most activities found a day
