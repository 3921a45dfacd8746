"""In a real browser: after a week of the forecast calendar, the supervisor's submissions page
marks each person's forecast on time, late or auto-frozen, and the bell leads there."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone

from salespath.forecast.models import ForecastCalendar
from salespath.forecast.services import forecast_submit
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def test_the_submissions_page_marks_on_time_late_and_auto(browser_page, live_server, cast):
    ForecastCalendar.objects.create(
        name="每周五 18:00",
        period="weekly",
        weekday=4,
        deadline_time=time(18, 0),
        starts_on=date(2026, 3, 1),
    )
    late = UserFactory(username="sun", display_name="孙磊", team=cast.salesperson.team)
    friday = date(2026, 3, 6)
    forecast_submit(
        person=cast.salesperson, as_of=friday, by=cast.salesperson, at=at("2026-03-06T17:00")
    )
    forecast_submit(person=late, as_of=friday, by=late, at=at("2026-03-06T18:30"))
    # 王芳 never submits: the run after the deadline freezes hers and tells the supervisor.
    call_command("jobs", "run-due", "--now", "2026-03-06T19:00")

    page = browser_page(cast.supervisor)
    assert page.get_by_test_id("bell-count").inner_text() == "1"
    page.get_by_test_id("bell").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    page.get_by_test_id("notification").get_by_role("link").first.click()
    page.wait_for_url(f"{live_server.url}/reports/forecast/submissions/**")

    table = page.get_by_test_id("submissions-table")
    marks = {}
    for row in table.locator("tbody tr").all():
        marks[row.locator("th").inner_text()] = row.get_by_test_id("timeliness").inner_text()
    assert marks == {"李明": "按时", "孙磊": "逾期", "王芳": "自动冻结"}
    assert page.get_by_test_id("submission-count").inner_text() == "3 已上报,0 未上报"
