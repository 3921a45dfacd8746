"""Rows the import inserts in bulk (raw executemany) look exactly like rows the ORM writes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from salespath.catalog.models import ProductCategory
from salespath.imports.services import import_files
from salespath.pipeline.copies import stale_copies
from salespath.pipeline.models import Contract, Opportunity, OpportunityLine, StageChange
from tests.factories import CustomerFactory, OpportunityFactory, ProductFactory

from .helpers import OPPORTUNITY_HEADERS, write_xlsx

pytestmark = pytest.mark.django_db

HEADERS = [*OPPORTUNITY_HEADERS, "签约日期", "合同金额", "竞争对手"]
LINE_HEADERS = ["外部编号", "产品", "金额"]
HISTORY_HEADERS = ["外部编号", "阶段", "进入日期", "状态"]


@pytest.fixture
def world(cast):
    CustomerFactory(external_id="C1", name="广州重工集团", owner=cast.salesperson)
    ProductFactory(code="erp", name="ERP软件")
    ProductFactory(code="hr", name="人力资源")
    return cast


def won(external_id: str) -> list[object]:
    return [
        external_id,
        f"项目{external_id}",
        "C1",
        "li",
        "S7",
        "",
        "2026-06-30",
        "",
        "2026-06-15",
        "",
        "",
        "2026-01-10",
        "2026-06-20",
        "1,100,000",
        "友商甲",
    ]


def test_bulk_written_rows_carry_the_defaults_the_importer_and_the_time(world, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "商机": [HEADERS, won("P1")],
            "产品明细": [LINE_HEADERS, ["P1", "erp", "800000"], ["P1", "hr", "300000"]],
            "阶段历史": [
                HISTORY_HEADERS,
                ["P1", "S2", "2026-01-10", ""],
                ["P1", "S5", "2026-04-01", ""],
            ],
        },
    )
    before = timezone.now()
    with translation.override("zh-hans"):
        import_files(paths=[path], by=world.supervisor)
    p1 = Opportunity.objects.get(external_id="P1")
    assert (p1.version, p1.name_en, p1.no_competitors_known) == (1, "", False)
    assert p1.budget_amount is None and p1.customer_need == ""
    assert p1.created_by == world.supervisor and p1.imported
    assert before - timedelta(seconds=1) <= p1.updated_at <= timezone.now()
    assert p1.amount == Decimal("1100000.00")
    assert sorted(p1.lines.values_list("product__code", "amount")) == [
        ("erp", Decimal("800000.00")),
        ("hr", Decimal("300000.00")),
    ]
    history = list(
        p1.stage_changes.order_by("effective_on", "id").values_list(
            "kind", "from_stage", "from_status", "to_stage", "to_status", "effective_on", "by"
        )
    )
    assert history == [
        ("import", None, "", "S2", "open", date(2026, 1, 10), world.supervisor.pk),
        ("import", "S2", "open", "S5", "open", date(2026, 4, 1), world.supervisor.pk),
        ("import", "S5", "open", "S7", "won", date(2026, 6, 15), world.supervisor.pk),
    ]
    change = p1.stage_changes.first()
    assert change.imported and not change.override and change.reason == ""
    assert before - timedelta(seconds=1) <= change.at <= timezone.now()
    contract = Contract.objects.get(opportunity=p1)
    assert (contract.signed_on, contract.amount) == (date(2026, 6, 20), Decimal("1100000.00"))
    assert contract.payment_terms == "导入数据；付款条件见已签合同。"
    assert contract.created_by == world.supervisor and contract.created_at is not None
    assert list(p1.competitors.values_list("competitor__name", flat=True)) == ["友商甲"]


def test_lines_and_history_go_to_their_own_opportunity_beside_a_hand_numbered_one(world, tmp_path):
    # An opportunity given a high id by hand: new rows' ids may then be below it (PostgreSQL's
    # sequence does not move), and the import must still find its own new opportunities.
    OpportunityFactory(id=900_000, external_id="OLD", owner=world.salesperson)
    path = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "商机": [HEADERS, won("P1"), won("P2")],
            "产品明细": [LINE_HEADERS, ["P1", "erp", "1100000"], ["P2", "hr", "1100000"]],
        },
    )
    import_files(paths=[path])
    p1, p2 = (Opportunity.objects.get(external_id=e) for e in ("P1", "P2"))
    assert list(OpportunityLine.objects.filter(opportunity=p1).values_list("product__code")) == [
        ("erp",)
    ]
    assert list(OpportunityLine.objects.filter(opportunity=p2).values_list("product__code")) == [
        ("hr",)
    ]
    assert StageChange.objects.filter(opportunity__external_id="OLD", imported=True).count() == 0
    assert p1.stage_changes.count() == p2.stage_changes.count() == 2
    # the rows carry their lines' products, as the evaluation sheet reads them
    assert (p1.product_ids, p2.product_ids) == (
        str(ProductCategory.objects.get(code="erp").pk),
        str(ProductCategory.objects.get(code="hr").pk),
    )
    assert stale_copies() == []
