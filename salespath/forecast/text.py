"""Plain-text tables for a terminal, aware that a Chinese character takes two columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Set as AbstractSet
from decimal import Decimal

from django.utils.translation import gettext as _

from salespath.localize import join_list
from salespath.pipeline.models import ForecastCategory

from .state import COLUMN_LABELS, VIEW_LABELS
from .submissions import CHANGE_LABELS
from .xlsx import MARK, ROW_HEADERS, ROW_LEVEL, other_text


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, size: int, right: bool, center: bool = False) -> str:
    gap = size - width(text)
    if center:
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return " " * gap + text if right else text + " " * gap


def table(
    headers: list[str],
    rows: list[list[str]],
    *,
    right: AbstractSet[int] = frozenset(),
    center: AbstractSet[int] = frozenset(),
) -> str:
    sizes = [width(h) for h in headers]
    for row in rows:
        sizes = [max(size, width(cell)) for size, cell in zip(sizes, row, strict=True)]
    rule = "  ".join("-" * size for size in sizes)

    def line(cells: list[str]) -> str:
        padded = (
            _pad(c, s, i in right, i in center)
            for i, (c, s) in enumerate(zip(cells, sizes, strict=True))
        )
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), rule, *(line(row) for row in rows)]) + "\n"


def amount(value: str) -> str:
    return f"{Decimal(value):,.2f}"


def forecast_table(report: dict) -> str:
    columns = report["columns"]
    headers = [str(ROW_HEADERS[report["by"]])]
    headers += [str(COLUMN_LABELS[c]) for c in columns] + [_("Total")]
    lowest = ROW_LEVEL[report["by"]]

    def cells(label: str, row: dict) -> list[str]:
        figures = [f"{amount(row['values'][c])} ({row['counts'][c]})" for c in columns]
        return [label, *figures, amount(row["total"])]

    rows = []
    for row in report["rows"]:
        if row["level"] == "company":
            continue  # the same figures as the grand total below
        subtotal = row["level"] != lowest
        label = _("Subtotal: %(label)s") % {"label": row["label"]} if subtotal else row["label"]
        rows.append(cells(label, row))
    rows.append(cells(_("Total"), report["total"]))
    weighted = _(" (weighted by probability)") if report["weighted"] else ""
    heading = _(
        "%(title)s — %(scope)s    Cutoff date: %(date)s    This quarter: %(quarter)s%(weighted)s"
    ) % {
        "title": VIEW_LABELS[report["view"]],
        "scope": report["scope"]["label"],
        "date": report["as_of"],
        "quarter": report["quarter"],
        "weighted": weighted,
    }
    text = heading + "\n" + table(headers, rows, right=set(range(1, len(headers))))
    if report["overdue"]:
        text += "\n" + _("Overdue (close date on or before the cutoff date; please update):") + "\n"
        for item in report["overdue"]:
            who = f"#{item['opportunity']} {item['name']} ({item['owner_name']})"
            text += f"  {who} {item['expected_close']}\n"
        hidden = report["overdue_count"] - len(report["overdue"])
        if hidden > 0:
            text += "  " + _("… and %(n)s more (the oldest are listed).") % {"n": hidden} + "\n"
    return text


def evaluation_table(sheet: dict) -> str:
    codes = [s["code"] for s in sheet["stages"]]
    headers = [_("Project name"), _("Project manager (sales lead)"), _("Products offered")]
    headers += [s["label"] for s in sheet["stages"]] + [_("Other (describe in words)")]
    rows = [
        [row["name"], row["project_manager"], join_list(row["products"])]
        + [MARK if row["stage"] == code else "" for code in codes]
        + [other_text(row).replace("\n", " ")]
        for row in sheet["rows"]
    ]
    heading = _("Stage evaluation sheet — %(scope)s    Date: %(date)s") % {
        "scope": sheet["scope"]["label"],
        "date": sheet["as_of"],
    }
    marks = set(range(3, 3 + len(codes)))
    return heading + "\n" + table(headers, rows, center=marks)


def accuracy_table(report: dict) -> str:
    headers = [_("Salesperson or group"), _("Booked"), _("Committed at the start"), _("Accuracy")]
    headers += [_("Committed + best case at the start"), _("Accuracy")]
    for point in report["points"]:
        headers += [_("Committed on %(date)s") % {"date": point}, _("Accuracy")]

    def percent(value: str | None) -> str:
        return f"{value}%" if value is not None else "—"

    def money_or_dash(value: str | None) -> str:
        return amount(value) if value is not None else "—"

    rows = []
    for row in [*report["rows"], report["total"]]:
        label = (
            row["label"]
            if row["level"] in ("person", "total")
            else (_("Subtotal: %(label)s") % {"label": row["label"]})
        )
        start = row["start"]
        cells = [label, amount(row["booked"]), money_or_dash(start["committed"])]
        cells += [percent(start["commit_accuracy"]), money_or_dash(start["committed_best"])]
        cells += [percent(start["best_accuracy"])]
        for point in row["points"]:
            cells += [money_or_dash(point["committed"]), percent(point["commit_accuracy"])]
        rows.append(cells)
    heading = _("Forecast accuracy %(quarter)s — %(scope)s") % {
        "quarter": report["quarter"],
        "scope": report["scope"]["label"],
    }
    return heading + "\n" + table(headers, rows, right=set(range(1, len(headers))))


def changes_table(report: dict) -> str:
    headers = [_("Opportunity"), _("Project name"), _("Changes"), _("Before"), _("After")]

    def side(value: dict | None) -> str:
        if value is None:
            return "—"
        category = ForecastCategory(value["category"]).label
        return f"{amount(value['amount'])} {category} {value['close_date']}"

    rows = [
        [
            f"#{c['opportunity']}",
            c["name"],
            ", ".join(str(CHANGE_LABELS[k]) for k in c["kinds"]),
            side(c["before"]),
            side(c["after"]),
        ]
        for c in report["changes"]
    ]
    heading = _("Forecast changes of %(person)s: %(earlier)s → %(later)s") % {
        "person": report["person"],
        "earlier": report["earlier"]["as_of"],
        "later": report["later"]["as_of"],
    }
    return heading + "\n" + table(headers, rows)


def submissions_table(report: dict) -> str:
    headers = [_("Salesperson"), _("Submitted"), _("Submitted at"), _("Submitted by")]
    headers += [str(COLUMN_LABELS[c]) for c in report["columns"]]
    rows = []
    for person in report["people"]:
        submitted = person["submitted_values"]
        values = [
            f"{amount(submitted[c]) if submitted else '—'} / {amount(person['live_values'][c])}"
            for c in report["columns"]
        ]
        rows.append(
            [
                person["label"],
                _("yes") if person["submitted"] else _("no"),
                (person["submitted_at"] or "—")[:16],
                person["submitted_by"] or "—",
                *values,
            ]
        )
    heading = _("Forecast submissions of %(team)s for %(date)s (submitted / live)") % {
        "team": report["team"]["label"],
        "date": report["as_of"],
    }
    return heading + "\n" + table(headers, rows)
