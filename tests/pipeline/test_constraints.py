"""Model validation with translated messages, backed by database constraints (issue 2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from salespath.pipeline.models import Opportunity, StageChange
from tests.factories import LineFactory, OpportunityFactory, written

pytestmark = pytest.mark.django_db


def refused_in_chinese(instance) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return str(refused.value)


def test_negative_amount_is_refused():
    opportunity = OpportunityFactory()
    opportunity.amount = Decimal("-5")
    assert "金额不能为负" in refused_in_chinese(opportunity)
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(amount=Decimal("-5"))


def test_close_date_before_creation_is_refused():
    opportunity = OpportunityFactory(created_on=date(2026, 5, 1), expected_close=date(2026, 6, 1))
    opportunity.expected_close = date(2026, 4, 1)
    assert "预计成交日期不能早于商机创建日期" in refused_in_chinese(opportunity)
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(expected_close=date(2026, 4, 1))


def test_unknown_stage_is_refused():
    opportunity = OpportunityFactory()
    opportunity.stage_id = "S9"
    message = refused_in_chinese(opportunity)
    assert "stage" in message or "阶段" in message
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(stage_id="S1")


def test_lines_that_do_not_sum_to_the_amount_are_refused():
    line = LineFactory(amount=Decimal("100"))
    opportunity = line.opportunity
    opportunity.amount = Decimal("150")
    assert "金额应等于各产品行金额之和" in refused_in_chinese(opportunity)


def test_negative_line_is_refused_by_the_database():
    line = LineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(line).objects.filter(pk=line.pk).update(amount=Decimal("-1"))


def test_won_opportunity_must_be_in_s7_with_a_completion_date():
    opportunity = OpportunityFactory(stage_id="S6")
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(status="won")


def test_lost_opportunity_needs_a_reason():
    opportunity = OpportunityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(status="lost", lost_on=date.today())


def test_stage_history_is_append_only():
    change = OpportunityFactory().stage_changes.get()
    change.reason = "rewritten"
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    assert StageChange.objects.get(pk=change.pk).reason == ""


def test_stage_on_a_date_is_read_from_history():
    from django.utils import timezone

    from salespath.pipeline.history import stage_on, status_on

    opportunity = OpportunityFactory(created_on=date(2026, 1, 10))
    StageChange.objects.create(
        opportunity=opportunity,
        kind="advance",
        from_stage_id="S2",
        to_stage_id="S4",
        from_status="open",
        to_status="open",
        effective_on=date(2026, 3, 1),
        at=timezone.now(),
    )
    # As the services do: the history ends at the current stage (pipeline.history relies on it).
    Opportunity.objects.filter(pk=opportunity.pk).update(
        stage_id="S4", stage_entered_on=date(2026, 3, 1)
    )
    written(opportunity)

    def on(day):
        row = Opportunity.objects.annotate(s=stage_on(day), st=status_on(day)).get()
        return row.s, row.st

    assert on(date(2026, 1, 9)) == (None, None)
    assert on(date(2026, 2, 28)) == ("S2", "open")
    assert on(date(2026, 3, 1)) == ("S4", "open")
