"""The stage work from the opportunity page: each form calls its service; a refusal is shown
next to the field it names (422), never a 500, and nothing is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from salespath.customers.models import Competitor
from salespath.pipeline.models import (
    Contract,
    KeyDate,
    Objection,
    OpportunityCompetitor,
    Payment,
    ProjectMember,
    Quote,
    Shipment,
)
from salespath.pipeline.services import competitor_add, contract_sign, objection_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def work(client, deal, action, **data):
    return client.post(reverse("web:opportunity_work", args=[deal.pk, action]), data)


def test_a_quote_with_its_three_fee_parts_is_recorded(login, cast, deal):
    client = login(cast.salesperson)
    response = work(
        client,
        deal,
        "quote",
        kind="formal",
        software_fee="500000",
        implementation_fee="200000",
        service_fee="0",
    )
    assert response.status_code == 302
    quote = Quote.objects.get(opportunity=deal)
    assert quote.total == Decimal("700000.00")
    assert "已记录报价" in client.get(response.url).content.decode()


def test_a_quote_missing_a_fee_part_is_refused_next_to_that_field(login, cast, deal):
    response = work(
        login(cast.salesperson), deal, "quote", kind="formal", software_fee="1", service_fee="2"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'open data-testid="quote-form"' in html
    assert "该字段是必填项" in html
    assert not Quote.objects.exists()


def test_a_quote_dated_in_the_future_shows_the_service_refusal_on_the_date(login, cast, deal):
    response = work(
        login(cast.salesperson),
        deal,
        "quote",
        kind="formal",
        quoted_on="2099-01-01",
        software_fee="1",
        implementation_fee="1",
        service_fee="1",
    )
    assert response.status_code == 422
    assert "quoted_on" in response.content.decode()
    assert not Quote.objects.exists()


def test_key_dates_are_added_and_removed(login, cast, deal):
    client = login(cast.salesperson)
    work(client, deal, "key-date", kind="bid", on="2026-10-01", note="开标")
    key_date = KeyDate.objects.get(opportunity=deal)
    assert key_date.on == date(2026, 10, 1)
    work(client, deal, "key-date-remove", item=key_date.pk)
    assert not KeyDate.objects.exists()


def test_a_row_of_another_opportunity_cannot_be_removed_through_this_one(login, cast, deal, erp):
    from tests.factories import OpportunityFactory

    other = OpportunityFactory(owner=cast.salesperson)
    key_date = KeyDate.objects.create(opportunity=other, kind="bid", on=date(2026, 1, 1))
    response = work(login(cast.salesperson), deal, "key-date-remove", item=key_date.pk)
    assert response.status_code == 404
    assert KeyDate.objects.filter(pk=key_date.pk).exists()


def test_competitors_are_named_removed_and_none_known_can_be_said(login, cast, deal):
    client = login(cast.salesperson)
    work(client, deal, "competitor", competitor="用友", kind="vendor")
    involved = OpportunityCompetitor.objects.get(opportunity=deal)
    assert involved.competitor.name == "用友"
    work(client, deal, "competitor-remove", item=involved.pk)
    assert not OpportunityCompetitor.objects.exists()
    deal.refresh_from_db()
    work(client, deal, "no-competitor", version=deal.version, no_competitors_known="on")
    deal.refresh_from_db()
    assert deal.no_competitors_known is True


def test_objections_are_recorded_and_resolved(login, cast, deal):
    client = login(cast.salesperson)
    work(client, deal, "objection", description="价格偏高")
    objection = Objection.objects.get(opportunity=deal)
    response = work(client, deal, "objection-resolve", item=objection.pk, handling="")
    objection.refresh_from_db()
    assert response.status_code == 302 and not objection.resolved
    work(client, deal, "objection-resolve", item=objection.pk, handling="分期付款")
    objection.refresh_from_db()
    assert objection.resolved and objection.handling == "分期付款"


def test_a_contract_with_installments_that_add_up_is_signed(login, cast, deal):
    client = login(cast.salesperson)
    response = work(
        client,
        deal,
        "contract",
        signed_on="2026-03-01",
        amount="800000",
        payment_terms="签约30%,上线70%",
        due_1="2026-03-15",
        part_1="240000",
        due_2="2026-09-30",
        part_2="560000",
    )
    assert response.status_code == 302
    contract = Contract.objects.get(opportunity=deal)
    assert contract.installments.count() == 2


def test_installments_that_do_not_add_up_are_refused_on_top_of_the_rows(login, cast, deal):
    response = work(
        login(cast.salesperson),
        deal,
        "contract",
        signed_on="2026-03-01",
        amount="800000",
        payment_terms="一次付清",
        due_1="2026-03-15",
        part_1="100000",
    )
    assert response.status_code == 422
    assert "800000" in response.content.decode()
    assert not Contract.objects.exists()


def test_a_payment_above_what_is_outstanding_is_refused_on_the_amount(login, cast, deal):
    contract_sign(
        opportunity=deal,
        signed_on=date(2026, 3, 1),
        amount="100000",
        payment_terms="一次付清",
        installments=[(date(2026, 3, 31), "100000")],
        by=cast.salesperson,
    )
    client = login(cast.salesperson)
    response = work(client, deal, "payment", received_on="2026-03-20", amount="200000")
    assert response.status_code == 422
    assert 'open data-testid="payment-form"' in response.content.decode()
    work(client, deal, "payment", received_on="2026-03-20", amount="100000")
    assert Payment.objects.get().amount == Decimal("100000.00")


def test_the_shipment_is_recorded(login, cast, deal):
    work(login(cast.salesperson), deal, "shipment", hq_ordered_on="2026-03-02")
    assert Shipment.objects.get(opportunity=deal).hq_ordered_on == date(2026, 3, 2)


def test_team_members_are_added_and_removed(login, cast, deal):
    client = login(cast.salesperson)
    work(client, deal, "member", person=cast.teammate.username, role="presales")
    member = ProjectMember.objects.get(opportunity=deal, person=cast.teammate)
    response = work(client, deal, "member", person=cast.teammate.username, role="presales")
    assert response.status_code == 422
    work(client, deal, "member-remove", item=member.pk)
    assert not ProjectMember.objects.filter(person=cast.teammate).exists()


def test_a_team_member_nobody_is_called_is_refused_by_name(login, cast, deal):
    cast.teammate.is_active = False
    cast.teammate.save()
    client = login(cast.salesperson)
    for typed in ("nobody-by-this-name", cast.teammate.username):
        response = work(client, deal, "member", person=typed, role="presales")
        assert response.status_code == 422
        assert "没有这个用户名的在职人员" in response.content.decode()
    assert not ProjectMember.objects.exists()


def test_the_deal_page_lists_no_people_and_the_picker_suggests_the_matching_ones(login, cast, deal):
    """A company of thousands: the page carries a search box, not every person; typing asks
    for at most a screenful of active people whose name matches."""
    client = login(cast.salesperson)
    page = client.get(reverse("web:opportunity", args=[deal.pk])).content.decode()
    assert f'<option value="{cast.teammate.username}"' not in page
    assert f'hx-get="{reverse("web:people")}"' in page
    cast.other_salesperson.is_active = False
    cast.other_salesperson.save()
    typed = cast.teammate.display_name[:2] or cast.teammate.username[:3]
    options = client.get(reverse("web:people"), {"person": typed}).content.decode()
    assert f'<option value="{cast.teammate.username}">{cast.teammate}' in options
    everyone = client.get(reverse("web:people"), {"person": ""}).content.decode()
    assert "<option" not in everyone
    inactive = client.get(
        reverse("web:people"), {"person": cast.other_salesperson.username}
    ).content.decode()
    assert "<option" not in inactive


def test_losing_needs_a_reason_and_records_who_won(login, cast, deal):
    client = login(cast.salesperson)
    competitor_add(opportunity=deal, competitor="金蝶", by=cast.salesperson)
    deal.refresh_from_db()
    response = work(client, deal, "lose", version=deal.version, reason="")
    assert response.status_code == 422
    winner = Competitor.objects.get(name="金蝶")
    work(client, deal, "lose", version=deal.version, reason="价格", lost_to=winner.pk)
    deal.refresh_from_db()
    assert deal.status == "lost" and deal.lost_to == winner
    page = client.get(reverse("web:opportunity", args=[deal.pk])).content.decode()
    assert 'data-testid="reopen-form"' in page


def test_a_lost_opportunity_is_reopened_with_a_reason(login, cast, deal):
    client = login(cast.salesperson)
    work(client, deal, "lose", version=deal.version, reason="预算取消")
    deal.refresh_from_db()
    work(client, deal, "reopen", version=deal.version, reason="客户重新立项")
    deal.refresh_from_db()
    assert deal.status == "open"


def test_a_stale_lose_is_a_conflict_and_changes_nothing(login, cast, deal):
    response = work(login(cast.salesperson), deal, "lose", version=deal.version - 1, reason="x")
    assert response.status_code == 409
    deal.refresh_from_db()
    assert deal.status == "open"


def test_someone_who_may_only_look_gets_no_forms_and_a_403_on_post(login, cast, deal):
    client = login(cast.finance)
    page = client.get(reverse("web:opportunity", args=[deal.pk])).content.decode()
    assert 'data-testid="quote-form"' not in page
    response = work(client, deal, "objection", description="x")
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_an_unknown_action_is_a_404(login, cast, deal):
    assert work(login(cast.salesperson), deal, "explode").status_code == 404


def test_objection_add_service_is_what_the_form_calls(login, cast, deal):
    objection_add(opportunity=deal, description="交付周期", by=cast.salesperson)
    page = login(cast.salesperson).get(reverse("web:opportunity", args=[deal.pk]))
    assert "交付周期" in page.content.decode()


def test_a_stale_no_competitor_click_says_why_on_top_of_the_page(login, cast, deal):
    client = login(cast.salesperson)
    response = work(
        client, deal, "no-competitor", version=deal.version - 1, no_competitors_known="on"
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "已有人修改了它" in page
    deal.refresh_from_db()
    assert deal.no_competitors_known is False


def test_the_picker_suggests_a_screenful_at_most(login, cast):
    for number in range(25):
        UserFactory(username=f"zhang{number:02}", display_name=f"张{number:02}")
    options = login(cast.salesperson).get(reverse("web:people"), {"person": "张"})
    assert options.content.decode().count("<option") == 20
