"""Each evidence-backed criterion is met by its evidence and unmet without it (SPEC §2)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from salespath.activities.models import Activity
from salespath.customers.models import Competitor, Contact
from salespath.lib.fiscal import add_months
from salespath.pipeline.criteria import evaluate, evaluate_many, evidenced_stage
from salespath.pipeline.models import (
    Contract,
    InitiationRequest,
    Installment,
    KeyDate,
    Opportunity,
    OpportunityCompetitor,
    Payment,
    ProjectMember,
    Quote,
    Shipment,
)
from tests.factories import OpportunityFactory, written

from .evidence import attest, attest_customer, evidence_up_to

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def result(opportunity, code):
    with translation.override("zh-hans"):
        return next(r for r in evaluate(opportunity) if r.code == code)


def _customer(opportunity, **fields):
    for name, value in fields.items():
        setattr(opportunity.customer, name, value)
    opportunity.customer.save()


def _opportunity(opportunity, **fields):
    Opportunity.objects.filter(pk=opportunity.pk).update(**fields)
    opportunity.refresh_from_db()


def _contact(opportunity, *roles):
    for role in roles:
        Contact.objects.create(customer=opportunity.customer, name=role, project_role=role)


def _competitor(opportunity):
    competitor, _ = Competitor.objects.get_or_create(name="SAP")
    OpportunityCompetitor.objects.create(opportunity=opportunity, competitor=competitor)


def _approved(opportunity):
    InitiationRequest.objects.create(
        opportunity=opportunity,
        requested_by=opportunity.owner,
        requested_at=timezone.now(),
        requirements="ERP",
        status="approved",
    )


def _manager(opportunity):
    ProjectMember.objects.create(
        opportunity=opportunity, person=opportunity.owner, role="project_manager"
    )
    written(opportunity)


def _activity(opportunity, kind):
    Activity.objects.create(
        person=opportunity.owner,
        kind=kind,
        occurred_on=date(2026, 3, 1),
        opportunity=opportunity,
        customer=opportunity.customer,
    )


def _key_dates(opportunity, *kinds):
    for kind in kinds:
        KeyDate.objects.create(opportunity=opportunity, kind=kind, on=date(2026, 12, 1))


def _quote(opportunity):
    Quote.objects.create(
        opportunity=opportunity,
        version=1,
        kind="preliminary",
        quoted_on=date(2026, 3, 1),
        software_fee=1,
        implementation_fee=0,
        service_fee=1,
        created_by=opportunity.owner,
    )


def _contract(opportunity, due_offset=0):
    contract = Contract.objects.create(
        opportunity=opportunity,
        signed_on=TODAY(),
        amount=Decimal("100"),
        payment_terms="30/70",
        created_by=opportunity.owner,
    )
    Installment.objects.create(
        contract=contract, due_on=TODAY() + timedelta(days=due_offset), amount=Decimal("30")
    )
    Installment.objects.create(
        contract=contract, due_on=TODAY() + timedelta(days=200), amount=Decimal("70")
    )
    written(opportunity)
    return contract


def _payment(contract, amount, confirmed_by=None):
    Payment.objects.create(
        contract=contract,
        amount=Decimal(amount),
        received_on=TODAY(),
        recorded_by=contract.opportunity.owner,
        recorded_at=timezone.now(),
        confirmed_by=confirmed_by,
        confirmed_at=timezone.now() if confirmed_by else None,
    )


def _paid(opportunity, cast):
    _payment(_contract(opportunity), "30", confirmed_by=cast.finance)


def _target(opportunity):
    _customer(opportunity, is_group_enterprise=True, is_multi_site=True)
    attest_customer(opportunity.customer, "S1.3", "S1.4")


EVIDENCE = {
    "S2.1": lambda o, c: _customer(o, background="集团", headcount=500),
    "S2.2": lambda o, c: _customer(o, it_hardware="x86", it_software="用友U8", it_network="VPN"),
    "S2.3": lambda o, c: _opportunity(o, no_competitors_known=True),
    "S2.4": lambda o, c: _opportunity(o, customer_need="集团管控", budget_amount=Decimal("1")),
    "S2.5": lambda o, c: _contact(o, "it_lead"),
    "S2.6": lambda o, c: _target(o),
    "S2.7": lambda o, c: _customer(o, it_need="财务共享"),
    "S2.8": lambda o, c: _customer(o, economic_condition="good"),
    "S2.9": lambda o, c: _customer(o, current_system_status="none"),
    "S4.0": lambda o, c: (_approved(o), _manager(o)),
    "S4.3": lambda o, c: _opportunity(o, budget_amount=Decimal("0")),
    "S4.4": lambda o, c: _contact(o, "selection_team", "executive_sponsor"),
    "S4.5": lambda o, c: _key_dates(o, "customer_schedule"),
    "S4.6": lambda o, c: _competitor(o),
    "S4.7": lambda o, c: _activity(o, "guidance"),
    "S5.1": lambda o, c: _activity(o, "product_overview"),
    "S5.3": lambda o, c: _quote(o),
    "S5.4": lambda o, c: _opportunity(o, expected_close=add_months(TODAY(), 3), probability=50),
    "S6.3": lambda o, c: _key_dates(o, "bid", "negotiation", "signing"),
    "S7.1": lambda o, c: _contract(o),
    "S7.2": _paid,
    "S7.3": lambda o, c: Shipment.objects.create(
        opportunity=o, hq_ordered_on=TODAY(), shipped_on=TODAY()
    ),
}

# Evidence that is close but not enough: each leaves the criterion unmet.
NEARLY = {
    "S2.1": lambda o, c: _customer(o, background="集团"),
    "S2.3": lambda o, c: None,
    "S2.4": lambda o, c: _opportunity(o, customer_need="集团管控"),
    "S2.5": lambda o, c: _contact(o, "other"),
    "S2.6": lambda o, c: _customer(o, is_group_enterprise=True, is_multi_site=True),
    "S2.8": lambda o, c: _customer(o, economic_condition="average"),
    "S2.9": lambda o, c: _customer(o, current_system_status="adequate"),
    "S4.0": lambda o, c: _approved(o),
    "S4.4": lambda o, c: _contact(o, "selection_team", "it_lead"),
    "S4.6": lambda o, c: _opportunity(o, no_competitors_known=True),
    "S4.7": lambda o, c: _activity(o, "visit"),
    "S5.4": lambda o, c: _opportunity(
        o, expected_close=add_months(TODAY(), 3) + timedelta(days=1), probability=90
    ),
    "S6.3": lambda o, c: _key_dates(o, "bid", "signing"),
    "S7.2": lambda o, c: _payment(_contract(o), "30"),
    "S7.3": lambda o, c: Shipment.objects.create(opportunity=o, hq_ordered_on=TODAY()),
}


@pytest.fixture
def deal(cast):
    # created long ago so that any close date in these tests is after creation
    return OpportunityFactory(owner=cast.salesperson, created_on=date(2026, 1, 10))


@pytest.mark.parametrize("code", sorted(EVIDENCE))
def test_evidence_meets_the_criterion(deal, cast, code):
    assert not result(deal, code).met
    EVIDENCE[code](deal, cast)
    found = result(deal, code)
    assert found.met, found.why
    assert found.kind == "evidence" and found.why


@pytest.mark.parametrize("code", sorted(EVIDENCE))
def test_without_evidence_the_criterion_is_unmet_and_says_why_in_chinese(deal, cast, code):
    found = result(deal, code)
    assert not found.met
    assert any("\u4e00" <= ch <= "\u9fff" for ch in found.why), found.why


@pytest.mark.parametrize("code", sorted(NEARLY))
def test_partial_evidence_leaves_the_criterion_unmet(deal, cast, code):
    NEARLY[code](deal, cast)
    assert not result(deal, code).met


def test_s7_2_needs_confirmed_payments_to_cover_what_is_due(deal, cast):
    contract = _contract(deal)
    _payment(contract, "20", confirmed_by=cast.finance)
    found = result(deal, "S7.2")
    assert not found.met and "20.00" in found.why and "30.00" in found.why
    _payment(contract, "10", confirmed_by=cast.finance)
    assert result(deal, "S7.2").met


def test_s7_2_with_nothing_due_yet_still_needs_one_confirmed_payment(deal, cast):
    contract = _contract(deal, due_offset=30)
    assert not result(deal, "S7.2").met
    _payment(contract, "5", confirmed_by=cast.finance)
    assert result(deal, "S7.2").met


def test_attested_criterion_shows_who_attested_and_withdrawal_unmeets_it(deal, cast):
    attest(deal, "S3.1", by=cast.salesperson)
    found = result(deal, "S3.1")
    assert found.met and found.attestation.by == "li" and "李明" in found.why
    deal.attestations.update(withdrawn_at=timezone.now(), withdrawn_by=cast.salesperson)
    assert not result(deal, "S3.1").met


def test_texts_follow_the_active_language(deal):
    with translation.override("en"):
        english = next(r for r in evaluate(deal) if r.code == "S5.3")
    assert english.text.startswith("Preliminary quote") and "No quote" in english.why
    assert result(deal, "S5.3").text.startswith("已提交项目初步费用报价")


def test_every_criterion_of_s2_to_s7_is_evaluated_in_order(deal):
    codes = [r.code for r in evaluate(deal)]
    assert codes[0] == "S2.1" and codes[-1] == "S7.3" and len(codes) == 31


def test_evidenced_stage_is_the_highest_with_every_earlier_stage_met(deal, cast):
    assert evidenced_stage(evaluate(deal)) is None
    evidence_up_to(deal, "S4")
    assert evidenced_stage(evaluate(deal)) == "S4"


def test_bulk_evaluation_uses_the_same_number_of_queries_for_many_deals(
    cast, django_assert_num_queries
):
    for _n in range(2):
        evidence_up_to(OpportunityFactory(owner=cast.salesperson), "S6")
    with django_assert_num_queries(9) as few:
        evaluate_many(Opportunity.objects.all())
    for _n in range(5):
        evidence_up_to(OpportunityFactory(owner=cast.teammate), "S6")
    with django_assert_num_queries(len(few.captured_queries)):
        results = evaluate_many(Opportunity.objects.all())
    assert len(results) == 7
    assert all(evidenced_stage(r) == "S4" for r in results.values())  # S5.4: probability 10


def test_evidence_read_together_gives_competitors_by_name_first_activity_latest_quote(
    cast,
):
    one, other = OpportunityFactory(owner=cast.salesperson), OpportunityFactory(owner=cast.teammate)
    for name in ("Oracle", "Kingdee", "SAP"):
        competitor, _ = Competitor.objects.get_or_create(name=name)
        OpportunityCompetitor.objects.create(opportunity=one, competitor=competitor)
    for day in (date(2026, 5, 1), date(2026, 2, 3), date(2026, 4, 1)):
        Activity.objects.create(
            person=one.owner,
            kind="guidance",
            occurred_on=day,
            opportunity=one,
            customer=one.customer,
        )
    for version in (1, 3, 2):
        Quote.objects.create(
            opportunity=one,
            version=version,
            kind="formal",
            quoted_on=date(2026, 3, version),
            software_fee=1,
            implementation_fee=1,
            service_fee=1,
            created_by=one.owner,
        )
    _key_dates(other, "customer_schedule")

    with translation.override("en"):
        results = evaluate_many([one, other])
    why = {(pk, r.code): r.why for pk, rows in results.items() for r in rows}

    assert why[(one.pk, "S4.6")] == "Involved: Kingdee, Oracle, SAP."
    assert why[(one.pk, "S4.7")].endswith("on 2026-02-03.")
    assert why[(one.pk, "S5.3")] == "Quote version 3 on record."
    assert why[(other.pk, "S4.6")] == "No named consultant or competitor on record."
    assert why[(other.pk, "S4.5")].startswith("Key dates on record")
    assert why[(one.pk, "S4.5")].startswith("Key dates missing")
