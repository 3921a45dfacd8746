"""Lists of products read as lists in each language: "甲、乙" in Chinese, "A, B" in English
(issue 15 §2.13)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import LineFactory, ProductFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-03-31"


@pytest.fixture
def two_products(deal):
    crm = ProductFactory(code="crm", name="CRM 客户管理", name_en="CRM suite")
    LineFactory(opportunity=deal, product=crm, amount=Decimal("1000.00"))
    return deal


def test_the_evaluation_sheet_lists_products_with_a_comma_in_english(login, cast, two_products):
    client = login(cast.supervisor, language="en")
    html = client.get(reverse("web:evaluation"), {"as_of": AS_OF}).content.decode()
    assert "CRM suite, ERP suite" in html or "ERP suite, CRM suite" in html
    assert "suite、" not in html
    workbook = client.get(reverse("web:evaluation_xlsx"), {"as_of": AS_OF}).content
    cells = [c.value for row in load_workbook(BytesIO(workbook)).active.iter_rows() for c in row]
    assert {"CRM suite, ERP suite", "ERP suite, CRM suite"} & set(cells)


def test_the_evaluation_sheet_lists_products_with_a_dun_hao_in_chinese(login, cast, two_products):
    html = login(cast.supervisor).get(reverse("web:evaluation"), {"as_of": AS_OF})
    html = html.content.decode()
    assert "CRM 客户管理、ERP 管理软件" in html or "ERP 管理软件、CRM 客户管理" in html
