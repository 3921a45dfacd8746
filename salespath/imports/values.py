"""Cell values as real files have them: dates in four spellings, amounts with ¥, commas and 万.

Pure functions with no Django import. Each raises ValueError for a value it cannot read; the
validator turns that into a translated problem naming the cell.

Full-width forms (U+FF01–U+FF5E: `１２３`, `２０２６／６／３０`, `３０％`), which a Chinese
input method types in its full-width mode, are read as their ASCII twins in numbers and
dates — a deliberate choice (docs/imports.md). Every other script's digits (`١٢٣`, `१२३`)
are refused: Python's `int()` and a regular expression's digit class would take them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its 1900 leap-year bug
CENTS = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", re.ASCII),
]
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", re.ASCII)
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ！..～ → !..~
_CURRENCY = re.compile(r"^(?:¥|￥|RMB|CNY)|(?:元|RMB|CNY)$", re.IGNORECASE)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as text: numbers without a spurious `.0`, surrounding spaces removed."""
    if isinstance(value, str):  # most cells: checked first, an import reads millions
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def number_text(value: object) -> str:
    """A cell holding a number or date, as text with full-width forms folded to ASCII."""
    return text(value).translate(FULL_WIDTH)


def excel_serial_to_date(serial: float) -> date:
    if not 1 <= serial < 2958466:  # 9999-12-31
        raise ValueError(serial)
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: object, formats: tuple[str, ...] = ()) -> date:
    """2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日, an Excel serial (46203) or a date cell.

    `formats` (strptime patterns from a mapping file) are tried first, for files from systems
    that write 06/30/2026.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(float(value))
    if not formats and isinstance(value, str) and _is_iso_date(value):
        return date.fromisoformat(value)  # the common spelling, read without the patterns
    raw = number_text(value)
    if not formats and _is_iso_date(raw):  # …written in full-width digits or with spaces
        return date.fromisoformat(raw)
    for pattern in formats:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raw = _TIME_SUFFIX.sub("", raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    if re.fullmatch(r"\d{5}(\.0+)?", raw, re.ASCII):
        return excel_serial_to_date(float(raw))
    raise ValueError(raw)


def _is_iso_date(raw: str) -> bool:
    """2026-06-30 exactly (what the first pattern matches with two-digit month and day)."""
    return (
        len(raw) == 10
        and raw.isascii()
        and raw[4] == raw[7] == "-"
        and raw[:4].isdecimal()
        and raw[5:7].isdecimal()
        and raw[8:].isdecimal()
    )


def parse_amount(value: object) -> Decimal:
    """1,234,567.50 · ¥1,234,567.5 · 123.4万 · 123.4万元 → Decimal with two places; not negative."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        raw = number_text(value).replace(" ", "").replace("\u3000", "")
        raw = _CURRENCY.sub("", raw)
        raw = _CURRENCY.sub("", raw)  # "¥12万元": the symbol in front, 元 behind
        factor = Decimal(1)
        if raw.endswith("万元"):
            raw, factor = raw[:-2], TEN_THOUSAND
        elif raw.endswith("万"):
            raw, factor = raw[:-1], TEN_THOUSAND
        if not re.fullmatch(r"-?(\d{1,3}([,，]\d{3})+|\d+)(\.\d+)?|-?\.\d+", raw, re.ASCII):
            raise ValueError(value)
        try:
            amount = Decimal(raw.replace(",", "").replace("，", "")) * factor
        except InvalidOperation as error:
            raise ValueError(value) from error
    if not amount.is_finite() or amount < 0:
        raise ValueError(value)
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


def parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = number_text(value).replace(",", "")
    if not re.fullmatch(r"-?\d+", raw, re.ASCII):
        raise ValueError(value)
    return int(raw)


def parse_percent(value: object) -> int:
    """30 · 30% · 0.3 (an Excel percentage cell) → 30; 0..100."""
    if isinstance(value, float) and 0 < value < 1:
        number = Decimal(str(value)) * 100
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        raw = number_text(value).rstrip("%").strip()
        if not raw.isascii():
            raise ValueError(value)
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise ValueError(value) from error
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(value)
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_bool(value: object) -> bool:
    raw = text(value).lower()
    if raw in {"1", "true", "yes", "y", "是", "对", "√", "✓"}:
        return True
    if raw in {"0", "false", "no", "n", "否", "不", "×"}:
        return False
    raise ValueError(value)


def normalise(value: object) -> str:
    """A name as a lookup key: case-folded, inner spaces collapsed."""
    raw = value if isinstance(value, str) else text(value)  # split() drops the outer spaces too
    return " ".join(raw.split()).casefold()
