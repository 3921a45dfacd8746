"""The kanban board: which deals each person sees in which column, counted once, in close
date order across the deals of their people and the ones they are on the project team of."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from salespath.pipeline.models import ProjectMember, ProjectRole, Status
from salespath.web.queries import COLUMN_PAGE
from tests.factories import OpportunityFactory, batch

pytestmark = pytest.mark.django_db


def column(html: str, stage: str) -> str:
    start = html.index(f'<section class="column" data-stage="{stage}"')
    return html[start : html.index("</section>", start)]


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-card data-id="(\d+)"', html)]


def on_team(person, opportunity):
    ProjectMember.objects.create(
        opportunity=opportunity, person=person, role=ProjectRole.SALES_SUPERVISOR
    )


def test_a_project_team_deal_of_another_team_is_on_the_board_and_counted_once(login, cast):
    mine = OpportunityFactory(owner=cast.salesperson, stage_id="S3", amount=Decimal("100"))
    theirs = OpportunityFactory(owner=cast.other_salesperson, stage_id="S3", amount=Decimal("20"))
    hidden = OpportunityFactory(owner=cast.other_salesperson, stage_id="S3", amount=Decimal("7"))
    on_team(cast.supervisor, mine)  # also one of the supervisor's people: not counted twice
    on_team(cast.supervisor, theirs)

    html = login(cast.supervisor, "en").get(reverse("web:board")).content.decode()

    s3 = column(html, "S3")
    assert sorted(card_ids(s3)) == sorted([mine.pk, theirs.pk])
    assert hidden.pk not in card_ids(html)
    assert "2 deals" in s3
    assert "¥120.00" in s3


def test_lost_deals_are_not_on_the_board_and_won_ones_are_in_s7(login, cast):
    lost = OpportunityFactory(
        owner=cast.salesperson,
        stage_id="S4",
        status=Status.LOST,
        lost_on=date(2026, 5, 1),
        lost_reason="预算取消",
    )
    won = OpportunityFactory(
        owner=cast.salesperson, stage_id="S7", status=Status.WON, won_on=date(2026, 5, 1)
    )

    html = login(cast.salesperson, "en").get(reverse("web:board")).content.decode()

    assert lost.pk not in card_ids(html)
    assert card_ids(column(html, "S7")) == [won.pk]
    assert "0 deals" in column(html, "S4")


def test_cards_come_soonest_close_first_across_own_and_project_team_deals(login, cast):
    first_day = date(2026, 7, 1)
    deals = []
    with batch():  # kept once, as one writer of many deals keeps them
        for n in range(COLUMN_PAGE + 4):
            owner = cast.teammate if n % 3 else cast.other_salesperson
            deal = OpportunityFactory(
                owner=owner, stage_id="S5", expected_close=first_day + timedelta(days=(n * 7) % 31)
            )
            if owner == cast.other_salesperson:
                on_team(cast.supervisor, deal)
            deals.append(deal)
    expected = [d.pk for d in sorted(deals, key=lambda d: (d.expected_close, d.pk))]
    client = login(cast.supervisor)

    first_page = card_ids(column(client.get(reverse("web:board")).content.decode(), "S5"))
    more = client.get(
        reverse("web:board_column", args=["S5"]) + f"?offset={COLUMN_PAGE}",
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert first_page == expected[:COLUMN_PAGE]
    assert card_ids(more) == expected[COLUMN_PAGE:]
    assert "load-more" not in more


def test_board_filters_narrow_project_team_deals_too(login, cast):
    theirs = OpportunityFactory(owner=cast.other_salesperson, stage_id="S2", name="深圳港口项目")
    mine = OpportunityFactory(owner=cast.salesperson, stage_id="S2", name="广州地铁项目")
    on_team(cast.supervisor, theirs)
    client = login(cast.supervisor)

    by_owner = client.get(reverse("web:board"), {"owner": cast.salesperson.pk}).content.decode()
    by_text = client.get(reverse("web:board"), {"q": "港口"}).content.decode()

    assert card_ids(by_owner) == [mine.pk]
    assert card_ids(by_text) == [theirs.pk]


def test_the_board_page_title_is_just_the_board(login, cast):
    html = login(cast.salesperson, "en").get(reverse("web:board")).content.decode()

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.split("·")[0].strip() == "Board"
    assert html.count('id="move-to-dialog"') == 1


def test_a_card_links_to_its_page_and_its_move(login, cast):
    deal = OpportunityFactory(owner=cast.salesperson, stage_id="S3")

    html = login(cast.salesperson).get(reverse("web:board")).content.decode()

    assert f'href="{reverse("web:opportunity", args=[deal.pk])}"' in html
    assert f'data-move-url="{reverse("web:opportunity_move", args=[deal.pk])}"' in html


def test_an_executive_sees_every_teams_deals_soonest_close_first(login, cast):
    later = OpportunityFactory(
        owner=cast.salesperson, stage_id="S6", expected_close=date(2026, 12, 1)
    )
    sooner = OpportunityFactory(
        owner=cast.other_salesperson, stage_id="S6", expected_close=date(2026, 8, 1)
    )

    s6 = column(login(cast.executive, "en").get(reverse("web:board")).content.decode(), "S6")

    assert card_ids(s6) == [sooner.pk, later.pk]
    assert "2 deals" in s6
