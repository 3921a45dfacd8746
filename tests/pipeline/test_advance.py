"""Advancing through the gates (SPEC §2 gate rules)."""

from datetime import date

import pytest
from django.utils import translation

from salespath.errors import Conflict, DomainError
from salespath.pipeline.models import FieldChange, Opportunity, StageChange, Status
from salespath.pipeline.services import opportunity_advance
from tests.factories import OpportunityFactory

from .evidence import evidence_up_to, s2_evidence, s3_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(cast):
    return OpportunityFactory(owner=cast.salesperson, expected_close=date(2027, 12, 31))


def test_advance_with_every_criterion_met_moves_and_records_the_change(deal, cast):
    evidence_up_to(deal, "S3")
    opportunity_advance(opportunity=deal, to_stage="S3", by=cast.salesperson)
    deal.refresh_from_db()
    assert deal.stage_id == "S3"
    assert deal.probability == 20
    assert deal.version == 2
    change = deal.stage_changes.latest("id")
    assert (change.kind, change.from_stage_id, change.to_stage_id) == ("advance", "S2", "S3")
    assert change.by == cast.salesperson and not change.override
    assert FieldChange.objects.filter(opportunity=deal, field="stage", new_value="S3").exists()


def test_gate_refusal_names_every_missing_criterion_of_the_stages_skipped(deal, cast):
    s2_evidence(deal)
    s3_evidence(deal)
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        opportunity_advance(opportunity=deal, to_stage="S5", by=cast.salesperson)
    error = refused.value
    assert error.code == "gate_not_met"
    codes = [item["code"] for item in error.missing]
    # S4.3 holds: the S2 evidence recorded a budget. S2 and S3 are complete.
    assert codes == [
        "S4.0",
        "S4.1",
        "S4.2",
        "S4.4",
        "S4.5",
        "S4.6",
        "S4.7",
        "S5.1",
        "S5.2",
        "S5.3",
        "S5.4",
    ]
    assert "S5.3" in error.message and "未满足" in error.message
    texts = {item["code"]: item["text"] for item in error.missing}
    assert texts["S5.3"].startswith("已提交项目初步费用报价")
    deal.refresh_from_db()
    assert deal.stage_id == "S2" and deal.version == 1
    assert deal.stage_changes.count() == 1


def test_reaching_s7_marks_the_opportunity_won(deal, cast):
    evidence_up_to(deal, "S7", finance=cast.finance)
    opportunity_advance(opportunity=deal, to_stage="S7", by=cast.salesperson)
    deal.refresh_from_db()
    assert (deal.status, deal.stage_id, deal.probability) == (Status.WON, "S7", 100)
    assert deal.won_on is not None
    assert deal.stage_changes.latest("id").to_status == Status.WON


@pytest.mark.parametrize("to_stage", ["S8", "S9", "X", "", "S1"])
def test_advancing_past_s7_or_to_an_unknown_stage_is_refused(deal, cast, to_stage):
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        opportunity_advance(opportunity=deal, to_stage=to_stage, by=cast.salesperson)
    assert "阶段" in refused.value.message
    assert refused.value.fields == {"to_stage": [refused.value.message]}
    assert StageChange.objects.filter(opportunity=deal).count() == 1


def test_stale_version_changes_nothing(deal, cast):
    evidence_up_to(deal, "S3")
    Opportunity.objects.filter(pk=deal.pk).update(version=5)
    with pytest.raises(Conflict) as refused:
        opportunity_advance(opportunity=deal, to_stage="S3", by=cast.salesperson, version=4)
    assert refused.value.code == "stale_version"
    assert Opportunity.objects.get(pk=deal.pk).stage_id == "S2"
