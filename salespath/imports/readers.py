"""Open what users actually send: .xlsx (title rows, merged and two-row headers, trailing blank
rows) and .csv in UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text") or GBK/GB18030
(Chinese Excel's default), the encoding decided from the whole file (`encodings.py`).

A file becomes a list of `Sheet`s of raw cell values; nothing here knows what the columns mean.

An .xlsx is a zip: a 400 KB file can unpack to gigabytes. Before openpyxl reads a sheet, its
XML is streamed once (`_scan_sheets`, never held whole) for the merged cells, the rows and the
columns, within two caps: the unpacked size (SALESPATH_IMPORT_MAX_UNPACKED_BYTES, checked
from the zip's member sizes and again while streaming) and the rows
(SALESPATH_IMPORT_MAX_ROWS, counted by row number, so one cell in row 1,048,576 cannot make
a million empty rows). openpyxl then reads in read-only mode, no wider than the cells seen.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from salespath.lib.cells import csv_unquote

from .encodings import Undecodable, decode_csv
from .errors import UnreadableFile
from .values import is_blank, text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
CHUNK = 64 * 1024
MAX_COLUMNS = 200  # an import sheet has a few dozen; openpyxl pads every row to the widest
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
    # An xlsx sheet's title is part of the workbook; a csv's "name" is only its file's name.
    titled: bool = True


def max_bytes() -> int:
    return getattr(settings, "SALESPATH_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_unpacked_bytes() -> int:
    return getattr(settings, "SALESPATH_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)


def max_rows() -> int:
    return getattr(settings, "SALESPATH_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


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


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16 and b"\x00" in data[:4096]:
        raise _unreadable(path)
    try:
        content, _encoding = decode_csv(data)
    except Undecodable as error:
        raise UnreadableFile(
            _(
                "“%(file)s” is not text in UTF-8, UTF-16 or GB18030: the bytes at offset "
                "%(offset)s (row %(row)s) cannot be read. Save it from Excel as "
                "“CSV UTF-8” and import it again."
            )
            % {"file": path.name, "offset": error.offset, "row": error.line}
        ) from None
    sample = content[:8192]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";"):
        delimiter = "\t"
    elif sample.count(";") > sample.count(","):
        delimiter = ";"
    rows = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    # `'=1+1` is how our exports write the text =1+1 (salespath.lib.cells): read it back
    grid = []
    limit = max_rows()
    for number, row in enumerate(rows, start=1):
        if number > limit:  # a 20 MB file of empty lines is twenty million rows
            raise UnreadableFile(_rows_message(limit))
        grid.append((number, [csv_unquote(v) for v in row]))
    sheet = _sheet_from_grid(_sheet_name(path), grid, merges=[])
    sheet.titled = False
    return sheet


def _sheet_name(path: Path) -> str:
    return path.stem


# --- xlsx ------------------------------------------------------------------------------------

_CELL_REF = re.compile(r"([A-Z]{1,3})?(\d+)?$")


class TooBig(Exception):
    """The file is over one of the caps; `message` says which, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetScan:
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    last_row: int = 0
    last_column: int = 0
    current_row: int = 0


class _Budget:
    """A member of the zip as it unpacks, refusing once the whole file's unpacked bytes
    pass the cap: the members' declared sizes are checked first, this holds even if they lie."""

    def __init__(self, stream, remaining: list[int], limit: int) -> None:
        self.stream, self.remaining, self.limit = stream, remaining, limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(CHUNK if size is None or size < 0 else size)
        self.remaining[0] -= len(data)
        if self.remaining[0] < 0:
            raise TooBig(_unpacked_message(self.limit))
        return data


def _unpacked_message(limit: int) -> str:
    return _(
        "The file unpacks to more than %(limit)s MB; at most %(limit)s MB can be imported. "
        "Split it into smaller files."
    ) % {"limit": _mb(limit)}


def _rows_message(limit: int) -> str:
    return _(
        "A sheet has more than %(limit)s rows; at most %(limit)s rows can be imported at once. "
        "Split it into smaller files."
    ) % {"limit": f"{limit:,}"}


def _columns_message() -> str:
    return _("A sheet has cells beyond column %(limit)s; an import sheet has far fewer.") % {
        "limit": MAX_COLUMNS
    }


def _read_xlsx(path: Path) -> list[Sheet]:
    budget = max_unpacked_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > budget:
                raise TooBig(_unpacked_message(budget))
    except zipfile.BadZipFile as error:
        raise _unreadable(path) from error
    except TooBig as error:
        raise UnreadableFile(error.message) from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(path) from error
    try:
        scans = _scan_sheets(path, workbook, budget)
        sheets = []
        for worksheet in workbook.worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                continue
            scan = scans.get(worksheet.title, SheetScan())
            if not scan.last_row:
                continue
            # The sheet's own <dimension> may claim any size: read only what the scan saw.
            worksheet.reset_dimensions()
            grid = [
                (number, list(cells))
                for number, cells in enumerate(
                    worksheet.iter_rows(
                        max_row=scan.last_row, max_col=scan.last_column, values_only=True
                    ),
                    start=1,
                )
            ]
            sheet = _sheet_from_grid(worksheet.title, grid, merges=scan.merges)
            if sheet.columns:
                sheets.append(sheet)
        return sheets
    except TooBig as error:
        raise UnreadableFile(error.message) from None
    except Exception as error:
        raise _unreadable(path) from error
    finally:
        workbook.close()


def _scan_sheets(path: Path, workbook, budget: int) -> dict[str, SheetScan]:
    """Each sheet's merged cells and last row and column, streamed from its XML: openpyxl's
    read-only mode, which large files need, does not load merged cells."""
    found: dict[str, SheetScan] = {}
    remaining = [budget]
    with zipfile.ZipFile(path) as archive:
        for worksheet in workbook.worksheets:
            sheet_path = getattr(worksheet, "_worksheet_path", None)
            if sheet_path:
                with archive.open(sheet_path.lstrip("/")) as member:
                    found[worksheet.title] = _scan(_Budget(member, remaining, budget))
    return found


def _scan(stream) -> SheetScan:
    """One pass of expat over the sheet's XML, keeping nothing but the counts and the merged
    ranges: no tree, and text between elements is never gathered (a tree builder would
    gather a sheet padded with blanks into one string)."""
    scan = SheetScan()
    limit = max_rows()
    row_has_cells = [False]
    parser = expat.ParserCreate(namespace_separator="}")

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = name.rpartition("}")[2]
        if tag == "c":
            row_has_cells[0] = True
            column = _column_of(attributes.get("r"))
            if column > scan.last_column:
                if column > MAX_COLUMNS:
                    raise TooBig(_columns_message())
                scan.last_column = column
        elif tag == "row":
            number = int(attributes.get("r") or scan.last_row + 1)
            if number > limit:
                raise TooBig(_rows_message(limit))
            scan.current_row = number
            row_has_cells[0] = False
        elif tag == "mergeCell" and attributes.get("ref"):
            scan.merges.append(range_boundaries(attributes["ref"]))

    def end(name: str) -> None:
        if name.rpartition("}")[2] == "row" and row_has_cells[0]:  # not an empty styled row
            scan.last_row = max(scan.last_row, scan.current_row)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise ValueError("damaged sheet XML") from error
    return scan


def _column_of(reference: str | None) -> int:
    match = _CELL_REF.match(reference or "")
    letters = match.group(1) if match else None
    if not letters:
        return 0
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


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
