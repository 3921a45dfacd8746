"""`salespath roadmap [--as-of D] [--person U | --team T] [--as USERNAME] [--format table|json]
[-o FILE]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespath.org import cli
from salespath.replicas import reading_reports
from salespath.roadmap.queries import PersonRoadmap, TeamRoadmap, roadmap_team
from salespath.roadmap.status import Item


class Command(BaseCommand):
    help = gettext_lazy(
        "Show the success roadmap (phase, weekly standards, phase goals) on a date."
    )

    def add_arguments(self, parser):
        cli.add_as_of(parser, required=False)
        cli.add_scope(parser, kinds=("person", "team"))
        cli.add_viewer(parser)
        cli.add_output(parser, formats=("table", "json"))

    @reading_reports()
    @cli.refusals_as_errors
    def handle(self, *args, **options):
        as_of = cli.as_of(options)
        result = roadmap_team(cli.scope(options), as_of)
        cli.emit(self, options, data=result.as_dict(), table=render_table(result))


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
