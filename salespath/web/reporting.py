"""What the report pages share: the scope picker, the as-of date, and the forecast rows
arranged for an expandable table. Presentation only; the figures are the report queries'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotFound
from salespath.lib.fiscal import FiscalQuarter, Period
from salespath.org.access import (
    sees_everything,
    supervised_branch_id,
    supervised_team_id,
    visible_people,
)
from salespath.org.dates import parse_day, parse_fiscal_quarter, parse_period
from salespath.org.models import Branch, Role, Team, User
from salespath.org.scopes import Scope, resolve_scope

from .templatetags.ui import money

LEVEL_RANK = {"person": 0, "product": 0, "team": 1, "branch": 2, "company": 3}


# With more salespeople in view than this, the scope picker lists only the people of the
# team or branch being shown: a list of thousands of names is neither usable nor light (the
# company's forecast page at scale L sent 2,221 options, 14,000 of its 30,000 nodes).
PICKER_PEOPLE = 200


@dataclass(frozen=True)
class ScopeOption:
    value: str  # "person:li", "team:gz-1", "branch:gz", "company"; "" for a hint
    label: str
    disabled: bool = False


def scope_options(viewer: User, near: Scope | None = None) -> list[ScopeOption]:
    """Every scope the viewer may report on, widest first. Given `near`, the scope a report
    shows, and more than PICKER_PEOPLE salespeople in view, the people listed are only those
    of near's team or branch (a person's: their team's), after a line saying how to reach
    the others: choose their team first."""
    options: list[ScopeOption] = []
    everything = sees_everything(viewer)
    if everything:
        options.append(ScopeOption("company", _("Company")))
        branches = Branch.objects.all()
        teams = Team.objects.select_related("branch")
    else:
        branches = Branch.objects.none()
        teams = Team.objects.none()
        if gm_of := supervised_branch_id(viewer):
            branches = Branch.objects.filter(pk=gm_of)
            teams = Team.objects.filter(branch_id=gm_of)
        elif supervisor_of := supervised_team_id(viewer):
            teams = Team.objects.filter(pk=supervisor_of)
    branch_word, team_word = _("Branch"), _("Team")
    options += [ScopeOption(f"branch:{b.code}", f"{branch_word} · {b}") for b in branches]
    options += [ScopeOption(f"team:{t.code}", f"{team_word} · {t}") for t in teams]
    salespeople = visible_people(viewer).filter(roles__role=Role.SALESPERSON).values("pk")
    people = User.objects.filter(Q(pk__in=salespeople) | Q(pk=viewer.pk)).select_related("team")
    if everything:
        people = people.exclude(~Q(pk__in=salespeople))
    people = people.order_by("team__code", "display_name", "username")
    # One query in a company of a size to list whole; a second, of the neighbours, above it.
    listed = list(people if near is None else people[: PICKER_PEOPLE + 1])
    if near is not None and len(listed) > PICKER_PEOPLE:
        listed = list(people.filter(_neighbours(near) | Q(pk=viewer.pk)))
        options.append(ScopeOption("", _("People: choose their team first"), disabled=True))
    options += [ScopeOption(f"person:{p.username}", str(p)) for p in listed]
    return options


def _neighbours(near: Scope) -> Q:
    """The people the picker lists around the scope shown: a team's or branch's own, a
    person's team (or the person alone, without one), nobody around the company."""
    if near.kind == "person" and near.person.team_id is not None:
        return Scope("team", team=near.person.team).people_filter()
    if near.kind == "company":
        return Q(pk__in=[])
    return near.people_filter()


def scope_from(viewer: User, value: str | None) -> Scope:
    """The scope named by a picker value; the viewer's widest when none is given.
    NotFound for one they may not see (the same whether it exists or not)."""
    kind, _sep, key = (value or "").partition(":")
    if kind in ("person", "team", "branch") and key:
        return resolve_scope(viewer, **{kind: key})
    if kind == "company":
        scope = resolve_scope(viewer)
        if scope.kind != "company":
            raise NotFound(_("You may not report on the whole company."))
        return scope
    return resolve_scope(viewer)


def scope_value(scope: Scope) -> str:
    if scope.kind == "person":
        return f"person:{scope.person.username}"
    if scope.kind == "team":
        return f"team:{scope.team.code}"
    if scope.kind == "branch":
        return f"branch:{scope.branch.code}"
    return "company"


def as_of_from(value: str | None, *, field: str = "as_of") -> tuple[date, str | None]:
    """The report date from the query string (today when absent) and, when it is not a date
    in the years reports cover (`salespath.org.dates`), the error to show above today's."""
    today = timezone.localdate()
    if not value:
        return today, None
    try:
        return parse_day(value, field=field), None
    except DomainError as refused:
        return today, _("%(problem)s Showing today.") % {"problem": refused.message}


def period_from(value_from: str | None, value_to: str | None, default: Period):
    """The period from `from`/`to`, or the default with the error to show above it."""
    try:
        return parse_period(value_from, value_to, default=default), None
    except DomainError as refused:
        return default, _("%(problem)s Showing the default period.") % {"problem": refused.message}


def quarter_from(value: str | None, default: FiscalQuarter):
    """The fiscal quarter from the query string, or the default with the error to show."""
    if not value:
        return default, None
    try:
        return parse_fiscal_quarter(value), None
    except DomainError as refused:
        return default, _("%(problem)s Showing %(quarter)s.") % {
            "problem": refused.message,
            "quarter": default,
        }


def status_for(*errors: str | None) -> int:
    """A page shown in place of what was asked for, because an input was refused, is a 400."""
    return 400 if any(errors) else 200


# A table of more rows than this opens with only its two widest levels showing (the company
# and its branches, or a branch and its teams), the rest folded under them a click away: at
# scale L the company's forecast of 221 rows took Chromium as long to lay out as all the rest
# of the page.
ROWS_OPEN = 100


def tree(rows: list[dict], *, fold: bool = False) -> list[dict]:
    """Each rollup row with its position in the tree: `index`, `parent` (the subtotal it
    rolls into), `depth` and whether it has children — rows come children first, then their
    subtotal, as the report builds them. With `fold` and more than ROWS_OPEN rows, the rows
    below the two widest levels are `hidden`, and their subtotals not `open`."""
    arranged = [
        dict(row, index=index, parent=None, children=False) for index, row in enumerate(rows)
    ]
    pending: list[int] = []
    for index, row in enumerate(arranged):
        rank = LEVEL_RANK.get(row["level"], 0)
        below = [i for i in pending if LEVEL_RANK.get(arranged[i]["level"], 0) < rank]
        for child in below:
            arranged[child]["parent"] = index
        row["children"] = bool(below)
        pending = [i for i in pending if i not in below] + [index]
    top = max((LEVEL_RANK.get(row["level"], 0) for row in arranged), default=0)
    shown = 1 if fold and len(arranged) > ROWS_OPEN else top
    for row in arranged:
        row["depth"] = top - LEVEL_RANK.get(row["level"], 0)
        row["hidden"] = row["depth"] > shown
        row["open"] = row["depth"] < shown
    return arranged


def with_cells(rows: list[dict], columns: list[str]) -> list[dict]:
    """Each forecast row with its `cells`, in the columns' order (the amount as shown and the
    number of deals behind it), and `cells_query`, the row's part of its figures' drill-down
    address (level, key, label). Formatted here once rather than through a template's filters
    per cell: a company's table has thousands of cells. The page names the rest of the
    address once (the table's date, scope and view) and app.js puts a figure's together when
    it is pointed at, focused or clicked: each figure carrying its whole address made the
    company's table at scale L 416 kB of HTML, three times what it is now."""
    for row in rows:
        row["cells_query"] = urlencode(
            {"level": row["level"], "key": row.get("key") or "", "label": row["label"]}
        )
        row["cells"] = [
            {
                "key": column,
                "amount": money(row["values"][column]),
                "count": row["counts"][column],
            }
            for column in columns
        ]
    return rows
