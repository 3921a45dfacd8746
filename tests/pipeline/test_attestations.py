"""Attested criteria: who, when, a note; withdrawal is recorded, never deleted."""

import pytest
from django.utils import translation

from salespath.errors import Conflict, DomainError
from salespath.pipeline.criteria import evaluate
from salespath.pipeline.models import Attestation
from salespath.pipeline.services import attestation_add, attestation_withdraw
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(cast):
    return OpportunityFactory(owner=cast.salesperson)


def met(deal, code):
    return next(r for r in evaluate(deal) if r.code == code).met


def test_attest_then_withdraw_keeps_the_record(deal, cast):
    attestation = attestation_add(
        opportunity=deal, criterion="S3.2", by=cast.salesperson, note="客户CIO确认外购"
    )
    assert met(deal, "S3.2")
    attestation_withdraw(attestation=attestation, by=cast.salesperson, reason="CIO离职")
    assert not met(deal, "S3.2")
    kept = Attestation.objects.get(pk=attestation.pk)
    assert kept.withdrawn_by == cast.salesperson and kept.withdraw_reason == "CIO离职"
    attestation_add(opportunity=deal, criterion="S3.2", by=cast.salesperson, note="新CIO确认")
    assert Attestation.objects.count() == 2 and met(deal, "S3.2")


def test_an_evidence_backed_criterion_cannot_be_attested(deal, cast):
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        attestation_add(opportunity=deal, criterion="S5.3", by=cast.salesperson, note="口头报价")
    assert "S5.3" in refused.value.message and "证据" in refused.value.message
    assert not Attestation.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"criterion": "S3.1", "note": ""},
        {"criterion": "S9.9", "note": "x"},
        {"criterion": "S1.3", "note": "x"},
    ],
)
def test_bad_attestations_are_refused(deal, cast, kwargs):
    with pytest.raises(DomainError):
        attestation_add(opportunity=deal, by=cast.salesperson, **kwargs)
    assert not Attestation.objects.exists()


def test_a_criterion_is_attested_once_at_a_time(deal, cast):
    attestation_add(opportunity=deal, criterion="S3.1", by=cast.salesperson, note="a")
    with pytest.raises(Conflict):
        attestation_add(opportunity=deal, criterion="S3.1", by=cast.salesperson, note="b")


def test_customer_criteria_are_attested_on_the_customer(deal, cast):
    attestation_add(
        customer=deal.customer, criterion="S1.3", by=cast.salesperson, note="管理提升需求"
    )
    assert Attestation.objects.get().customer == deal.customer
