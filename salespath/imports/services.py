"""`import_files`: read, validate everything, then write everything in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from salespath.org.models import User
from salespath.pipeline.signals import rolled_back

from . import validators, writers
from .context import Context
from .errors import ImportRejected, Problem, UnreadableFile
from .kinds import KINDS, Kind, kind_of_sheet
from .mapping import Mapping, SheetRecords, mapped_records, records_from_sheet
from .opportunities import PipelineValidator, preload_opportunities
from .readers import Sheet, read_file
from .sql import large_page_cache
from .values import text


@dataclass
class ImportResult:
    dry_run: bool
    counts: Counter = field(default_factory=Counter)

    def by_kind(self) -> dict[str, dict[str, int]]:
        """{"opportunities": {"created": 3, "updated": 1, "unchanged": 0}, ...}"""
        result: dict[str, dict[str, int]] = {}
        for name, number in self.counts.items():
            kind, what = name.split(":")
            result.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})[what] = number
        return result

    @property
    def changed(self) -> int:
        return sum(n for name, n in self.counts.items() if not name.endswith(":unchanged"))


def import_files(
    *,
    paths: list[str | Path],
    mapping: Mapping | None = None,
    dry_run: bool = False,
    by: User | None = None,
    kind: Kind | None = None,
) -> ImportResult:
    """Import one or more files. Raises ImportRejected naming every problem (by sheet, row and
    column) before anything is written; otherwise writes it all in one transaction — or, with
    `dry_run`, does the writing and rolls it back, so the counts it reports are exact (the
    derived data, which would be rolled back with it, is not moved: `rolled_back`).

    Each sheet's kind comes from the mapping, else `kind` (the importer's explicit choice,
    for every sheet), else the sheet itself (`kind_of_sheet`), never the file's name."""
    problems: list[Problem] = []
    sheets: list[tuple[str, Sheet]] = []
    for path in paths:
        try:
            for sheet in read_file(path):
                sheets.append((_sheet_label(Path(path), sheet, len(paths)), sheet))
        except UnreadableFile as error:
            problems.append(Problem(sheet=Path(path).name, row=0, column="", message=error.message))
    by_kind: dict[str, list[SheetRecords]] = {kind.name: [] for kind in KINDS}
    for label, sheet in sheets:
        found = _records(label, sheet, mapping, kind, problems)
        if found is not None:
            by_kind[found[0].name].append(found[1])
    if problems:
        raise ImportRejected(problems)
    result = ImportResult(dry_run=dry_run)
    try:
        with large_page_cache(), rolled_back() if dry_run else transaction.atomic():
            _validate_and_write(by_kind, by, result)
    except DatabaseError as error:  # validation should have caught it; say so plainly
        raise ImportRejected(
            [
                Problem(
                    "", 0, "", _("The database refused the import: %(reason)s") % {"reason": error}
                )
            ]
        ) from error
    return result


def _sheet_label(path: Path, sheet: Sheet, files: int) -> str:
    if path.suffix.lower() == ".csv" or path.stem == sheet.name:
        return path.name
    return f"{path.name} › {sheet.name}" if files > 1 else sheet.name


def _records(
    label: str, sheet: Sheet, mapping: Mapping | None, chosen: Kind | None, problems: list[Problem]
) -> tuple[Kind, SheetRecords] | None:
    sheet_mapping = mapping.for_sheet(sheet.name) if mapping else None
    if sheet_mapping is not None:
        kind = sheet_mapping.kind
        records, present, missing = mapped_records(sheet_mapping, sheet)
        for source in missing:
            problems.append(
                Problem(
                    label,
                    0,
                    source,
                    _("The mapping names this column but the sheet has no such column."),
                )
            )
        found = SheetRecords(
            label, records, sheet_mapping.date_formats, sheet_mapping.create_missing, present
        )
    else:
        kind = chosen or kind_of_sheet(sheet)
        if kind is None:
            problems.append(
                Problem(
                    label,
                    0,
                    "",
                    _(
                        "Cannot tell what this sheet holds from its column headers. Use the "
                        "headers of a template (salespath import-template), or choose the kind "
                        "of sheet: “What the files hold” on the import page, --kind for "
                        "salespath import."
                    ),
                )
            )
            return None
        records, columns = records_from_sheet(kind, sheet)
        present = set(columns)
        found = SheetRecords(label, records, present=present)
    for required in kind.required:
        if required.field not in present:
            problems.append(Problem(label, 0, required.both, _("This required column is missing.")))
    return kind, found


def _validate_and_write(by_kind: dict[str, list[SheetRecords]], by, result: ImportResult):
    context = Context()

    def values(columns) -> set[str]:
        return {
            value
            for kind, name in columns
            for sheet in by_kind[kind]
            for record in sheet.records
            if (value := text(record.values.get(name)))
        }

    registries = validators.Registries(customer_values=values(validators.CUSTOMER_COLUMNS))
    references = values(
        (
            ("opportunities", "external_id"),
            ("lines", "external_id"),
            ("history", "external_id"),
            ("activities", "opportunity"),
        )
    )
    preload_opportunities(registries, references)

    def each(kind: str, validate) -> list:
        plan: list = []
        for sheet in by_kind[kind]:
            plan.extend(validate(context, registries, sheet))
        return plan

    people = each("organisation", validators.validate_organisation)
    quotas = each("quotas", validators.validate_quotas)
    products = each("products", validators.validate_products)
    customers = each("customers", validators.validate_customers)
    contacts = each("contacts", validators.validate_contacts)
    pipeline = PipelineValidator(context, registries)
    lines = pipeline.lines(by_kind["lines"])
    history = pipeline.history(by_kind["history"])
    plans = pipeline.opportunities(by_kind["opportunities"], lines, history)
    activities = each("activities", validators.validate_activities)
    if context.problems:
        raise ImportRejected(context.problems)

    counts = result.counts
    if people:
        writers.write_organisation(people, registries, counts)
    if quotas:
        writers.write_quotas(quotas, counts)
    if products or pipeline.new_products:
        writers.write_products(products + pipeline.new_products, counts)
    if customers or pipeline.new_customers:
        writers.write_customers(customers + pipeline.new_customers, by, counts)
    if contacts:
        writers.write_contacts(contacts, counts)
    if pipeline.new_competitors:
        writers.write_competitors(pipeline.new_competitors)
    if plans:
        writers.write_opportunities(plans, by, counts)
    if activities:
        writers.write_activities(activities, counts)
