"""Everywhere a report shows a person it shows their name, not their login (issue 15 §2.3)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

AFTER_CLOSE = "2026-10-15"  # 李明's deal was expected to close on 2026-09-30: now overdue


def test_the_overdue_panel_names_the_account_manager(login, cast, deal):
    html = login(cast.supervisor).get(reverse("web:forecast"), {"as_of": AFTER_CLOSE})
    html = html.content.decode()
    assert "李明 · 预计" in html
    assert "li · 预计" not in html


def test_the_drilldown_names_the_account_manager(login, cast, deal):
    response = login(cast.supervisor).get(
        reverse("web:forecast_cell"),
        {"as_of": "2026-03-31", "scope": "team:gz-1", "level": "person", "key": "li"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "华南制造ERP项目" in html
    assert "李明 · " in html
    assert ">li · " not in html


def test_the_overdue_sheet_names_the_account_manager(login, cast, deal):
    response = login(cast.supervisor).get(reverse("web:forecast_xlsx"), {"as_of": AFTER_CLOSE})
    overdue = load_workbook(BytesIO(response.content))["逾期"]
    assert overdue["C1"].value == "客户经理"
    assert overdue["C2"].value == "李明"
