"""The stored stage funnel (`FunnelMonth`): per salesperson and month, the funnel's sums of
`funnel.py`, grouped by the month the opportunity was created (the cohort's measures) and
the month each stay began (the stays').

It is kept in step by `refresh_owners`, which the pipeline app calls when a writer announces
the owners whose opportunities it changed (`pipeline/signals.py`, `pipeline/apps.py`), in
the writer's transaction; `rebuild` recomputes it all (generators, demo, `salespath verify
--repair`, and so after a restore or a migration), and `differences` compares it with a
recomputation (`forecast/integrity.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from salespath.lib.sql import month_start
from salespath.org.models import User

from .funnel import (
    changes,
    cohort_select_list,
    opportunities,
    stay_select_list,
    stays_condition,
)
from .models import FunnelMonth, Opportunity, StageChange
from .models.funnel import MEASURES

TABLE = FunnelMonth._meta.db_table
COLUMNS = ", ".join(["owner_id", "month", *MEASURES])


def _select(owner_ids: list[int] | None) -> tuple[str, list]:
    """The rollup's rows of these owners (every owner: None) from the opportunities and
    their history, by `funnel.py`'s sums: one row per owner and month."""
    deals, history = Opportunity.objects.all(), StageChange.objects.all()
    if owner_ids is not None:
        deals = deals.filter(owner_id__in=owner_ids)
        history = history.filter(opportunity__owner_id__in=owner_ids)
    cohort_sql, cohort_params = opportunities(deals).query.sql_with_params()
    stays_sql, stays_params = changes(history).query.sql_with_params()
    created, began = month_start("c.created_on"), month_start("s.effective_on")
    totals = ", ".join(f"SUM(u.{measure})" for measure in MEASURES)
    sql = f"""
        SELECT u.owner_id, u.month, {totals} FROM (
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
        # Two writers refreshing the same owner take turns (as the forecast's rollup does):
        # the second one's statements then see the first one's committed rows.
        list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        cursor.execute(f"DELETE FROM {TABLE} WHERE owner_id IN ({marks})", ids)
        select, params = _select(ids)
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {select}", params)


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
