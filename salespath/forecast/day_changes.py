"""The forecast between month ends: how the rollup's rows changed on each day.

A forecast on a past date D starts from a kept month end E (`month_ends.py`). Between E and
D a deal's rows change only on its own event days — created, signed, completed, lost, a
change of status in its history — since the rows read the status on a date, the event
dates and today's amounts, categories and close dates (`rollups._select`). So the rows on D
are the rows on E plus, for each day X in (E, D], the rows on X less the rows on the day
before of the deals with an event on X: `ForecastDayChange` keeps those differences, summed
per day in the month ends' groups, and the forecast reads the days between E and D (or
subtracts those between D and a later E) instead of reading every such deal's history on
both dates. At scale L a date in mid-month is about 15 days, 20,000 deals' worth.

Both sides of a day's difference leave out the deals completed or signed before the first
day of the month a year before X (`rollups.done_since(X)`): a forecast on D counts no deal
done before `done_since(D)`, which is on or after `done_since(X)` for every day X it reads,
and its rows are read for D's fiscal year only (`rollups.in_fiscal_year`).

Kept for every day from the first of the oldest kept month end's month (`first_day`) on, in
the writers' transactions with the month ends: the opportunities a writer names leave their
days as they were and come back as they are (`move`, the month ends' own move); owners
announced without opportunities are recomputed (`refresh_owners`); the month ends' rebuild
and the check's repair make every day again (`rebuild`), one month of days a statement;
`salespath verify` compares them with a fresh computation (`differences`, check
`day_changes`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet

from salespath.lib.fiscal import add_months
from salespath.pipeline.models import StageChange

from . import rollups
from .models import ForecastDayChange

TABLE = ForecastDayChange._meta.db_table
COLUMNS = f"day, {rollups.COLUMNS}"
# How many of the rows that differ `differences` returns (all are counted).
KEEP = 100
# The temporary table of (opportunity_id, day, on_day, cut_day, n) the rows are read from.
EVENTS = "forecast_day_events"


def first_day(ends: list[date]) -> date:
    """The first day kept, for the month ends `ends` (ascending): a forecast on a date of
    the oldest one's month may start from it, before or after (`month_ends.start_for`)."""
    return ends[0].replace(day=1)


def _day_before(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column} - 1"
    return f"date({column}, '-1 day')"


def _done_since(column: str) -> str:
    """`rollups.done_since` of a date column."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) - INTERVAL '12 months' AS date)"
    return f"date({column}, 'start of month', '-12 months')"


def _events(cursor, among: str, start: date, end: date | None = None) -> bool:
    """The temporary table `EVENTS`: for each opportunity matching `among` (an SQL condition
    on the opportunity table) and each day X in [start, end) it has an event on, the row
    (X, X, done_since(X), +1) and the row (X, the day before, done_since(X), -1): the rows
    on X less the rows on the day before. False, and no table, when there is no such
    event: the days then change nothing, and making a table costs PostgreSQL a few
    milliseconds of catalogue writes (a month of days a time, 37 months a check)."""
    deals, history = rollups.OPPORTUNITY, StageChange._meta.db_table
    bounds = "{column} >= %s" + ("" if end is None else " AND {column} < %s")
    dates = [start] if end is None else [start, end]
    parts, params = [], []
    for event in ("created_on", "signed_on", "won_on", "lost_on"):
        parts.append(
            f"SELECT id, {event} FROM {deals} WHERE {among} AND " + bounds.format(column=event)
        )
        params += dates
    of_deals = (
        "" if among == "1 = 1" else f" AND opportunity_id IN (SELECT id FROM {deals} WHERE {among})"
    )
    # a move between stages that keeps the status changes no row (`month_ends._events_between`)
    parts.append(
        f"SELECT opportunity_id, effective_on FROM {history} WHERE "
        + bounds.format(column="effective_on")
        + f" AND from_status <> to_status{of_deals}"
    )
    params += dates
    cursor.execute(
        " UNION ALL ".join(f"SELECT * FROM ({part} LIMIT 1) p{i}" for i, part in enumerate(parts)),
        params,
    )
    if not cursor.fetchall():
        return False
    cut = _done_since("day")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {EVENTS} AS WITH e (opportunity_id, day) AS "
        f"({' UNION '.join(parts)}) "
        f"SELECT opportunity_id, day, day AS on_day, {cut} AS cut_day, 1 AS n FROM e "
        f"UNION ALL SELECT opportunity_id, day, {_day_before('day')}, {cut}, -1 FROM e",
        params,
    )
    return True


def _select() -> str:
    """The rows (`COLUMNS`) of the days in `EVENTS`: `rollups._select`'s rules with each
    row's own date and cut."""
    sql = rollups._rows_sql(connection.vendor, rollups.STAND_IN, EVENTS)
    since = rollups.done_since(rollups.STAND_IN)
    sql = sql.replace(rollups._literal(rollups.STAND_IN), f"{EVENTS}.on_day")
    sql = sql.replace(rollups._literal(since), f"{EVENTS}.cut_day")
    return sql.replace(rollups.OWNER_FILTER, "1 = 1")


def move(cursor, among: str, start: date, *, sign: int) -> None:
    """Take the days of the opportunities matching `among` out as they are now (`sign` -1)
    or put them in (+1), from `start` (`first_day`) on; inside the month ends' move, which
    took its turn."""
    if _events(cursor, among, start):
        rollups.move_rows(cursor, TABLE, COLUMNS, _select(), sign=sign, keyed=True, negative=True)
        cursor.execute(f"DROP TABLE {EVENTS}")


def refresh_owners(cursor, owner_ids: list[int], start: date) -> None:
    """These owners' days again."""
    owners = f"owner_id IN ({', '.join(str(int(pk)) for pk in owner_ids)})"
    cursor.execute(f"DELETE FROM {TABLE} WHERE {owners}", [])
    if _events(cursor, owners, start):
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT * FROM ({_select()}) r", [])
        cursor.execute(f"DROP TABLE {EVENTS}")


def _months(start: date, today: date) -> Iterator[tuple[date, date | None]]:
    """[start, end) a month at a time to the month after `today`, then the rest."""
    month = start.replace(day=1)
    while month <= today:
        following = add_months(month, 1)
        yield max(month, start), following
        month = following
    yield month, None


def rebuild(cursor, start: date | None, today: date) -> None:
    """Every day from `start` on again (none if no month end is kept: `start` None)."""
    cursor.execute(f"DELETE FROM {TABLE}")
    for begin, end in _months(start, today) if start else ():
        if _events(cursor, "1 = 1", begin, end):
            cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT * FROM ({_select()}) r", [])
            cursor.execute(f"DROP TABLE {EVENTS}")


def forget_before(start: date) -> None:
    """The days before `start` go, when the oldest month end does."""
    ForecastDayChange.objects.filter(day__lt=start).delete()


def differences(cursor, start: date | None, today: date) -> tuple[int, list[tuple]]:
    """How many rows differ between the kept days and a fresh computation from `start` on
    (and days kept before it), and the first `KEEP` of them, each (`stored` or `fresh`, the
    row). A month of days in memory at a time: before the table is built, every one of
    millions of rows differs."""
    found = []
    before = (
        ForecastDayChange.objects.all()
        if start is None
        else ForecastDayChange.objects.filter(day__lt=start)
    )
    count = before.count()
    found += [("stored", _key(row)) for row in before.values_list(*COLUMNS.split(", "))[:KEEP]]
    for begin, end in _months(start, today) if start else ():
        kept = ForecastDayChange.objects.filter(day__gte=begin)
        if end is not None:
            kept = kept.filter(day__lt=end)
        stored = sorted(map(_key, kept.values_list(*COLUMNS.split(", "))))
        fresh = []
        if _events(cursor, "1 = 1", begin, end):
            cursor.execute(_select(), [])
            fresh = sorted(map(_key, cursor.fetchall()))
            cursor.execute(f"DROP TABLE {EVENTS}")
        month = rollups._compared(stored, fresh)
        count += len(month)
        found += month[: KEEP - len(found)]
    return count, found


def _key(row) -> tuple:
    return (str(row[0])[:10], *rollups._key(row[1:]))


def between(owners: Q, view: str, start: date, as_of: date) -> QuerySet:
    """The kept changes of `owners` in `view` on the days from `start` (a month end) to
    `as_of`, either way round: to be added when `start` comes first and subtracted
    otherwise."""
    low, high = sorted((start, as_of))
    return ForecastDayChange.objects.filter(owners, view=view, day__gt=low, day__lte=high)
