"""The import page: upload, dry run with every problem by sheet/row/column, confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from salespath.pipeline.models import Opportunity
from tests.factories import CustomerFactory
from tests.imports.helpers import OPPORTUNITY_HEADERS

pytestmark = pytest.mark.django_db

GOOD_ROW = [
    "P1",
    "重工ERP",
    "广州重工集团",
    "li",
    "S2",
    "进行中",
    "2026-09-30",
    "1200000",
    "",
    "",
    "",
    "2026-02-01",
]


def csv_file(*rows, name="pipeline.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(str(v) for v in row) for row in [OPPORTUNITY_HEADERS, *rows])
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def admin_client(login, cast, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return login(cast.admin)


def test_only_an_administrator_may_open_the_import_page(login, cast):
    assert login(cast.supervisor).get(reverse("web:import")).status_code == 403


def test_a_dry_run_lists_every_problem_by_sheet_row_and_column(admin_client, cast):
    bad = list(GOOD_ROW)
    bad[6] = "不是日期"
    bad[7] = "很多钱"
    response = admin_client.post(reverse("web:import"), {"files": csv_file(bad)})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="import-problems"' in html
    assert "pipeline.csv" in html and "预计成交日期" in html and "金额" in html
    assert not Opportunity.objects.exists()


def test_a_valid_file_shows_the_counts_and_is_imported_on_confirm(admin_client, cast):
    CustomerFactory(name="广州重工集团", owner=cast.salesperson)
    response = admin_client.post(reverse("web:import"), {"files": csv_file(GOOD_ROW)})
    assert response.status_code == 200
    assert 'data-testid="import-preview"' in response.content.decode()
    assert not Opportunity.objects.exists()
    confirmed = admin_client.post(reverse("web:import"), {"step": "confirm"})
    assert confirmed.status_code == 302
    assert Opportunity.objects.get(external_id="P1").amount == 1200000


def test_confirm_without_a_checked_upload_imports_nothing(admin_client):
    response = admin_client.post(reverse("web:import"), {"step": "confirm"}, follow=True)
    assert response.status_code == 200
    assert not Opportunity.objects.exists()


@override_settings(SALESPATH_IMPORT_MAX_BYTES=100)
def test_a_file_above_the_size_limit_is_refused_before_reading(admin_client, cast):
    response = admin_client.post(reverse("web:import"), {"files": csv_file(GOOD_ROW, GOOD_ROW)})
    assert response.status_code == 422
    assert "pipeline.csv" in response.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused(admin_client):
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = admin_client.post(reverse("web:import"), {"files": upload})
    assert response.status_code == 422
