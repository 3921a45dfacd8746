"""What a set-based import can get wrong: the rows it writes together, and the derived data
(forecast rollup, month ends, day rows, copies on the opportunity rows) it moves for them
all at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from salespath.customers.models import Customer
from salespath.forecast import month_ends, rollups
from salespath.forecast.integrity import verify
from salespath.forecast.models import ForecastDay, ForecastRollup
from salespath.imports.errors import ImportRejected
from salespath.imports.services import import_files
from salespath.pipeline import evidence
from salespath.pipeline.models import Opportunity, OpportunityLine, StageChange, StoredEvidence
from tests.factories import CustomerFactory, OpportunityFactory, ProductFactory

from .helpers import write_xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["外部编号", "项目名称", "客户", "客户经理", "阶段", "状态", "预计成交日期", "金额"]
HEADERS += ["预测类别", "成交日期", "丢单日期", "丢单原因", "创建日期"]


@pytest.fixture(autouse=True)
def _rollup_on(settings):
    settings.SALESPATH_FORECAST_ROLLUP = True


@pytest.fixture
def world(cast):
    today = timezone.localdate()
    CustomerFactory(external_id="C1", name="广州重工集团", owner=cast.salesperson)
    CustomerFactory(external_id="C2", name="深圳电力", owner=cast.teammate)
    ProductFactory(code="erp", name="ERP软件")
    ProductFactory(code="hr", name="人力资源")
    # deals already in Salespath, with their derived data true and today's rows prepared
    for n, owner in enumerate([cast.salesperson, cast.salesperson, cast.teammate, cast.teammate]):
        OpportunityFactory(
            external_id=f"OLD{n}",
            owner=owner,
            customer__owner=owner,
            stage_id="S3",
            amount=Decimal(100_000 * (n + 1)),
            created_on=today - timedelta(days=90),
            expected_close=today + timedelta(days=30 * n - 10),  # OLD0 is overdue
        )
    # another team's deals, overdue and near a column's end, that no file names
    for days in (-5, 91, 92):
        OpportunityFactory(
            owner=cast.other_salesperson,
            customer__owner=cast.other_salesperson,
            created_on=today - timedelta(days=90),
            expected_close=today + timedelta(days=days),
            amount=Decimal(70_000),
        )
    assert verify(repair=True)  # the factories write rows, not their derived data
    month_ends.rebuild()  # the last three years' month ends kept, which imports move too
    rollups.prepare_day(today)
    evidence.refresh()  # each deal's evidence stored: what an import changes it forgets
    assert drift() == {}
    return cast


def drift() -> dict[str, int]:
    return {finding.check: finding.count for finding in verify() if finding.count}


def row(key, customer, owner, stage="S3", *, status="", amount="", category="", **dates):
    today = timezone.localdate()
    return [
        key,
        f"项目{key}",
        customer,
        owner,
        stage,
        status,
        dates.get("close", (today + timedelta(days=45)).isoformat()),
        amount,
        category,
        dates.get("won", ""),
        dates.get("lost", ""),
        "价格" if dates.get("lost") else "",
        dates.get("created", (today - timedelta(days=60)).isoformat()),
    ]


def workbook(tmp_path, rows, lines=(), name="pipeline.xlsx"):
    sheets = {"商机": [HEADERS, *rows]}
    if lines:
        sheets["产品明细"] = [["外部编号", "产品", "金额"], *lines]
    return write_xlsx(tmp_path / name, sheets)


def snapshot() -> tuple:
    return (
        list(Opportunity.objects.order_by("pk").values()),
        list(OpportunityLine.objects.order_by("pk").values()),
        list(StageChange.objects.order_by("pk").values()),
        sorted(ForecastRollup.objects.values_list("owner", "view", "deals", "amount", "weighted")),
        sorted(ForecastDay.objects.values_list("owner", "view", "deals_1", "amount_1")),
    )


@pytest.mark.parametrize("many_owners", [0, rollups.MANY_OWNERS])
def test_an_import_of_new_and_changed_deals_leaves_no_drift(
    world, tmp_path, monkeypatch, many_owners
):
    # 0: the day's rows of the owners are read as for a file naming a thousand of them, and
    # the month ends' rows made one from the other as for a file of many deals
    monkeypatch.setattr(rollups, "MANY_OWNERS", many_owners)
    monkeypatch.setattr(month_ends, "MANY", many_owners and month_ends.MANY)
    today = timezone.localdate()
    rows = [
        # changed: amount and category, another stage, lost, won, and a new owner; overdue
        # no more, and overdue now
        row("OLD0", "C1", "li", "S4", amount="250000", category="commit"),
        row("OLD3", "C1", "li", "S4", amount="250000", close=(today - timedelta(3)).isoformat()),
        row("OLD1", "C1", "li", "S3", status="丢单", lost=today.isoformat()),
        row("OLD2", "C2", "li", "S7", won=(today - timedelta(days=1)).isoformat()),
        # new, for the same customers and owners as the changed ones
        row("N1", "C1", "li", amount="", category="best case"),
        row("N2", "C2", "wang", "S5", category="commit"),
        row("N3", "C2", "wang", "S7", won=(today - timedelta(days=2)).isoformat()),
    ]
    lines = [["N1", "erp", "300000"], ["N1", "hr", "50000"], ["N2", "erp", "700000"]]
    result = import_files(paths=[workbook(tmp_path, rows, lines)])
    assert result.by_kind()["opportunities"] == {"created": 3, "updated": 4, "unchanged": 0}
    old2 = Opportunity.objects.get(external_id="OLD2")
    assert (old2.owner, old2.status) == (world.salesperson, "won")
    assert Opportunity.objects.get(external_id="N1").amount == Decimal("350000.00")
    assert drift() == {}


def test_an_update_and_a_create_for_the_same_customer_in_one_file(world, tmp_path):
    rows = [
        row("OLD0", "广州重工集团", "li", "S5", amount="400000", category="commit"),
        row("N1", "广州重工集团", "li", "S2", amount="90000"),
    ]
    result = import_files(paths=[workbook(tmp_path, rows)])
    assert result.by_kind()["opportunities"] == {"created": 1, "updated": 1, "unchanged": 0}
    customer = Opportunity.objects.get(external_id="OLD0").customer
    assert set(customer.opportunities.values_list("external_id", "stage", "amount")) >= {
        ("OLD0", "S5", Decimal("400000.00")),
        ("N1", "S2", Decimal("90000.00")),
    }
    assert drift() == {}
    # and the same file again is a no-op that keeps it so
    assert import_files(paths=[workbook(tmp_path, rows, name="again.xlsx")]).changed == 0
    assert drift() == {}


def test_the_same_opportunity_twice_in_one_file_is_refused_and_nothing_is_written(world, tmp_path):
    before = snapshot()
    rows = [
        row("N1", "C1", "li", amount="100000"),
        row("OLD0", "C1", "li", "S4"),
        row("OLD0", "C1", "li", "S5"),
    ]
    with translation.override("en"), pytest.raises(ImportRejected) as error:
        import_files(paths=[workbook(tmp_path, rows)])
    [problem] = error.value.problems
    assert (problem.row, problem.message) == (4, "The external id “OLD0” is also on row 3.")
    assert snapshot() == before
    assert drift() == {}


def test_one_row_failing_validation_writes_nothing_of_the_others(world, tmp_path):
    before = snapshot()
    rows = [
        row("N1", "C1", "li", amount="100000"),
        row("OLD0", "C1", "li", "S6", category="commit"),
        row("N2", "C2", "wang", "S7"),  # won without its completion date
    ]
    with pytest.raises(ImportRejected) as error:
        import_files(paths=[workbook(tmp_path, rows, [["N1", "erp", "100000"]])])
    assert len(error.value.problems) == 1 and error.value.problems[0].row == 4
    assert snapshot() == before
    assert drift() == {}


def test_a_dry_run_counts_and_leaves_the_derived_data_as_it_was(world, tmp_path):
    before = snapshot()
    rows = [row("OLD0", "C2", "wang", "S4", amount="1"), row("N1", "C1", "li", amount="5")]
    result = import_files(paths=[workbook(tmp_path, rows)], dry_run=True)
    assert result.by_kind()["opportunities"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert snapshot() == before
    assert drift() == {}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite connection's page cache")
def test_the_import_gives_back_the_page_cache_it_took(world, tmp_path):
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    import_files(paths=[workbook(tmp_path, [row("N1", "C1", "li", amount="5")])], dry_run=True)
    with pytest.raises(ImportRejected):
        import_files(paths=[workbook(tmp_path, [row("N2", "C1", "li", "S7")], name="bad.xlsx")])
    assert cache_size() == before


def test_an_import_of_customers_contacts_and_activities_forgets_their_deals_evidence(
    world, tmp_path
):
    """What the criteria read of a customer (headcount: S2.1), its contacts (roles: S2.5,
    S4.4) and a deal's activities (guidance: S4.7): the stored evidence of the deals they
    belong to goes, and nothing else's."""
    old = {o.external_id: o for o in Opportunity.objects.filter(external_id__startswith="OLD")}
    sheets = {
        "客户": [["外部编号", "客户名称", "客户经理", "人数"], ["C1", "广州重工集团", "li", 5000]],
        "联系人": [
            ["客户", "姓名", "项目角色"],
            [old["OLD2"].customer.name, "刘总", "selection_team"],
        ],
        "活动": [
            ["人员", "类型", "日期", "商机"],
            ["li", "guidance", timezone.localdate().isoformat(), "OLD1"],
        ],
    }
    c1 = Customer.objects.get(external_id="C1")
    Opportunity.objects.filter(external_id="OLD0").update(customer=c1)
    evidence.refresh()
    import_files(paths=[write_xlsx(tmp_path / "more.xlsx", sheets)])
    kept = set(StoredEvidence.objects.values_list("opportunity__external_id", flat=True))
    assert {"OLD0", "OLD1", "OLD2"}.isdisjoint(kept) and "OLD3" in kept
    assert drift() == {}
