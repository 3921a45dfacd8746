"""An .xlsx is a zip: a small upload may unpack to gigabytes, or claim a million rows. The
import refuses such files from the zip's sizes and while streaming, without holding them in
memory (issue 16, item 6)."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from salespath.imports.errors import UnreadableFile
from salespath.imports.readers import TooBig, _scan_sheets, read_file

from .helpers import OPPORTUNITY_HEADERS, write_xlsx

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def _small_workbook(path: Path, rows: int = 1) -> Path:
    body = [[f"P{n}", "项目", "客户", "li"] + [""] * 8 for n in range(rows)]
    return write_xlsx(path, {"商机": [OPPORTUNITY_HEADERS, *body]})


def _with_sheet(source: Path, target: Path, write_sheet) -> Path:
    """`source` with its first sheet's XML replaced by what `write_sheet(stream)` writes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename == SHEET:
                with new.open(SHEET, "w", force_zip64=True) as stream:
                    write_sheet(stream, old.read(SHEET))
            else:
                new.writestr(info, old.read(info.filename))
    return target


def _padded(megabytes: int):
    """The sheet with `megabytes` of blanks between its rows: valid XML that packs ~1000:1."""

    def write(stream, xml: bytes) -> None:
        head, tail = xml.split(b"</sheetData>")
        stream.write(head)
        chunk = b" " * MB
        for _ in range(megabytes):
            stream.write(chunk)
        stream.write(b"</sheetData>" + tail)

    return write


def _refusal(path: Path, language: str = "en") -> tuple[str, int]:
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as refused, translation.override(language):
            read_file(path)
        return refused.value.message, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_is_refused_from_its_sizes_without_unpacking_it(tmp_path):
    bomb = _with_sheet(_small_workbook(tmp_path / "ok.xlsx"), tmp_path / "bomb.xlsx", _padded(150))
    assert bomb.stat().st_size < 1 * MB  # small enough to upload
    message, peak = _refusal(bomb)
    assert "100 MB" in message and "unpacks" in message
    assert peak < 10 * MB  # the 150 MB sheet was never held


def test_the_scan_of_a_sheet_under_the_size_cap_streams_in_flat_memory(tmp_path, settings):
    settings.SALESPATH_IMPORT_MAX_UNPACKED_BYTES = 200 * MB
    padded = _with_sheet(_small_workbook(tmp_path / "ok.xlsx"), tmp_path / "big.xlsx", _padded(60))
    workbook = load_workbook(padded, read_only=True)
    tracemalloc.start()
    try:
        scans = _scan_sheets(padded, workbook, budget=200 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        workbook.close()
    assert (scans["商机"].last_row, scans["商机"].last_column) == (2, 12)
    assert peak < 5 * MB  # not the 60 MB of the sheet's XML
    [sheet] = read_file(padded)
    assert [row[1][0] for row in sheet.rows] == ["P0"]


def test_the_unpacked_size_is_also_counted_while_streaming(tmp_path):
    path = _small_workbook(tmp_path / "rows.xlsx", rows=200)
    workbook = load_workbook(path, read_only=True)
    try:
        with pytest.raises(TooBig):
            _scan_sheets(path, workbook, budget=4096)  # as if the zip had understated its sizes
    finally:
        workbook.close()


def test_one_cell_in_the_last_row_of_excel_is_refused_not_read_as_a_million_rows(tmp_path):

    def far_row(stream, xml: bytes) -> None:
        head, tail = xml.split(b"</sheetData>")
        stream.write(head)
        stream.write(b'<row r="1048576"><c r="L1048576" t="inlineStr"><is><t>x</t></is></c></row>')
        stream.write(b"</sheetData>" + tail)

    path = _with_sheet(_small_workbook(tmp_path / "ok.xlsx"), tmp_path / "far.xlsx", far_row)
    message, peak = _refusal(path)
    assert "100,000 rows" in message
    assert peak < 10 * MB


def test_the_row_cap_is_a_setting_with_a_clear_error(tmp_path, settings):
    settings.SALESPATH_IMPORT_MAX_ROWS = 5
    message, _peak = _refusal(_small_workbook(tmp_path / "rows.xlsx", rows=10), "zh-hans")
    assert "5" in message and "行" in message
    [sheet] = read_file(_small_workbook(tmp_path / "few.xlsx", rows=3))
    assert len(sheet.rows) == 3


def test_a_cell_far_to_the_right_is_refused(tmp_path):

    def wide(stream, xml: bytes) -> None:
        head, tail = xml.split(b"</sheetData>")
        stream.write(head + b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>')
        stream.write(b"</sheetData>" + tail)

    message, _peak = _refusal(
        _with_sheet(_small_workbook(tmp_path / "ok.xlsx"), tmp_path / "wide.xlsx", wide)
    )
    assert "column 200" in message


def test_a_csv_of_empty_lines_is_refused_at_the_row_cap(tmp_path, settings):
    settings.SALESPATH_IMPORT_MAX_ROWS = 1000
    path = tmp_path / "商机.csv"
    path.write_bytes(",".join(OPPORTUNITY_HEADERS).encode() + b"\r\n" * 5000)
    message, _peak = _refusal(path)
    assert "1,000 rows" in message
