"""The generator at a tiny size: the data obeys the rules the services keep."""

from collections import defaultdict
from datetime import date

import pytest

from salespath.errors import Conflict
from salespath.org.models import Role, User
from salespath.pipeline.copies import stale_copies
from salespath.pipeline.models import (
    Contract,
    InitiationRequest,
    Opportunity,
    OpportunityLine,
    Payment,
    ProjectMember,
    Shipment,
    StageChange,
)
from salespath.scale.generate import generate
from salespath.scale.sizes import SIZES
from tests.conftest import rows_for_the_module

TODAY = date(2026, 11, 30)
ORDER = {"S2": 2, "S3": 3, "S4": 4, "S5": 5, "S6": 6, "S7": 7}


@pytest.fixture(scope="module")
def _generated(django_db_setup, django_db_blocker):
    """Generated once for the module's tests, which read it (a test's own writes are rolled
    back before the next)."""
    with rows_for_the_module(django_db_blocker):
        yield generate(size=SIZES["T"], seed=3, today=TODAY)


@pytest.fixture
def company(_generated, db):
    return dict(_generated)


def _histories() -> dict[int, list[StageChange]]:
    found = defaultdict(list)
    for change in StageChange.objects.order_by("opportunity", "effective_on", "id"):
        found[change.opportunity_id].append(change)
    return found


def test_generates_the_size_asked_for(company):
    size = SIZES["T"]
    assert company["opportunities"] == Opportunity.objects.count() == size.opportunities
    assert company["customers"] == size.customers
    assert User.objects.filter(roles__role=Role.SALESPERSON).count() == size.salespeople
    assert company["activities"] >= size.opportunities


def test_every_history_starts_with_creation_at_s2_and_ends_at_the_current_stage(company):
    opportunities = {o.pk: o for o in Opportunity.objects.all()}
    histories = _histories()
    assert set(histories) == set(opportunities)
    for pk, changes in histories.items():
        opportunity = opportunities[pk]
        first, last = changes[0], changes[-1]
        assert (first.kind, first.to_stage_id, first.effective_on) == (
            "create",
            "S2",
            opportunity.created_on,
        )
        assert (last.to_stage_id, last.to_status) == (opportunity.stage_id, opportunity.status)


def test_history_advances_one_stage_at_a_time_on_days_in_order(company):
    for changes in _histories().values():
        by_id = sorted(changes, key=lambda c: c.pk)
        assert [c.effective_on for c in by_id] == sorted(c.effective_on for c in by_id)
        assert all(c.effective_on <= TODAY for c in by_id)
        for change in by_id[1:]:
            if change.kind == "advance":
                assert ORDER[change.to_stage_id] == ORDER[change.from_stage_id] + 1
            else:
                assert change.kind == "lose" and change.reason


def test_won_deals_are_s7_with_contract_confirmed_payment_and_shipment(company):
    won = Opportunity.objects.filter(status="won")
    assert won.exists()
    contracts = {c.opportunity_id: c for c in Contract.objects.all()}
    paid = set(
        Payment.objects.filter(confirmed_at__isnull=False).values_list(
            "contract__opportunity", flat=True
        )
    )
    shipped = set(Shipment.objects.values_list("opportunity", flat=True))
    for deal in won:
        assert deal.stage_id == "S7" and deal.won_on
        contract = contracts[deal.pk]
        assert contract.signed_on == deal.signed_on <= deal.won_on
        assert contract.amount == deal.amount
        assert deal.pk in paid and deal.pk in shipped


def test_lost_deals_have_a_date_and_reason_and_no_contract(company):
    lost = Opportunity.objects.filter(status="lost")
    assert lost.exists()
    assert not lost.filter(lost_on__isnull=True).exists()
    assert not lost.filter(lost_reason="").exists()
    assert not Contract.objects.filter(opportunity__status="lost").exists()


def test_amount_is_the_sum_of_lines_and_close_is_never_before_creation(company):
    totals = defaultdict(int)
    for opportunity, amount in OpportunityLine.objects.values_list("opportunity", "amount"):
        totals[opportunity] += amount
    for deal in Opportunity.objects.all():
        assert deal.amount == totals[deal.pk]
        assert deal.expected_close >= deal.created_on


def test_deals_from_s4_have_an_approved_initiation_and_a_project_manager(company):
    reached_s4 = set(
        StageChange.objects.filter(to_stage="S4").values_list("opportunity", flat=True)
    )
    assert reached_s4
    approved = set(
        InitiationRequest.objects.filter(status="approved").values_list("opportunity", flat=True)
    )
    managed = set(
        ProjectMember.objects.filter(role="project_manager").values_list("opportunity", flat=True)
    )
    assert reached_s4 == approved == managed
    assert stale_copies() == []  # each row carries its project manager and products


def test_about_a_fifth_of_the_deals_are_open(company):
    open_share = Opportunity.objects.filter(status="open").count() / SIZES["T"].opportunities
    assert 0.1 < open_share < 0.4


def test_refuses_to_generate_a_second_company(company):
    with pytest.raises(Conflict):
        generate(size=SIZES["T"], seed=4, today=TODAY)


def test_new_rows_after_generation_get_fresh_ids(company):
    from tests.factories import OpportunityFactory

    highest = Opportunity.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert OpportunityFactory().pk > highest
