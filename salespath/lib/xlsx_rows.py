"""A worksheet's many rows written as XML text, for sheets of hundreds of thousands of rows.

openpyxl builds a Python object per cell and spends about 7 µs on it (registering its style,
checking its type, its coordinate; in a write-only sheet also a `ValueError` raised and
caught for each styled cell). The company's evaluation sheet at scale L has 2.66 million
cells: 31 s. Here openpyxl writes the workbook with everything but the bulk rows — styles,
title and header rows, merged cells, column widths, frozen panes, print setup — and
`WorkbookWithRows.save` copies that file, putting the rows, as XML text, before the sheet's
`</sheetData>`: one string per row, nothing per cell but its text.

The cells keep `salespath.lib.cells`' promises: every value is text (an inline string, which
a spreadsheet never reads as a formula), without the control characters a workbook cannot
hold, cut to one cell, and text that looks like a formula takes its style's quote-prefixed
twin (Excel's leading apostrophe) — the same shaping `set_value` gives openpyxl's cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from .cells import clean_text, looks_like_formula

ROWS_PER_WRITE = 2000  # rows joined into one string before they go to the zip stream
LETTERS = [get_column_letter(column) for column in range(1, 101)]  # A … CV


@dataclass(frozen=True)
class RowStyle:
    """A registered cell style's id in the workbook, and its quote-prefixed twin's."""

    plain: int
    quoted: int


def register_style(sheet, style) -> RowStyle:
    """Register `style` (a style array, as `WriteOnlyCell._style` holds) and its
    quote-prefixed twin with the workbook of the write-only `sheet`; their ids for the rows.
    Through a cell's `style_id`, as openpyxl registers the style of each cell it writes."""
    plain = WriteOnlyCell(sheet)
    plain._style = style
    quoted = WriteOnlyCell(sheet)
    quoted._style = copy(style)
    quoted.quotePrefix = True
    return RowStyle(plain.style_id, quoted.style_id)


def _cell(reference: str, value: str | None, style: RowStyle) -> str:
    if value is None or value == "":
        return f'<c r="{reference}" s="{style.plain}"/>'
    if not isinstance(value, str):
        raise TypeError(f"a row cell holds text or None, not {type(value).__name__}")
    text = clean_text(value)
    number = style.quoted if looks_like_formula(text) else style.plain
    return (
        f'<c r="{reference}" s="{number}" t="inlineStr">'
        f'<is><t xml:space="preserve">{escape(text)}</t></is></c>'
    )


def row_xml(number: int, cells: Sequence[tuple[str | None, RowStyle]]) -> str:
    """One `<row>`: `cells` are (text or None, style) from column A on."""
    parts = [f'<row r="{number}">']
    for letter, (value, style) in zip(LETTERS, cells, strict=False):
        parts.append(_cell(f"{letter}{number}", value, style))
    parts.append("</row>")
    return "".join(parts)


class WorkbookWithRows:
    """An openpyxl workbook and the rows to put after the last row of one of its sheets;
    `save(target)` as a `Workbook` is saved (a path or a binary file)."""

    def __init__(
        self,
        workbook: Workbook,
        sheet_number: int,
        first_row: int,
        rows: Iterable[Sequence[tuple[str | None, RowStyle]]],
    ) -> None:
        self.workbook = workbook
        self.part = f"xl/worksheets/sheet{sheet_number}.xml"
        self.first_row = first_row
        self.rows = rows

    def save(self, target) -> None:
        written = BytesIO()
        self.workbook.save(written)
        with ZipFile(written) as source, ZipFile(target, "w", ZIP_DEFLATED) as result:
            names = source.namelist()
            if self.part not in names:
                raise LookupError(f"the workbook has no {self.part}")
            for info in source.infolist():
                if info.filename == self.part:
                    self._write_sheet(source.read(info), info, result)
                else:
                    result.writestr(info, source.read(info))

    def _write_sheet(self, xml: bytes, info: ZipInfo, result: ZipFile) -> None:
        head, end, tail = xml.partition(b"</sheetData>")
        if not end:  # an empty sheet's `<sheetData/>`
            head, end, tail = xml.partition(b"<sheetData/>")
            head += b"<sheetData>"
        if not end:
            raise LookupError(f"{self.part} has no sheetData")
        entry = ZipInfo(info.filename, date_time=info.date_time)
        entry.compress_type = ZIP_DEFLATED
        with result.open(entry, "w", force_zip64=True) as stream:
            stream.write(head)
            batch: list[str] = []
            for number, cells in enumerate(self.rows, start=self.first_row):
                batch.append(row_xml(number, cells))
                if len(batch) == ROWS_PER_WRITE:
                    stream.write("".join(batch).encode("utf-8"))
                    batch.clear()
            stream.write("".join(batch).encode("utf-8"))
            stream.write(b"</sheetData>" + tail)
