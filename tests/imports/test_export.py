"""Export every list with the import's headers; importing an export back changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from salespath.activities.models import Activity
from salespath.customers.models import Customer
from salespath.imports.exporters import export_tables, write_csv, write_xlsx
from salespath.imports.services import import_files
from salespath.pipeline.models import Opportunity, StageChange
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    LineFactory,
    OpportunityFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(cast):
    customer = CustomerFactory(owner=cast.salesperson, external_id="C1")
    app_customer = CustomerFactory(owner=cast.other_salesperson)  # no external id
    ContactFactory(customer=customer, name="张伟")
    opportunity = OpportunityFactory(owner=cast.salesperson, customer=customer, external_id="P1")
    LineFactory(
        opportunity=opportunity, product=ProductFactory(code="erp"), amount=Decimal("300000")
    )
    LineFactory(
        opportunity=opportunity, product=ProductFactory(code="hr"), amount=Decimal("200000")
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(amount=Decimal("500000"))
    OpportunityFactory(
        owner=cast.other_salesperson, customer=app_customer, probability=40, probability_manual=True
    )
    Activity.objects.create(
        person=cast.salesperson,
        kind="visit",
        occurred_on=date(2026, 3, 2),
        customer=customer,
        opportunity=opportunity,
        hours=Decimal("2.5"),
    )
    return cast


def snapshot():
    return (
        list(Opportunity.objects.order_by("pk").values()),
        list(Customer.objects.order_by("pk").values()),
        list(StageChange.objects.order_by("pk").values()),
        list(Activity.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_export_then_import_changes_nothing(pipeline, tmp_path, file_format, language):
    before = snapshot()
    paths = []
    with translation.override(language):
        for what in ("customers", "opportunities", "activities", "history"):
            write = write_xlsx if file_format == "xlsx" else write_csv
            paths += write(export_tables(what), tmp_path / f"{what}.{file_format}")
        result = import_files(paths=paths)
    assert result.changed == 0, result.by_kind()
    assert snapshot() == before


def test_an_export_keeps_the_lines_and_names_records_without_external_id(pipeline, tmp_path):
    tables = {t.kind.name: t for t in export_tables("opportunities")}
    assert sorted(r[1:] for r in tables["lines"].rows) == [
        ["erp", Decimal("300000.00")],
        ["hr", Decimal("200000.00")],
    ]
    keys = [r[0] for r in tables["opportunities"].rows]
    assert keys[0] == "P1" and keys[1].startswith("SP-")


def test_export_for_one_team_keeps_its_members_records(pipeline, tmp_path):
    call_command(
        "export",
        "opportunities",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "o.csv"),
        "--team",
        "gz-2",
    )
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert "chen" in text and "P1" not in text
    assert (tmp_path / "o-lines.csv").exists()
