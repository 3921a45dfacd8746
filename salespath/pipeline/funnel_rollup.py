"""The stored stage funnel (`FunnelMonth`): per salesperson and month, the funnel's sums of
`funnel.py`, grouped by the month the opportunity was created (the cohort's measures) and
the month each stay began (the stays').

It is kept in step in the writer's transaction by the pipeline app, when a writer announces
what it changed (`pipeline/signals.py`, `pipeline/apps.py`): by `move_opportunities` when it
names the opportunities (the services, the importer), which takes their share out before
the change and puts it back after, else by `refresh_owners`, which recomputes every month of
the owners it names (a bulk update). `rebuild` recomputes it all (generators, demo,
`salespath verify --repair`, and so after a restore or a migration), and `differences`
compares it with a recomputation (`forecast/integrity.py`).

Moving shares keeps a row right only if it was right before: a row that drifted (a write
that announced nothing, a hand edit) stays wrong until `salespath verify` finds it and
`--repair` rebuilds the table; recomputing the rows of a write would have mended them, at
seconds per import.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from salespath.lib.sql import ids_table, month_start

from .funnel import (
    changes,
    cohort_select_list,
    opportunities,
    stay_select_list,
    stays_condition,
)
from .models import FunnelMonth, Opportunity, StageChange
from .models.funnel import MEASURES
from .signals import take_turns

TABLE = FunnelMonth._meta.db_table
OPPORTUNITY = Opportunity._meta.db_table
COLUMNS = ", ".join(["owner_id", "month", *MEASURES])


def _select(
    owner_ids: list[int] | None, among: tuple[str, int, int] | None = None
) -> tuple[str, list]:
    """The rollup's rows of these owners (every owner: None) from the opportunities and
    their history, by `funnel.py`'s sums: one row per owner and month. With `among` (a
    table of opportunity ids, the lowest and the highest), the share of those opportunities
    alone: each one's cohort row and its stays, a stay ended by the opportunity's own next
    change, so their whole history is read and nobody else's."""
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
    cohort_sql, cohort_params = opportunities(deals).query.sql_with_params()
    stays_sql, stays_params = changes(history).query.sql_with_params()
    created, began = month_start("c.created_on"), month_start("s.effective_on")
    # named, for the table `move_opportunities` makes of them
    totals = ", ".join(f"SUM(u.{measure}) AS {measure}" for measure in MEASURES)
    sql = f"""
        SELECT u.owner_id AS owner_id, u.month AS month, {totals} FROM (
            SELECT c.owner_id AS owner_id, {created} AS month, {cohort_select_list()}
            FROM ({cohort_sql}) c GROUP BY c.owner_id, {created}
            UNION ALL
            SELECT s.owner_id AS owner_id, {began} AS month, {stay_select_list()}
            FROM ({stays_sql}) s WHERE {stays_condition()} GROUP BY s.owner_id, {began}
        ) u
        GROUP BY u.owner_id, u.month
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
        cursor.execute(f"DELETE FROM {TABLE} WHERE owner_id IN ({marks})", ids)
        select, params = _select(ids)
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {select}", params)


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


def move_opportunities(opportunity_ids: Iterable[int], *, sign: int) -> None:
    """Take these opportunities' share out of the stored months as their rows and history
    are now (`sign` -1), or put it in (+1): what `refresh_owners` would change of those
    months, found from these opportunities only. A writer calls it with -1 before it
    changes them (their row or their history) and +1 after, in its transaction. A few
    statements, whatever the number of opportunities; a month left all zero is no row, as
    a rebuild makes none (a row holds a deal created or a stay begun in it: never all zero)."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    if not ids:
        return
    key = f"{TABLE}.owner_id = d.owner_id AND {TABLE}.month = d.month"
    plus = "+" if sign > 0 else "-"
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        ids_table(cursor, MOVED_IDS, ids) as among,
    ):
        cursor.execute(f"SELECT DISTINCT owner_id FROM {OPPORTUNITY} WHERE {among('id')}")
        take_turns(row[0] for row in cursor.fetchall())
        select, params = _select(None, among=(MOVED_IDS, ids[0], ids[-1]))
        cursor.execute(f"CREATE TEMPORARY TABLE {MOVED_ROWS} AS {select}", params)
        if connection.vendor == "postgresql":  # statistics for the moved rows (see ids_table)
            cursor.execute(f"ANALYZE {MOVED_ROWS}")
        # joined by the (owner, month) index, row by moved row (a further `owner_id IN (…)`,
        # as the forecast's rollup needs, makes SQLite filter the whole table: 15 ms at L)
        sums = ", ".join(f"{m} = {TABLE}.{m} {plus} d.{m}" for m in MEASURES)
        cursor.execute(f"UPDATE {TABLE} SET {sums} FROM {MOVED_ROWS} AS d WHERE {key}")
        if sign > 0:  # a month none of the owner's opportunities was in before
            cursor.execute(
                f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {MOVED_ROWS} AS d "
                f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE {key})"
            )
        zero = " AND ".join(f"{TABLE}.{m} = 0" for m in MEASURES)
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE {zero} "
            f"AND (owner_id, month) IN (SELECT owner_id, month FROM {MOVED_ROWS})"
        )
        cursor.execute(f"DROP TABLE {MOVED_ROWS}")


def rebuild() -> int:
    """The whole table again from the opportunities and their history, in one transaction;
    the number of rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}", [])
        select, params = _select(None)
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {select}", params)
        return cursor.rowcount


def _key(row) -> tuple:
    owner, month, *values = row
    return (owner, str(month)[:10], *(int(value or 0) for value in values))


def differences() -> list[tuple]:
    """Rows that differ between the stored table and a recomputation (empty if equal);
    each is (`stored` or `fresh`, the row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {TABLE}", [])
        stored = sorted(map(_key, cursor.fetchall()))
        select, params = _select(None)
        cursor.execute(select, params)
        fresh = sorted(map(_key, cursor.fetchall()))
    # one row per (owner, month) on both sides: the table's unique constraint, the GROUP BY
    only_stored = set(stored) - set(fresh)
    only_fresh = set(fresh) - set(stored)
    return sorted([("stored", row) for row in only_stored] + [("fresh", row) for row in only_fresh])
