"""The stored stage funnel (`FunnelMonth`): per salesperson and month, the funnel's sums of
`funnel.py`, grouped by the month the opportunity was created (the cohort's measures) and
the month each stay began (the stays').

It is kept in step in the writer's transaction by the pipeline app, when a writer announces
what it changed (`pipeline/signals.py`, `pipeline/apps.py`): by `note_months` and
`refresh_months` when it names the opportunities (the services, the importer), which
recompute only the months those were in and are in, else by `refresh_owners`, which
recomputes every month of the owners it names (a bulk update). `rebuild` recomputes it all
(generators, demo, `salespath verify --repair`, and so after a restore or a migration), and
`differences` compares it with a recomputation (`forecast/integrity.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction

from salespath.lib.fiscal import add_months
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
STAGE_CHANGE = StageChange._meta.db_table
COLUMNS = ", ".join(["owner_id", "month", *MEASURES])


def _select(
    owner_ids: list[int] | None, within: tuple[date, date] | None = None
) -> tuple[str, list]:
    """The rollup's rows of these owners (every owner: None) from the opportunities and
    their history, by `funnel.py`'s sums: one row per owner and month. With `within`
    (first day, day after the last), only the rows of the months in the keys' table
    (`KEYS`), which all lie within those days: the opportunities created and the stays
    begun in them are read, each stay with the first change after it (`changes`)."""
    deals, history = Opportunity.objects.all(), StageChange.objects.all()
    if owner_ids is not None:
        deals = deals.filter(owner_id__in=owner_ids)
        history = history.filter(opportunity__owner_id__in=owner_ids)
    until, keyed = None, ""
    if within is not None:
        first, after = within
        deals = deals.filter(created_on__gte=first, created_on__lt=after)
        history = history.filter(effective_on__gte=first, effective_on__lt=after)
        until = after - timedelta(days=1)
        keyed = f"WHERE (u.owner_id, u.month) IN (SELECT owner_id, month FROM {KEYS})"
    cohort_sql, cohort_params = opportunities(deals).query.sql_with_params()
    stays_sql, stays_params = changes(history, until=until).query.sql_with_params()
    created, began = month_start("c.created_on"), month_start("s.effective_on")
    totals = ", ".join(f"SUM(u.{measure})" for measure in MEASURES)
    sql = f"""
        SELECT u.owner_id, u.month, {totals} FROM (
            SELECT c.owner_id AS owner_id, {created} AS month, {cohort_select_list()}
            FROM ({cohort_sql}) c GROUP BY c.owner_id, {created}
            UNION ALL
            SELECT s.owner_id AS owner_id, {began} AS month, {stay_select_list()}
            FROM ({stays_sql}) s WHERE {stays_condition()} GROUP BY s.owner_id, {began}
        ) u {keyed}
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


# --- the rows a few opportunities are in ------------------------------------------------
#
# A row sums the opportunities created in its month and the stays that began in it; a
# stay's measures depend on its opportunity's next change (when it ended) and nothing else
# of other opportunities. So a change to some opportunities can only change the rows of
# their owner (before and after) and of the months they were created in and their stage
# changes took effect in (before and after). `note_months` keeps those keys of the rows
# before a writer changes them, `refresh_months` adds them as they are after and
# recomputes those rows alone. The keys are kept in a temporary table, in the writer's
# transaction: a rollback (of the transaction or of a savepoint around the change) takes
# them away with the change, and another connection never sees them.

# The keys (owner, month) of the rows to recompute, between `note_months` and
# `refresh_months`.
KEYS = "funnel_keys"
# The opportunities whose keys are noted, while `_note` runs.
NOTED_IDS = "funnel_noted_ids"


def _note(cursor, opportunity_ids: Iterable[int]) -> None:
    """Add the keys of these opportunities' rows, as they are stored now, to `KEYS`."""
    ids = {int(pk) for pk in opportunity_ids}
    kind = "date" if connection.vendor == "postgresql" else "text"  # as `month_start` gives
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {KEYS} (owner_id BIGINT, month {kind})")
    if not ids:
        return
    with ids_table(cursor, NOTED_IDS, ids) as among:
        # every change of their history, also those whose stay the sums leave out: noting
        # a row too many only recomputes it
        cursor.execute(
            f"INSERT INTO {KEYS} (owner_id, month) "
            f"SELECT o.owner_id, {month_start('o.created_on')} FROM {OPPORTUNITY} o "
            f"WHERE {among('o.id')} "
            f"UNION "
            f"SELECT o.owner_id, {month_start('s.effective_on')} FROM {STAGE_CHANGE} s "
            f"JOIN {OPPORTUNITY} o ON o.id = s.opportunity_id WHERE {among('s.opportunity_id')}",
            [],
        )


def note_months(opportunity_ids: Iterable[int]) -> None:
    """Before a writer changes these opportunities: the rows they are in now are to be
    recomputed by `refresh_months` once it has."""
    with transaction.atomic(), connection.cursor() as cursor:
        _note(cursor, opportunity_ids)


def refresh_months(opportunity_ids: Iterable[int]) -> None:
    """After a writer changed (or created) these opportunities, having called `note_months`
    before: the rows they were in and the rows they are in now, recomputed from every
    opportunity and change of those owners and months. A few statements, whatever the
    number of opportunities."""
    with transaction.atomic(), connection.cursor() as cursor:
        _note(cursor, opportunity_ids)
        cursor.execute(f"SELECT owner_id, MIN(month), MAX(month) FROM {KEYS} GROUP BY owner_id")
        found = cursor.fetchall()
        if found:
            owners = sorted(owner for owner, _first, _last in found)
            first = min(_day(first) for _owner, first, _last in found)
            after = add_months(max(_day(last) for _owner, _first, last in found), 1)
            take_turns(owners)  # as `refresh_owners`
            keys = f"(owner_id, month) IN (SELECT owner_id, month FROM {KEYS})"
            cursor.execute(f"DELETE FROM {TABLE} WHERE {keys}", [])
            select, params = _select(owners, within=(first, after))
            cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {select}", params)
        cursor.execute(f"DROP TABLE {KEYS}")


def _day(value) -> date:
    """A month as the keys' table gives it: a date (PostgreSQL) or its ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


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
