"""Text is plain text: a control character is refused at every way in, naming the field, and
one stored earlier no longer breaks the exports (issue 16, item 5)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from salespath.customers.models import Customer
from salespath.imports.errors import ImportRejected
from salespath.imports.services import import_files
from salespath.org.models import Team
from salespath.pipeline.models import Opportunity
from salespath.pipeline.services import opportunity_update
from salespath.plaintext.rules import ControlCharacter
from tests.factories import LineFactory, OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db

BELL = "\u0007bell"


@pytest.fixture
def deal(cast):
    opportunity = OpportunityFactory(
        name="华南制造ERP项目", owner=cast.salesperson, amount=Decimal("800000.00")
    )
    LineFactory(opportunity=opportunity, product=ProductFactory(code="erp"))
    return opportunity


def test_the_api_refuses_a_deal_name_with_a_bell_naming_the_field(cast, deal):
    client = APIClient()
    client.force_authenticate(cast.salesperson)
    response = client.patch(
        f"/api/v1/opportunities/{deal.pk}/",
        {"version": deal.version, "name": BELL},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "name" in error["fields"]
    assert "U+0007" in str(error)
    assert Opportunity.objects.get(pk=deal.pk).name == "华南制造ERP项目"


def test_the_page_refuses_a_deal_name_with_a_bell(cast, deal):
    client = Client()
    client.force_login(cast.salesperson)
    response = client.post(
        reverse("web:opportunity_edit", args=[deal.pk]),
        {
            "version": deal.version,
            "name": BELL,
            "expected_close": "2026-10-31",
            "forecast_category": "pipeline",
        },
    )
    assert response.status_code in (400, 422)
    assert "U+0007" in response.content.decode()
    assert Opportunity.objects.get(pk=deal.pk).name == "华南制造ERP项目"


def test_a_service_refuses_a_control_character_but_a_note_keeps_its_lines(cast, deal):
    with pytest.raises(ControlCharacter) as refused:
        opportunity_update(
            opportunity=deal, version=deal.version, by=cast.salesperson, note="a\x1b"
        )
    assert "note" in refused.value.fields
    deal.refresh_from_db()
    opportunity_update(
        opportunity=deal, version=deal.version, by=cast.salesperson, note="第一行\r\n\t第二行"
    )
    assert Opportunity.objects.get(pk=deal.pk).note == "第一行\r\n\t第二行"


def test_the_admin_refuses_a_team_name_with_a_bell_next_to_the_field(cast, deal):
    """The organisation is edited in the admin (transactional records are read-only there)."""
    client = Client()
    client.force_login(cast.admin)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    team = cast.salesperson.team
    url = reverse("admin:org_team_change", args=[team.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in (
            (name, form[name].value()) for name in form.fields if form[name].value() is not None
        )
    }
    data["name"] = BELL
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "U+0007" in response.context["adminform"].form.errors["name"][0]
    assert Team.objects.get(pk=team.pk).name == team.name


def test_the_import_refuses_a_name_with_a_bell_naming_row_and_column(cast, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(f"客户名称,客户经理\n{BELL},li\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        import_files(paths=[path])
    problems = refused.value.problems
    assert any(p.row == 2 and p.column == "客户名称" and "U+0007" in p.message for p in problems)
    assert not Customer.objects.filter(name__contains="bell").exists()


def test_a_bell_stored_before_the_rule_exports_without_it(cast, deal, tmp_path):
    with connection.cursor() as cursor:  # as older versions stored it
        cursor.execute("UPDATE pipeline_opportunity SET name = %s WHERE id = %s", [BELL, deal.pk])
    client = Client()
    client.force_login(cast.supervisor)
    response = client.get(reverse("web:evaluation_xlsx"), {"as_of": "2026-03-31"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert "bell" in [c.value for row in sheet.iter_rows() for c in row]

    target = tmp_path / "opportunities.xlsx"
    call_command(
        "export", "opportunities", "--format", "xlsx", "-o", str(target), stdout=StringIO()
    )
    names = [row[1] for row in load_workbook(target).worksheets[0].iter_rows(values_only=True)]
    assert "bell" in names
