"""No page issues a query per row: counts are pinned, and the same with more data."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salespath.web.queries import COLUMN_PAGE
from tests.factories import OpportunityFactory, batch

pytestmark = pytest.mark.django_db


def deals(owner, count, stages=("S2", "S3", "S5")):
    with batch():  # kept once, as one writer of many deals keeps them
        for n in range(count):
            OpportunityFactory(owner=owner, stage_id=stages[n % len(stages)])


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["web:board", "web:pipeline", "web:home", "web:customers"])
def test_list_pages_make_as_many_queries_for_many_deals_as_for_few(login, cast, url_name):
    client = login(cast.supervisor)
    deals(cast.salesperson, 3)
    few = queries(client, reverse(url_name))
    deals(cast.teammate, 2 * COLUMN_PAGE + 5)
    assert queries(client, reverse(url_name)) == few


def test_board_query_count_is_pinned(login, cast, django_assert_num_queries):
    client = login(cast.supervisor)
    deals(cast.salesperson, 3 * COLUMN_PAGE + 3)
    # session, user, roles; stages, totals per stage, the first cards of every column in one
    # query; the filter choices: people, teams, products.
    with django_assert_num_queries(9):
        response = client.get(reverse("web:board"))
    assert response.content.decode().count("data-card") == 3 * COLUMN_PAGE


def test_board_column_load_more_returns_the_next_cards(login, cast):
    client = login(cast.salesperson)
    deals(cast.salesperson, COLUMN_PAGE + 3, stages=("S4",))
    response = client.get(
        reverse("web:board_column", args=["S4"]) + f"?offset={COLUMN_PAGE}",
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.count("data-card ") == 3
    assert "load-more" not in html


def test_opportunity_page_query_count_is_pinned(login, cast, deal, django_assert_num_queries):
    client = login(cast.salesperson)
    # session, user, roles; the deal, may edit; stages; the checklist: the deal with its
    # customer, S1 criteria, customer attestations, every small evidence in one query, project
    # managers, contract, shipment, attestations, criteria; the page: lines, project team,
    # quotes, key dates, competitors, objections, activities, stage and field history,
    # initiations; the forms: competitors (the team member's person is searched, not listed).
    with django_assert_num_queries(25):
        client.get(reverse("web:opportunity", args=[deal.pk]))
    first = queries(client, reverse("web:opportunity", args=[deal.pk]))
    for _ in range(5):
        OpportunityFactory(owner=cast.salesperson, customer=deal.customer)
    assert queries(client, reverse("web:opportunity", args=[deal.pk])) == first


@pytest.mark.parametrize(
    "url_name", ["web:attainment", "web:submissions", "web:accuracy", "web:funnel"]
)
def test_new_report_pages_make_as_many_queries_for_many_deals_as_for_few(login, cast, url_name):
    client = login(cast.supervisor)
    deals(cast.salesperson, 3)
    few = queries(client, reverse(url_name))
    deals(cast.teammate, 2 * COLUMN_PAGE + 5)
    assert queries(client, reverse(url_name)) == few


def test_customer_page_makes_as_many_queries_with_more_opportunities(login, cast, deal):
    client = login(cast.salesperson)
    url = reverse("web:customer", args=[deal.customer.pk])
    first = queries(client, url)
    for _ in range(5):
        OpportunityFactory(owner=cast.salesperson, customer=deal.customer)
    assert queries(client, url) == first


def test_opportunity_page_with_a_contract_makes_as_many_queries_for_more_payments(
    login, cast, unconfirmed_payment
):
    from django.utils import timezone

    from salespath.pipeline.models import Installment, Payment

    contract = unconfirmed_payment.contract
    client = login(cast.executive)
    url = reverse("web:opportunity", args=[contract.opportunity_id])
    first = queries(client, url)
    for n in range(3):
        Installment.objects.create(contract=contract, due_on=date(2026, 4 + n, 1), amount=10)
        Payment.objects.create(
            contract=contract,
            amount=10,
            received_on=date(2026, 4 + n, 2),
            recorded_by=cast.salesperson,
            recorded_at=timezone.now(),
        )
    # No stage-work forms for an executive, who is asked whether on the project team; the
    # installments and the payments.
    assert first == 27
    assert queries(client, url) == first
