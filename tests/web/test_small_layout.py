"""Small faults on report and customer pages (issue 15 §2.10): the S1.3/S1.4 button goes once
both are attested; /reports/forecast/changes/ without a submission asks whose and when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from salespath.forecast.services import forecast_submit

pytestmark = pytest.mark.django_db

ATTEST_BUTTON = 'data-testid="customer-attest-form"'


def test_the_attest_button_goes_once_s1_3_and_s1_4_are_attested(login, cast, deal):
    client = login(cast.salesperson)
    page = reverse("web:customer", args=[deal.customer.pk])
    action = reverse("web:customer_action", args=[deal.customer.pk, "attest"])
    assert ATTEST_BUTTON in client.get(page).content.decode()
    client.post(action, {"criterion": "S1.3", "note": "走访确认有预算"})
    assert ATTEST_BUTTON in client.get(page).content.decode()  # S1.4 is still to attest
    client.post(action, {"criterion": "S1.4", "note": "多工厂,与集团产品匹配"})
    assert ATTEST_BUTTON not in client.get(page).content.decode()


def test_changes_without_a_submission_ask_for_the_person_and_the_period(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:forecast_changes"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="changes-chooser"' in html
    assert 'name="person"' in html and 'name="from"' in html and 'name="to"' in html
    assert "李明" in html


def test_choosing_a_person_and_a_period_opens_their_changes(login, cast, deal):
    today = timezone.localdate()
    start = today - timedelta(days=7)
    submission = forecast_submit(person=cast.salesperson, as_of=start, by=cast.salesperson)
    client = login(cast.supervisor)
    response = client.get(
        reverse("web:forecast_changes"),
        {"person": "li", "from": start.isoformat(), "to": today.isoformat()},
    )
    assert response.status_code == 302
    assert f"earlier={submission.pk}" in response.url
    assert client.get(response.url).status_code == 200


def test_a_person_without_a_submission_is_named_in_the_error(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:forecast_changes"), {"person": "wang"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "王芳" in html and 'role="alert"' in html


def test_someone_the_viewer_may_not_see_is_a_404(login, cast, deal):
    response = login(cast.salesperson).get(reverse("web:forecast_changes"), {"person": "chen"})
    assert response.status_code == 404
