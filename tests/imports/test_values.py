"""Dates and amounts in the spellings real spreadsheets use."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from salespath.imports.values import parse_amount, parse_date, parse_percent


@pytest.mark.parametrize(
    "value",
    [
        "2026-06-30",
        "2026/6/30",
        "2026年6月30日",
        "2026.06.30",
        46203,
        46203.0,
        "46203",
        datetime(2026, 6, 30),
        date(2026, 6, 30),
        "2026-06-30 00:00:00",
    ],
)
def test_every_date_spelling_reads_as_the_same_day(value):
    assert parse_date(value) == date(2026, 6, 30)


def test_a_mapping_date_format_is_tried_first():
    assert parse_date("06/30/2026", ("%m/%d/%Y",)) == date(2026, 6, 30)


@pytest.mark.parametrize("value", ["30/06/2026", "next week", "2026-13-01", 0])
def test_a_value_that_is_no_date_is_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,234,567.50", "1234567.50"),
        ("¥1,234,567.5", "1234567.50"),
        ("￥1200000", "1200000.00"),
        ("120万", "1200000.00"),
        ("12.5万元", "125000.00"),
        ("¥12万", "120000.00"),
        (1200000, "1200000.00"),
        (1234.565, "1234.57"),
        ("", None),
    ],
)
def test_amounts_with_separators_currency_and_wan(value, expected):
    if expected is None:
        with pytest.raises(ValueError):
            parse_amount(value)
    else:
        assert parse_amount(value) == Decimal(expected)


@pytest.mark.parametrize("value", ["-5", "12,34", "abc", "1.2.3"])
def test_a_negative_or_garbled_amount_is_refused(value):
    with pytest.raises(ValueError):
        parse_amount(value)


def test_percentages_from_text_numbers_and_excel_percent_cells():
    assert parse_percent("30%") == 30
    assert parse_percent(30) == 30
    assert parse_percent(0.3) == 30
    with pytest.raises(ValueError):
        parse_percent("130")


def test_full_width_forms_are_folded_in_numbers_and_dates_and_other_digits_refused():
    from salespath.imports.values import parse_amount, parse_date, parse_int, parse_percent

    assert parse_int("１２３") == 123
    assert (
        parse_date("２０２６／６／３０") == parse_date("２０２６年６月３０日") == date(2026, 6, 30)
    )
    assert parse_amount("１，２００．５") == Decimal("1200.50")
    assert parse_percent("３０％") == 30
    for parse, value in (
        (parse_int, "١٢٣"),
        (parse_amount, "१२३"),
        (parse_date, "٢٠٢٦-٠٦-٣٠"),
        (parse_percent, "١٢"),
    ):
        with pytest.raises(ValueError):
            parse(value)
