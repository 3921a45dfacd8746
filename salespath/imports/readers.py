"""Open what users actually send: .xlsx (title rows, merged and two-row headers, trailing blank
rows) and .csv in UTF-8 with or without BOM or GBK/GB18030 (Chinese Excel's default).

A file becomes a list of `Sheet`s of raw cell values; nothing here knows what the columns mean.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from salespath.lib.cells import csv_unquote

from .errors import UnreadableFile
from .values import is_blank, text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 files and encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 10


@dataclass
class Column:
    """A header: what the user sees (`label`) and the spellings to recognise it by."""

    label: str
    candidates: list[str]


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number, cells)


def max_bytes() -> int:
    return getattr(settings, "SALESPATH_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def read_file(path: str | Path) -> list[Sheet]:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableFile(
            _("Cannot open “%(file)s”: %(reason)s") % {"file": path.name, "reason": error.strerror}
        ) from error
    limit = max_bytes()
    if size > limit:
        raise UnreadableFile(
            _("“%(file)s” is %(size)s MB; files up to %(limit)s MB can be imported.")
            % {"file": path.name, "size": _mb(size), "limit": _mb(limit)}
        )
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(_encrypted_or_old_message(path))
    if head.startswith(ZIP_MAGIC):
        return _read_xlsx(path)
    return [_read_csv(path)]


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _encrypted_or_old_message(path: Path) -> str:
    data = path.read_bytes()
    if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptionInfo" in data:
        return _(
            "“%(file)s” is protected by a password. Open it in Excel, remove the password "
            "(File › Info › Protect Workbook) and save it as .xlsx."
        ) % {"file": path.name}
    return _(
        "“%(file)s” is an old Excel 97-2003 (.xls) file. Save it as .xlsx or .csv and import that."
    ) % {"file": path.name}


def _unreadable(path: Path) -> UnreadableFile:
    return UnreadableFile(
        _("“%(file)s” is not a readable .xlsx or .csv file.") % {"file": path.name}
    )


# --- csv -------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, GB18030 — a superset of GBK and GB2312."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GB18030")


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise _unreadable(path)
    try:
        content = decode(data)
    except UnicodeDecodeError as error:
        raise _unreadable(path) from error
    sample = content[:8192]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";"):
        delimiter = "\t"
    elif sample.count(";") > sample.count(","):
        delimiter = ";"
    rows = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    # `'=1+1` is how our exports write the text =1+1 (salespath.lib.cells): read it back
    grid = [(number, [csv_unquote(v) for v in row]) for number, row in enumerate(rows, start=1)]
    return _sheet_from_grid(_sheet_name(path), grid, merges=[])


def _sheet_name(path: Path) -> str:
    return path.stem


# --- xlsx ------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(path) from error
    try:
        merges = _merged_ranges(path, workbook)
        sheets = []
        for worksheet in workbook.worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                continue
            grid = [
                (number, list(cells))
                for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1)
            ]
            sheet = _sheet_from_grid(worksheet.title, grid, merges=merges.get(worksheet.title, []))
            if sheet.columns:
                sheets.append(sheet)
        return sheets
    except Exception as error:
        raise _unreadable(path) from error
    finally:
        workbook.close()


def _merged_ranges(path: Path, workbook) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged cells per sheet title, read from the sheet XML: openpyxl's fast read-only mode,
    which large files need, does not load them."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        for worksheet in workbook.worksheets:
            sheet_path = getattr(worksheet, "_worksheet_path", None)
            if not sheet_path:
                continue
            xml = archive.read(sheet_path.lstrip("/"))
            tail = xml[xml.rfind(b"</sheetData>") :] if b"</sheetData>" in xml else xml
            found[worksheet.title] = [
                range_boundaries(ref.decode()) for ref in _MERGE.findall(tail)
            ]
    return found


# --- headers ---------------------------------------------------------------------------------


def _sheet_from_grid(
    name: str, grid: list[tuple[int, list[object]]], merges: list[tuple[int, int, int, int]]
) -> Sheet:
    """Find the header block, then keep the rows below it that have anything in them.

    Leading blank rows and title rows (one merged cell across the table) are skipped. A header
    cell merged down over two rows makes a two-row header: the upper row groups the lower
    ("合同" over "签约日期 · 合同金额"); both parts are kept as candidates for recognition.
    """
    cells = {
        (number, col): value
        for number, row in grid[: HEADER_SEARCH_ROWS + 2]
        for col, value in enumerate(row, start=1)
        if not is_blank(value)
    }
    # Fill merged ranges with their top-left value, as a reader of the sheet sees them.
    for min_col, min_row, max_col, max_row in merges:
        if min_row > HEADER_SEARCH_ROWS + 2:
            continue
        value = cells.get((min_row, min_col))
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if value is not None:
                    cells[(r, c)] = value
    width = max((len(row) for _number, row in grid), default=0)
    header_row = None
    for number, _row in grid[:HEADER_SEARCH_ROWS]:
        filled = [c for c in range(1, width + 1) if (number, c) in cells]
        if not filled:
            continue
        if _is_title_row(number, filled, merges):
            continue
        header_row = number
        break
    if header_row is None:
        return Sheet(name=name, columns=[])
    depth = 1
    for min_col, min_row, max_col, max_row in merges:
        if min_row == header_row and max_row > min_row:
            depth = max(depth, max_row - min_row + 1)
        elif min_row == max_row == header_row and max_col > min_col:
            depth = max(depth, 2)  # a group header over the sub-headers in the next row
    last = max(c for (r, c) in cells if header_row <= r < header_row + depth)
    columns = []
    for col in range(1, last + 1):
        parts: list[str] = []
        for r in range(header_row, header_row + depth):
            part = text(cells.get((r, col)))
            if part and part not in parts:
                parts.append(part)
        if len(parts) > 1:
            candidates = ["".join(parts), " ".join(parts), parts[-1], parts[0]]
        else:
            candidates = parts
        columns.append(Column(label=" / ".join(parts), candidates=candidates))
    first_data = header_row + depth
    rows = [
        (number, row[: len(columns)])
        for number, row in grid
        if number >= first_data and any(not is_blank(v) for v in row[: len(columns)])
    ]
    return Sheet(name=name, columns=columns, rows=rows)


def _is_title_row(number: int, filled: list[int], merges) -> bool:
    if len(filled) != len(set(filled)) or not filled:
        return False
    for min_col, min_row, max_col, max_row in merges:
        if min_row == number == max_row and filled == list(range(min_col, max_col + 1)):
            return max_col > min_col and min_col == 1
    return False
