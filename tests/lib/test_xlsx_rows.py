"""Rows written as XML text into an openpyxl workbook (`salespath.lib.xlsx_rows`): what a
spreadsheet reads back is the text given, styled, never a formula."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Side

from salespath.lib.xlsx_rows import WorkbookWithRows, register_style

BOXED = Border(left=Side(style="thin"), right=Side(style="thin"))


def _style(sheet, **settings):
    template = WriteOnlyCell(sheet)
    for name, value in settings.items():
        setattr(template, name, value)
    return register_style(sheet, template._style)


def _saved(header_rows: list[list[str]], rows_of) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    for row in header_rows:
        sheet.append(row)
    boxed = _style(sheet, border=BOXED, alignment=Alignment(wrap_text=True))
    centred = _style(sheet, alignment=Alignment(horizontal="center"))
    rows = rows_of(boxed, centred)
    target = BytesIO()
    WorkbookWithRows(workbook, 1, len(header_rows) + 1, rows).save(target)
    target.seek(0)
    return load_workbook(target)


def test_rows_follow_the_header_with_their_text_and_styles():
    book = _saved(
        [["标题"], ["项目", "阶段"]],
        lambda boxed, centred: [
            [("A & B <公司>", boxed), ("●", centred)],
            [("  两端有空格  ", boxed), (None, centred)],
        ],
    )
    sheet = book.active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["标题", None],
        ["项目", "阶段"],
        ["A & B <公司>", "●"],
        ["  两端有空格  ", None],
    ]
    assert sheet["A3"].border.left.style == "thin"
    assert sheet["A3"].alignment.wrap_text
    assert sheet["B3"].alignment.horizontal == "center"
    assert sheet["B4"].alignment.horizontal == "center"  # an empty cell keeps its style
    assert sheet.max_row == 4


def test_formula_like_text_stays_text_with_the_quote_prefix_and_controls_go():
    hostile = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://x")']
    book = _saved(
        [],
        lambda boxed, centred: [[(text, boxed), ("警\x07报", boxed)] for text in hostile],
    )
    sheet = book.active
    for row, text in zip(sheet.iter_rows(), hostile, strict=True):
        assert row[0].value == text
        assert row[0].data_type != "f"
        assert row[0].quotePrefix
        assert row[0].border.left.style == "thin"  # the quoted twin keeps the style
        assert row[1].value == "警报"
        assert not row[1].quotePrefix


def test_a_sheet_without_header_rows_gets_its_rows_from_the_first():
    book = _saved([], lambda boxed, centred: [[("一", boxed)], [("二", boxed)]])
    assert [row[0].value for row in book.active.iter_rows()] == ["一", "二"]


def test_a_number_is_refused_rather_than_written_as_text():
    with pytest.raises(TypeError, match="int"):
        _saved([], lambda boxed, centred: [[(1, boxed)]])
