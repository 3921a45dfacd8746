"""Reading submissions: who has submitted, what changed between two forecasts, and how
accurate the forecasts of a finished quarter were (SPEC §5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespath.errors import DomainError
from salespath.lib.fiscal import FiscalQuarter, fiscal_quarter_of
from salespath.org.models import Role, Team
from salespath.org.scopes import Scope
from salespath.pipeline.models import Status

from . import state
from .attainment import signed_by_owner
from .calendar import deadline_for, timeliness
from .models import ForecastSnapshot, ForecastSubmission
from .people import members_of, people_rows, scope_dict
from .queries import MONEY, _amount, _column_groups, _figures, forecast
from .rows import Figures, money, rows_and_total
from .services import snapshot_rows
from .state import CATEGORY, CATEGORY_COLUMNS, fiscal_start_month

# --- what a submission totals -----------------------------------------------------------

# A deal lost on or before the cutoff date is frozen with a submission, so that the next
# comparison can say "lost", but it counts in no column, as in the live forecast
# (`state.counted_on`). Rows written before `snapshot_rows` left such a deal's columns empty
# still carry one, so every total of a submission filters on the status as well.
COUNTED = ~Q(status=Status.LOST)


def submission_figures(submissions, view: str, *, weighted: bool = False) -> dict[int, Figures]:
    """{submission id: its columns in `view`}, summed in cents like the live forecast, so a
    submission totals exactly what the forecast showed on its cutoff date. One query;
    `submissions` is a queryset or a list of ids. A submission without rows is left out."""
    done = Q(signed_on__lte=F("submission__as_of")) | Q(won_on__lte=F("submission__as_of"))
    weight = Case(
        When(done, then=Value(100)), default=F("probability"), output_field=IntegerField()
    )
    snapshots = ForecastSnapshot.objects.filter(COUNTED, submission__in=submissions)
    snapshots = snapshots.alias(weight=weight)
    rows = _column_groups(snapshots, view, _amount(weighted), "submission")
    return {row["submission"]: _figures(row, view, weighted) for row in rows}


# --- who has submitted ------------------------------------------------------------------


def team_submissions(team: Team, as_of: date) -> dict:
    """For each salesperson of `team`: submitted for `as_of` or not, and the submitted
    category figures beside the live ones. Four queries."""
    people = list(
        Scope("team", team=team)
        .people()
        .filter(is_active=True, roles__role=Role.SALESPERSON)
        .distinct()
        .order_by("username")
    )
    submissions = {
        s.person_id: s
        for s in ForecastSubmission.objects.filter(person__in=people, as_of=as_of).select_related(
            "submitted_by"
        )
    }
    figures = submission_figures([s.pk for s in submissions.values()], CATEGORY)
    submitted = {s.person_id: figures.get(s.pk) for s in submissions.values()}
    live = {
        row["key"]: row["values"]
        for row in forecast(Scope("team", team=team), as_of, view=CATEGORY)["rows"]
        if row["level"] == "person"
    }
    deadline = deadline_for(team.branch_id, as_of)
    rows = []
    for person in people:
        submission = submissions.get(person.pk)
        frozen = submitted.get(person.pk)
        rows.append(
            {
                "person": person.username,
                "label": str(person),
                "submitted": submission is not None,
                "timeliness": timeliness(submission, deadline) if submission else None,
                "submitted_at": (
                    timezone.localtime(submission.submitted_at).isoformat() if submission else None
                ),
                "submitted_by": submission.submitted_by.username if submission else None,
                "submitted_values": (
                    {c: money(frozen.values[c] if frozen else None) for c in CATEGORY_COLUMNS}
                    if submission
                    else None
                ),
                "live_values": live.get(person.username) or {c: "0.00" for c in CATEGORY_COLUMNS},
            }
        )
    return {
        "team": {"key": team.code, "label": str(team)},
        "as_of": as_of.isoformat(),
        "deadline": timezone.localtime(deadline).isoformat() if deadline else None,
        "columns": list(CATEGORY_COLUMNS),
        "people": rows,
        "submitted": [r["person"] for r in rows if r["submitted"]],
        "missing": [r["person"] for r in rows if not r["submitted"]],
    }


# --- what changed -----------------------------------------------------------------------

CHANGE_KINDS = (
    "new",
    "won",
    "booked",
    "lost",
    "reopened",
    "removed",
    "slipped",
    "pulled_in",
    "amount_up",
    "amount_down",
    "category_changed",
)
CHANGE_LABELS = {
    "new": gettext_lazy("new"),
    "won": gettext_lazy("won"),
    "booked": gettext_lazy("booked"),
    "lost": gettext_lazy("lost"),
    "reopened": gettext_lazy("reopened"),
    "removed": gettext_lazy("no longer theirs"),
    "slipped": gettext_lazy("slipped"),
    "pulled_in": gettext_lazy("pulled in"),
    "amount_up": gettext_lazy("amount up"),
    "amount_down": gettext_lazy("amount down"),
    "category_changed": gettext_lazy("category changed"),
}


def _snapshot_dicts(submission: ForecastSubmission) -> dict[int, dict]:
    fields = [f.name for f in ForecastSnapshot._meta.concrete_fields if f.name != "id"]
    fields = [f"{name}_id" if name in ("submission", "opportunity") else name for name in fields]
    return {row["opportunity_id"]: row for row in submission.snapshots.values(*fields)}


def _side(row: dict | None, as_of: date) -> dict | None:
    if row is None:
        return None
    close = max(row["time_close"], as_of)  # an overdue close date counts as the cutoff date
    return {
        "stage": row["stage"],
        "status": row["status"],
        "category": row["category"],
        "amount": money(row["amount"]),
        "close_date": row["time_close"].isoformat(),
        "close_quarter": str(fiscal_quarter_of(close, fiscal_start_month())),
        "time_column": row["time_column"] or None,
        "category_column": row["category_column"] or None,
    }


def _classify(before: dict | None, after: dict | None, dates: tuple[date, date]) -> list[str]:
    counted = bool(after and (after["time_column"] or after["category_column"]))
    if before is None:
        return ["new"] if counted and after["status"] != Status.LOST else []
    if after is None:
        return ["removed"]
    if after["status"] == Status.LOST:
        return ["lost"] if before["status"] != Status.LOST else []
    kinds = []
    if before["status"] == Status.LOST and after["status"] != Status.LOST:
        kinds.append("reopened")
    finished = False
    if before["status"] != Status.WON and after["status"] == Status.WON:
        kinds.append("won")
        finished = True
    if before["category_column"] != "booked" and after["category_column"] == "booked":
        kinds.append("booked")
        finished = True
    if not finished and after["status"] != Status.WON:
        month = fiscal_start_month()
        was = fiscal_quarter_of(max(before["time_close"], dates[0]), month)
        now = fiscal_quarter_of(max(after["time_close"], dates[1]), month)
        if now > was:
            kinds.append("slipped")
        elif now < was:
            kinds.append("pulled_in")
    if after["amount"] > before["amount"]:
        kinds.append("amount_up")
    elif after["amount"] < before["amount"]:
        kinds.append("amount_down")
    if after["category"] != before["category"]:
        kinds.append("category_changed")
    return kinds


def _kind_amount(kind: str, before: dict | None, after: dict | None) -> Decimal:
    if kind in ("amount_up", "amount_down"):
        return after["amount"] - before["amount"]
    if kind in ("lost", "removed"):
        return before["amount"]
    return after["amount"]


def forecast_changes(
    earlier: ForecastSubmission,
    later: ForecastSubmission | None = None,
    *,
    live_as_of: date | None = None,
) -> dict:
    """What changed between a person's submission and a later one, or live data as of
    `live_as_of` (default today): new, won, booked, lost, reopened, removed (no longer the
    person's), slipped or pulled in (the close date moved to a later or earlier fiscal
    quarter, an overdue date counting as its cutoff date), amount up or down, category
    changed. An opportunity can have several kinds at once (slipped and amount down)."""
    if later is not None and later.person_id != earlier.person_id:
        raise DomainError(_("Both submissions must be of the same person."), code="invalid")
    if later is not None:
        later_as_of, after_rows = later.as_of, _snapshot_dicts(later)
        later_info = {"kind": "submission", "as_of": later.as_of.isoformat(), "id": later.pk}
    else:
        later_as_of = live_as_of or timezone.localdate()
        after_rows = {r["opportunity_id"]: r for r in snapshot_rows(earlier.person, later_as_of)}
        later_info = {"kind": "live", "as_of": later_as_of.isoformat(), "id": None}
    if later_as_of < earlier.as_of:
        raise DomainError(
            _("The later forecast (%(later)s) is before the earlier one (%(earlier)s).")
            % {"later": later_as_of.isoformat(), "earlier": earlier.as_of.isoformat()},
            code="invalid",
        )
    before_rows = _snapshot_dicts(earlier)
    changes = []
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    amounts = dict.fromkeys(CHANGE_KINDS, Decimal(0))
    for pk in sorted(set(before_rows) | set(after_rows)):
        before, after = before_rows.get(pk), after_rows.get(pk)
        kinds = _classify(before, after, (earlier.as_of, later_as_of))
        if not kinds:
            continue
        for kind in kinds:
            counts[kind] += 1
            amounts[kind] += _kind_amount(kind, before, after)
        changes.append(
            {
                "opportunity": pk,
                "name": (after or before)["name"],
                "kinds": kinds,
                "before": _side(before, earlier.as_of),
                "after": _side(after, later_as_of),
            }
        )
    return {
        "person": earlier.person.username,
        "earlier": {"kind": "submission", "as_of": earlier.as_of.isoformat(), "id": earlier.pk},
        "later": later_info,
        "changes": changes,
        "summary": {
            kind: {"count": counts[kind], "amount": money(amounts[kind])} for kind in CHANGE_KINDS
        },
    }


# --- accuracy ---------------------------------------------------------------------------


def _ratio(booked: Decimal, forecast_amount: Decimal, submitted: int) -> str | None:
    if not submitted or not forecast_amount:
        return None
    return f"{(booked * 100 / forecast_amount).quantize(Decimal('0.1'))}"


def forecast_accuracy(quarter: FiscalQuarter, scope: Scope) -> dict:
    """Booked in `quarter` against what was forecast for it, per person and rolled up.

    - booked: the amount of opportunities whose contract was signed in the quarter and
      that are not lost today (`state.signed_in`);
    - committed, as submitted on a date D inside the quarter: what was already booked in
      the quarter up to D plus the `commit_q` column; committed + best case adds `best_q`;
    - "at the quarter's start" is each person's first submission on or after the first day
      of the quarter (and inside it): people rarely submit on the first day itself;
    - each submission date inside the quarter is a point; a person without a submission on
      that date is left out of that point (`counts` say how many submitted).
    Accuracy is booked ÷ forecast in percent; none where nothing was forecast. Four queries.
    """
    period = quarter.period
    booked = {owner: row["amount"] for owner, row in signed_by_owner(scope, period).items()}
    submissions = ForecastSubmission.objects.filter(
        as_of__gte=period.start, as_of__lte=period.end, **scope.owner_filter("person")
    )
    per_submission = list(
        ForecastSnapshot.objects.filter(submission__in=submissions)
        .values("submission", "submission__person", "submission__as_of")
        .annotate(
            booked_so_far=Sum(
                "amount",
                filter=state.signed_between(period.start, F("submission__as_of")),
                output_field=MONEY,
            ),
            commit=Sum(
                "amount", filter=COUNTED & Q(category_column="commit_q"), output_field=MONEY
            ),
            best=Sum("amount", filter=COUNTED & Q(category_column="best_q"), output_field=MONEY),
            rows=Count("pk"),
        )
        .order_by("submission__as_of")
    )
    # A submission with no opportunities has no snapshot rows but still forecast zero.
    for empty in submissions.exclude(pk__in=[r["submission"] for r in per_submission]).values(
        "pk", "person", "as_of"
    ):
        per_submission.append(
            {
                "submission": empty["pk"],
                "submission__person": empty["person"],
                "submission__as_of": empty["as_of"],
                "booked_so_far": None,
                "commit": None,
                "best": None,
            }
        )
    points = sorted({row["submission__as_of"] for row in per_submission})
    columns = ["booked", "start_commit", "start_best"]
    for point in points:
        columns += [f"{point}:commit", f"{point}:best"]

    by_person: dict[int, Figures] = {}
    first_seen: dict[int, date] = {}
    for row in sorted(per_submission, key=lambda r: r["submission__as_of"]):
        person, point = row["submission__person"], row["submission__as_of"]
        figures = by_person.setdefault(person, Figures(columns))
        so_far = row["booked_so_far"] or Decimal(0)
        commit = so_far + (row["commit"] or Decimal(0))
        best = commit + (row["best"] or Decimal(0))
        figures.values[f"{point}:commit"] = commit
        figures.values[f"{point}:best"] = best
        figures.counts[f"{point}:commit"] = figures.counts[f"{point}:best"] = 1
        if person not in first_seen:
            first_seen[person] = point
            figures.values["start_commit"], figures.values["start_best"] = commit, best
            figures.counts["start_commit"] = figures.counts["start_best"] = 1

    for person, amount in booked.items():
        by_person.setdefault(person, Figures(columns)).values["booked"] = amount or Decimal(0)
    people = people_rows(scope, set(by_person))
    rows, total = rows_and_total(
        members_of(people, by_person, columns), "person", scope.kind, columns
    )
    total = total.as_dict()
    starts = {person.username: first_seen.get(person.pk) for person in people}
    return {
        "quarter": str(quarter),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "finished": period.end < timezone.localdate(),
        "scope": scope_dict(scope),
        "points": [p.isoformat() for p in points],
        "rows": [_accuracy_row(row, points, starts) for row in rows],
        "total": _accuracy_row(
            total | {"key": None, "label": _("Total"), "level": "total"}, points, {}
        ),
    }


def _accuracy_row(row: dict, points: list[date], starts: dict) -> dict:
    values, counts = row["values"], row["counts"]
    booked = Decimal(values["booked"])

    def point(prefix: str, as_of: str | None) -> dict:
        commit, best = Decimal(values[f"{prefix}commit"]), Decimal(values[f"{prefix}best"])
        submitted = counts[f"{prefix}commit"]
        return {
            "as_of": as_of,
            "submitted": submitted,
            "committed": money(commit) if submitted else None,
            "committed_best": money(best) if submitted else None,
            "commit_accuracy": _ratio(booked, commit, submitted),
            "best_accuracy": _ratio(booked, best, submitted),
        }

    start_as_of = starts.get(row["key"]) if row["level"] == "person" else None
    return {
        "key": row["key"],
        "label": row["label"],
        "level": row["level"],
        "booked": money(booked),
        "start": point("start_", start_as_of.isoformat() if start_as_of else None),
        "points": [point(f"{p}:", p.isoformat()) for p in points],
    }
