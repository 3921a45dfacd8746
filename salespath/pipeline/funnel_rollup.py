"""The stored stage funnel (`FunnelMonth`): per salesperson and month, the funnel's sums of
`funnel.py`, grouped by the month the opportunity was created (the cohort's measures) and
the month each stay began (the stays'); and the same per salesperson and day (`FunnelDay`),
which a period starting or ending inside a month reads for its partial months.

It is kept in step in the writer's transaction by the pipeline app, when a writer announces
what it changed (`pipeline/signals.py`, `pipeline/apps.py`): by `move_opportunities` when it
names the opportunities (the services, the importer), which takes their share out before
the change and puts it back after, else by `refresh_owners`, which recomputes every month of
the owners it names (a bulk update). `rebuild` recomputes it all (generators, demo,
`salespath verify --repair`, and so after a restore or a migration), and `differences` /
`day_differences` compare them with a recomputation (`forecast/integrity.py`).

Moving shares keeps a row right only if it was right before: a row that drifted (a write
that announced nothing, a hand edit) stays wrong until `salespath verify` finds it and
`--repair` rebuilds the table; recomputing the rows of a write would have mended them, at
seconds per import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from salespath.lib.fiscal import add_months
from salespath.lib.sql import ids_table, month_start

from .funnel import (
    changes,
    cohort_select_list,
    opportunities,
    stay_select_list,
    stays_condition,
)
from .models import FunnelDay, FunnelMonth, Opportunity, StageChange
from .models.funnel import MEASURES
from .signals import take_turns

TABLE = FunnelMonth._meta.db_table
DAY_TABLE = FunnelDay._meta.db_table
OPPORTUNITY = Opportunity._meta.db_table
COLUMNS = ", ".join(["owner_id", "month", *MEASURES])
DAY_COLUMNS = ", ".join(["owner_id", "day", *MEASURES])
# How many of the days that differ `day_differences` returns (all are counted).
KEEP = 100
# Each stored table, the name of its date column, and its columns.
TABLES = ((TABLE, "month", COLUMNS), (DAY_TABLE, "day", DAY_COLUMNS))


def _select(
    owner_ids: list[int] | None,
    among: tuple[str, int, int] | None = None,
    *,
    by_day: bool = False,
    days: tuple[date, date] | None = None,
) -> tuple[str, list]:
    """The rollup's rows of these owners (every owner: None) from the opportunities and
    their history, by `funnel.py`'s sums: one row per owner and month (`by_day`: per owner
    and day). With `among` (a table of opportunity ids, the lowest and the highest), the
    share of those opportunities alone: each one's cohort row and its stays, a stay ended by
    the opportunity's own next change, so their whole history is read and nobody else's.
    With `days` (first and last), the rows of those days only, each stay still ended by the
    opportunity's next change, after them too."""
    deals, history = Opportunity.objects.all(), StageChange.objects.all()
    if owner_ids is not None:
        deals = deals.filter(owner_id__in=owner_ids)
        history = history.filter(opportunity__owner_id__in=owner_ids)
    if among is not None:
        table, lowest, highest = among
        named = RawSQL(f"SELECT id FROM {table}", [])  # a temporary table of ours
        # the range as well, as `ids_table`'s condition: read by the index, not scanned
        deals = deals.filter(pk__gte=lowest, pk__lte=highest, pk__in=named)
        history = history.filter(
            opportunity_id__gte=lowest, opportunity_id__lte=highest, opportunity_id__in=named
        )
    stays = changes(history)
    if days is not None:
        deals = deals.filter(created_on__range=days)
        stays = changes(history.filter(effective_on__range=days), until=days[1])
    cohort_sql, cohort_params = opportunities(deals).query.sql_with_params()
    stays_sql, stays_params = stays.query.sql_with_params()
    created, began = "c.created_on", "s.effective_on"
    if not by_day:
        created, began = month_start(created), month_start(began)
    period = "day" if by_day else "month"
    # named, for the table `move_opportunities` makes of them
    totals = ", ".join(f"SUM(u.{measure}) AS {measure}" for measure in MEASURES)
    sql = f"""
        SELECT u.owner_id AS owner_id, u.{period} AS {period}, {totals} FROM (
            SELECT c.owner_id AS owner_id, {created} AS {period}, {cohort_select_list()}
            FROM ({cohort_sql}) c GROUP BY c.owner_id, {created}
            UNION ALL
            SELECT s.owner_id AS owner_id, {began} AS {period}, {stay_select_list()}
            FROM ({stays_sql}) s WHERE {stays_condition()} GROUP BY s.owner_id, {began}
        ) u
        GROUP BY u.owner_id, u.{period}
    """
    return sql, [*cohort_params, *stays_params]


def refresh_owners(owner_ids: Iterable[int | None]) -> None:
    """Recompute these salespeople's rows from their opportunities and history: two
    statements, whatever the number of owners. Call it inside the writer's transaction,
    after the write, with the owners before AND after (a change of owner moves rows)."""
    ids = sorted({int(pk) for pk in owner_ids if pk is not None})
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        take_turns(ids)
        for table, period, columns in TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE owner_id IN ({marks})", ids)
            select, params = _select(ids, by_day=period == "day")
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)


# --- a few opportunities' share ----------------------------------------------------------
#
# Every measure is a sum over opportunities: an opportunity's cohort row in the month it was
# created, and its stays in the months they began, a stay's measures depending on that
# opportunity's own next change and nothing of the others'. So a writer that names the
# opportunities it changes has their share, as stored, taken out before the change (-1) and
# their share as it is now put in after (+1), read from their rows and history alone, as the
# forecast rollup moves its deals (`forecast/rollups.py`).

# Temporary tables of `move_opportunities`, dropped before it returns.
MOVED_IDS = "funnel_moved_ids"
MOVED_ROWS = "funnel_moved_rows"
MOVED_MONTHS = "funnel_moved_months"


def move_opportunities(opportunity_ids: Iterable[int], *, sign: int) -> None:
    """Take these opportunities' share out of the stored days and months as their rows and
    history are now (`sign` -1), or put it in (+1): what `refresh_owners` would change of
    those rows, found from these opportunities only. A writer calls it with -1 before it
    changes them (their row or their history) and +1 after, in its transaction. A few
    statements, whatever the number of opportunities: their days, and the months summed
    from those days."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    if not ids:
        return
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        ids_table(cursor, MOVED_IDS, ids) as among,
    ):
        cursor.execute(f"SELECT DISTINCT owner_id FROM {OPPORTUNITY} WHERE {among('id')}")
        take_turns(row[0] for row in cursor.fetchall())
        select, params = _select(None, among=(MOVED_IDS, ids[0], ids[-1]), by_day=True)
        cursor.execute(f"CREATE TEMPORARY TABLE {MOVED_ROWS} AS {select}", params)
        month, totals = month_start("day"), ", ".join(f"SUM({m}) AS {m}" for m in MEASURES)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {MOVED_MONTHS} AS SELECT owner_id, {month} AS month, "
            f"{totals} FROM {MOVED_ROWS} GROUP BY owner_id, {month}",
            [],
        )
        _merge(cursor, DAY_TABLE, "day", DAY_COLUMNS, MOVED_ROWS, sign)
        _merge(cursor, TABLE, "month", COLUMNS, MOVED_MONTHS, sign)
        cursor.execute(f"DROP TABLE {MOVED_ROWS}")
        cursor.execute(f"DROP TABLE {MOVED_MONTHS}")


def _merge(cursor, table: str, period: str, columns: str, moved: str, sign: int) -> None:
    """Add (`sign` +1) or take away (-1) the rows of the temporary table `moved` to or from
    `table`'s rows of the same owner and `period`; a row left all zero is no row, as a
    rebuild makes none (a row holds a deal created or a stay begun in it: never all
    zero)."""
    if connection.vendor == "postgresql":  # statistics for the moved rows (see ids_table)
        cursor.execute(f"ANALYZE {moved}")
    key = f"{table}.owner_id = d.owner_id AND {table}.{period} = d.{period}"
    plus = "+" if sign > 0 else "-"
    # joined by the (owner, period) index, row by moved row (a further `owner_id IN (…)`,
    # as the forecast's rollup needs, makes SQLite filter the whole table: 15 ms at L)
    sums = ", ".join(f"{m} = {table}.{m} {plus} d.{m}" for m in MEASURES)
    cursor.execute(f"UPDATE {table} SET {sums} FROM {moved} AS d WHERE {key}")
    if sign > 0:  # a row none of the owner's opportunities was in before
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {moved} AS d "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key})"
        )
    zero = " AND ".join(f"{table}.{m} = 0" for m in MEASURES)
    cursor.execute(
        f"DELETE FROM {table} WHERE {zero} "
        f"AND (owner_id, {period}) IN (SELECT owner_id, {period} FROM {moved})"
    )


def rebuild() -> int:
    """Both tables again from the opportunities and their history, in one transaction; the
    number of months."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table, period, columns in reversed(TABLES):
            cursor.execute(f"DELETE FROM {table}", [])
            select, params = _select(None, by_day=period == "day")
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        return cursor.rowcount


def _key(row) -> tuple:
    owner, period, *values = row
    return (owner, str(period)[:10], *(int(value or 0) for value in values))


def differences() -> list[tuple]:
    """Rows of the months that differ between the stored table and a recomputation (empty
    if equal); each is (`stored` or `fresh`, the row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {TABLE}", [])
        stored = sorted(map(_key, cursor.fetchall()))
        select, params = _select(None)
        cursor.execute(select, params)
        fresh = sorted(map(_key, cursor.fetchall()))
    return _compared(stored, fresh)


def day_differences() -> tuple[int, list[tuple]]:
    """How many rows of the days differ from a recomputation, and the first `KEEP` of them:
    a month of days in memory at a time (millions of rows at scale L, every one of them
    different before the table is built)."""
    count, found = 0, []
    every = set(FunnelDay.objects.dates("day", "month"))
    every |= set(Opportunity.objects.dates("created_on", "month"))
    every |= set(StageChange.objects.dates("effective_on", "month"))
    with connection.cursor() as cursor:
        for first in sorted(every):
            last = add_months(first, 1) - timedelta(days=1)
            cursor.execute(
                f"SELECT {DAY_COLUMNS} FROM {DAY_TABLE} WHERE day >= %s AND day <= %s",
                [first, last],
            )
            stored = sorted(map(_key, cursor.fetchall()))
            select, params = _select(None, by_day=True, days=(first, last))
            cursor.execute(select, params)
            month = _compared(stored, sorted(map(_key, cursor.fetchall())))
            count += len(month)
            found += month[: KEEP - len(found)]
    return count, found


def _compared(stored: list[tuple], fresh: list[tuple]) -> list[tuple]:
    # one row per (owner, period) on both sides: the table's unique constraint, the GROUP BY
    only_stored = set(stored) - set(fresh)
    only_fresh = set(fresh) - set(stored)
    return sorted([("stored", row) for row in only_stored] + [("fresh", row) for row in only_fresh])
