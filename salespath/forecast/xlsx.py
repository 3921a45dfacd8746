"""The seed's two sheets as .xlsx (openpyxl): 销售阶段评估表 and 销售预测.

Chinese headers (whatever language is active), the forecast's two-level header (按时间 /
按销售预测 over their columns) under the 截止上报时间 line, ● marks, bold subtotal rows,
¥ amounts, frozen headers, A4 landscape fitted to the page width.

Every value goes into its cell through `salespath.lib.cells`, so names and notes that users
typed stay text (never a formula) and control characters stored earlier cannot break a file.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from salespath.lib.cells import set_value, write_only_cell
from salespath.lib.xlsx_rows import WorkbookWithRows, register_style
from salespath.localize import join_list

from .state import COLUMN_LABELS, VIEW_LABELS

YUAN = '"¥"#,##0.00'
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
MARK = "●"


def _print_setup(sheet: Worksheet, header_rows: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def _header(sheet: Worksheet, row: int, column: int, text: str, *, rows=1, columns=1) -> None:
    cell = set_value(sheet.cell(row=row, column=column), text)
    if rows > 1 or columns > 1:
        sheet.merge_cells(
            start_row=row,
            start_column=column,
            end_row=row + rows - 1,
            end_column=column + columns - 1,
        )
    for r in range(row, row + rows):
        for c in range(column, column + columns):
            target = sheet.cell(row=r, column=c)
            target.font, target.fill, target.alignment, target.border = (
                BOLD,
                HEADER_FILL,
                CENTER,
                BOX,
            )
    set_value(cell, text)


def _title(sheet: Worksheet, title: str, subtitle: str, width: int) -> None:
    set_value(sheet.cell(row=1, column=1), title).font = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    set_value(sheet.cell(row=2, column=1), subtitle)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


# --- 销售预测 --------------------------------------------------------------------------

ROW_HEADERS = {
    "owner": gettext_lazy("Salesperson"),
    "team": gettext_lazy("Team"),
    "branch": gettext_lazy("Branch"),
    "product": gettext_lazy("Product"),
}
ROW_LEVEL = {"owner": "person", "team": "team", "branch": "branch", "product": "product"}


def _aligned_rows(reports: list[dict]) -> list[tuple[str, str | None, str]]:
    order: list[tuple[str, str | None, str]] = []
    seen = set()
    for report in reports:
        for row in report["rows"]:
            if (row["level"], row["key"]) not in seen:
                seen.add((row["level"], row["key"]))
                order.append((row["level"], row["key"], row["label"]))
    return order


def forecast_workbook(reports: list[dict]) -> Workbook:
    """One or two forecast reports (the two views) of the same scope and date, side by side
    with shared row labels, as in the seed's sheet. Amounts in one sheet, counts in another,
    the overdue deals in a third."""
    workbook = Workbook()
    amounts = workbook.active
    amounts.title = _("Amounts")
    _forecast_sheet(amounts, reports, "values")
    _forecast_sheet(workbook.create_sheet(_("Counts")), reports, "counts")
    overdue = {o["opportunity"]: o for report in reports for o in report["overdue"]}
    if overdue:
        _overdue_sheet(workbook.create_sheet(_("Overdue")), list(overdue.values()))
    return workbook


def _forecast_sheet(sheet: Worksheet, reports: list[dict], figure: str) -> None:
    first = reports[0]
    width = 1 + sum(len(r["columns"]) + 1 for r in reports)
    weighted = _(" (weighted by probability)") if first["weighted"] else ""
    _title(
        sheet,
        _("Sales forecast — %(scope)s") % {"scope": first["scope"]["label"]},
        _("Cutoff date: %(date)s    This quarter: %(quarter)s    Currency: CNY%(weighted)s")
        % {"date": first["as_of"], "quarter": first["quarter"], "weighted": weighted},
        width,
    )
    _header(sheet, 3, 1, str(ROW_HEADERS[first["by"]]), rows=2)
    column = 2
    for report in reports:
        span = len(report["columns"]) + 1
        _header(sheet, 3, column, str(VIEW_LABELS[report["view"]]), columns=span)
        for offset, key in enumerate(report["columns"]):
            _header(sheet, 4, column + offset, str(COLUMN_LABELS[key]))
        _header(sheet, 4, column + span - 1, _("Total"))
        column += span

    lookups = [{(r["level"], r["key"]): r for r in report["rows"]} for report in reports]
    line = 5
    for level, key, label in _aligned_rows(reports):
        if level == "company":
            continue  # the same figures as the grand total below
        subtotal = level != ROW_LEVEL[first["by"]]
        text = _("Subtotal: %(label)s") % {"label": label} if subtotal else label
        cells = [text]
        for report, lookup in zip(reports, lookups, strict=True):
            row = lookup.get((level, key))
            cells += _figure_cells(report, row, figure)
        _data_row(sheet, line, cells, bold=subtotal, figure=figure)
        line += 1
    totals = [_("Total")]
    for report in reports:
        totals += _figure_cells(report, report["total"], figure)
    _data_row(sheet, line, totals, bold=True, figure=figure)

    sheet.column_dimensions["A"].width = 22
    for index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "B5"
    _print_setup(sheet, "3:4")


def _figure_cells(report: dict, row: dict | None, figure: str) -> list:
    if row is None:
        return [None] * (len(report["columns"]) + 1)
    if figure == "counts":
        counts = [row["counts"][c] for c in report["columns"]]
        return [*counts, sum(counts)]
    return [Decimal(row["values"][c]) for c in report["columns"]] + [Decimal(row["total"])]


def _data_row(sheet: Worksheet, line: int, cells: list, *, bold: bool, figure: str) -> None:
    for index, value in enumerate(cells, start=1):
        cell = set_value(sheet.cell(row=line, column=index), value)
        cell.border = BOX
        if index > 1 and figure == "values":
            cell.number_format = YUAN
        if bold:
            cell.font = BOLD
            cell.fill = SUBTOTAL_FILL


def _overdue_sheet(sheet: Worksheet, overdue: list[dict]) -> None:
    headers = [_("Opportunity"), _("Project name"), _("Account manager"), _("Expected close")]
    for index, text in enumerate(headers, start=1):
        _header(sheet, 1, index, text)
    for line, item in enumerate(overdue, start=2):
        values = [item["opportunity"], item["name"], item["owner_name"], item["expected_close"]]
        for index, value in enumerate(values, start=1):
            set_value(sheet.cell(row=line, column=index), value).border = BOX
    for letter, width in zip("ABCD", (10, 36, 16, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    _print_setup(sheet, "1:1")


# --- 销售阶段评估表 --------------------------------------------------------------------


def evaluation_workbook(sheet_data: dict) -> WorkbookWithRows:
    """The 销售阶段评估表: openpyxl writes the title, the headers and the layout (a write-only
    workbook), and the opportunities' rows go into the sheet as XML text when it is saved
    (`salespath.lib.xlsx_rows`): the company's sheet at scale L has 2.66 million cells,
    which openpyxl took 30 s to write one object at a time. Memory stays flat either way."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Stage evaluation"))
    stages = sheet_data["stages"]
    width = 4 + len(stages)
    last = get_column_letter(width)
    # Everything but the rows is set before them: a write-only sheet writes as it goes.
    for letter, size in zip("ABC", (30, 18, 24), strict=True):
        sheet.column_dimensions[letter].width = size
    for index in range(4, width):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.column_dimensions[last].width = 36
    sheet.freeze_panes = "B5"
    _print_setup(sheet, "3:4")
    for merged in (f"A1:{last}1", f"A2:{last}2", "A3:A4", "B3:B4", "C3:C4"):
        sheet.merged_cells.add(merged)
    sheet.merged_cells.add(f"D3:{get_column_letter(width - 1)}3")
    sheet.merged_cells.add(f"{last}3:{last}4")

    def styled(**style):
        """A style for many cells, registered with the workbook once: set on each cell
        instead, openpyxl looks every font, border and alignment up again (a minute for
        the company's sheet)."""
        template = WriteOnlyCell(sheet)
        for name, setting in style.items():
            setattr(template, name, setting)
        return template._style

    def cell(value, style) -> WriteOnlyCell:
        return write_only_cell(sheet, value, style)

    heading = styled(font=BOLD, fill=HEADER_FILL, alignment=CENTER, border=BOX)

    def header(values: list) -> list[WriteOnlyCell]:
        return [cell(value, heading) for value in values]

    period = sheet_data["period"]
    title = _("Stage evaluation sheet — %(scope)s") % {"scope": sheet_data["scope"]["label"]}
    sheet.append([cell(title, styled(font=TITLE, alignment=Alignment(horizontal="center")))])
    dates = _("Date: %(date)s    Period: %(start)s to %(end)s") % {
        "date": sheet_data["as_of"],
        "start": period["start"],
        "end": period["end"],
    }
    sheet.append([write_only_cell(sheet, dates)])
    stage_header = _("Stage evaluation: stage reached (marked ●)")
    sheet.append(
        header(
            [
                _("Project name"),
                _("Project manager (sales lead)"),
                _("Products offered"),
                stage_header,
                *[None] * (len(stages) - 1),
                _("Other (describe in words)"),
            ]
        )
    )
    sheet.append(header([None, None, None, *[stage["label"] for stage in stages], None]))
    text = register_style(sheet, styled(border=BOX, alignment=WRAP))
    mark = register_style(sheet, styled(border=BOX, alignment=CENTER))
    codes = [s["code"] for s in stages]

    def rows():
        for row in sheet_data["rows"]:
            yield [
                (row["name"], text),
                (row["project_manager"], text),
                (join_list(row["products"]), text),
                *[(MARK if row["stage"] == code else None, mark) for code in codes],
                (other_text(row), text),
            ]

    return WorkbookWithRows(workbook, sheet_number=1, first_row=5, rows=rows())


def other_text(row: dict) -> str:
    """其他: the note, after the outcome for deals that ended in the period."""
    if row["status"] == "lost":
        prefix = _("Lost on %(date)s") % {"date": row["status_since"]}
    elif row["status"] == "won":
        prefix = _("Completed on %(date)s") % {"date": row["status_since"]}
    else:
        return row["note"]
    return f"{prefix}; {row['note']}" if row["note"] else prefix
