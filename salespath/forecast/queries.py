"""The sales forecast (SPEC §5) as plain data: the grid, the opportunities behind a cell,
and the overdue ones.

Each report is a few set-based queries whatever the number of opportunities: one
aggregation per person (or per product) and column, one for the people, one for the
overdue list. The rules of "the state on D" live in `state.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.localize import localized
from salespath.org.access import branch_people
from salespath.org.names import person_name
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity, Status

from . import month_ends, rollups
from .people import members_of, people_rows, scope_dict, scoped
from .rows import ZERO, Figures, cents, money, rows_and_total
from .state import (
    COLUMNS,
    TIME,
    VIEWS,
    Horizon,
    close_alias,
    column_alias,
    counted_on,
    in_cents,
    overdue_filter,
)

BY = ("owner", "team", "branch", "product")
# The overdue opportunities a forecast lists (the oldest first; `overdue_count` has them all).
OVERDUE_LIMIT = 100
BY_LEVEL = {"owner": "person", "team": "team", "branch": "branch"}
MONEY = DecimalField(max_digits=24, decimal_places=2)


def _check(view: str, by: str = "owner") -> None:
    if view not in VIEWS:
        raise DomainError(
            _("Unknown view “%(view)s”: use time or category.") % {"view": view}, code="invalid"
        )
    if by not in BY:
        raise DomainError(
            _("Unknown grouping “%(by)s”: use owner, team, branch or product.") % {"by": by},
            code="invalid",
        )


def _amount(weighted: bool, amount: str = "amount"):
    """The summed amount in cents; weighted sums cents × weight (percent)."""
    if weighted:
        return ExpressionWrapper(in_cents(F(amount)) * F("weight"), output_field=BigIntegerField())
    return in_cents(F(amount))


def _column_groups(queryset: QuerySet, view: str, amount, *keys: str) -> list[dict]:
    """Per value of `keys` in `queryset`, the view's columns as `v_<column>` (the summed
    `amount`) and `n_<column>` (deals), beside the keys' values: one query grouped by the
    keys and the column (`state.column_alias`'s value), pivoted here.

    Grouped, the column's rule — a CASE reading the state on D — is written once; as a
    conditional sum per column and measure it was written twelve times, which cost more to
    compile than a small forecast's queries take to run (at scale L the reads measured the
    same either way). A key whose deals are in no column is listed with nothing in them, as
    the rollup's rows list an owner with deals on D."""
    groups = (
        queryset.annotate(column_key=F(column_alias(view)))
        .values(*keys, "column_key")
        .annotate(v=Sum(amount, output_field=BigIntegerField()), n=Count("pk"))
        .order_by()
    )
    pivoted: dict[tuple, dict] = {}
    for group in groups:
        row = pivoted.get(key := tuple(group[name] for name in keys))
        if row is None:
            row = pivoted[key] = {name: group[name] for name in keys}
            row.update({f"{m}_{column}": 0 for column in COLUMNS[view] for m in ("v", "n")})
        if group["column_key"] is not None:
            row[f"v_{group['column_key']}"] = group["v"] or 0
            row[f"n_{group['column_key']}"] = group["n"]
    return list(pivoted.values())


def _divisor(weighted: bool) -> Decimal:
    return Decimal(10_000) if weighted else Decimal(100)


def cents_figure(value: int, weighted: bool) -> Decimal:
    """Integer cents (or cents × percent when weighted) as an amount, rounded half up to the
    cent like `rows.cents`, without leaving integers."""
    if weighted:
        value = (value + 50) // 100
    return Decimal(value).scaleb(-2)


def _figures(row: dict, view: str, weighted: bool) -> Figures:
    divisor = _divisor(weighted)
    columns = COLUMNS[view]
    return Figures(
        columns,
        values={c: cents(Decimal(row[f"v_{c}"] or 0) / divisor) for c in columns},
        counts={c: row[f"n_{c}"] for c in columns},
    )


def forecast(
    scope: Scope,
    as_of: date,
    view: str = "time",
    by: str = "owner",
    weighted: bool = False,
    *,
    rollup: bool | None = None,
    overdue_limit: int | None = OVERDUE_LIMIT,
) -> dict:
    """The 销售预测 of `scope` on `as_of` in the shape documented in docs/forecast.md.

    `overdue` lists the `overdue_limit` oldest overdue opportunities (None: all of them, as
    the workbook's sheet does) and `overdue_count` how many there are.

    Read from the rollup (`rollups.py`) when it gives the same answer — nothing happened
    after `as_of` and the rows are per person —, on an earlier date from the rollup of the
    month end before it (`month_ends.py`), else from the opportunities and their history.
    `rollup=False` forces the latter (tests compare the two); None follows the
    `SALESPATH_FORECAST_ROLLUP` setting."""
    _check(view, by)
    horizon = Horizon.on(as_of)
    columns = COLUMNS[view]
    use_rollup = rollups.enabled() if rollup is None else rollup
    if use_rollup and by != "product" and rollups.covers(as_of):
        answer = rollups.owner_sums(horizon, view, _rollup_owners(scope), scoped(scope))
        overdue = _current_overdue(scope, horizon, view, overdue_limit, answer.overdue_count)
        # (the owners as a subquery: thousands of ids as parameters cost more to send)
        rows, total = _rollup_rows(scope, by, columns, answer.sums, answer.owners, weighted)
        return _forecast_dict(scope, horizon, view, by, weighted, rows, total, overdue)

    start = month_ends.start_for(as_of) if use_rollup and by != "product" else None
    if start is not None:
        sums, overdue_count = month_ends.past_sums(horizon, view, _rollup_owners(scope), start)
        overdue = _past_overdue(scope, horizon, view, overdue_limit, overdue_count)
        rows, total = _rollup_rows(scope, by, columns, sums, set(sums), weighted)
        return _forecast_dict(scope, horizon, view, by, weighted, rows, total, overdue)

    counted = counted_on(horizon, scoped(scope))

    # Grouped by `owner + 0`, not `owner`: SQLite would walk the index by owner to save a
    # sort, fetching the opportunities in the index's order, one table page per row; the
    # expression makes it read the table through and group after (issue 20: 2–3 times
    # faster at scale M for a company on a past date). The filter by owner of a team's or
    # branch's forecast still uses the index.
    owner_key = ExpressionWrapper(F("owner") + 0, output_field=IntegerField())
    per_owner = _column_groups(
        counted.annotate(owner_key=owner_key), view, _amount(weighted), "owner_key"
    )
    owner_figures = {row["owner_key"]: _figures(row, view, weighted) for row in per_owner}

    if by == "product":
        rows = _product_rows(counted, view, weighted)
        total = Figures.summed(columns, [])
        for row_figures in owner_figures.values():  # counts: each opportunity once
            for column in columns:
                total.counts[column] += row_figures.counts[column]
        for row in rows:  # amounts: the product rows add up to the total
            for column in columns:
                total.values[column] += Decimal(row["values"][column])
    else:
        members = members_of(people_rows(scope, set(owner_figures)), owner_figures, columns)
        rows, total = rows_and_total(members, BY_LEVEL[by], scope.kind, columns)
    overdue = _overdue(counted, horizon, view, overdue_limit)
    return _forecast_dict(scope, horizon, view, by, weighted, rows, total, overdue)


def _forecast_dict(scope, horizon, view, by, weighted, rows, total, overdue) -> dict:
    return {
        "as_of": horizon.as_of.isoformat(),
        "view": view,
        "by": by,
        "weighted": weighted,
        "currency": "CNY",
        "scope": scope_dict(scope),
        "fiscal_year": {
            "start": horizon.fiscal_year.start.isoformat(),
            "end": horizon.fiscal_year.end.isoformat(),
        },
        "quarter": str(horizon.quarter),
        "next_quarter": str(horizon.next_quarter),
        "columns": list(COLUMNS[view]),
        "rows": rows,
        "total": total.as_dict(),
        "overdue": overdue["items"],
        "overdue_count": overdue["count"],
    }


def _current_overdue(
    scope: Scope, h: Horizon, view: str, limit: int | None, count: int | None
) -> dict:
    """`_overdue` when nothing happened after D: the close date is the expected one. The
    oldest `limit` from the index by close date (pipeline migration 0005), and the count
    from the day's rows (`count`) or, on another day, a count of that index."""
    candidates = rollups.time_open if view == TIME else rollups.category_open
    overdue = candidates(scoped(scope)).filter(expected_close__lte=h.as_of)
    rows = _overdue_rows(overdue)
    rows = list(rows if limit is None else rows[:limit])
    return {
        "count": (
            count
            if count is not None
            else len(rows)
            if limit is None or len(rows) < limit
            else overdue.count()
        ),
        "items": [_overdue_item(row) for row in rows],
    }


def _past_overdue(scope: Scope, h: Horizon, view: str, limit: int | None, count: int) -> dict:
    """`_overdue` on a past date D when `count` is known (`month_ends.past_sums`).

    Overdue on D are open on D with a close date on or before D, so never done: a deal
    completed (time view) or signed (category view) after D closes then, after D
    (`state.close_date`). So either open in the view now (the index of
    `rollups.time_open` / `category_open`: pipeline migration 0005) or lost after D — a
    deal lost now whose loss is dated on or before D was lost on D, its status unchanged
    since (and a lost deal has its date: `opportunity_lost_has_reason`). Each part is read
    in the order of close dates and cut at `limit`, where one query sorted every deal
    closing by D (2–3 s at scale L)."""
    if not count:
        return {"count": 0, "items": []}
    d = h.as_of
    done = "won_on" if view == TIME else "signed_on"
    deals = scoped(scope).filter(**{f"{done}__isnull": True})
    # lost after D: those closing by D found in the index of loss dates alone (pipeline
    # migration 0013), then read (as a condition on the scope's deals SQLite walked every
    # deal lost since D, person by person; with the status too, every lost deal in the
    # order of close dates); the rules below read the status on D anyway
    lost_since = Opportunity.objects.filter(lost_on__gt=d, expected_close__lte=d).values("pk")
    open_now, since = deals.exclude(status=Status.LOST), deals.filter(pk__in=lost_since)
    found = []
    for part in (open_now, since):
        overdue = counted_on(h, part).filter(overdue_filter(h, view), expected_close__lte=d)
        rows = _overdue_rows(overdue)
        found += rows if limit is None else rows[:limit]
    found.sort(key=lambda row: (row["expected_close"], row["pk"]))
    found = found if limit is None else found[:limit]
    return {"count": count, "items": [_overdue_item(row) for row in found]}


def _rollup_rows(scope: Scope, by: str, columns, sums: rollups.Sums, owners, weighted: bool):
    """The report's rows and total from the rollup's sums per owner (`owners`: their ids,
    or a subquery giving them)."""
    owner_figures = {owner: _rollup_figures(sums[owner], weighted) for owner in sums}
    members = members_of(people_rows(scope, owners), owner_figures, columns)
    return rows_and_total(members, BY_LEVEL[by], scope.kind, columns)


def _overdue_rows(overdue: QuerySet) -> QuerySet:
    """The overdue list's fields, oldest close date first."""
    return overdue.values(
        "pk", "name", "owner__username", "expected_close", owner_name=person_name("owner")
    ).order_by("expected_close", "pk")


def _rollup_owners(scope: Scope) -> Q:
    """The scope's owners as `owner IN (SELECT id FROM users …)`: with a join instead,
    SQLite walks the whole view's rows by date rather than each owner's few rows."""
    if scope.kind in ("company", "person"):
        return Q(**scope.owner_filter())
    return Q(owner__in=scope.people().values("pk"))


def _rollup_figures(sums: dict[str, list[int]], weighted: bool) -> Figures:
    """A person's figures from the rollup's [deals, cents, cents × percent] per column."""
    index = 2 if weighted else 1
    values, counts = {}, {}
    for key, numbers in sums.items():
        values[key] = cents_figure(numbers[index], weighted) if numbers[index] else ZERO
        counts[key] = numbers[0]
    return Figures(list(sums), values=values, counts=counts)


def _product_rows(counted: QuerySet, view: str, weighted: bool) -> list[dict]:
    """Rows per product category from the product lines; an opportunity without lines
    counts under "unspecified product" (key null) with its own amount."""
    line_amount = in_cents(Coalesce(F("lines__amount"), F("amount"), output_field=MONEY))
    if weighted:
        line_amount = ExpressionWrapper(line_amount * F("weight"), output_field=BigIntegerField())
    per_product = _column_groups(
        counted,
        view,
        line_amount,
        "lines__product__code",
        "lines__product__name",
        "lines__product__name_en",
        "lines__product__sort_order",
    )
    rows = []
    for row in per_product:
        code = row["lines__product__code"]
        label = (
            localized(row["lines__product__name"], row["lines__product__name_en"])
            if code
            else _("Unspecified product")
        )
        rows.append(
            (
                (code is None, row["lines__product__sort_order"] or 0, code or ""),
                {"key": code, "label": label, "level": "product"}
                | _figures(row, view, weighted).as_dict(),
            )
        )
    return [row for _sort, row in sorted(rows, key=lambda pair: pair[0])]


def _overdue(counted: QuerySet, horizon: Horizon, view: str, limit: int | None) -> dict:
    # An overdue close date is the expected one (a win or signing after D closes after D),
    # so `expected_close <= D` adds no condition; it lets SQLite read the index by close
    # date instead of every opportunity (issue 20).
    overdue = counted.filter(overdue_filter(horizon, view), expected_close__lte=horizon.as_of)
    overdue = overdue.annotate(close_date=F(close_alias(view)))
    return _overdue_list(overdue, "close_date", limit)


def _overdue_list(overdue: QuerySet, close: str, limit: int | None) -> dict:
    """The oldest `limit` overdue opportunities and how many there are, in one query: a
    company has thousands, and a page or a reply lists the ones to chase first."""
    rows = (
        overdue.annotate(overdue_count=Window(Count("pk")))
        .values(
            "pk",
            "name",
            "owner__username",
            "expected_close",
            "overdue_count",
            owner_name=person_name("owner"),
        )
        .order_by(close, "pk")
    )
    rows = list(rows if limit is None else rows[:limit])
    return {
        "count": rows[0]["overdue_count"] if rows else 0,
        "items": [_overdue_item(row) for row in rows],
    }


def _overdue_item(row: dict) -> dict:
    return {
        "opportunity": row["pk"],
        "name": row["name"],
        "owner": row["owner__username"],
        "owner_name": row["owner_name"],
        "expected_close": row["expected_close"].isoformat(),
    }


def _row_filter(level: str, key: str | None) -> Q:
    """The opportunities behind one report row (see `members_of` for the tree)."""
    if level == "person":
        return Q(owner__username=key)
    if level == "team":
        return Q(owner__team__code=key) if key else Q(owner__team__isnull=True)
    if level == "branch":
        if not key:
            return Q(owner__team__isnull=True, owner__branch__isnull=True)
        return branch_people(key, "owner", "__code")
    if level == "company":
        return Q()
    if level == "product":
        return Q(lines__product__code=key) if key else Q(lines__isnull=True)
    raise DomainError(_("Unknown row level “%(level)s”.") % {"level": level}, code="invalid")


def _cell_opportunities(
    scope: Scope,
    as_of: date,
    *,
    view: str,
    level: str,
    key: str | None,
    column: str | None,
) -> QuerySet:
    """The opportunities behind one cell of `forecast` (a row and a column; no column means
    the whole row), with the cell's column, close date, amount and weight, soonest first."""
    _check(view)
    if column is not None and column not in COLUMNS[view]:
        raise DomainError(
            _("Unknown column “%(column)s” for this view.") % {"column": column}, code="invalid"
        )
    horizon = Horizon.on(as_of)
    alias = column_alias(view)
    counted = counted_on(horizon, scoped(scope)).filter(_row_filter(level, key))
    counted = counted.filter(**({alias: column} if column else {f"{alias}__isnull": False}))
    amount = "lines__amount" if level == "product" and key else "amount"
    return counted.annotate(
        cell_column=F(alias),
        close_date=F(close_alias(view)),
        cell_amount=F(amount),
        cell_weight=F("weight"),
        overdue=ExpressionWrapper(overdue_filter(horizon, view), output_field=BooleanField()),
    ).order_by("close_date", "pk")


def _cell_item(row: dict, weighted: bool) -> dict:
    return {
        "opportunity": row["pk"],
        "name": row["name"],
        "owner": row["owner__username"],
        "owner_name": row["owner_name"],
        "stage": row["stage_id"],
        "category": row["forecast_category"],
        "probability": row["probability"],
        "expected_close": row["expected_close"].isoformat(),
        "close_date": row["close_date"].isoformat(),
        "column": row["cell_column"],
        "amount": money(row["cell_amount"]),
        "value": money(
            row["cell_amount"] * row["cell_weight"] / 100 if weighted else row["cell_amount"]
        ),
        "overdue": bool(row["overdue"]),
    }


CELL_FIELDS = (
    "pk",
    "name",
    "owner__username",
    "stage_id",
    "forecast_category",
    "probability",
    "expected_close",
    "close_date",
    "cell_column",
    "cell_amount",
    "cell_weight",
    "overdue",
)


def forecast_cell(
    scope: Scope,
    as_of: date,
    *,
    view: str,
    level: str,
    key: str | None,
    column: str | None = None,
    weighted: bool = False,
) -> list[dict]:
    """Every opportunity behind one cell of `forecast` (a row and a column; no column means
    the whole row). Their amounts add up to the cell; one query."""
    rows = _cell_opportunities(scope, as_of, view=view, level=level, key=key, column=column)
    rows = rows.values(*CELL_FIELDS, owner_name=person_name("owner"))
    return [_cell_item(row, weighted) for row in rows]


CELL_PAGE = 100  # opportunities per page of a cell's drill-down


@dataclass(frozen=True)
class CellPage:
    """One page of a cell's opportunities, and what the whole cell holds."""

    rows: list[dict]
    number: int
    pages: int
    deals: int
    total: str  # the cell's figure, as `forecast` shows it (`money`)


def forecast_cell_paged(
    scope: Scope,
    as_of: date,
    *,
    view: str,
    level: str,
    key: str | None,
    column: str | None = None,
    weighted: bool = False,
    page: int | str | None = 1,
    per_page: int | None = None,
) -> CellPage:
    """A page of `forecast_cell`'s opportunities (a company's cell holds hundreds of
    thousands at scale L: a page of all of them was 72 MB and 19 s), with the number of
    deals and the cell's total: two queries (three for a page past the last). A page past
    the last shows the last, one that is not a number the first."""
    per_page = per_page or CELL_PAGE
    deals = _cell_opportunities(scope, as_of, view=view, level=level, key=key, column=column)
    value = F("cell_amount") * F("cell_weight") / 100 if weighted else F("cell_amount")
    total = Sum(value, output_field=DecimalField(max_digits=20, decimal_places=4))
    number = max(1, int(page)) if str(page).isdigit() else 1
    # One pass finds the page's ids and what the whole cell holds (window sums), without
    # joining anything: PostgreSQL misjudged the cell's size and joined the people to every
    # deal row by row (11 s at L). A page past the last then asks again for the last.
    whole = deals.annotate(deals=Window(Count("pk")), total=Window(total))

    def page_of(number: int) -> list[tuple]:
        start = (number - 1) * per_page
        return list(whole.values_list("pk", "deals", "total")[start : start + per_page])

    found = page_of(number)
    if not found and number > 1:
        number = max(1, -(-deals.order_by().count() // per_page))
        found = page_of(number)
    count, amount = (found[0][1], found[0][2]) if found else (0, None)
    ids = [pk for pk, *_ in found]
    rows = deals.filter(pk__in=ids).values(*CELL_FIELDS, owner_name=person_name("owner"))
    return CellPage(
        rows=[_cell_item(row, weighted) for row in rows],
        number=number,
        pages=max(1, -(-count // per_page)),
        deals=count,
        total=money(amount or 0),
    )
