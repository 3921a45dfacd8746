"""Issue 16 item 11: on the pages, a record one may not see answers exactly as one that does
not exist; only for what one may see does "not allowed" (403) come into it."""

from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_confirming_an_invisible_payment_answers_like_a_missing_one(
    login, cast, unconfirmed_payment
):
    client = login(cast.other_salesperson)  # another team: may not see 李明's deal
    for headers in ({}, HTMX):
        hidden = client.post(
            reverse("web:payment_confirm", args=[unconfirmed_payment.pk]), **headers
        )
        missing = client.post(reverse("web:payment_confirm", args=[987654]), **headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content
    unconfirmed_payment.refresh_from_db()
    assert unconfirmed_payment.confirmed_at is None


def test_someone_who_sees_the_payment_but_is_not_finance_is_refused(
    login, cast, unconfirmed_payment
):
    response = login(cast.supervisor).post(
        reverse("web:payment_confirm", args=[unconfirmed_payment.pk]), **HTMX
    )
    assert response.status_code == 403
