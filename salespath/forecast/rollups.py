"""The forecast rollup (issue 9): per-salesperson sums the forecast reads instead of every
opportunity, when that gives the same answer.

When no opportunity has an event after the cutoff date D (created, signed, completed, lost,
or a stage change dated after D), each opportunity's state on D is its current row, and the
rules of `state.py` then depend only on:

- time view: whether it is lost (never counted); its S7 month (`closed` iff the S7 date is on
  or after the fiscal year's start, always a 1st of a month); else whether it is omitted and
  unsigned (not counted); else its expected close date — to the DAY, since the columns end
  on D + 3/6/9/12 months. The rollup keeps the month; `queries.forecast` splits the (at most
  four) months holding a boundary with a small query on the opportunities.
- category view: lost; its signing month (`booked` iff on or after the fiscal year's start);
  else omitted and not completed (not counted); else its category and, for commit and best
  case only, the month of its expected close date (quarter ends are month ends).
- weighted: a signed or completed deal weighs 100 %, any other its probability.

So the table holds, per owner and view, one row per distinct (done month, close month,
category) with the number of deals, Σ cents and Σ cents × weight, and one row (category
`*`) over all their opportunities not lost.

Kept in step by `refresh_owners`, called in the same transaction by every writer of
opportunities (pipeline services, admin, imports), and by `rebuild` (generators, demo,
`salespath forecast-rollup --rebuild`). `covers(D)` says whether the forecast may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import connection, transaction

from salespath.pipeline.models import ForecastCategory, Opportunity, StageChange, Status

from .models import ForecastRollup

TABLE = ForecastRollup._meta.db_table
OPPORTUNITY = Opportunity._meta.db_table
STAGE_CHANGE = StageChange._meta.db_table
# The category of each owner's row counting every opportunity not lost (in no column): the
# forecast lists everyone who owns one, even if nothing of it counts on D (won years ago).
EVERY = "*"
COLUMNS = "owner_id, view, done_month, close_month, category, deals, amount, weighted"


def enabled() -> bool:
    """`SALESPATH_FORECAST_ROLLUP = False` makes every forecast read the opportunities.

    The test suite turns it off by default (tests/conftest.py), since its builders write
    opportunities directly, as only the services and importers may in production; the
    rollup's own tests turn it on."""
    return getattr(settings, "SALESPATH_FORECAST_ROLLUP", True)


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    # `%%`: every statement of this module is run with a parameter list, so `%` is escaped
    return f"strftime('%%Y-%%m-01', {column})"


def _cents() -> str:
    return (
        "CAST(ROUND(amount * 100) AS BIGINT)"
        if connection.vendor == "postgresql"
        else ("CAST(ROUND(amount * 100) AS INTEGER)")
    )


def _select(owner_filter: str) -> str:
    """Both views' rows of the opportunities matching `owner_filter` (an SQL condition)."""
    cents = _cents()
    omitted = f"'{ForecastCategory.OMITTED}'"
    forecast_categories = f"('{ForecastCategory.COMMIT}', '{ForecastCategory.BEST_CASE}')"
    # Under coverage a set date is on or before D, so "signed or completed on D" is "set".
    weight = "CASE WHEN signed_on IS NOT NULL OR won_on IS NOT NULL THEN 100 ELSE probability END"
    sums = f"COUNT(*), SUM({cents}), SUM({cents} * {weight})"
    base = f"FROM {OPPORTUNITY} WHERE NOT status = '{Status.LOST}' AND {owner_filter}"
    time_done = f"CASE WHEN won_on IS NOT NULL THEN {_month('won_on')} END"
    time_close = f"CASE WHEN won_on IS NULL THEN {_month('expected_close')} END"
    open_forecast = f"signed_on IS NULL AND forecast_category IN {forecast_categories}"
    cat_done = f"CASE WHEN signed_on IS NOT NULL THEN {_month('signed_on')} END"
    cat_close = f"CASE WHEN {open_forecast} THEN {_month('expected_close')} END"
    cat_category = f"CASE WHEN {open_forecast} THEN forecast_category ELSE '' END"
    return f"""
        SELECT owner_id, 'time', {time_done}, {time_close}, '', {sums}
        {base} AND (won_on IS NOT NULL OR signed_on IS NOT NULL OR forecast_category <> {omitted})
        GROUP BY owner_id, {time_done}, {time_close}
        UNION ALL
        SELECT owner_id, 'category', {cat_done}, {cat_close}, {cat_category}, {sums}
        {base} AND (signed_on IS NOT NULL OR won_on IS NOT NULL OR forecast_category <> {omitted})
        GROUP BY owner_id, {cat_done}, {cat_close}, {cat_category}
        UNION ALL
        SELECT owner_id, 'time', NULL, NULL, '{EVERY}', {sums} {base} GROUP BY owner_id
        UNION ALL
        SELECT owner_id, 'category', NULL, NULL, '{EVERY}', {sums} {base} GROUP BY owner_id
    """


def refresh_owners(owner_ids: Iterable[int | None]) -> None:
    """Recompute the rollup rows of these salespeople from their opportunities: two
    statements, whatever the number of owners. Call it inside the writer's transaction,
    after the write, with the owners before AND after (a change of owner moves rows)."""
    ids = sorted({int(pk) for pk in owner_ids if pk is not None})
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE owner_id IN ({marks})", ids)
        select = _select(f"owner_id IN ({marks})")
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {select}", ids * 4)  # 4 SELECTs


def rebuild() -> int:
    """The whole table again from the opportunities, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_select('1 = 1')}", [])
        return cursor.rowcount


def _key(row) -> tuple:
    owner, view, done, close, category, deals, amount, weighted = row
    return (owner, view, str(done or ""), str(close or ""), category, deals, amount, weighted)


def differences() -> list[tuple]:
    """Rows that differ between the stored rollup and a fresh computation (empty if equal);
    each is (`stored` or `fresh`, the row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {TABLE}", [])
        stored = sorted(map(_key, cursor.fetchall()))
        cursor.execute(_select("1 = 1"), [])
        fresh = sorted(map(_key, cursor.fetchall()))
    only_stored = set(stored) - set(fresh)
    only_fresh = set(fresh) - set(stored)
    # duplicates would hide in the sets: compare the multisets too
    if not only_stored and not only_fresh and len(stored) != len(fresh):
        return [("stored", row) for row in stored]
    return sorted([("stored", row) for row in only_stored] + [("fresh", row) for row in only_fresh])


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
    with connection.cursor() as cursor:
        cursor.execute(latest_event_sql())
        dates = cursor.fetchone()
    for value in dates:
        if value is None:
            continue
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        if day > as_of:
            return False
    return True
