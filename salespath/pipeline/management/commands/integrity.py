"""`salespath integrity [--person P|--team T|--branch B] [--as USER] [--format json|table]
[-o FILE]`:
opportunities ahead of their evidence, gate overrides and imported history."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from salespath.org import cli
from salespath.pipeline.queries import integrity_report


class Command(BaseCommand):
    help = "List opportunities whose recorded stage is ahead of their evidence, and overrides."

    def add_arguments(self, parser):
        cli.add_scope(parser)
        cli.add_viewer(parser)
        cli.add_output(parser, formats=("table", "json"))

    @cli.refusals_as_errors
    def handle(self, *args, **options):
        report = integrity_report(cli.scope(options), viewer=cli.chosen_viewer(options))
        cli.emit(self, options, data=report, table=render_table(report) + "\n")


def render_table(report: dict) -> str:
    headers = [
        _("ID"),
        _("Opportunity"),
        _("Owner"),
        _("Stage"),
        _("Evidence"),
        _("Flags"),
        _("Missing / reason"),
    ]
    lines = []
    for row in report["rows"]:
        flags = []
        if row["ahead"]:
            flags.append(_("ahead of evidence"))
        if row["overrides"]:
            flags.append(_("override"))
        if row["imported"]:
            flags.append(_("imported"))
        details = [", ".join(gap["code"] for gap in row["missing"])]
        details += [
            f"{o['from_stage']}→{o['to_stage']} {o['by'] or ''}: {o['reason']}"
            for o in row["overrides"]
        ]
        lines.append(
            [
                str(row["opportunity"]),
                row["name"],
                row["owner_name"],
                row["stage"],
                row["evidenced_stage"] or "—",
                ", ".join(flags),
                "; ".join(d for d in details if d),
            ]
        )
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *lines, strict=False)
    ]
    out = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [headers, *lines]
    ]
    out.append(
        _(
            "%(scope)s, %(as_of)s: %(checked)s checked, %(flagged)s flagged "
            "(%(ahead)s ahead of evidence, %(overridden)s overridden, %(imported)s imported)."
        )
        % {**report, "scope": report["scope"]["label"]}
    )
    return "\n".join(out)
