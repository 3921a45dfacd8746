"""Issue 16 item 12: a `next` (or any address carried in a form) leads only to this site."""

from __future__ import annotations

import pytest
from django.urls import reverse

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "/pipeline/\r\nSet-Cookie: x=1",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_confirming_a_payment_never_redirects_off_the_site(
    login, cast, unconfirmed_payment, target
):
    response = login(cast.finance).post(
        reverse("web:payment_confirm", args=[unconfirmed_payment.pk]), {"next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("web:payments")
    unconfirmed_payment.refresh_from_db()
    assert unconfirmed_payment.confirmed_by == cast.finance


def test_confirming_a_payment_returns_to_a_page_of_the_site(login, cast, unconfirmed_payment, deal):
    page = reverse("web:opportunity", args=[deal.pk]) + "#payments"
    response = login(cast.finance).post(
        reverse("web:payment_confirm", args=[unconfirmed_payment.pk]), {"next": page}
    )
    assert response.status_code == 302
    assert response.url == page


def test_a_forecast_submitted_with_a_broken_query_returns_to_the_forecast(login, cast, deal):
    response = login(cast.salesperson).post(
        reverse("web:forecast_submit"), {"query": "scope=me\r\nLocation: https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("web:forecast")
