"""Every list out, with the import's own headers, so exporting and importing back changes
nothing. A record without an external id is named `SP-<primary key>`, which the import reads
back as that same record."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Prefetch
from django.utils.translation import get_language
from openpyxl import Workbook

from salespath.activities.models import Activity
from salespath.customers.models import Contact, Customer
from salespath.lib.cells import csv_row, write_only_cell
from salespath.org.models import Team
from salespath.pipeline.models import Opportunity, OpportunityCompetitor, StageChange

from .kinds import ACTIVITIES, CONTACTS, CUSTOMERS, HISTORY, LINES, OPPORTUNITIES, Kind

EXPORTS = ("customers", "opportunities", "activities", "history")
LIST_JOIN = "、"


@dataclass
class Table:
    kind: Kind
    rows: list[list[object]]


def key_of(record) -> str:
    return record.external_id or f"SP-{record.pk}"


def export_tables(what: str, *, team: Team | None = None) -> list[Table]:
    """The sheets of one export; `team` keeps the records owned by its members."""
    if what == "customers":
        return _customers(team)
    if what == "opportunities":
        return _opportunities(team)
    if what == "activities":
        return [_activities(team)]
    if what == "history":
        return [_history(team)]
    raise ValueError(what)


def _customer_keys(customer_ids) -> dict[int, str]:
    return {
        pk: external_id or f"SP-{pk}"
        for pk, external_id in Customer.objects.filter(pk__in=customer_ids).values_list(
            "id", "external_id"
        )
    }


def _customers(team) -> list[Table]:
    customers = Customer.objects.select_related("owner", "industry").order_by("name", "id")
    if team is not None:
        customers = customers.filter(owner__team=team)
    rows, keys = [], {}
    for c in customers:
        keys[c.pk] = key_of(c)
        rows.append(
            [
                keys[c.pk],
                c.name,
                c.name_en,
                c.owner.username,
                c.industry.code if c.industry else "",
                c.get_size_display() if c.size else "",
                c.headcount,
                c.created_on,
                c.note,
            ]
        )
    contacts = Contact.objects.filter(customer_id__in=keys).order_by("customer_id", "name", "id")
    contact_rows = [
        [
            keys[c.customer_id],
            c.name,
            c.title,
            c.get_project_role_display(),
            c.phone,
            c.email,
            c.note,
        ]
        for c in contacts
    ]
    return [Table(CUSTOMERS, rows), Table(CONTACTS, contact_rows)]


def _opportunities(team) -> list[Table]:
    opportunities = (
        Opportunity.objects.select_related("owner", "contract", "lost_to")
        .prefetch_related(
            Prefetch(
                "competitors",
                queryset=OpportunityCompetitor.objects.select_related("competitor").order_by("id"),
            ),
            "lines__product",
        )
        .order_by("created_on", "id")
    )
    if team is not None:
        opportunities = opportunities.filter(owner__team=team)
    opportunities = list(opportunities)
    customers = _customer_keys({o.customer_id for o in opportunities})
    rows, line_rows = [], []
    for o in opportunities:
        contract = getattr(o, "contract", None)
        competitors = [o.lost_to.name] if o.lost_to else []
        competitors += [
            c.competitor.name for c in o.competitors.all() if c.competitor.name not in competitors
        ]
        rows.append(
            [
                key_of(o),
                o.name,
                customers[o.customer_id],
                o.owner.username,
                o.stage_id,
                o.get_status_display(),
                o.expected_close,
                o.get_forecast_category_display(),
                o.probability if o.probability_manual else None,
                o.amount,
                None,
                contract.signed_on if contract else None,
                contract.amount if contract else None,
                o.won_on,
                o.lost_on,
                o.lost_reason,
                LIST_JOIN.join(competitors),
                o.created_on,
                None,
                o.note,
            ]
        )
        for line in sorted(o.lines.all(), key=lambda line: line.product.code):
            line_rows.append([key_of(o), line.product.code, line.amount])
    return [Table(OPPORTUNITIES, rows), Table(LINES, line_rows)]


def _activities(team) -> Table:
    activities = Activity.objects.select_related("person", "customer", "opportunity").order_by(
        "occurred_on", "id"
    )
    if team is not None:
        activities = activities.filter(person__team=team)
    rows = [
        [
            key_of(a),
            a.person.username,
            a.get_kind_display(),
            a.occurred_on,
            a.hours,
            key_of(a.customer) if a.customer else "",
            key_of(a.opportunity) if a.opportunity else "",
            a.purpose,
            a.outcome,
            a.note,
        ]
        for a in activities
    ]
    return Table(ACTIVITIES, rows)


def _history(team) -> Table:
    changes = StageChange.objects.select_related("opportunity").order_by(
        "opportunity__created_on", "opportunity_id", "effective_on", "id"
    )
    if team is not None:
        changes = changes.filter(opportunity__owner__team=team)
    rows = [
        [key_of(c.opportunity), c.to_stage_id, c.effective_on, c.get_to_status_display()]
        for c in changes
    ]
    return Table(HISTORY, rows)


# --- files -----------------------------------------------------------------------------------


def headers(kind: Kind) -> list[str]:
    return [f.header(get_language() or "zh-hans") for f in kind.fields]


def write_xlsx(tables: list[Table], path: Path) -> list[Path]:
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(table.kind.sheet_title(get_language() or "zh-hans"))
        sheet.append(headers(table.kind))
        for row in table.rows:  # user text stays text: see salespath.lib.cells
            sheet.append([write_only_cell(sheet, "" if v is None else v) for v in row])
    workbook.save(path)
    return [path]


def write_csv(tables: list[Table], path: Path) -> list[Path]:
    """The first table into `path`; each further one beside it, named `<name>-<kind>.csv`."""
    written = []
    for number, table in enumerate(tables):
        target = path if number == 0 else path.with_name(f"{path.stem}-{table.kind.name}.csv")
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(headers(table.kind))
            for row in table.rows:  # user text stays text: see salespath.lib.cells
                out.writerow(csv_row(row))
        written.append(target)
    return written


def count_tables(tables: list[Table]) -> dict[str, int]:
    return {table.kind.name: len(table.rows) for table in tables}


__all__ = ["Count", "EXPORTS", "export_tables", "write_csv", "write_xlsx"]
