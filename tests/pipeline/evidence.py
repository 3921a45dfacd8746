"""Helpers that put the evidence of each stage on record, the way the services would, so a
test can bring an opportunity to the edge of a gate and take one piece away."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from salespath.activities.models import Activity, ActivityKind
from salespath.customers.models import (
    Competitor,
    Contact,
    ContactRole,
    EconomicCondition,
    SystemStatus,
)
from salespath.pipeline.models import (
    Attestation,
    Contract,
    Criterion,
    InitiationRequest,
    Installment,
    KeyDate,
    Opportunity,
    OpportunityCompetitor,
    Payment,
    ProjectMember,
    ProjectRole,
    Quote,
    Shipment,
)
from tests.factories import written


def attest(opportunity: Opportunity, *codes: str, by=None) -> None:
    for code in codes:
        Attestation.objects.create(
            criterion_id=code,
            opportunity=opportunity,
            note="客户已在会议上确认",
            by=by or opportunity.owner,
            at=timezone.now(),
        )


def attest_customer(customer, *codes: str, by=None) -> None:
    for code in codes:
        Attestation.objects.create(
            criterion_id=code,
            customer=customer,
            note="走访确认",
            by=by or customer.owner,
            at=timezone.now(),
        )


def attested_codes(stage: str) -> list[str]:
    return list(
        Criterion.objects.filter(stage_id=stage, kind="attested").values_list("code", flat=True)
    )


def make_target_customer(customer) -> None:
    customer.is_group_enterprise = True
    customer.is_multi_site = True
    customer.size = "large"
    customer.save()
    attest_customer(customer, "S1.3", "S1.4")


def s2_evidence(opportunity: Opportunity) -> None:
    customer = opportunity.customer
    customer.background = "珠三角大型制造集团"
    customer.headcount = 3000
    customer.it_hardware = "IBM 小型机"
    customer.it_software = "旧版财务软件"
    customer.it_network = "专线"
    customer.it_need = "集团财务集中"
    customer.economic_condition = EconomicCondition.GOOD
    customer.current_system_status = SystemStatus.INADEQUATE
    customer.save()
    make_target_customer(customer)
    Contact.objects.create(customer=customer, name="张工", project_role=ContactRole.IT_LEAD)
    opportunity.customer_need = "财务与供应链一体化"
    opportunity.budget_amount = Decimal("800000.00")
    opportunity.no_competitors_known = True
    opportunity.save()


def s3_evidence(opportunity: Opportunity) -> None:
    attest(opportunity, *attested_codes("S3"))


def s4_evidence(opportunity: Opportunity, approver=None) -> None:
    InitiationRequest.objects.create(
        opportunity=opportunity,
        requested_by=opportunity.owner,
        requested_at=timezone.now(),
        requirements="ERP",
        status=InitiationRequest.Decision.APPROVED,
        decided_by=approver or opportunity.owner,
        decided_at=timezone.now(),
    )
    ProjectMember.objects.create(
        opportunity=opportunity, person=opportunity.owner, role=ProjectRole.PROJECT_MANAGER
    )
    written(opportunity)  # the project manager's copy
    attest(opportunity, *attested_codes("S4"))
    customer = opportunity.customer
    Contact.objects.create(customer=customer, name="刘总", project_role=ContactRole.SELECTION_TEAM)
    Contact.objects.create(customer=customer, name="陈董", project_role=ContactRole.DECISION_MAKER)
    KeyDate.objects.create(opportunity=opportunity, kind="customer_schedule", on=date(2026, 6, 1))
    competitor, _ = Competitor.objects.get_or_create(name="金蝶")
    OpportunityCompetitor.objects.create(opportunity=opportunity, competitor=competitor)
    Activity.objects.create(
        person=opportunity.owner,
        kind=ActivityKind.GUIDANCE,
        occurred_on=opportunity.created_on,
        opportunity=opportunity,
        customer=customer,
    )


def s5_evidence(opportunity: Opportunity) -> None:
    attest(opportunity, *attested_codes("S5"))
    Activity.objects.create(
        person=opportunity.owner,
        kind=ActivityKind.PRODUCT_OVERVIEW,
        occurred_on=opportunity.created_on,
        opportunity=opportunity,
        customer=opportunity.customer,
    )
    Quote.objects.create(
        opportunity=opportunity,
        version=1,
        kind="preliminary",
        quoted_on=opportunity.created_on,
        software_fee=Decimal("500000"),
        implementation_fee=Decimal("200000"),
        service_fee=Decimal("100000"),
        created_by=opportunity.owner,
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(
        expected_close=timezone.localdate() + timedelta(days=30)
    )
    opportunity.refresh_from_db()


def s6_evidence(opportunity: Opportunity) -> None:
    attest(opportunity, *attested_codes("S6"))
    for kind in ("bid", "negotiation", "signing"):
        KeyDate.objects.create(opportunity=opportunity, kind=kind, on=date(2026, 7, 1))


def s7_evidence(opportunity: Opportunity, finance) -> None:
    today = timezone.localdate()
    contract = Contract.objects.create(
        opportunity=opportunity,
        signed_on=today,
        amount=Decimal("800000"),
        payment_terms="30/60/10",
        created_by=opportunity.owner,
    )
    Installment.objects.create(contract=contract, due_on=today, amount=Decimal("240000"))
    Installment.objects.create(
        contract=contract, due_on=today + timedelta(days=90), amount=Decimal("560000")
    )
    Payment.objects.create(
        contract=contract,
        amount=Decimal("240000"),
        received_on=today,
        recorded_by=opportunity.owner,
        recorded_at=timezone.now(),
        confirmed_by=finance,
        confirmed_at=timezone.now(),
    )
    Shipment.objects.create(opportunity=opportunity, hq_ordered_on=today, shipped_on=today)
    written(opportunity)  # the contract's signing date, copied as `contract_sign` does


STAGE_EVIDENCE = {
    "S2": s2_evidence,
    "S3": s3_evidence,
    "S4": s4_evidence,
    "S5": s5_evidence,
    "S6": s6_evidence,
}


def evidence_up_to(opportunity: Opportunity, stage: str, finance=None) -> None:
    """Everything S2..`stage` needs."""
    for code in ("S2", "S3", "S4", "S5", "S6"):
        if int(code[1]) > int(stage[1]):
            return
        STAGE_EVIDENCE[code](opportunity)
    if stage == "S7":
        s7_evidence(opportunity, finance)
