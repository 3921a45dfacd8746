"""Creating and editing opportunities: lines, version check, field history."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from salespath.errors import Conflict, DomainError, NotAllowed
from salespath.pipeline.models import FieldChange, Opportunity
from salespath.pipeline.services import (
    opportunity_create,
    opportunity_set_lines,
    opportunity_update,
)
from tests.factories import CustomerFactory, OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db


def create(cast, **overrides):
    values = dict(
        customer=CustomerFactory(owner=cast.salesperson),
        owner=cast.salesperson,
        name="集团ERP项目",
        expected_close=date(2027, 3, 31),
        by=cast.salesperson,
        created_on=date(2026, 3, 1),
    )
    values.update(overrides)
    return opportunity_create(**values)


def test_create_puts_the_opportunity_in_s2_with_its_opening_history_row(cast):
    erp, hr = ProductFactory(code="erp"), ProductFactory(code="hr")
    deal = create(cast, lines=[(erp, "300000"), (hr, Decimal("50000.5"))])
    assert (deal.stage_id, deal.status, deal.probability, deal.version) == ("S2", "open", 10, 1)
    assert deal.amount == Decimal("350000.50") and deal.lines.count() == 2
    change = deal.stage_changes.get()
    assert (change.kind, change.to_stage_id, change.effective_on) == (
        "create",
        "S2",
        deal.created_on,
    )
    assert not deal.probability_manual and deal.forecast_category == "pipeline"


def test_create_with_a_probability_keeps_it_as_set_by_hand(cast):
    deal = create(cast, amount=100, probability=40)
    assert (deal.probability, deal.probability_manual, deal.amount) == (40, True, Decimal("100"))


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"name": " "}, "name", "项目名称"),
        ({"amount": -1}, "amount", "不能为负"),
        ({"expected_close": date(2026, 2, 1)}, "expected_close", "预计成交日期"),
        ({"forecast_category": "maybe"}, "forecast_category", "销售预测类别"),
        ({"probability": 120}, "probability", "0"),
        ({"budget_amount": "abc"}, "budget_amount", "不是有效数字"),
        ({"created_on": date(2099, 1, 1)}, "created_on", "不能晚于今天"),
    ],
)
def test_bad_input_on_create_is_refused_in_chinese_and_nothing_written(
    cast, overrides, field, words
):
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        create(cast, **overrides)
    assert words in refused.value.message and field in refused.value.fields
    assert Opportunity.objects.count() == 0


def test_lines_must_not_repeat_a_product(cast):
    erp = ProductFactory(code="erp")
    with pytest.raises(DomainError):
        create(cast, lines=[(erp, 1), (erp, 2)])
    assert Opportunity.objects.count() == 0


def test_a_salesperson_cannot_create_for_someone_else(cast):
    with pytest.raises(NotAllowed):
        create(cast, owner=cast.teammate, customer=CustomerFactory(owner=cast.teammate))


def test_update_writes_field_history_and_bumps_the_version(cast):
    deal = OpportunityFactory(owner=cast.salesperson)
    opportunity_update(
        opportunity=deal,
        version=1,
        by=cast.salesperson,
        amount="500000",
        expected_close=date(2027, 1, 31),
        forecast_category="best_case",
        note="备注",
    )
    deal.refresh_from_db()
    assert deal.version == 2 and deal.note == "备注"
    history = {f.field: (f.old_value, f.new_value, f.by) for f in FieldChange.objects.all()}
    assert history == {
        "amount": ("0.00", "500000.00", cast.salesperson),
        "expected_close": ("2026-09-30", "2027-01-31", cast.salesperson),
        "forecast_category": ("pipeline", "best_case", cast.salesperson),
    }


def test_saving_with_a_stale_version_is_a_conflict_and_changes_nothing(cast):
    deal = OpportunityFactory(owner=cast.salesperson)
    opportunity_update(opportunity=deal, version=1, by=cast.salesperson, note="first")
    stale = Opportunity.objects.get(pk=deal.pk)
    stale.version = 1
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        opportunity_update(opportunity=stale, version=1, by=cast.salesperson, amount=9)
    assert refused.value.code == "stale_version" and "刷新" in refused.value.message
    deal.refresh_from_db()
    assert (deal.amount, deal.version) == (Decimal("0"), 2)
    assert not FieldChange.objects.filter(field="amount").exists()


def test_unknown_fields_cannot_be_updated(cast):
    deal = OpportunityFactory(owner=cast.salesperson)
    with pytest.raises(DomainError):
        opportunity_update(opportunity=deal, version=1, by=cast.salesperson, stage_id="S7")
    assert Opportunity.objects.get(pk=deal.pk).stage_id == "S2"


def test_owner_is_reassigned_only_by_the_supervisor(cast):
    deal = OpportunityFactory(owner=cast.salesperson)
    with pytest.raises(NotAllowed):
        opportunity_update(opportunity=deal, version=1, by=cast.salesperson, owner=cast.teammate)
    opportunity_update(opportunity=deal, version=1, by=cast.supervisor, owner=cast.teammate)
    assert FieldChange.objects.get(field="owner").new_value == "wang"


def test_set_lines_replaces_them_and_the_amount_follows(cast):
    deal = OpportunityFactory(owner=cast.salesperson)
    erp = ProductFactory(code="erp")
    opportunity_set_lines(opportunity=deal, lines=[(erp, "120")], by=cast.salesperson)
    deal.refresh_from_db()
    assert deal.amount == Decimal("120") and deal.version == 2
    with pytest.raises(DomainError):
        opportunity_update(opportunity=deal, version=2, by=cast.salesperson, amount=5)
