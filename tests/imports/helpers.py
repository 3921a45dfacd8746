"""Build the files users send: csv in an encoding, xlsx with sheets."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

OPPORTUNITY_HEADERS = [
    "外部编号",
    "项目名称",
    "客户",
    "客户经理",
    "阶段",
    "状态",
    "预计成交日期",
    "金额",
    "成交日期",
    "丢单日期",
    "丢单原因",
    "创建日期",
]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    """As Excel writes it: CRLF, quoted where needed, in `encoding` (gbk: 中文 Excel's default)."""
    out = io.StringIO()
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path
