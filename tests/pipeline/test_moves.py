"""Override, move back, lose, reopen; probability; history that is never rewritten."""

from datetime import date

import pytest
from django.utils import translation

from salespath.customers.models import Competitor
from salespath.errors import Conflict, DomainError, NotAllowed
from salespath.pipeline.models import FieldChange, Opportunity, StageChange, Status
from salespath.pipeline.services import (
    opportunity_advance,
    opportunity_lose,
    opportunity_move_back,
    opportunity_override,
    opportunity_reopen,
    opportunity_update,
)
from tests.factories import OpportunityFactory

from .evidence import evidence_up_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(cast):
    return OpportunityFactory(owner=cast.salesperson, expected_close=date(2027, 12, 31))


def in_chinese(error_type, call, **kwargs):
    with translation.override("zh-hans"), pytest.raises(error_type) as refused:
        call(**kwargs)
    return refused.value


def test_supervisor_override_moves_past_an_unmet_gate_and_is_recorded(deal, cast):
    opportunity_override(
        opportunity=deal, to_stage="S4", by=cast.supervisor, reason="客户高层已口头确认立项"
    )
    deal.refresh_from_db()
    assert (deal.stage_id, deal.probability) == ("S4", 30)
    change = deal.stage_changes.latest("id")
    assert change.override and change.by == cast.supervisor
    assert change.reason == "客户高层已口头确认立项"


def test_override_needs_a_written_reason(deal, cast):
    error = in_chinese(
        DomainError,
        opportunity_override,
        opportunity=deal,
        to_stage="S4",
        by=cast.supervisor,
        reason="  ",
    )
    assert "原因" in error.message
    assert deal.stage_changes.count() == 1


@pytest.mark.parametrize("who", ["salesperson", "other_supervisor", "executive", "finance"])
def test_only_the_owners_supervisor_or_gm_may_override(deal, cast, who):
    with pytest.raises((NotAllowed, DomainError)):
        opportunity_override(opportunity=deal, to_stage="S4", by=getattr(cast, who), reason="理由")
    assert Opportunity.objects.get(pk=deal.pk).stage_id == "S2"


def test_move_back_needs_a_reason_and_records_it(deal, cast):
    evidence_up_to(deal, "S3")
    opportunity_advance(opportunity=deal, to_stage="S3", by=cast.salesperson)
    error = in_chinese(
        DomainError,
        opportunity_move_back,
        opportunity=deal,
        to_stage="S2",
        by=cast.salesperson,
        reason="",
    )
    assert error.message == "必须填写原因。" and error.fields == {"reason": [error.message]}
    assert Opportunity.objects.get(pk=deal.pk).stage_id == "S3"
    opportunity_move_back(opportunity=deal, to_stage="S2", by=cast.salesperson, reason="需求搁置")
    deal.refresh_from_db()
    assert (deal.stage_id, deal.probability) == ("S2", 10)
    change = deal.stage_changes.latest("id")
    assert (change.kind, change.from_stage_id, change.to_stage_id) == ("back", "S3", "S2")
    assert change.reason == "需求搁置"


def test_move_back_cannot_go_forward(deal, cast):
    with pytest.raises(DomainError):
        opportunity_move_back(opportunity=deal, to_stage="S4", by=cast.salesperson, reason="x")


def test_lose_ends_the_opportunity_with_reason_and_winner(deal, cast):
    winner = Competitor.objects.create(name="金蝶")
    opportunity_lose(opportunity=deal, by=cast.salesperson, reason="价格", lost_to=winner)
    deal.refresh_from_db()
    assert (deal.status, deal.probability, deal.lost_reason) == (Status.LOST, 0, "价格")
    assert deal.lost_to == winner and deal.lost_on is not None
    change = deal.stage_changes.latest("id")
    assert (change.kind, change.to_status, change.to_stage_id) == ("lose", "lost", "S2")


def test_lose_without_reason_is_refused(deal, cast):
    with pytest.raises(DomainError):
        opportunity_lose(opportunity=deal, by=cast.salesperson, reason="")
    assert Opportunity.objects.get(pk=deal.pk).status == Status.OPEN


def test_a_lost_opportunity_cannot_advance_and_can_be_reopened(deal, cast):
    opportunity_lose(opportunity=deal, by=cast.salesperson, reason="预算取消")
    with pytest.raises(Conflict):
        opportunity_advance(opportunity=deal, to_stage="S3", by=cast.salesperson)
    with pytest.raises(DomainError):
        opportunity_reopen(opportunity=deal, by=cast.salesperson, reason="")
    opportunity_reopen(opportunity=deal, by=cast.salesperson, reason="预算恢复")
    deal.refresh_from_db()
    assert (deal.status, deal.lost_on, deal.lost_reason, deal.probability) == (
        Status.OPEN,
        None,
        "",
        10,
    )
    assert deal.stage_changes.latest("id").kind == "reopen"


def test_reopen_of_an_open_opportunity_is_refused(deal, cast):
    with pytest.raises(DomainError):
        opportunity_reopen(opportunity=deal, by=cast.salesperson, reason="x")


def test_probability_set_by_hand_is_kept_on_moves_and_after_reopening(deal, cast):
    opportunity_update(opportunity=deal, version=deal.version, by=cast.salesperson, probability=35)
    evidence_up_to(deal, "S3")
    opportunity_advance(opportunity=deal, to_stage="S3", by=cast.salesperson)
    assert Opportunity.objects.get(pk=deal.pk).probability == 35
    opportunity_lose(opportunity=deal, by=cast.salesperson, reason="x")
    assert Opportunity.objects.get(pk=deal.pk).probability == 0
    opportunity_reopen(opportunity=deal, by=cast.salesperson, reason="y")
    assert Opportunity.objects.get(pk=deal.pk).probability == 35
    opportunity_update(opportunity=deal, version=None, by=cast.salesperson, probability=None)
    deal.refresh_from_db()
    assert (deal.probability, deal.probability_manual) == (20, False)


def test_won_opportunity_moved_back_is_open_again(deal, cast):
    evidence_up_to(deal, "S7", finance=cast.finance)
    opportunity_advance(opportunity=deal, to_stage="S7", by=cast.salesperson)
    opportunity_move_back(opportunity=deal, to_stage="S6", by=cast.salesperson, reason="误操作")
    deal.refresh_from_db()
    assert (deal.status, deal.stage_id, deal.won_on) == (Status.OPEN, "S6", None)


def test_every_move_writes_one_row_and_the_stage_field_history(deal, cast):
    opportunity_override(opportunity=deal, to_stage="S3", by=cast.supervisor, reason="a")
    opportunity_move_back(opportunity=deal, to_stage="S2", by=cast.salesperson, reason="b")
    opportunity_lose(opportunity=deal, by=cast.salesperson, reason="c")
    opportunity_reopen(opportunity=deal, by=cast.salesperson, reason="d")
    kinds = list(deal.stage_changes.order_by("id").values_list("kind", flat=True))
    assert kinds == ["create", "advance", "back", "lose", "reopen"]
    stages = FieldChange.objects.filter(opportunity=deal, field="stage").order_by("id")
    assert [(f.old_value, f.new_value) for f in stages] == [("S2", "S3"), ("S3", "S2")]
    assert Opportunity.objects.get(pk=deal.pk).version == 5


def test_history_rows_cannot_be_changed_or_deleted(deal):
    change = deal.stage_changes.get()
    change.reason = "rewritten"
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    assert StageChange.objects.get(pk=change.pk).reason == ""


def test_a_backdated_move_cannot_precede_the_last_recorded_move(deal, cast):
    with pytest.raises(DomainError):
        opportunity_override(
            opportunity=deal, to_stage="S3", by=cast.supervisor, reason="x", on=date(2025, 1, 1)
        )
    opportunity_override(
        opportunity=deal, to_stage="S3", by=cast.supervisor, reason="x", on=date(2026, 2, 1)
    )
    deal.refresh_from_db()
    assert deal.stage_entered_on == date(2026, 2, 1)
    assert deal.stage_changes.latest("id").effective_on == date(2026, 2, 1)
