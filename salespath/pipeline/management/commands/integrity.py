"""`salespath integrity [--person P|--team T|--branch B] [--as USER] [--format json|table]`:
opportunities ahead of their evidence, gate overrides and imported history."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.org.models import Branch, Team, User
from salespath.org.scopes import Scope, resolve_scope
from salespath.pipeline.queries import integrity_report


class Command(BaseCommand):
    help = "List opportunities whose recorded stage is ahead of their evidence, and overrides."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--person", help="username")
        group.add_argument("--team", help="team code")
        group.add_argument("--branch", help="branch code")
        parser.add_argument("--as", dest="as_user", help="report as this user (their view)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **options):
        try:
            scope, viewer = self._scope(options)
            report = integrity_report(scope, viewer=viewer)
        except DomainError as error:
            raise CommandError(error.message) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(report))

    def _scope(self, options) -> tuple[Scope, User | None]:
        names = {key: options[key] for key in ("person", "team", "branch")}
        if options["as_user"]:
            viewer = User.objects.filter(username=options["as_user"]).first()
            if viewer is None:
                raise CommandError(_("No user “%(name)s”.") % {"name": options["as_user"]})
            return resolve_scope(viewer, **names), viewer
        # Run by an operator at the console: every scope is open.
        if names["person"]:
            person = User.objects.filter(username=names["person"]).first()
            if person is None:
                raise CommandError(_("No user “%(name)s”.") % {"name": names["person"]})
            return Scope("person", person=person), None
        if names["team"]:
            team = Team.objects.filter(code=names["team"]).first()
            if team is None:
                raise CommandError(_("No team “%(name)s”.") % {"name": names["team"]})
            return Scope("team", team=team), None
        if names["branch"]:
            branch = Branch.objects.filter(code=names["branch"]).first()
            if branch is None:
                raise CommandError(_("No branch “%(name)s”.") % {"name": names["branch"]})
            return Scope("branch", branch=branch), None
        return Scope("company"), None


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
