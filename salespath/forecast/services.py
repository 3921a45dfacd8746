"""Submitting a forecast (上报, SPEC §5): the one write of this app."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import Conflict, DomainError, NotAllowed
from salespath.org.access import supervises
from salespath.org.models import User
from salespath.pipeline.history import stage_on, status_on
from salespath.pipeline.models import Opportunity, OpportunityLine, Status

from .models import ForecastSnapshot, ForecastSubmission, How
from .state import Horizon, fiscal_start_month, status_since, with_columns


def may_submit_for(by: User, person: User) -> bool:
    """The person themself, the supervisor of their team or the GM of their branch."""
    return by.pk == person.pk or supervises(by, person)


def _snapshot_population(queryset: QuerySet, horizon: Horizon) -> QuerySet:
    """The opportunities a forecast on D is about: everything that existed on D and had
    not ended (won or lost) before this fiscal year. Omitted ones are frozen too, so
    moving one into commit later reads as a category change, not as a new deal; deals lost
    in the year are kept so the next comparison can say "lost"."""
    return (
        with_columns(horizon, queryset)
        .alias(status_on_d=status_on(horizon.as_of), stage_on_d=stage_on(horizon.as_of))
        .filter(created_on__lte=horizon.as_of)
        .alias(ended_on=status_since(horizon.as_of))
        .filter(
            Q(status_on_d__isnull=True)
            | Q(status_on_d=Status.OPEN)
            | Q(ended_on__gte=horizon.fiscal_year.start)
        )
    )


# An owner id no user has: the snapshot's query is compiled for it once per date.
ANYONE = -734_012_345


@functools.lru_cache(maxsize=64)
def _snapshot_query(as_of: date, start_month: int, vendor: str) -> tuple[Any, str, list, list]:
    """The snapshot's query on `as_of`, compiled once for the stand-in owner `ANYONE`:
    compiling its rules (the state on a date from the history, the horizon's columns) took
    ten times as long as running it, and the demo's history and a deadline's freeze take
    hundreds of snapshots on a few dates. Returns the compiler (whose converters turn the
    engine's values into Python's, as a queryset does), the SQL, its parameters and the
    columns' names."""
    population = _snapshot_population(
        Opportunity.objects.filter(owner_id=ANYONE), Horizon(as_of, start_month)
    )
    rows = (
        population.annotate(
            snap_stage=F("stage_on_d"),
            snap_status=F("status_on_d"),
            snap_time_close=F("time_close"),
            snap_time_column=F("time_column"),
            snap_category_column=F("category_column"),
        )
        .values(*SNAPSHOT_FIELDS)
        .order_by("pk")
    )
    compiler = rows.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if list(params).count(ANYONE) != 1:
        raise ValueError(f"unexpected parameters for the snapshot's query: {params}")
    names = [*rows.query.extra_select, *rows.query.values_select, *rows.query.annotation_select]
    return compiler, sql, list(params), names


SNAPSHOT_FIELDS = (
    "pk",
    "name",
    "stage_id",
    "status",
    "forecast_category",
    "amount",
    "probability",
    "expected_close",
    "signed_on",
    "won_on",
    "snap_stage",
    "snap_status",
    "snap_time_close",
    "snap_time_column",
    "snap_category_column",
)


def snapshot_rows(person: User, as_of: date) -> list[dict]:
    """The person's forecast on `as_of` in snapshot form, from live data (two queries).

    Amounts, categories and lines are today's values; stage and status are those on
    `as_of` from the stage history."""
    compiler, sql, params, names = _snapshot_query(as_of, fiscal_start_month(), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [person.pk if value == ANYONE else value for value in params])
        found = cursor.fetchall()
    rows = [dict(zip(names, row, strict=True)) for row in compiler.results_iter(results=[found])]
    lines: dict[int, list[dict]] = {row["pk"]: [] for row in rows}
    for line in (  # the lines of every deal of the person: no list of ids to bind
        OpportunityLine.objects.filter(opportunity__owner=person)
        .values("opportunity", "product__code", "amount")
        .order_by("product__sort_order", "product__code")
    ):
        if line["opportunity"] in lines:
            lines[line["opportunity"]].append(
                {"product": line["product__code"], "amount": f"{line['amount']:.2f}"}
            )
    return [_snapshot_row(row, lines) for row in rows]


def _snapshot_row(row: dict, lines: dict[int, list[dict]]) -> dict:
    # Lost on the cutoff date: frozen with the rest so that a later comparison can say what
    # became of it, but in no column, as the live forecast does not count it (`counted_on`).
    counted = row["snap_status"] != Status.LOST
    return {
        "opportunity_id": row["pk"],
        "name": row["name"],
        "stage": row["snap_stage"] or row["stage_id"],
        "status": row["snap_status"] or row["status"],
        "category": row["forecast_category"],
        "amount": row["amount"],
        "probability": row["probability"],
        "expected_close": row["expected_close"],
        "signed_on": row["signed_on"],
        "won_on": row["won_on"],
        "time_close": row["snap_time_close"],
        "time_column": (row["snap_time_column"] or "") if counted else "",
        "category_column": (row["snap_category_column"] or "") if counted else "",
        "lines": lines.get(row["pk"], []),
    }


def forecast_submit(
    *,
    person: User,
    as_of: date,
    by: User,
    at: datetime | None = None,
) -> ForecastSubmission:
    """Freeze `person`'s forecast for `as_of` with every opportunity behind it.

    `at` is when it was submitted: now, unless a history is being rebuilt (the demo's
    submissions each carry a time on their own date). It cannot be in the future.

    One submission per person and date: a submission is what was reported, so it is never
    replaced; a correction is a new submission on a later date. A date in the future cannot
    be reported on (the state on it is not known yet).
    """
    if not may_submit_for(by, person):
        raise NotAllowed(
            _(
                "Only %(person)s, their sales supervisor or their branch general manager "
                "may submit their forecast."
            )
            % {"person": person}
        )
    today = timezone.localdate()
    if as_of > today:
        raise DomainError(
            _("Cannot submit a forecast for %(date)s: the date is in the future.")
            % {"date": as_of.isoformat()},
            code="invalid",
            fields={"as_of": [_("The date is in the future.")]},
        )
    return _freeze(person=person, as_of=as_of, by=by, at=_not_after_now(at), how=How.PERSON)


def _not_after_now(at: datetime | None) -> datetime:
    """The time a submission was made: now, or the given time if it is not in the future."""
    now = timezone.now()
    return now if at is None else min(at, now)


def forecast_auto_freeze(*, person: User, as_of: date, at: datetime) -> ForecastSubmission:
    """At the calendar's deadline, freeze the forecast of someone who has not submitted, as
    of the cutoff, marked "auto" (自动冻结) so accuracy and changes can tell it apart."""
    return _freeze(person=person, as_of=as_of, by=person, at=at, how=How.AUTO)


def _freeze(*, person: User, as_of: date, by: User, at: datetime, how: str) -> ForecastSubmission:
    conflict = _already_submitted(person, as_of)
    if conflict is not None:
        raise conflict
    try:
        with transaction.atomic():
            submission = ForecastSubmission.objects.create(
                person=person, as_of=as_of, submitted_at=at, submitted_by=by, how=how
            )
            ForecastSnapshot.objects.bulk_create(
                ForecastSnapshot(submission=submission, **row)
                for row in snapshot_rows(person, as_of)
            )
    except IntegrityError:
        # Someone submitted the same date between our check and our insert.
        conflict = _already_submitted(person, as_of)
        if conflict is None:
            raise
        raise conflict from None
    return submission


def _already_submitted(person: User, as_of: date) -> Conflict | None:
    existing = ForecastSubmission.objects.filter(person=person, as_of=as_of).first()
    if existing is None:
        return None
    return Conflict(
        _(
            "%(person)s already submitted a forecast for %(date)s (at %(at)s); submissions "
            "cannot be changed. Submit for a later date instead."
        )
        % {
            "person": person,
            "date": as_of.isoformat(),
            "at": timezone.localtime(existing.submitted_at).strftime("%Y-%m-%d %H:%M"),
        },
        code="already_submitted",
    )
