"""Opening a form's POST address (a reload after a refused form) goes back to the form's
page instead of a blank 405 (issue 15 §2.6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_post_address_sends_a_get_back_to_its_page(login, cast, deal):
    client = login(cast.supervisor)
    opportunity = reverse("web:opportunity", args=[deal.pk])
    expected = {
        reverse("web:opportunity_work", args=[deal.pk, "lose"]): opportunity,
        reverse("web:opportunity_move", args=[deal.pk]): opportunity,
        reverse("web:criterion_attest", args=[deal.pk]): opportunity,
        reverse("web:activity_log", args=[deal.pk]): opportunity,
        reverse("web:initiation_submit", args=[deal.pk]): opportunity,
        reverse("web:customer_action", args=[deal.customer_id, "attest"]): reverse(
            "web:customer", args=[deal.customer_id]
        ),
        reverse("web:initiation_decide", args=[1]): reverse("web:initiations"),
        reverse("web:forecast_submit"): reverse("web:forecast"),
        reverse("web:roadmap_sign_off", args=["li"]): reverse("web:roadmap_person", args=["li"]),
    }
    for address, page in expected.items():
        response = client.get(address)
        assert (address, response.status_code, response.get("Location")) == (address, 302, page)
    assert client.put(reverse("web:opportunity_move", args=[deal.pk])).status_code == 405
