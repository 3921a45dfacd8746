"""Reading a forecast report the way a manager reads it: what landed in which column."""

from salespath.org.scopes import Scope

COMPANY = Scope("company")


def placed(report: dict, key: str | None = "__total__") -> dict[str, tuple[str, int]]:
    """{column: (amount, count)} for the columns of a row (default: the grand total) that
    hold anything."""
    if key == "__total__":
        row = report["total"]
    else:
        row = next(r for r in report["rows"] if r["key"] == key)
    return {
        column: (row["values"][column], row["counts"][column])
        for column in report["columns"]
        if row["counts"][column] or row["values"][column] != "0.00"
    }


def row(report: dict, level: str, key: str | None) -> dict:
    return next(r for r in report["rows"] if r["level"] == level and r["key"] == key)
