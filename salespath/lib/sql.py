"""SQL fragments that differ between the two engines Salespath runs on."""

from django.db import connection


def month_start(column: str) -> str:
    """The first day of the month of the date `column`, as a date (PostgreSQL) or its ISO
    text (SQLite). `%%`: the statements it goes into are run with a parameter list."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"
