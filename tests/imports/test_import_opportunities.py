"""Importing opportunities with lines and stage history: invariants, upserts, bad input."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from salespath.imports.errors import ImportRejected
from salespath.imports.services import import_files
from salespath.pipeline.models import Opportunity, OpportunityLine, StageChange
from tests.factories import CustomerFactory, OpportunityFactory, ProductFactory

from .helpers import OPPORTUNITY_HEADERS, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    CustomerFactory(external_id="C1", name="广州重工集团", owner=cast.salesperson)
    CustomerFactory(external_id="C2", name="深圳电力", owner=cast.teammate)
    ProductFactory(code="erp", name="ERP软件")
    ProductFactory(code="hr", name="人力资源")
    return cast


def workbook(tmp_path, opportunities, lines=(), history=(), name="pipeline.xlsx"):
    sheets = {"商机": [OPPORTUNITY_HEADERS, *opportunities]}
    if lines:
        sheets["产品明细"] = [["外部编号", "产品", "金额"], *lines]
    if history:
        sheets["阶段历史"] = [["外部编号", "阶段", "进入日期", "状态"], *history]
    return write_xlsx(tmp_path / name, sheets)


OPEN = ["P1", "重工ERP", "C1", "li", "S3", "进行中", "2026-09-30", "", "", "", "", "2026-02-01"]
WON = [
    "P2",
    "电力HR",
    "深圳电力",
    "wang",
    "S7",
    "",
    "2026-06-30",
    "",
    "2026/6/15",
    "",
    "",
    "2026年1月10日",
]
LOST = [
    "P3",
    "重工二期",
    "C1",
    "li",
    "S4",
    "丢单",
    "",
    "50万",
    "",
    "2026-05-01",
    "价格太高",
    "2026-01-20",
]


def rejected(paths, **kwargs) -> list[str]:
    with translation.override("zh-hans"), pytest.raises(ImportRejected) as error:
        import_files(paths=paths, **kwargs)
    return [str(p) for p in error.value.problems]


def test_imported_opportunities_keep_every_invariant(world, tmp_path):
    path = workbook(
        tmp_path,
        [OPEN, WON, LOST],
        lines=[["P1", "erp", "¥800,000"], ["P1", "人力资源", "40万"], ["P2", "hr", 300000]],
        history=[["P1", "S2", "2026-02-01", ""], ["P1", "S3", "2026-03-15", ""]],
    )
    result = import_files(paths=[path])
    assert result.by_kind()["opportunities"]["created"] == 3
    p1, p2, p3 = (Opportunity.objects.get(external_id=e) for e in ("P1", "P2", "P3"))
    assert p1.amount == Decimal("1200000.00")
    assert p1.stage_id == "S3" and p1.stage_entered_on == date(2026, 3, 15)
    assert p1.probability == 20 and not p1.probability_manual
    assert p2.status == "won" and p2.won_on == date(2026, 6, 15) and p2.probability == 100
    assert p2.amount == Decimal("300000.00")
    assert p3.status == "lost" and p3.lost_on == date(2026, 5, 1) and p3.lost_reason == "价格太高"
    assert p3.amount == Decimal("500000.00") and p3.probability == 0
    assert p3.expected_close == date(2026, 5, 1)
    history = list(
        StageChange.objects.filter(opportunity=p1).values_list(
            "kind", "imported", "to_stage", "to_status", "effective_on"
        )
    )
    assert history == [
        ("import", True, "S2", "open", date(2026, 2, 1)),
        ("import", True, "S3", "open", date(2026, 3, 15)),
    ]
    assert list(
        StageChange.objects.filter(opportunity=p2).values_list(
            "to_stage", "to_status", "effective_on"
        )
    ) == [("S2", "open", date(2026, 1, 10)), ("S7", "won", date(2026, 6, 15))]
    assert all(o.imported for o in (p1, p2, p3))


def test_importing_the_same_file_twice_changes_nothing(world, tmp_path):
    path = workbook(tmp_path, [OPEN, WON, LOST], lines=[["P1", "erp", "800000"]])
    import_files(paths=[path])
    before = list(Opportunity.objects.order_by("pk").values())
    changes = StageChange.objects.count()
    result = import_files(paths=[path])
    assert result.changed == 0
    assert list(Opportunity.objects.order_by("pk").values()) == before
    assert StageChange.objects.count() == changes


def test_a_corrected_file_updates_in_place(world, tmp_path):
    import_files(paths=[workbook(tmp_path, [OPEN], lines=[["P1", "erp", "800000"]])])
    corrected = [*OPEN]
    corrected[1] = "重工ERP（一期）"
    won = [
        "P1",
        "重工ERP（一期）",
        "C1",
        "li",
        "S7",
        "",
        "",
        "",
        "2026-07-01",
        "",
        "",
        "2026-02-01",
    ]
    import_files(paths=[workbook(tmp_path, [won], lines=[["P1", "erp", "900000"]], name="b.xlsx")])
    p1 = Opportunity.objects.get(external_id="P1")
    assert Opportunity.objects.count() == 1
    assert (p1.name, p1.status, p1.won_on, p1.amount) == (
        "重工ERP（一期）",
        "won",
        date(2026, 7, 1),
        Decimal("900000.00"),
    )
    assert list(OpportunityLine.objects.values_list("amount", flat=True)) == [Decimal("900000.00")]
    # History an import made from the row alone is remade from the corrected row.
    assert list(p1.stage_changes.values_list("to_stage", "to_status", "effective_on")) == [
        ("S3", "open", date(2026, 2, 1)),
        ("S7", "won", date(2026, 7, 1)),
    ]


def test_history_recorded_in_salespath_is_never_rewritten(world, tmp_path):
    OpportunityFactory(external_id="P1", owner=world.salesperson, stage_id="S2")
    path = workbook(tmp_path, [OPEN])
    import_files(paths=[path])
    p1 = Opportunity.objects.get(external_id="P1")
    assert list(p1.stage_changes.values_list("kind", "to_stage")) == [
        ("create", "S2"),
        ("import", "S3"),
    ]
    assert p1.stage_id == "S3"


def test_missing_required_columns_are_named_and_nothing_is_written(world, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", {"商机": [["外部编号", "项目名称"], ["P1", "x"]]})
    problems = rejected([path])
    assert any("客户 (customer)" in p and "缺少必填列" in p for p in problems)
    assert any("阶段 (stage)" in p for p in problems)
    assert Opportunity.objects.count() == 0


def test_unknown_stage_owner_and_customer_are_each_reported_by_row_and_column(world, tmp_path):
    bad = [
        "P9",
        "x",
        "不存在的客户",
        "nobody",
        "S9",
        "",
        "2026-09-30",
        "",
        "",
        "",
        "",
        "2026-01-01",
    ]
    problems = rejected([workbook(tmp_path, [OPEN, bad])])
    assert "商机，第3行，“客户”：没有客户“不存在的客户”。" in problems
    assert any(p.startswith("商机，第3行，“客户经理”") and "nobody" in p for p in problems)
    assert any(p.startswith("商机，第3行，“阶段”") and "S9" in p for p in problems)
    assert Opportunity.objects.count() == 0


def test_customers_are_found_by_any_spelling_among_those_the_file_does_not_name(world, tmp_path):
    """The importer loads only the customers the file names (at scale, not every customer):
    a name in other case and spacing, an export's SP-<id> and an external id still find
    theirs, and a name two customers share is still refused as ambiguous."""
    CustomerFactory.create_batch(5, owner=world.salesperson)
    acme = CustomerFactory(name="Acme Heavy Industry", owner=world.salesperson)
    CustomerFactory(name="Twin Works", owner=world.salesperson)
    CustomerFactory(name="twin  WORKS", owner=world.teammate)
    spelled = [*OPEN]
    spelled[2] = "  ACME   heavy industry "
    by_export = [*OPEN]
    by_export[0], by_export[2] = "P5", f"sp-{acme.pk}"
    twin = [*OPEN]
    twin[0], twin[2] = "P6", "Twin Works"
    problems = rejected([workbook(tmp_path, [spelled, by_export, twin])])
    assert problems == ["商机，第4行，“客户”：“Twin Works”对应多条记录，请使用外部编号或编码。"]
    import_files(paths=[workbook(tmp_path, [spelled, by_export])])
    assert set(Opportunity.objects.values_list("customer", flat=True)) == {acme.pk}


def test_a_registry_loaded_for_some_values_refuses_to_answer_for_others():
    from salespath.imports.context import Ref, Registry

    registry = Registry(scope={"acme"})
    registry.add_records([(1, "Acme", None), (2, "Other", "X-2")])
    assert registry.find(" ACME ").pk == 1
    assert registry.by_key("acme") is None
    with pytest.raises(LookupError):
        registry.find("Other")
    registry.add(Ref(None, "New"), names=["New"])  # a record the file adds is found
    assert registry.find("new").name == "New"


def test_duplicate_external_ids_in_one_file_are_refused(world, tmp_path):
    problems = rejected([workbook(tmp_path, [OPEN, OPEN])])
    assert any("第3行" in p and "第2行" in p and "P1" in p for p in problems)
    assert Opportunity.objects.count() == 0


def test_an_s7_row_without_a_completion_date_is_refused(world, tmp_path):
    won = [*WON]
    won[8] = ""
    problems = rejected([workbook(tmp_path, [OPEN, won])])
    assert any("成交日期" in p and "第3行" in p for p in problems)
    assert Opportunity.objects.count() == 0


def test_problems_are_reported_in_english_on_request(world, tmp_path):
    bad = [*OPEN]
    bad[4] = "S9"
    with translation.override("en"):
        with pytest.raises(ImportRejected) as error:
            import_files(paths=[workbook(tmp_path, [bad])])
        assert str(error.value.problems[0]) == (
            "商机, row 2, column “阶段”: “S9” is not one of: S2 to S7 or a stage's name."
        )


def test_lines_that_do_not_add_up_to_the_amount_are_refused(world, tmp_path):
    row = [*OPEN]
    row[7] = "100万"
    problems = rejected([workbook(tmp_path, [row], lines=[["P1", "erp", "800000"]])])
    assert any("金额" in p and "1000000.00" in p for p in problems)


def test_a_dry_run_writes_nothing_but_counts_what_it_would(world, tmp_path):
    result = import_files(paths=[workbook(tmp_path, [OPEN, WON])], dry_run=True)
    assert result.by_kind()["opportunities"]["created"] == 2
    assert Opportunity.objects.count() == 0


def test_queries_do_not_grow_with_the_number_of_rows(world, tmp_path):
    def queries(count: int, name: str) -> int:
        rows = []
        for n in range(count):
            row = [*OPEN]
            row[0] = f"{name}{n}"
            rows.append(row)
        lines = [[f"{name}{n}", "erp", "1000"] for n in range(count)]
        history = [[f"{name}{n}", "S2", "2026-02-01", ""] for n in range(count)]
        history += [[f"{name}{n}", "S3", "2026-03-01", ""] for n in range(count)]
        path = workbook(tmp_path, rows, lines, history, name=f"{name}.xlsx")
        with CaptureQueriesContext(connection) as captured:
            import_files(paths=[path])
        return len(captured)

    assert queries(3, "A") == queries(30, "B")


def test_a_lost_opportunitys_history_ends_with_the_loss_after_entering_its_stage(world, tmp_path):
    path = workbook(
        tmp_path,
        [LOST],
        history=[["P3", "S2", "2026-01-20", ""], ["P3", "S4", "2026-03-01", ""]],
    )
    import_files(paths=[path])
    p3 = Opportunity.objects.get(external_id="P3")
    assert list(p3.stage_changes.values_list("to_stage", "to_status", "effective_on")) == [
        ("S2", "open", date(2026, 1, 20)),
        ("S4", "open", date(2026, 3, 1)),
        ("S4", "lost", date(2026, 5, 1)),
    ]
    assert p3.stage_entered_on == date(2026, 3, 1)
    # the row carries its history's latest date, so reports on a date before it read it
    assert p3.history_until == date(2026, 5, 1)


def test_lines_whose_sum_no_amount_column_can_hold_are_refused(world, tmp_path):
    top = "999999999999.99"
    problems = rejected([workbook(tmp_path, [OPEN], lines=[["P1", "erp", top], ["P1", "hr", top]])])
    assert any("金额" in p and "999,999,999,999.99" in p for p in problems)
    assert not Opportunity.objects.filter(external_id="P1").exists()


def test_an_amount_wider_than_its_column_is_refused(world, tmp_path):
    row = [*OPEN]
    row[7] = "1000000000000"
    problems = rejected([workbook(tmp_path, [row])])
    assert any("金额" in p and "999,999,999,999.99" in p for p in problems)
    assert not Opportunity.objects.filter(external_id="P1").exists()
