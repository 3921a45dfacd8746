"""No page issues a query per row: counts are pinned, and the same with more data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salespath.web.queries import COLUMN_PAGE
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def deals(owner, count, stages=("S2", "S3", "S5")):
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


def test_opportunity_page_query_count_is_pinned(login, cast, deal, django_assert_max_num_queries):
    client = login(cast.salesperson)
    with django_assert_max_num_queries(40):
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
