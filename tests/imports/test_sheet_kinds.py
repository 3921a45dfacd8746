"""What a sheet holds comes from the file's content or from the importer's explicit choice,
never from the file's name; full-width digits are read as numbers (issue 16, item 13)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from salespath.catalog.models import ProductCategory
from salespath.customers.models import Customer
from salespath.imports.errors import ImportRejected
from salespath.imports.services import import_files
from salespath.pipeline.models import Opportunity
from tests.factories import CustomerFactory

from .helpers import OPPORTUNITY_HEADERS, write_csv

pytestmark = pytest.mark.django_db

ROW = ["P1", "重工ERP", "广州重工集团", "li", "S2", "进行中", "2026-09-30", "1200000", "", "", ""]
ROW += ["2026-02-01"]


def test_a_file_named_after_another_kind_is_read_by_its_headers(cast, tmp_path):
    CustomerFactory(name="广州重工集团", owner=cast.salesperson)
    path = write_csv(tmp_path / "unknown_customer.csv", [OPPORTUNITY_HEADERS, ROW])
    result = import_files(paths=[path])
    assert result.by_kind()["opportunities"]["created"] == 1
    assert not Customer.objects.exclude(name="广州重工集团").exists()


def test_a_file_name_alone_does_not_make_a_sheet_a_kind(cast, tmp_path):
    path = write_csv(tmp_path / "客户.csv", [["编号", "说明"], ["1", "x"]])
    with translation.override("en"), pytest.raises(ImportRejected) as refused:
        import_files(paths=[path])
    assert any("column headers" in p.message for p in refused.value.problems)
    assert not Customer.objects.exists()


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, "--lang", "en", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_takes_the_kind_explicitly(cast, tmp_path):
    path = write_csv(tmp_path / "客户.csv", [["名称", "备注"], ["ERP软件", "主打产品"]])
    with pytest.raises(CommandError):  # 客户经理 is required of customers
        _import(str(path), "--kind", "customers")
    assert not Customer.objects.exists()
    _import(str(path), "--kind", "products")
    assert ProductCategory.objects.filter(name="ERP软件").exists()


def test_the_import_page_takes_the_kind_explicitly(client, cast, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    client.force_login(cast.admin)
    page = client.get(reverse("web:import")).content.decode()
    assert 'name="kind"' in page and "从列标题识别" in page
    upload = SimpleUploadedFile("商机.csv", "名称,客户经理\n华南重工,li\n".encode(), "text/csv")
    response = client.post(reverse("web:import"), {"files": upload, "kind": "customers"})
    assert response.status_code == 200, response.content.decode()
    client.post(reverse("web:import"), {"step": "confirm"})
    assert Customer.objects.get(name="华南重工").owner == cast.salesperson


def test_full_width_digits_in_dates_and_amounts_are_read_as_numbers(cast, tmp_path):
    CustomerFactory(name="广州重工集团", owner=cast.salesperson)
    row = [
        *ROW[:6],
        "２０２６／９／３０",
        "１，２００，０００．５０",
        "",
        "",
        "",
        "２０２６年２月１日",
    ]
    import_files(paths=[write_csv(tmp_path / "pipeline.csv", [OPPORTUNITY_HEADERS, row])])
    opportunity = Opportunity.objects.get(external_id="P1")
    assert opportunity.expected_close == date(2026, 9, 30)
    assert opportunity.amount == Decimal("1200000.50")
    assert opportunity.created_on == date(2026, 2, 1)


def test_digits_of_other_scripts_are_refused_not_read(cast, tmp_path):
    CustomerFactory(name="广州重工集团", owner=cast.salesperson)
    row = [*ROW[:7], "١٢٠٠٠٠٠", "", "", "", ""]
    with pytest.raises(ImportRejected):
        import_files(paths=[write_csv(tmp_path / "pipeline.csv", [OPPORTUNITY_HEADERS, row])])
    assert not Opportunity.objects.exists()
