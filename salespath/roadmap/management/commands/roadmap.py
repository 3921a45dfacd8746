"""`salespath roadmap --as-of D [--person U | --team T] [--as USERNAME] --format table|json`."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespath.errors import DomainError
from salespath.org import dates
from salespath.org.models import Team, User
from salespath.org.scopes import Scope, resolve_scope
from salespath.replicas import reading_reports
from salespath.roadmap.queries import PersonRoadmap, TeamRoadmap, roadmap_team
from salespath.roadmap.status import Item


class Command(BaseCommand):
    help = gettext_lazy(
        "Show the success roadmap (phase, weekly standards, phase goals) on a date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help=gettext_lazy("YYYY-MM-DD; default today"))
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--person", help=gettext_lazy("username"))
        who.add_argument("--team", help=gettext_lazy("team code"))
        parser.add_argument(
            "--as",
            dest="viewer",
            help=gettext_lazy("show what this user may see (default: everything)"),
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    @reading_reports()
    def handle(self, *args, **options):
        as_of = _parse_date(options["as_of"])
        scope = _scope(options["viewer"], options["person"], options["team"])
        result = roadmap_team(scope, as_of)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(result))


def _parse_date(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    try:
        return dates.parse_day(text, field="--as-of")
    except DomainError as refused:
        raise CommandError(refused.message) from None


def _scope(viewer_name: str | None, person: str | None, team: str | None) -> Scope:
    if viewer_name:
        viewer = User.objects.filter(username=viewer_name).first()
        if viewer is None:
            raise CommandError(_("No user “%(name)s”.") % {"name": viewer_name})
        try:
            return resolve_scope(viewer, person=person, team=team)
        except DomainError as refused:
            raise CommandError(refused.message) from None
    # Run by whoever operates the server: every person and team may be named.
    if person:
        found = User.objects.filter(username=person).first()
        if found is None:
            raise CommandError(_("No person “%(name)s”.") % {"name": person})
        return Scope("person", person=found)
    if team:
        found_team = Team.objects.filter(code=team).select_related("branch").first()
        if found_team is None:
            raise CommandError(_("No team “%(name)s”.") % {"name": team})
        return Scope("team", team=found_team)
    return Scope("company")


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _target(item: Item) -> str:
    if item.target is None:
        return "—"
    if item.unit == "signoff":
        return _("signed off")
    text = _number(item.target)
    if item.target_upper is not None:
        text = f"{text}–{_number(item.target_upper)}"
    return f"≥{text}{'%' if item.unit == 'percent' else ''}"


def _value(item: Item) -> str:
    if item.unit == "signoff":
        return _("yes") if item.value else _("no")
    suffix = "%" if item.unit == "percent" and item.value is not None else ""
    return _number(item.value) + suffix


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _person_lines(person: PersonRoadmap) -> list[str]:
    lines = [f"{person.name} ({person.username}) — {person.phase_label}"]
    if person.phase:
        lines.append(
            _("Phase %(start)s … %(end)s; hire date %(hire)s; quota start %(quota)s")
            % {
                "start": person.phase.start,
                "end": person.phase.end,
                "hire": person.hire_date or "—",
                "quota": person.quota_start_date or "—",
            }
        )
    if person.quota_year:
        lines.append(
            _("Quota year %(start)s … %(end)s, annual quota %(amount)s")
            % {
                "start": person.quota_year.start,
                "end": person.quota_year.end,
                "amount": _number(person.annual_quota),
            }
        )
    if person.weeks and any(week.items for week in person.weeks):
        # One row per week, one column per standard: "actual / target status".
        labels = list(dict.fromkeys(item.label for week in person.weeks for item in week.items))
        rows = [[_("Week"), _("Phase"), *labels]]
        for week in person.weeks:
            cells = {
                item.label: f"{_value(item)} / {_target(item)} {item.status_label}"
                if item.target is not None
                else _value(item)
                for item in week.items
            }
            label = week.label + (" *" if week.current else "")
            rows.append([label, week.phase or "—", *(cells.get(name, "") for name in labels)])
        lines += ["", *_table(rows)]
    if person.goals:
        rows = [[_("Goal"), _("Value"), _("Target"), _("Status")]]
        rows += [[g.label, _value(g), _target(g), g.status_label] for g in person.goals]
        lines += ["", *_table(rows)]
    return lines


def render_table(result: TeamRoadmap) -> str:
    lines = [
        _("Success roadmap of %(scope)s on %(day)s") % {"scope": result.scope, "day": result.as_of}
    ]
    if not result.people:
        lines.append(_("Nobody on the roadmap."))
    for person in result.people:
        lines += ["", *_person_lines(person)]
    lines += ["", _("* the current week, up to the date")]
    return "\n".join(lines) + "\n"
