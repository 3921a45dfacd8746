"""Files as users send them: encodings, title rows, merged and two-row headers, blank rows,
and files that cannot be read at all."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from salespath.imports.errors import ImportRejected, UnreadableFile
from salespath.imports.readers import OLE_MAGIC, read_file
from salespath.imports.services import import_files
from salespath.pipeline.models import Opportunity
from tests.factories import CustomerFactory

from .helpers import OPPORTUNITY_HEADERS, write_csv

ROW = [
    "P1",
    "重工ERP",
    "广州重工集团",
    "li",
    "S3",
    "进行中",
    "2026/9/30",
    "￥1,200,000",
    "",
    "",
    "",
    "2026年2月1日",
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_reads_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / "商机.csv", [OPPORTUNITY_HEADERS, ROW], encoding)
    [sheet] = read_file(path)
    assert [c.label for c in sheet.columns] == OPPORTUNITY_HEADERS
    assert sheet.rows == [(2, ROW)]


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_gbk_or_bom_csv_imports_with_its_chinese_dates_and_amounts(cast, tmp_path, encoding):
    CustomerFactory(name="广州重工集团", owner=cast.salesperson)
    path = write_csv(tmp_path / "pipeline.csv", [OPPORTUNITY_HEADERS, ROW, [], [""] * 12], encoding)
    import_files(paths=[path])
    opportunity = Opportunity.objects.get(external_id="P1")
    assert opportunity.amount == Decimal("1200000.00")
    assert opportunity.created_on == date(2026, 2, 1)
    assert opportunity.expected_close == date(2026, 9, 30)


def test_title_row_merged_headers_and_trailing_blank_rows(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "商机"
    sheet.append(["2026年广州分公司商机清单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["外部编号", "项目名称", "合同", None, "阶段"])
    sheet.append([None, None, "签约日期", "合同金额", None])
    for column in "ABE":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("C2:D2")
    sheet.append(["P1", "重工ERP", date(2026, 6, 30), 1200000, "S7"])
    sheet.append([None, None, None, None, None])
    sheet.append(["", "  ", None, None, None])
    workbook.save(tmp_path / "book.xlsx")
    [read] = read_file(tmp_path / "book.xlsx")
    assert [c.candidates[0] for c in read.columns] == [
        "外部编号",
        "项目名称",
        "合同签约日期",
        "合同合同金额",
        "阶段",
    ]
    assert len(read.rows) == 1 and read.rows[0][0] == 4

    from salespath.imports.kinds import OPPORTUNITIES, recognise_columns

    assert recognise_columns(OPPORTUNITIES, read) == {
        "external_id": 0,
        "name": 1,
        "contract_signed": 2,
        "contract_amount": 3,
        "stage": 4,
    }


def test_excel_serial_numbers_and_real_date_cells_are_dates(tmp_path):
    from salespath.imports.values import parse_date

    workbook = Workbook()
    workbook.active.append(["日期"])
    workbook.active.append([date(2026, 6, 30)])
    workbook.active.append([46203])
    workbook.save(tmp_path / "d.xlsx")
    [sheet] = read_file(tmp_path / "d.xlsx")
    assert [parse_date(cells[0]) for _n, cells in sheet.rows] == [date(2026, 6, 30)] * 2


def message(error) -> str:
    with translation.override("zh-hans"):
        return str(error.value.message)


def test_a_password_protected_workbook_is_named_as_such(tmp_path):
    # An encrypted .xlsx is an OLE compound file holding an "EncryptionInfo" stream.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(
        OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    )
    with translation.override("zh-hans"), pytest.raises(UnreadableFile) as error:
        read_file(path)
    assert "密码保护" in error.value.message


def test_an_old_xls_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(OLE_MAGIC + b"\x00" * 1024)
    with translation.override("zh-hans"), pytest.raises(UnreadableFile) as error:
        read_file(path)
    assert "Excel 97-2003" in error.value.message


def test_a_damaged_xlsx_is_unreadable(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with translation.override("zh-hans"), pytest.raises(UnreadableFile) as error:
        read_file(path)
    assert "不是可读取的" in error.value.message


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.SALESPATH_IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 300_000)
    with translation.override("zh-hans"), pytest.raises(UnreadableFile) as error:
        read_file(path)
    assert "1 MB" in error.value.message


@pytest.mark.django_db
def test_an_unreadable_file_is_reported_and_nothing_is_written(cast, tmp_path):
    CustomerFactory(name="广州重工集团", owner=cast.salesperson)
    good = write_csv(tmp_path / "ok.csv", [OPPORTUNITY_HEADERS, ROW])
    bad = tmp_path / "secret.xlsx"
    bad.write_bytes(OLE_MAGIC + "EncryptionInfo".encode("utf-16-le"))
    with translation.override("zh-hans"), pytest.raises(ImportRejected) as error:
        import_files(paths=[good, bad])
    assert "secret.xlsx" in str(error.value.problems[0])
    assert Opportunity.objects.count() == 0
