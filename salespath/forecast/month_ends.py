"""The forecast on a past date: the rollup's rows at each month end of the last three years.

A forecast on a date D after which something happened (`rollups.covers` is false: the
quarter-end review, a date a year back) cannot read the rollup, which holds the deals as
they are now. Reading every opportunity with its state on D took seconds at scale. So the
rollup's rows are also kept as the deals stood at the end of each of the last 37 months
(`ForecastMonthEndRow`, the dates `window` gives, those prepared listed in
`ForecastMonthEnd`), by the same SQL (`rollups._select` on a date, from `state.py`'s rules:
the status on E from the history; today's amounts, categories and dates, as SPEC §5 counts
them).

A forecast on D then starts from a kept month end E, the nearer in days of the last one
≤ D and the end of D's month (`start_for`, `past_sums`):

- the month rows of E, with `rollups.month_sums`'s columns for D;
- plus the changes of the days between E and D (`day_changes.py`: each day, the rows of
  the deals with an event that day less their rows the day before), or less those between
  D and E when E comes after D: every other deal stood on D as on E;
- the boundary months' days and the overdue deals read from the opportunities on D:
  overdue on D are the deals open on D closing in a month wholly by D (the rows' open close
  months, after the exchange above) and those closing after it, to D.

The rows of a month end leave out the deals completed (time view) or signed (category
view) over a year before it (`rollups.done_since`): no forecast in the month after it counts
them. `rebuild`, `prepare` and the check make each month end's rows from the one before
(`_fresh`): less the deals with an event between the two as they stood on the first, plus
their rows on the second, the identity the forecast reads by.

Kept in step in every writer's transaction with the rollup (`forecast/apps.py`): the
opportunities a writer names leave the rows of every kept month end as they were and come
back as they are (`move_opportunities`, only the month ends on or after their creation);
owners announced without opportunities are recomputed (`refresh_owners`); the changes of
the days go with them (`day_changes.move`, `day_changes.refresh_owners`). A new month end is
prepared by the daily job `forecast-month-ends` (`prepare`), which also lets the oldest go;
until then a date after it starts from the month end before, or, if none is kept, reads the
opportunities (the same answer, slower). `salespath verify` compares the rows with a fresh
computation (`differences`) and `--repair` rebuilds them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta

from django.core.exceptions import FullResultSet
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from salespath.lib.fiscal import add_months
from salespath.lib.sql import ids_table
from salespath.pipeline.models import Opportunity, StageChange
from salespath.pipeline.signals import take_turns
from salespath.replicas import report_connection

from . import day_changes, rollups
from .models import ForecastDayMark, ForecastMonthEnd, ForecastMonthEndRow
from .state import COLUMNS as VIEW_COLUMNS
from .state import Horizon, counted_on, overdue_filter

TABLE = ForecastMonthEndRow._meta.db_table
COLUMNS = f"month_end, {rollups.COLUMNS}"
# How far back a forecast on a past date is quick: any date of the last three years.
YEARS = 3


def window(today: date) -> list[date]:
    """The month ends kept on `today`, oldest first: the last one before today, back to the
    one before `today` three years ago (a forecast on that day starts from it)."""
    month = today.replace(day=1)
    return [add_months(month, 1 - k) - timedelta(days=1) for k in range(12 * YEARS + 1, 0, -1)]


def _lock() -> None:
    """Writers and the preparation of a month end take turns on the day's mark row (which
    the day's rows lock too): a writer then reads which month ends are kept only after a
    preparation running beside it has committed, and moves its deals out of and into the
    same month ends, and a preparation reads the opportunities only after such a writer
    has committed. Taken inside the caller's transaction."""
    ForecastDayMark.objects.select_for_update().get_or_create(pk=1)


def kept() -> list[date]:
    return list(ForecastMonthEnd.objects.order_by("day").values_list("day", flat=True))


def _day_sql(day: date) -> str:
    if connection.vendor == "postgresql":
        return f"DATE '{day.isoformat()}'"
    return f"'{day.isoformat()}'"


def _select(ends: Iterable[date], owner_filter: str) -> str:
    """The rows of the opportunities matching `owner_filter` at each of `ends`, as
    `COLUMNS` (the month end first)."""
    return " UNION ALL ".join(
        f"SELECT {_day_sql(end)}, r.* FROM ({rollups._select(owner_filter, end)}) r" for end in ends
    )


def _insert(cursor, ends: list[date], owner_filter: str, params: list) -> None:
    for end in ends:  # one month end a statement: each reads the opportunities once
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_select([end], owner_filter)}", params)


def refresh_owners(owner_ids: Iterable[int | None]) -> None:
    """Recompute these salespeople's rows at every kept month end, in the writer's
    transaction (after `rollups.refresh_owners`, which took their turn)."""
    ids = sorted({int(pk) for pk in owner_ids if pk is not None})
    ends = kept()
    if not ids or not ends:
        return
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        cursor.execute(f"DELETE FROM {TABLE} WHERE owner_id IN ({marks})", ids)
        _insert(cursor, ends, f"owner_id IN ({marks})", ids)
        day_changes.refresh_owners(cursor, ids, day_changes.first_day(ends))


MOVED_IDS = "forecast_month_end_ids"


# Past this many opportunities a move makes their rows one month end from the other
# (`_fresh`), where one evaluates every one at every month end.
MANY = 50
# Temporary tables of `move_opportunities`.
MOVED_EVENTS = "forecast_month_end_events"
MOVED_ROWS = "forecast_month_end_moved"


def move_opportunities(opportunity_ids: Iterable[int], *, sign: int) -> None:
    """These opportunities' share of every kept month end on or after their creation, out
    as they are now (`sign` -1) or in (+1): `rollups.move_opportunities` for the month
    ends."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    if not ids:
        return
    with transaction.atomic():
        _lock()  # before reading which month ends are kept (see `_lock`)
        ends = kept()
        if ends:
            _move(ids, ends, sign)


def _move(ids: list[int], ends: list[date], sign: int) -> None:
    with connection.cursor() as cursor, ids_table(cursor, MOVED_IDS, ids) as among:
        moved = among("id")
        cursor.execute(
            f"SELECT owner_id, MIN(created_on) FROM {rollups.OPPORTUNITY} "
            f"WHERE {moved} GROUP BY owner_id"
        )
        found = cursor.fetchall()
        take_turns(owner for owner, _created in found)
        if not found:
            return
        day_changes.move(cursor, moved, day_changes.first_day(ends), sign=sign)
        first = min(rollups.as_date(created) for _owner, created in found)
        ends = [end for end in ends if end >= first]
        if not ends:
            return
        if len(ids) <= MANY:
            rollups.move_rows(cursor, TABLE, COLUMNS, _select(ends, moved), sign=sign, keyed=True)
            return
        _event_dates(cursor, moved)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {MOVED_ROWS} AS SELECT {COLUMNS} FROM {TABLE} WHERE 1 = 0"
        )
        for end in _fresh(cursor, ends, among=moved, events=_moved_between):
            cursor.execute(f"INSERT INTO {MOVED_ROWS} SELECT {_day_sql(end)}, * FROM {FRESH}")
        select = f"SELECT {COLUMNS} FROM {MOVED_ROWS}"
        rollups.move_rows(cursor, TABLE, COLUMNS, select, sign=sign, keyed=True)
        cursor.execute(f"DROP TABLE {MOVED_ROWS}")
        cursor.execute(f"DROP TABLE {MOVED_EVENTS}")


def _event_dates(cursor, moved: str) -> None:
    """The moved opportunities' event dates (`_events_between`'s events), indexed by date:
    each step of `_fresh` then finds its few among them."""
    deals = rollups.OPPORTUNITY
    parts = [f"SELECT id, created_on FROM {deals} WHERE {moved}"] + [
        f"SELECT id, {event} FROM {deals} WHERE {moved} AND {event} IS NOT NULL"
        for event in ("signed_on", "won_on", "lost_on")
    ]
    history = StageChange._meta.db_table
    parts.append(
        f"SELECT opportunity_id, effective_on FROM {history} "
        f"WHERE opportunity_id IN (SELECT id FROM {MOVED_IDS})"
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE {MOVED_EVENTS} AS WITH e (id, day) AS "
        f"({' UNION ALL '.join(parts)}) SELECT * FROM e"
    )
    cursor.execute(f"CREATE INDEX {MOVED_EVENTS}_day ON {MOVED_EVENTS} (day)")


def _moved_between(start: date, end: date) -> tuple[str, list]:
    """`_events_between` for the moved opportunities (`_event_dates`)."""
    return (
        f"WITH {EVENTS} (id) AS (SELECT DISTINCT id FROM {MOVED_EVENTS} "
        f"WHERE day > %s AND day <= %s) ",
        [start, end],
    )


def rebuild(today: date | None = None) -> int:
    """Every month end of `window(today)` again from the opportunities; returns the rows."""
    today = today or timezone.localdate()
    ends = window(today)
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        ForecastMonthEndRow.objects.all().delete()
        ForecastMonthEnd.objects.all().delete()
        _store(cursor, _fresh(cursor, ends))
        ForecastMonthEnd.objects.bulk_create(ForecastMonthEnd(day=end) for end in ends)
        day_changes.rebuild(cursor, day_changes.first_day(ends), today)
    return ForecastMonthEndRow.objects.count()


def recompute() -> int:
    """The kept month ends again from the opportunities (`salespath verify --repair`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        ForecastMonthEndRow.objects.all().delete()
        _store(cursor, _fresh(cursor, kept()))
    return ForecastMonthEndRow.objects.count()


def prepare(today: date) -> int:
    """The daily job: prepare the month ends of `window(today)` not kept yet, from the last
    one kept before them, and let those before the window go. Returns how many were
    prepared."""
    ends = window(today)
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        ForecastMonthEndRow.objects.filter(month_end__lt=ends[0]).delete()
        ForecastMonthEnd.objects.filter(day__lt=ends[0]).delete()
        day_changes.forget_before(day_changes.first_day(ends))
        have = kept()
        missing = sorted(set(ends) - set(have))
        if missing:
            base = max((end for end in have if end < missing[0]), default=None)
            _store(cursor, _fresh(cursor, missing, base=base))
            ForecastMonthEnd.objects.bulk_create(ForecastMonthEnd(day=end) for end in missing)
        if missing and (not have or missing[0] < have[0]):  # days before those kept
            day_changes.rebuild(cursor, day_changes.first_day(ends), today)
    return len(missing)


def _store(cursor, ends: Iterable[date]) -> None:
    for end in ends:
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {_day_sql(end)}, * FROM {FRESH}")


# Temporary tables of `_fresh`: one month end's rows, and the next one's being made.
FRESH = "forecast_month_end_fresh"
NEXT = "forecast_month_end_next"


def _fresh(
    cursor,
    ends: list[date],
    base: date | None = None,
    among: str = "1 = 1",
    events: Callable[[date, date], tuple[str, list]] | None = None,
) -> Iterator[date]:
    """Each of `ends` (ascending) in turn, with its rows computed from the opportunities in
    the temporary table `FRESH` (`rollups.COLUMNS`) while the caller reads them.

    The first month end's are read from every opportunity matching `among` (an SQL
    condition on the opportunity table), or copied from the kept rows of `base`, a month
    end before it;  each next one's are the previous ones less the rows of
    the deals with an event between the two, as they stood on the previous, plus their rows
    on the next (`events` gives them: `_events_between` by default): every other deal stood
    on both alike (the identity a forecast on a past date reads by, `past_sums`); when no
    deal had an event between them, the previous ones less the deals done too long ago, in
    place (on a small installation most months: a new table costs PostgreSQL a few
    milliseconds of catalogue writes, 37 of them a check). A month
    of events instead of every opportunity: at scale L the 37 month ends of a million deals
    took 86 s on SQLite (each read through, about 17 s)."""
    names = rollups.COLUMNS
    if base is None:
        first, rest = ends[0], ends[1:]
        select = rollups._select(among, first)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {FRESH} AS WITH r ({names}) AS ({select}) SELECT * FROM r", []
        )
        yield first
        previous = first
    else:  # the kept rows of `base`
        rest, previous = ends, base
        cursor.execute(
            f"CREATE TEMPORARY TABLE {FRESH} AS SELECT {names} FROM {TABLE} WHERE month_end = %s",
            [base],
        )
    moved = f"{among} AND {rollups.OPPORTUNITY}.id IN (SELECT id FROM {EVENTS})"
    for end in rest:
        with_events, params = (events or _events_between)(previous, end)
        since = _day_sql(rollups.done_since(end))
        cursor.execute(f"{with_events}SELECT 1 FROM {EVENTS} LIMIT 1", params)
        if not cursor.fetchall():  # no deal changed: only those done too long ago leave
            cursor.execute(f"DELETE FROM {FRESH} WHERE done_month < {since}")
            yield end
            previous = end
            continue
        union = " UNION ALL ".join(
            [f"SELECT {names} FROM {FRESH}"]
            + [
                f"SELECT * FROM ({_evented_rows(moved, day, sign)}) p{i}"
                for i, (day, sign) in enumerate(((previous, "-"), (end, "")))
            ]
        )
        keys = "owner_id, view, done_month, close_month, category"
        cursor.execute(
            f"CREATE TEMPORARY TABLE {NEXT} AS {with_events}"
            f"SELECT {keys}, SUM(deals) AS deals, SUM(amount) AS amount, "
            f"SUM(weighted) AS weighted FROM ({union}) u "
            f"WHERE done_month IS NULL OR done_month >= {since} "
            f"GROUP BY {keys} HAVING SUM(deals) <> 0",
            params,
        )
        cursor.execute(f"DROP TABLE {FRESH}")
        cursor.execute(f"ALTER TABLE {NEXT} RENAME TO {FRESH}")
        yield end
        previous = end
    cursor.execute(f"DROP TABLE {FRESH}")


def differences() -> list[tuple]:
    """Rows that differ between the kept month ends and a fresh computation of them (and
    rows of a month end not kept); each is (`stored` or `fresh`, the row). One month end
    in memory at a time."""
    found = []
    names = rollups.COLUMNS
    with transaction.atomic(), connection.cursor() as cursor:
        ends = kept()
        cursor.execute(
            f"SELECT {COLUMNS} FROM {TABLE} WHERE month_end NOT IN "
            f"(SELECT day FROM {ForecastMonthEnd._meta.db_table})"
        )
        found += [("stored", _key(row)) for row in cursor.fetchall()]
        for end in _fresh(cursor, ends) if ends else ():
            cursor.execute(f"SELECT {COLUMNS} FROM {TABLE} WHERE month_end = %s", [end])
            stored = sorted(map(_key, cursor.fetchall()))
            cursor.execute(f"SELECT {_day_sql(end)}, {names} FROM {FRESH}")
            found += rollups._compared(stored, sorted(map(_key, cursor.fetchall())))
    return found


def _key(row) -> tuple:
    return (str(row[0])[:10], *rollups._key(row[1:]))


def _first_day() -> date | None:
    ends = kept()
    return day_changes.first_day(ends) if ends else None


def day_differences() -> tuple[int, list[tuple]]:
    """`day_changes.differences` for the month ends kept (the check `day_changes`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        return day_changes.differences(cursor, _first_day(), timezone.localdate())


def recompute_days() -> None:
    """Every day's changes again for the month ends kept (`salespath verify --repair`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        day_changes.rebuild(cursor, _first_day(), timezone.localdate())


# --- reading: a forecast on a past date --------------------------------------------------


def start_for(as_of: date) -> date | None:
    """The kept month end a forecast on `as_of` starts from, if any: the nearer in days of
    the last one on or before it and the end of its own month (the fewer days of changes
    to read between, `day_changes.py`), the earlier of two as near. Not a later month's end: its
    rows leave out deals done over a year before it (`rollups.done_since`) that a forecast
    on `as_of` may still count."""
    ends = kept()
    before = [end for end in ends if end <= as_of][-1:]
    after = [end for end in ends if end > as_of and end.replace(day=1) == as_of.replace(day=1)]
    return min(before + after, key=lambda end: (abs((end - as_of).days), end), default=None)


# The statement's table of the deals with an event between the month end and D.
EVENTS = "forecast_events"


def _events_between(start: date, end: date) -> tuple[str, list]:
    """`WITH forecast_events (id) AS (…)`: the opportunities with an event in (start, end]
    (created, signed, completed, lost, or a change of status in the history dated then), a
    union of reads of the indexes by date, computed once for the statement: as a condition
    with ORs, repeated in each SELECT that reads them, PostgreSQL read every opportunity
    each time.

    A move between stages that keeps the status changes no forecast row: the rows read the
    status on a date, never the stage (`rollups._select`), and each change's `from_status`
    is the status the one before it left (the services and the import write it so). At
    scale L half the stage changes are such moves; leaving them out made the deals to
    exchange for a date six days after a month end 45 % fewer (12,769 → 7,070)."""
    deals = Opportunity.objects.order_by()
    parts = [
        deals.filter(**{f"{event}__gt": start, f"{event}__lte": end}).values("pk")
        for event in ("created_on", "signed_on", "won_on", "lost_on")
    ]
    changed = StageChange.objects.filter(effective_on__gt=start, effective_on__lte=end).exclude(
        from_status=F("to_status")
    )
    parts.append(changed.order_by().values("opportunity"))
    sql, params = parts[0].union(*parts[1:]).query.sql_with_params()
    return f"WITH {EVENTS} (id) AS ({sql}) ", list(params)


def _where(queryset: QuerySet) -> tuple[str, list]:
    """The queryset's condition as SQL on the opportunity table ("1 = 1" for all rows)."""
    query = queryset.query
    try:
        sql, params = query.get_compiler(connection=report_connection()).compile(query.where)
    except FullResultSet:
        return "1 = 1", []
    return sql or "1 = 1", list(params)


def past_sums(h: Horizon, view: str, owners: Q, start: date) -> tuple[rollups.Sums, int]:
    """Per owner in `owners`, the columns of `view` on D (`h.as_of`) from the month end
    `start` (`start_for`; see the module's docstring), and the number of overdue deals: one
    query for the sums, one for the overdue deals closing in D's month, and for the time
    view one for the boundary months' days."""
    d = h.as_of
    cases, splits = rollups._month_cases(h, view)
    # overdue on D: the rows' open deals closing in a month wholly by D, and the deals
    # closing after it, to D, read from the opportunities
    cut = d if (d + timedelta(days=1)).day == 1 else d.replace(day=1) - timedelta(days=1)
    overdue_rows = Q(done_month__isnull=True, close_month__isnull=False, close_month__lte=cut)
    summed = _bucketed_sums if report_connection().vendor in BUCKETED_ON else _column_sums
    sums, overdue = summed(h, view, owners, start, cases, overdue_rows)
    deals = Opportunity.objects.filter(owners)
    moves = rollups.boundary_moves(splits)
    if moves:
        rollups._apply_splits(sums, moves, deals, past=h)
    if d > cut:
        closing = deals.filter(rollups.ANY_STATUS, expected_close__gt=cut, expected_close__lte=d)
        overdue += counted_on(h, closing, few=True).filter(overdue_filter(h, view)).count()
    return sums, overdue


# The engines on which `past_sums` adds the rows up by column (`_bucketed_sums`) rather
# than summing each column's rows apart (`_column_sums`). The same figures either way
# (tests/forecast/test_month_ends.py reads every forecast both ways on either engine); at
# scale L on SQLite, the month end's rows with 14 days of changes took 110 ms a view
# instead of 210, on PostgreSQL 121 ms instead of 106.
BUCKETED_ON = ("sqlite",)


def _column_sums(h: Horizon, view: str, owners: Q, start: date, cases: dict, overdue_rows: Q):
    """`past_sums`' sums and overdue rows, one conditional sum per column and measure."""
    aggregates = rollups.column_aggregates(cases)
    aggregates["listed"] = Sum("deals", filter=Q(category=rollups.EVERY))
    aggregates["overdue"] = Sum("deals", filter=overdue_rows)
    rows = (
        ForecastMonthEndRow.objects.filter(owners, view=view)
        .filter(rollups.in_fiscal_year(h))
        .values("owner")
        .annotate(**aggregates)
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    union, union_params = _rows_on(h, view, owners, start)
    table = connection.ops.quote_name(TABLE)
    if sql.count(f"FROM {table}") != 1:
        raise ValueError(f"unexpected SQL for the month-end rows: {sql}")
    before, after = sql.split(f"FROM {table}")
    sql = f"{before}FROM ({union}) {table}{after}"
    params = list(params)
    given = before.count("%s")  # the aggregates' parameters come before the FROM
    params = params[:given] + union_params + params[given:]
    with report_connection().cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # an owner with no deal counted on D is not listed, as when read from the deals
    found = [row for row in found if row["listed"]]
    sums = {row["owner"]: rollups.column_sums(row, view) for row in found}
    return sums, sum(int(row["overdue"] or 0) for row in found)


def _bucketed_sums(h: Horizon, view: str, owners: Q, start: date, cases: dict, overdue_rows: Q):
    """`_column_sums` from one sum per owner, column and overdue or not: each row's column
    (the first of `cases` it is in, -1 for the rows counting the owner's deals, none for
    the rest) is worked out once in the statement's parts, which both engines then add up
    by it. The cases are exclusive (`rollups._rows_sql`'s rows: a done row has no close
    month, an open one no done month, a booked one no forecast category), so the first is
    the only one."""
    column = Case(
        When(category=rollups.EVERY, then=Value(-1)),
        *(When(in_column, then=Value(k)) for k, in_column in enumerate(cases.values())),
        output_field=IntegerField(),
    )
    overdue = Case(When(overdue_rows, then=Value(1)), default=Value(0), output_field=IntegerField())
    union, params = _rows_on(h, view, owners, start, {"k": column, "o": overdue})
    sql = (
        f"SELECT owner_id, k, o, SUM(deals), SUM(amount), SUM(weighted) FROM ({union}) r "
        f"GROUP BY owner_id, k, o"
    )
    with report_connection().cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    columns = VIEW_COLUMNS[view]
    sums: rollups.Sums = {}
    listed, overdue_of = set(), Counter()
    for owner, k, is_overdue, *measures in found:
        if k == -1:
            if measures[0]:  # an owner with no deal counted on D is not listed
                listed.add(owner)
            continue
        if is_overdue:
            overdue_of[owner] += int(measures[0])
        if k is None:  # in no column
            continue
        if owner not in sums:
            sums[owner] = {key: [0, 0, 0] for key in columns}
        figures = sums[owner][columns[k]]
        for index, value in enumerate(measures):
            figures[index] += int(value)
    sums = {owner: sums.get(owner) or {key: [0, 0, 0] for key in columns} for owner in listed}
    return sums, sum(overdue_of[owner] for owner in listed)


def _rows_on(
    h: Horizon, view: str, owners: Q, start: date, computed: dict | None = None
) -> tuple[str, list]:
    """The month-end rows of `owners` at `start`, plus the changes of the days after it to
    D (or less those of the days after D to it, `day_changes.py`): `COLUMNS` but the month
    end, of `view`. With `computed` (name: expression of the rows' columns), only the rows
    of D's fiscal year (`rollups.in_fiscal_year`), each with those values after the
    columns."""
    names = rollups.COLUMNS.split(", ")
    extra = list(computed or {})
    parts, all_params = [], []
    kept_rows = ForecastMonthEndRow.objects.filter(owners, month_end=start, view=view)
    changes = day_changes.between(owners, view, start, h.as_of) if h.as_of != start else None
    for rows, negated in ((kept_rows, False), (changes, start > h.as_of)):
        if rows is None:
            continue
        if computed:
            rows = rows.filter(rollups.in_fiscal_year(h)).annotate(**computed)
        sql, params = rows.values_list(*names, *extra).query.sql_with_params()
        if negated:
            sql = f"SELECT {_negated('c', extra)} FROM ({sql}) c"
        parts.append(sql)
        all_params += params
    union = " UNION ALL ".join(f"SELECT * FROM ({part}) p{i}" for i, part in enumerate(parts))
    return union, all_params


def _negated(table: str, extra: list[str]) -> str:
    """`rollups.COLUMNS` of `table`'s rows with the measures negated, then `extra`."""
    names = rollups.COLUMNS.split(", ")
    negated = [f"-{table}.{name} AS {name}" for name in names[-3:]]
    return ", ".join(names[:-3] + negated + [f"{table}.{name}" for name in extra])


def _evented_rows(where: str, day: date, sign: str) -> str:
    """The rows on `day` of the opportunities matching `where`, negated with `sign` "-"."""
    names = rollups.COLUMNS
    return (
        f"WITH e ({names}) AS ({rollups._select(where, day)}) "
        f"SELECT owner_id, view, done_month, close_month, category, {sign}deals AS deals, "
        f"{sign}amount AS amount, {sign}weighted AS weighted FROM e"
    )
