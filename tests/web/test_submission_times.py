"""The submissions table shows when each forecast was submitted as a date and a time
(issue 15 §2.9)."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from salespath.forecast.models import ForecastSubmission
from salespath.forecast.services import forecast_submit

pytestmark = pytest.mark.django_db


def test_the_submission_time_is_a_date_then_a_time(login, cast, deal):
    today = timezone.localdate()
    forecast_submit(person=cast.salesperson, as_of=today, by=cast.salesperson)
    at = timezone.make_aware(datetime.combine(today, time(3, 46)))
    ForecastSubmission.objects.update(submitted_at=at)
    html = login(cast.supervisor).get(reverse("web:submissions"), {"scope": "team:gz-1"})
    html = html.content.decode()
    assert f"{today.isoformat()} 03:46" in html
    assert f"{today.isoformat()}03:46" not in html


def test_a_submission_can_carry_the_time_it_was_made(cast, deal):
    today = timezone.localdate()
    at = timezone.make_aware(datetime.combine(today, time(0, 1)))
    submission = forecast_submit(person=cast.salesperson, as_of=today, by=cast.salesperson, at=at)
    assert submission.submitted_at == at
