"""The forecast rollup: per-salesperson sums the forecast reads instead of every
opportunity, when that gives the same answer.

When no opportunity has an event after the cutoff date D (created, signed, completed, lost,
or a stage change dated after D), each opportunity's state on D is its current row, and the
rules of `state.py` then depend only on:

- time view: whether it is lost (never counted); its S7 month (`closed` iff the S7 date is on
  or after the fiscal year's start, always a 1st of a month); else whether it is omitted and
  unsigned (not counted); else its expected close date — to the DAY, since the columns end
  on D + 3/6/9/12 months. The rollup keeps the month; `month_sums` splits the (at most
  four) months holding a boundary with a small query on the opportunities.
- category view: lost; its signing month (`booked` iff on or after the fiscal year's start);
  else omitted and not completed (not counted); else its category and, for commit and best
  case only, the month of its expected close date (quarter ends are month ends).
- weighted: a signed or completed deal weighs 100 %, any other its probability.

So the table holds, per owner and view, one row per distinct (done month, close month,
category) with the number of deals, Σ cents and Σ cents × weight, and one row (category
`*`) over all their opportunities not lost.

The day's rows (`ForecastDay`) are those sums already split into one day's columns, one row
per owner and view, prepared by writers, never by a read: `rebuild` prepares today's, the
first change of a new day prepares that day's (`_refresh_day`), and so does the daily job
`forecast-day` (`salespath jobs run-due`) in the day's first minute, before anyone reads:
until a writer did, the day's first hours read the month rows (a company's forecast page
at scale L took 400 ms instead of 150 after midnight). Every forecast of that day reads
them (`day_sums`); a forecast on any other day, or before they are prepared, reads the month
rows, which give the same answer a little more slowly.

Both are kept in step by `refresh_owners`, called in the same transaction by every writer of
opportunities (pipeline services, admin, imports), and by `rebuild` (generators, demo,
`salespath forecast-rollup --rebuild`). `covers(D)` says whether the forecast may use them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from salespath.lib.fiscal import add_months
from salespath.lib.sql import ids_table, insert_rows, month_start
from salespath.pipeline.models import ForecastCategory, Opportunity, StageChange, Status
from salespath.pipeline.signals import take_turns
from salespath.replicas import report_connection

from .models import DAY_COLUMNS, ForecastDay, ForecastDayMark, ForecastRollup
from .state import (
    BEST_CASE,
    CATEGORY,
    COMMIT,
    TIME,
    TIME_COLUMNS,
    VIEWS,
    Horizon,
    booked,
    close_date,
    closed,
    counted_on,
    fiscal_start_month,
    in_cents,
    left_out,
    not_booked,
    not_closed,
    not_lost,
    open_in_view,
    standing_on,
    still_open,
    weight,
)
from .state import COLUMNS as VIEW_COLUMNS

TABLE = ForecastRollup._meta.db_table
OPPORTUNITY = Opportunity._meta.db_table
STAGE_CHANGE = StageChange._meta.db_table
# The category of each owner's row counting every opportunity not lost (in no column): the
# forecast lists everyone who owns one, even if nothing of it counts on D (won years ago).
EVERY = "*"
COLUMNS = "owner_id, view, done_month, close_month, category, deals, amount, weighted"


def enabled() -> bool:
    """`SALESPATH_FORECAST_ROLLUP = False` makes every forecast read the opportunities.

    On by default, in the test suite too, whose test data keeps the rollup as the writers do
    (docs/verify.md)."""
    return getattr(settings, "SALESPATH_FORECAST_ROLLUP", True)


def _cents() -> str:
    return (
        "CAST(ROUND(amount * 100) AS BIGINT)"
        if connection.vendor == "postgresql"
        else ("CAST(ROUND(amount * 100) AS INTEGER)")
    )


def _sql(condition: Q, as_of: date | None = None) -> str:
    """A rule of `state.py` as an SQL condition on the opportunity table, its values (codes
    of statuses and categories, dates) written in: the same expression appears in a SELECT
    list and its GROUP BY, which must read alike. On a date `as_of` the rules may read the
    aliases of `_on`."""
    query = _on(as_of).filter(condition).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql % tuple(_literal(value) for value in params)


def _on(as_of: date | None) -> QuerySet:
    """The opportunities with the aliases the rules read on a date (`state.with_columns`'s,
    those that do not need a horizon)."""
    if as_of is None:
        return Opportunity.objects.all()
    return Opportunity.objects.alias(
        standing_on_d=standing_on(as_of),
        time_close=close_date("won_on", as_of),
        category_close=close_date("signed_on", as_of),
    )


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _literal(value) -> str:
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, str) and ISO_DATE.fullmatch(value):  # a date, as SQLite's driver takes it
        return f"'{value}'"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    if not (isinstance(value, str) and value.isidentifier()):
        raise ValueError(f"not a code to write into SQL: {value!r}")
    return f"'{value}'"


def _select(owner_filter: str, as_of: date | None = None) -> str:
    """Both views' rows of the opportunities matching `owner_filter` (an SQL condition),
    by the rules of `state.py`: read as the row is now (the rollup, read only when nothing
    happened after D), or their state at the end of `as_of` (`month_ends.py`)."""
    if as_of is None:
        sql = _rows_sql(connection.vendor, None)
    else:
        # compiled once for a stand-in date whose two dates in the SQL (the date and
        # `done_since`) are then written as `as_of`'s: compiling took 30 ms a date
        sql = _rows_sql(connection.vendor, STAND_IN)
        for stand_in, day in ((STAND_IN, as_of), (done_since(STAND_IN), done_since(as_of))):
            sql = sql.replace(_literal(stand_in), _literal(day))
    return sql.replace(OWNER_FILTER, owner_filter)


# A date no opportunity has, for `_select` to compile the rules on a date once.
STAND_IN = date(1901, 2, 15)


# Where `_rows_sql` puts the owners' condition.
OWNER_FILTER = "/* owners */"


@functools.cache
def _rows_sql(vendor: str, as_of: date | None, by_day: str = "") -> str:
    """`_select`'s statement, compiled once per engine and date: every writer runs it.

    The close month is kept for every deal still open in a view (the category view's
    pipeline too, though its column does not depend on it): a forecast on a past date counts
    the overdue deals of a month end from these rows (`month_ends.py`).

    `by_day` names a table of (opportunity_id, day, n) that the opportunities are joined
    to: each of its rows counts its opportunity `n` times (1 or -1), grouped by `day` too,
    which comes first in the rows (`day_changes.py` writes the date into the rules)."""
    cents = _cents()
    is_booked, is_closed = _sql(booked(as_of), as_of), _sql(closed(as_of), as_of)
    counted = not_lost(as_of) if as_of is None else ~Q(created_on__gt=as_of) & not_lost(as_of)
    time_close = month_start(_close("won_on", as_of))
    time_close = f"CASE WHEN {_sql(not_closed(as_of), as_of)} THEN {time_close} END"
    time_done = f"CASE WHEN {is_closed} THEN {month_start('won_on')} END"
    open_forecast = _sql(not_booked(as_of) & (COMMIT | BEST_CASE), as_of)
    cat_done = f"CASE WHEN {is_booked} THEN {month_start('signed_on')} END"
    cat_close = month_start(_close("signed_on", as_of))
    cat_close = f"CASE WHEN {_sql(not_booked(as_of), as_of)} THEN {cat_close} END"
    cat_category = f"CASE WHEN {open_forecast} THEN forecast_category ELSE '' END"
    counts = _sql(~left_out(as_of), as_of)
    time_counts = cat_counts = counts
    if as_of is not None:  # done before `done_since` (so before D): in no column near D
        since = _literal(done_since(as_of))
        time_counts += f" AND (won_on IS NULL OR won_on >= {since})"
        cat_counts += f" AND (signed_on IS NULL OR signed_on >= {since})"
    # Each opportunity's values once (a table both engines build once, since it is read
    # four times), then each view's groups: the state on a date reads the history.
    deals = "forecast_deals"
    sums, count, times, day, day_of, nonzero = "COUNT(*), SUM(c), SUM(w)", "1", "", "", "", ""
    source = OPPORTUNITY
    if by_day:  # counted n times, grouped by day; a group that adds up to nothing is left out
        sums, count, times = "SUM(n), SUM(c), SUM(w)", f"{by_day}.n", f"{by_day}.n * "
        day, day_of = "day, ", f"{by_day}.day, "
        source = f"{by_day} JOIN {OPPORTUNITY} ON {OPPORTUNITY}.id = {by_day}.opportunity_id"
        nonzero = " HAVING SUM(n) <> 0 OR SUM(c) <> 0 OR SUM(w) <> 0"
    return f"""
        WITH {deals} ({day}owner_id, td, tc, cd, cc, cat, tk, ck, n, c, w) AS (
            SELECT {day_of}owner_id, {time_done}, {time_close},
                {cat_done}, {cat_close}, {cat_category},
                CASE WHEN {time_counts} THEN 1 ELSE 0 END,
                CASE WHEN {cat_counts} THEN 1 ELSE 0 END,
                {count}, {times}{cents}, {times}{cents} * {_sql_case(weight(as_of), as_of)}
            FROM {source} WHERE {_sql(counted, as_of)} AND {OWNER_FILTER}
        )
        SELECT {day}owner_id, 'time', td, tc, '', {sums} FROM {deals} WHERE tk = 1
        GROUP BY {day}owner_id, td, tc{nonzero}
        UNION ALL
        SELECT {day}owner_id, 'category', cd, cc, cat, {sums} FROM {deals} WHERE ck = 1
        GROUP BY {day}owner_id, cd, cc, cat{nonzero}
        UNION ALL
        SELECT {day}owner_id, 'time', NULL, NULL, '{EVERY}', {sums} FROM {deals}
        GROUP BY {day}owner_id{nonzero}
        UNION ALL
        SELECT {day}owner_id, 'category', NULL, NULL, '{EVERY}', {sums} FROM {deals}
        GROUP BY {day}owner_id{nonzero}
    """


def done_since(as_of: date) -> date:
    """The first day of the month a year before `as_of`'s month. A deal completed or signed
    before it is in no column of a forecast on any day from `as_of` to a month later, in
    any fiscal calendar: the fiscal year holding such a day starts within the 11 months
    before its month. So the rows of a past date (`month_ends.py`) leave it out."""
    return add_months(as_of.replace(day=1), -12)


def _close(event: str, as_of: date | None) -> str:
    """The close date's SQL: the expected one as the row is now, else `state.close_date`."""
    if as_of is None:
        return "expected_close"
    return _sql_case(close_date(event, as_of), as_of)


def _sql_case(expression: Case, as_of: date | None = None) -> str:
    """A CASE of `state.py` as SQL on the opportunity table, its values written in."""
    query = _on(as_of).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(expression.resolve_expression(query))
    return sql % tuple(_literal(value) for value in params)


def refresh_owners(owner_ids: Iterable[int | None]) -> None:
    """Recompute the rollup rows of these salespeople from their opportunities: two
    statements, whatever the number of owners. Call it inside the writer's transaction,
    after the write, with the owners before AND after (a change of owner moves rows)."""
    ids = sorted({int(pk) for pk in owner_ids if pk is not None})
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        take_turns(ids)
        cursor.execute(f"DELETE FROM {TABLE} WHERE owner_id IN ({marks})", ids)
        select = _select(f"owner_id IN ({marks})")
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {select}", ids)
        _refresh_day(ids)


# Temporary tables of `move_opportunities`, dropped before it returns.
MOVED_IDS = "forecast_moved_ids"
MOVED_ROWS = "forecast_moved_rows"


def move_opportunities(opportunity_ids: Iterable[int], *, sign: int) -> set[int]:
    """Take these opportunities' share out of the rollup as their rows are now (`sign` -1),
    or put it in (+1): the same sums as `refresh_owners` gives, found from these rows only,
    where a writer of thousands of opportunities would otherwise recompute every row of
    their owners. A writer calls it with -1 before it changes them and +1 after, in its
    transaction; the day's rows are then refreshed for the owners (`refresh_day_rows`).
    Returns the owners whose rows changed."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    if not ids:
        return set()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        ids_table(cursor, MOVED_IDS, ids) as among,
    ):
        moved = among("id")
        cursor.execute(f"SELECT DISTINCT owner_id FROM {OPPORTUNITY} WHERE {moved}")
        owners = sorted(row[0] for row in cursor.fetchall())
        take_turns(owners)
        move_rows(cursor, TABLE, COLUMNS, _select(moved), sign=sign)
    return set(owners)


def move_rows(
    cursor,
    table: str,
    columns: str,
    select: str,
    *,
    sign: int,
    keyed: bool = False,
    negative: bool = False,
) -> None:
    """Add (`sign` +1) or take away (-1) the rows `select` gives (`columns`, the last three
    the measures deals, amount and weighted) to or from the same groups of `table`, in
    three statements: a group none of the rows was in is inserted, a group left empty is
    deleted (a rebuild makes no such row). `keyed`: `table` has an index on the groups' key
    (all of `columns` but the measures). `negative`: the rows may be negative (the changes
    of a day, `day_changes.py`), so adding can empty a group too."""
    names = [name.strip() for name in columns.split(",")]
    nullable = {"done_month", "close_month"}
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    key = " AND ".join(
        f"{table}.{name} {same if name in nullable else '='} d.{name}" for name in names[:-3]
    )
    plus = "+" if sign > 0 else "-"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {MOVED_ROWS} AS WITH moved ({columns}) AS ({select}) "
        f"SELECT * FROM moved",
        [],
    )
    if connection.vendor == "postgresql":  # statistics for the moved rows (see ids_table)
        cursor.execute(f"ANALYZE {MOVED_ROWS}")
    cursor.execute(
        f"UPDATE {table} SET deals = {table}.deals {plus} d.deals, "
        f"amount = {table}.amount {plus} d.amount, "
        f"weighted = {table}.weighted {plus} d.weighted "
        f"FROM {MOVED_ROWS} AS d WHERE {key}"
        # by the owner index: else SQLite reads every owner's rows to join a few; a table
        # with an index on its whole key is read by it, from the moved rows
        + ("" if keyed else f" AND {table}.owner_id IN (SELECT owner_id FROM {MOVED_ROWS})")
    )
    if sign > 0:  # a group none of the owner's opportunities was in before
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {MOVED_ROWS} AS d "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key})"
        )
    # a group left empty is no row, as a rebuild makes none; found from the moved rows (by
    # the index on the owner), not among every row of their owners. Without `negative` only
    # taking deals out can empty a group: every moved group counts at least one deal.
    empty = "{t}.deals = 0 AND {t}.amount = 0 AND {t}.weighted = 0"
    if (sign < 0 or negative) and connection.vendor == "postgresql":  # a join: `id IN`
        found = empty.format(t=table)  # read every row
        cursor.execute(f"DELETE FROM {table} USING {MOVED_ROWS} AS d WHERE {key} AND {found}")
    elif sign < 0 or negative:  # SQLite's DELETE joins nothing
        found = key.replace(f"{table}.", "t.")
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT t.id FROM {MOVED_ROWS} AS d "
            f"JOIN {table} AS t ON {found} WHERE {empty.format(t='t')})"
        )
    cursor.execute(f"DROP TABLE {MOVED_ROWS}")


def refresh_day_rows(owner_ids: Iterable[int | None], moved: Iterable[int]) -> None:
    """The day's rows of these owners again, after `move_opportunities` put the `moved`
    opportunities back in: the columns from their rollup rows, the overdue deals as kept
    less those `take_out_of_day_rows` took out, plus the moved ones now overdue."""
    ids = sorted({int(pk) for pk in owner_ids if pk is not None})
    if ids:
        with transaction.atomic():
            _refresh_day(ids, sorted(set(moved)))


def take_out_of_day_rows(opportunity_ids: Iterable[int]) -> None:
    """Before a writer changes these opportunities: their overdue deals leave the kept
    counts of the day's rows (`refresh_day_rows` adds them back as they will be)."""
    ids = sorted(set(opportunity_ids))
    mark = ForecastDayMark.objects.select_for_update().filter(pk=1).first()
    if not ids or mark is None or not _is_today(mark):
        return  # no day's rows, or another day's: the change prepares today's afresh
    h = Horizon(mark.day, mark.start_month)
    for view in VIEWS:
        counts = list(_overdue_of(h, view, ids).items())
        for start in range(0, len(counts), 500):
            chunk = dict(counts[start : start + 500])
            less = Case(*(When(owner=owner, then=Value(n)) for owner, n in chunk.items()))
            ForecastDay.objects.filter(owner__in=chunk, view=view).update(
                overdue=F("overdue") - less
            )


def _overdue_of(h: Horizon, view: str, opportunity_ids: list[int]) -> Counter:
    """`overdue_counts` of these opportunities, 5,000 ids a query."""
    counts: Counter = Counter()
    for start in range(0, len(opportunity_ids), 5000):
        chunk = opportunity_ids[start : start + 5000]
        counts.update(overdue_counts(h, view, Opportunity.objects.filter(id__in=chunk)))
    return counts


def rebuild() -> int:
    """The whole table again from the opportunities, and today's rows from it, in one
    transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_select('1 = 1')}", [])
        rows = cursor.rowcount
        ForecastDay.objects.all().delete()
        ForecastDayMark.objects.update(day=None)
        prepare_day(timezone.localdate())
        return rows


def _key(row) -> tuple:
    owner, view, done, close, category, deals, amount, weighted = row
    return (owner, view, str(done or ""), str(close or ""), category, deals, amount, weighted)


def differences() -> list[tuple]:
    """Rows that differ between the stored rollup and day rows and a fresh computation
    (empty if equal); each is (`stored` or `fresh`, the row)."""
    return rollup_differences() + day_differences()


def rollup_differences() -> list[tuple]:
    """`differences` of the month rollup alone."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {TABLE}", [])
        stored = sorted(map(_key, cursor.fetchall()))
        cursor.execute(_select("1 = 1"), [])
        fresh = sorted(map(_key, cursor.fetchall()))
    return _compared(stored, fresh)


def _compared(stored: list[tuple], fresh: list[tuple]) -> list[tuple]:
    only_stored = set(stored) - set(fresh)
    only_fresh = set(fresh) - set(stored)
    # duplicates would hide in the sets: compare the multisets too
    if not only_stored and not only_fresh and len(stored) != len(fresh):
        return [("stored", row) for row in stored]
    return sorted([("stored", row) for row in only_stored] + [("fresh", row) for row in only_fresh])


def day_differences() -> list[tuple]:
    """`differences` of the day's rows alone, if there are any: stored versus prepared
    afresh."""
    mark = ForecastDayMark.objects.filter(pk=1).first()
    if mark is None or mark.day is None:
        return []
    stored = sorted(("day", *row) for row in ForecastDay.objects.values_list(*DAY_FIELDS))
    fresh = sorted(("day", *row) for row in _day_rows(mark.day, mark.start_month, None))
    return _compared(stored, fresh)


def latest_event_sql() -> str:
    """The latest date anything happened to any opportunity: every part is one indexed
    lookup (pipeline migration 0005, and the stage history's index by date)."""

    def latest(table: str, column: str, nullable: bool) -> str:
        where = f" WHERE {column} IS NOT NULL" if nullable else ""
        return f"(SELECT {column} FROM {table}{where} ORDER BY {column} DESC LIMIT 1)"

    parts = [
        latest(OPPORTUNITY, "created_on", False),
        latest(OPPORTUNITY, "signed_on", True),
        latest(OPPORTUNITY, "won_on", True),
        latest(OPPORTUNITY, "lost_on", True),
        latest(STAGE_CHANGE, "effective_on", False),
    ]
    return "SELECT " + ", ".join(parts)


def covers(as_of: date) -> bool:
    """Whether the rollup answers a forecast on `as_of`: nothing happened after it. One query."""
    with report_connection().cursor() as cursor:
        cursor.execute(latest_event_sql())
        dates = cursor.fetchone()
    return all(value is None or as_date(value) <= as_of for value in dates)


def as_date(value) -> date:
    """A date column's value from a raw query (SQLite gives its ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- reading the rollup: per owner and column on a day D (the forecast's rollup path) ------
#
# `Sums` per owner: {column: [deals, cents, cents × weight]}. The forecast turns them into
# its figures (`queries._rollup_figures`).

Sums = dict[int, dict[str, list[int]]]
MEASURES = ("deals", "amount", "weighted")
# `day_sums` also returns each owner's number of overdue opportunities under this key
# (as deals); `month_sums` does not.
OVERDUE = "overdue"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return add_months(_month_start(day), 1) - timedelta(days=1)


def _time_splits(h: Horizon) -> list[tuple[date, tuple[date, date] | None, int]]:
    """For each boundary D + 3k months (k = 1..4): the last close month the rollup counts in
    column k, and the days (first, last) of the boundary's month that the opportunities must
    move between columns k and k+1, with the direction (+1: from k to k+1, -1: back).

    The month holding the boundary goes to the side with more of its days; the smaller
    side is read from the opportunities (the index `opportunity_open_by_close_time`)."""
    splits = []
    for k in (1, 2, 3, 4):
        boundary = h.months_later(3 * k)
        first, last = _month_start(boundary), _month_end(boundary)
        if boundary == last:
            splits.append((first, None, 0))
        elif (boundary - first).days + 1 < (last - boundary).days:
            splits.append((add_months(first, -1), (first, boundary), -1))
        else:
            splits.append((first, (boundary + timedelta(days=1), last), +1))
    return splits


def _month_cases(h: Horizon, view: str) -> tuple[dict[str, Q], list]:
    """Each column's rollup rows; for the time view also the boundary months' splits."""
    if view == TIME:
        splits = _time_splits(h)
        ends = [upto for upto, _days, _direction in splits]
        open_rows = Q(done_month__isnull=True, close_month__isnull=False)
        cases = {
            "closed": Q(done_month__isnull=False),
            "m0_3": open_rows & Q(close_month__lte=ends[0]),
        }
        for key, low, high in zip(TIME_COLUMNS[2:5], ends[:3], ends[1:], strict=True):
            cases[key] = open_rows & Q(close_month__gt=low, close_month__lte=high)
        cases["beyond_12"] = open_rows & Q(close_month__gt=ends[3])
        return cases, splits
    quarter = _month_start(h.quarter.period.end)
    next_quarter = _month_start(h.next_quarter.period.end)
    commit, best = ForecastCategory.COMMIT, ForecastCategory.BEST_CASE
    forecast_categories = Q(category__in=[commit, best])
    cases = {
        "booked": Q(done_month__isnull=False),
        "commit_q": Q(category=commit, close_month__lte=quarter),
        "best_q": Q(category=best, close_month__lte=quarter),
        "best_next_q": forecast_categories
        & Q(close_month__gt=quarter, close_month__lte=next_quarter),
        "pipeline": Q(done_month__isnull=True, category="")
        | (forecast_categories & Q(close_month__gt=next_quarter)),
    }
    return cases, []


def month_sums(h: Horizon, view: str, owners: Q, opportunities: QuerySet) -> Sums:
    """Per owner in `owners` (a filter on the rollup's `owner`), from the month rollup: one
    query, plus one on `opportunities` (the same owners') for the time view when a boundary
    D + 3k months is not a month end. Valid when `covers(D)`."""
    cases, splits = _month_cases(h, view)
    rows = (
        ForecastRollup.objects.filter(owners, view=view)
        .filter(in_fiscal_year(h))
        .values("owner")
        .annotate(**column_aggregates(cases))
        .order_by()
    )
    sums = {row["owner"]: column_sums(row, view) for row in rows}
    moves = boundary_moves(splits)
    if moves:
        _apply_splits(sums, moves, opportunities)
    return sums


def in_fiscal_year(h: Horizon) -> Q:
    """Rollup rows that can land in a column on D: open, or done in D's fiscal year."""
    return Q(done_month__isnull=True) | Q(done_month__gte=h.fiscal_year.start)


def column_aggregates(cases: dict[str, Q]) -> dict:
    """Each column's sums of the rollup rows (`_month_cases`), named `<measure>_<column>`:
    whole numbers (PostgreSQL's SUM of a bigint is a numeric, which Python reads as a
    Decimal, several times slower to turn into the int each figure is summed as)."""
    return {
        f"{measure}_{key}": Cast(Sum(measure, filter=in_column), BigIntegerField())
        for key, in_column in cases.items()
        for measure in MEASURES
    }


# Each view's columns with the names of their sums in `column_aggregates`' rows.
SUM_NAMES = {
    view: [(key, tuple(f"{measure}_{key}" for measure in MEASURES)) for key in columns]
    for view, columns in VIEW_COLUMNS.items()
}


def column_sums(row: dict, view: str) -> dict[str, list[int]]:
    """One owner's [deals, cents, cents × weight] per column from `column_aggregates`'
    row (a column with no rows sums to NULL: 0)."""
    return {key: [row[name] or 0 for name in names] for key, names in SUM_NAMES[view]}


def boundary_moves(splits: list) -> list:
    """The boundary months `_apply_splits` moves deals of (`_time_splits`' with days)."""
    return [(k, days, direction) for k, (_upto, days, direction) in enumerate(splits) if days]


# Every status: said beside a range of expected close dates, it lets PostgreSQL read the
# (status, close date) index as three ranges, where the dates alone made it read the whole
# index (no skip scans before PostgreSQL 18): 30 ms a range at scale L, then under 1 ms.
ANY_STATUS = Q(status__in=Status.values)


def _apply_splits(
    sums: Sums, moves: list, opportunities: QuerySet, past: Horizon | None = None
) -> None:
    """Move the deals of the boundary months' days from one column to the next (or back),
    read from the opportunities still open in the time view: as they are now, or on the
    `past` date D (`month_ends.py`), where the close date is `state.close_date`'s."""
    close = "expected_close" if past is None else "time_close"
    which = Case(
        *(When(**{f"{close}__range": days}, then=Value(k)) for k, days, _direction in moves)
    )
    in_days = Q()
    for _k, days, _direction in moves:
        in_days |= Q(**{f"{close}__range": days})
    cents = in_cents(F("amount"))
    if past is None:
        deals, weighs = time_open(opportunities).filter(in_days), weight(None)
    else:
        # a close date on D is the S7 date or the expected one: the condition on both lets
        # the engine read their indexes rather than every deal
        dates = Q()
        for _k, days, _direction in moves:
            dates |= (ANY_STATUS & Q(expected_close__range=days)) | Q(won_on__range=days)
        deals = counted_on(past, opportunities, few=True).filter(dates, in_days)
        deals, weighs = deals.filter(open_in_view(TIME, past.as_of)), F("weight")
    weighted = ExpressionWrapper(cents * weighs, output_field=BigIntegerField())
    rows = (
        deals.annotate(split=which)
        .values("owner", "split")
        .annotate(
            n=Count("pk"),
            a=Cast(Sum(cents), BigIntegerField()),  # ints, as `column_aggregates`' sums
            w=Cast(Sum(weighted), BigIntegerField()),
        )
        .order_by()
        .values_list("owner", "split", "n", "a", "w")
    )
    direction = {k: d for k, _days, d in moves}
    for owner_id, k, *values in rows:
        if owner_id not in sums:
            continue  # `opportunities` may be everyone's, the sums a few owners' (`_day_rows`)
        source, target = TIME_COLUMNS[k + 1], TIME_COLUMNS[k + 2]  # m0_3 is column 1
        if direction[k] < 0:
            source, target = target, source
        owner = sums[owner_id]
        for index, value in enumerate(values):
            owner[source][index] -= value
            owner[target][index] += value


def time_open(opportunities: QuerySet) -> QuerySet:
    """Opportunities in the time view's open columns when nothing happened after D."""
    return opportunities.filter(still_open(TIME, None))


def category_open(opportunities: QuerySet) -> QuerySet:
    """… and in the category view's."""
    return opportunities.filter(still_open(CATEGORY, None))


# --- the day's rows: the month sums of one day, kept per owner ------------------------------
#
# A forecast on today is what managers open all day long; splitting the month rollup into
# the day's columns costs a read of every owner's month rows. So the first forecast of a
# day (or `salespath forecast-rollup --rebuild`) stores each owner's columns for that day
# in `ForecastDay`, and every writer rewrites its owners' rows there too (`refresh_owners`).
# A forecast on any other day reads the month rollup; the result is the same.


# Past this many owners the day's rows read the boundary days' and the overdue opportunities
# of every owner and keep those of the owners asked for: given a long list of owners, SQLite
# walks each one's opportunities by the owner index instead (seconds for a thousand owners).
MANY_OWNERS = 100


# A day row as `_day_rows` gives it: owner, view, overdue, then each column's three
# measures (columns a view does not have stay 0).
DAY_FIELDS = ("owner_id", "view", "overdue") + tuple(
    f"{measure}_{i}" for i in range(DAY_COLUMNS) for measure in MEASURES
)


def _day_rows(
    day: date, start_month: int, owner_ids: list[int] | None, moved: list[int] | None = None
) -> list[tuple]:
    """Each owner's row per view on `day`, as `DAY_FIELDS`; with `moved` (see
    `refresh_day_rows`) the overdue deals are the kept counts plus the moved ones', not a
    count of every owner's deals."""
    h = Horizon(day, start_month)
    if owner_ids is None:
        owners, opportunities = Q(), Opportunity.objects.all()
    else:
        owners = Q(owner__in=owner_ids)
        opportunities = Opportunity.objects.filter(owner__in=owner_ids)
        if len(owner_ids) > MANY_OWNERS:
            opportunities = Opportunity.objects.all()
    rows = []
    for view in VIEWS:
        sums = month_sums(h, view, owners, opportunities)
        if moved is None:
            overdue = overdue_counts(h, view, opportunities)
        else:
            overdue = Counter(
                dict(ForecastDay.objects.filter(owners, view=view).values_list("owner", "overdue"))
            )
            overdue.update(_overdue_of(h, view, moved))
        if owner_ids is not None:
            asked = set(owner_ids)
            overdue = {owner: n for owner, n in overdue.items() if n and owner in asked}
        columns = VIEW_COLUMNS[view]
        unused = (0, 0, 0) * (DAY_COLUMNS - len(columns))
        for owner in sums.keys() | overdue.keys():
            figures = sums.get(owner, {})
            # whole numbers (PostgreSQL's SUM of a bigint is a numeric)
            measures = [int(m) for key in columns for m in figures.get(key, (0, 0, 0))]
            rows.append((owner, view, overdue.get(owner, 0), *measures, *unused))
    return rows


def overdue_counts(h: Horizon, view: str, opportunities: QuerySet) -> dict[int, int]:
    """Per owner, how many of `opportunities` are overdue on D in this view (the forecast's
    `overdue_count`). Valid when `covers(D)`."""
    still_open = time_open if view == TIME else category_open
    rows = (
        still_open(opportunities)
        .filter(expected_close__lte=h.as_of)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owner"]: row["n"] for row in rows}


def _mark() -> ForecastDayMark:
    """The mark row, locked until the end of the transaction."""
    mark, _created = ForecastDayMark.objects.select_for_update().get_or_create(pk=1)
    return mark


def prepare_day(day: date) -> bool:
    """Store every owner's columns on `day` (replacing any other day's); False when they
    were already."""
    start_month = fiscal_start_month()
    with transaction.atomic():
        mark = _mark()
        if (mark.day, mark.start_month) == (day, start_month):
            return False  # someone prepared them while this one waited for the lock
        ForecastDay.objects.all().delete()
        insert_rows(ForecastDay, DAY_FIELDS, _day_rows(day, start_month, None))
        mark.day, mark.start_month = day, start_month
        mark.save()
        return True


def _is_today(mark: ForecastDayMark) -> bool:
    return (mark.day, mark.start_month) == (timezone.localdate(), fiscal_start_month())


def _refresh_day(owner_ids: list[int], moved: list[int] | None = None) -> None:
    # Locked, so a preparation of the day's rows and this change take turns.
    mark = ForecastDayMark.objects.select_for_update().filter(pk=1).first()
    if mark is None or mark.day is None:
        return
    if not _is_today(mark):
        # another day's rows: the first change of a day prepares the day's, after the change
        prepare_day(timezone.localdate())
        return
    rows = _day_rows(mark.day, mark.start_month, owner_ids, moved)  # reads the kept rows
    ForecastDay.objects.filter(owner__in=owner_ids).delete()
    insert_rows(ForecastDay, DAY_FIELDS, rows)


def day_sums(h: Horizon, view: str, owners: Q) -> Sums | None:
    """Per owner, the day's rows for `h` if they are kept, else None. A read never prepares
    them (writers do, see the module's docstring). Valid when `covers(D)`."""
    mark = ForecastDayMark.objects.filter(pk=1).first()
    current = mark is not None and (mark.day, mark.start_month) == (h.as_of, h.start_month)
    if not current:
        return None
    columns = VIEW_COLUMNS[view]
    fields = [f"{measure}_{i}" for i in range(len(columns)) for measure in MEASURES]
    rows = ForecastDay.objects.filter(owners, view=view).values_list("owner", "overdue", *fields)
    sums: Sums = {}
    for owner, overdue, *values in rows:
        figures = {key: values[3 * i : 3 * i + 3] for i, key in enumerate(columns)}
        figures[OVERDUE] = [overdue, 0, 0]
        sums[owner] = figures
    return sums


def owner_sums(h: Horizon, view: str, owners: Q, opportunities: QuerySet) -> RollupAnswer:
    """The rollup's answer for the owners in `owners` on `h`: the day's rows, else the month
    rollup (which does not count the overdue ones). Only when `covers(h.as_of)`."""
    sums = day_sums(h, view, owners)
    if sums is None:
        sums = month_sums(h, view, owners, opportunities)
        read = ForecastRollup.objects.filter(owners, view=view)
        return RollupAnswer(sums, None, read.values("owner"))
    overdue = sum(columns.pop(OVERDUE)[0] for columns in sums.values())
    read = ForecastDay.objects.filter(owners, view=view)
    return RollupAnswer(sums, overdue, read.values("owner"))


@dataclass
class RollupAnswer:
    sums: Sums
    overdue_count: int | None  # None: not kept for this day
    owners: QuerySet  # the owners the sums are for, as a subquery (`values("owner")`)
