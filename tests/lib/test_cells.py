"""The cells every xlsx and csv writer shapes its values with (salespath.lib.cells)."""

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from salespath.lib.cells import (
    MAX_CELL_CHARS,
    csv_row,
    csv_unquote,
    csv_value,
    set_value,
    write_only_cell,
)


def test_csv_quotes_text_that_a_spreadsheet_would_run_and_keeps_the_rest():
    assert csv_row(["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "a=b", 5, None, ""]) == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "'\rx",
        "a=b",
        5,
        "",
        "",
    ]


def test_csv_quoting_reads_back_to_the_same_text():
    for text in ("=1+1", "-2+3", "'quoted'", "'", "plain"):
        assert csv_unquote(str(csv_value(text))) == text


def test_control_characters_are_dropped_and_a_cell_is_cut_at_excels_limit():
    assert csv_value("a\x07b\x00c\td\ne") == "abc\td\ne"
    assert len(csv_value("x" * 40000)) == MAX_CELL_CHARS
    assert len(csv_value("=" * 40000)) == MAX_CELL_CHARS


def test_xlsx_cells_hold_formula_like_text_as_text_without_sharing_the_quote(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    template = WriteOnlyCell(sheet)
    template.font = Font(bold=True)
    shared = template._style
    sheet.append(
        [
            write_only_cell(sheet, "=1+1", shared),
            write_only_cell(sheet, "plain", shared),
            write_only_cell(sheet, "bell\x07"),
            write_only_cell(sheet, 7),
        ]
    )
    workbook.save(tmp_path / "w.xlsx")
    normal = Workbook()
    set_value(normal.active.cell(1, 1), "@SUM(1)")
    normal.save(tmp_path / "n.xlsx")

    row = next(load_workbook(tmp_path / "w.xlsx").active.iter_rows())
    assert [c.value for c in row] == ["=1+1", "plain", "bell", 7]
    assert [c.data_type for c in row] == ["s", "s", "s", "n"]
    assert [c.quotePrefix for c in row] == [True, False, False, False]
    assert row[0].font.b and row[1].font.b
    cell = load_workbook(tmp_path / "n.xlsx").active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("@SUM(1)", "s", True)
