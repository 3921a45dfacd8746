"""The stage evaluation sheet (SPEC §4) and the sales forecast (SPEC §5) as plain data.

Each report is a few set-based queries whatever the number of opportunities: one
conditional aggregation per person (or per product), one for the people, one for the
overdue list. The rules of "the state on D" live in `state.py`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from salespath.catalog.models import ProductCategory
from salespath.errors import DomainError
from salespath.lib.fiscal import Period
from salespath.localize import localized
from salespath.org.access import branch_people
from salespath.org.models import PersonRole, Role, User
from salespath.org.names import person_name
from salespath.org.scopes import Scope
from salespath.pipeline.history import in_history
from salespath.pipeline.models import (
    Opportunity,
    Stage,
    Status,
)
from salespath.pipeline.queries import sellers_page

from . import rollups
from .rows import ZERO, Figures, Member, cents, money, rows_and_total
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
SHEET_PAGE = 10  # people per page of the evaluation sheet on screen (the workbook has all)
BY_LEVEL = {"owner": "person", "team": "team", "branch": "branch"}
MONEY = DecimalField(max_digits=24, decimal_places=2)


def scope_dict(scope: Scope) -> dict:
    key = None
    if scope.person:
        key = scope.person.username
    elif scope.team:
        key = scope.team.code
    elif scope.branch:
        key = scope.branch.code
    return {"kind": scope.kind, "key": key, "label": scope.label}


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


def _scoped(scope: Scope) -> QuerySet:
    return Opportunity.objects.filter(**scope.owner_filter())


def _amount(weighted: bool, amount: str = "amount"):
    """The summed amount in cents; weighted sums cents × weight (percent)."""
    if weighted:
        return ExpressionWrapper(in_cents(F(amount)) * F("weight"), output_field=BigIntegerField())
    return in_cents(F(amount))


def _column_aggregates(view: str, amount) -> dict:
    column = column_alias(view)
    aggregates = {}
    for key in COLUMNS[view]:
        in_column = Q(**{column: key})
        aggregates[f"v_{key}"] = Sum(amount, filter=in_column, output_field=BigIntegerField())
        aggregates[f"n_{key}"] = Count("pk", filter=in_column)
    return aggregates


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


def people_in_scope(scope: Scope, owner_ids: set[int]) -> list[User]:
    """Everyone with a row: the salespeople of the scope (even with nothing to forecast,
    a manager wants to see the zero) and anyone else who owns a counted opportunity."""
    return list(_people(scope, owner_ids).select_related("team__branch", "branch"))


def members_of(people: list[tuple], owner_figures: dict[int, Figures], columns) -> list[Member]:
    """Each of `people_rows`' people with their figures (none: zeros) and where they sit —
    person, team (or "no team"), branch (the team's; without a team, their own), company —
    labelled as the models' str, the language and each team's and branch's label worked
    out once for thousands of people."""
    english = (get_language() or "").startswith("en")
    no_team, no_branch, company = (None, _("No team")), (None, _("No branch")), (None, _("Company"))
    labels: dict[tuple, tuple[str | None, str]] = {}

    def label(code: str | None, name: str, name_en: str, missing) -> tuple[str | None, str]:
        if not code:
            return missing
        found = labels.get((missing, code))
        if found is None:
            found = labels[(missing, code)] = (code, name_en if english and name_en else name)
        return found

    members = []
    for (
        pk,
        username,
        display,
        first,
        last,
        team_code,
        team_name,
        team_en,
        team_branch_code,
        team_branch_name,
        team_branch_en,
        branch_code,
        branch_name,
        branch_en,
    ) in people:
        if team_code:  # the team's branch; for someone without a team, their own
            branch = label(team_branch_code, team_branch_name, team_branch_en, no_branch)
        else:
            branch = label(branch_code, branch_name, branch_en, no_branch)
        name = display or f"{first} {last}".strip() or username
        path = {
            "person": (username, name),
            "team": label(team_code, team_name, team_en, no_team),
            "branch": branch,
            "company": company,
        }
        members.append(Member(owner_figures.get(pk) or Figures(columns), path))
    return members


def _people(scope: Scope, owner_ids: set[int] | QuerySet) -> QuerySet:
    # The role as EXISTS, not a join: no duplicates, so no DISTINCT over 2,000 people.
    selling = PersonRole.objects.filter(person=OuterRef("pk"), role=Role.SALESPERSON)
    salespeople = Q(Exists(selling), scope.people_filter(), is_active=True)
    return User.objects.filter(salespeople | Q(pk__in=owner_ids)).order_by("username")


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
    after `as_of` and the rows are per person — else from the opportunities and their
    history. `rollup=False` forces the latter (tests compare the two); None follows the
    `SALESPATH_FORECAST_ROLLUP` setting."""
    _check(view, by)
    horizon = Horizon.on(as_of)
    columns = COLUMNS[view]
    use_rollup = rollups.enabled() if rollup is None else rollup
    if use_rollup and by != "product" and rollups.covers(as_of):
        answer = rollups.owner_sums(horizon, view, _rollup_owners(scope), _scoped(scope))
        sums = answer.sums
        owner_figures = {owner: _rollup_figures(sums[owner], weighted) for owner in sums}
        # (the owners as a subquery: thousands of ids as parameters cost more to send)
        members = members_of(people_rows(scope, answer.owners), owner_figures, columns)
        rows, total = rows_and_total(members, BY_LEVEL[by], scope.kind, columns)
        overdue = _current_overdue(scope, horizon, view, overdue_limit, answer.overdue_count)
        return _forecast_dict(scope, horizon, view, by, weighted, rows, total, overdue)

    counted = counted_on(horizon, _scoped(scope))

    # Grouped by `owner + 0`, not `owner`: SQLite would walk the index by owner to save a
    # sort, fetching the opportunities in the index's order, one table page per row; the
    # expression makes it read the table through and group after (issue 20: 2–3 times
    # faster at scale M for a company on a past date). The filter by owner of a team's or
    # branch's forecast still uses the index.
    owner_key = ExpressionWrapper(F("owner") + 0, output_field=IntegerField())
    per_owner = list(
        counted.annotate(owner_key=owner_key)
        .values("owner_key")
        .annotate(**_column_aggregates(view, _amount(weighted)))
        .order_by()
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
    overdue = candidates(_scoped(scope)).filter(expected_close__lte=h.as_of)
    rows = overdue.values(
        "pk", "name", "owner__username", "expected_close", owner_name=person_name("owner")
    ).order_by("expected_close", "pk")
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


def people_rows(scope: Scope, owner_ids: set[int] | QuerySet) -> list[tuple]:
    """`people_in_scope` as plain tuples (pk and username first), what `members_of` reads."""
    return list(
        _people(scope, owner_ids).values_list(
            "pk",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "team__code",
            "team__name",
            "team__name_en",
            "team__branch__code",
            "team__branch__name",
            "team__branch__name_en",
            "branch__code",
            "branch__name",
            "branch__name_en",
        )
    )


def _product_rows(counted: QuerySet, view: str, weighted: bool) -> list[dict]:
    """Rows per product category from the product lines; an opportunity without lines
    counts under "unspecified product" (key null) with its own amount."""
    line_amount = in_cents(Coalesce(F("lines__amount"), F("amount"), output_field=MONEY))
    if weighted:
        line_amount = ExpressionWrapper(line_amount * F("weight"), output_field=BigIntegerField())
    per_product = (
        counted.values(
            "lines__product__code",
            "lines__product__name",
            "lines__product__name_en",
            "lines__product__sort_order",
        )
        .annotate(**_column_aggregates(view, line_amount))
        .order_by()
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
    """The opportunities behind one cell of `forecast` (a row and a column; no column means
    the whole row). Their amounts add up to the cell; one query."""
    _check(view)
    if column is not None and column not in COLUMNS[view]:
        raise DomainError(
            _("Unknown column “%(column)s” for this view.") % {"column": column}, code="invalid"
        )
    horizon = Horizon.on(as_of)
    alias = column_alias(view)
    counted = counted_on(horizon, _scoped(scope)).filter(_row_filter(level, key))
    counted = counted.filter(**({alias: column} if column else {f"{alias}__isnull": False}))
    amount = "lines__amount" if level == "product" and key else "amount"
    rows = (
        counted.annotate(
            cell_column=F(alias),
            close_date=F(close_alias(view)),
            cell_amount=F(amount),
            cell_weight=F("weight"),
            overdue=ExpressionWrapper(overdue_filter(horizon, view), output_field=BooleanField()),
        )
        .values(
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
            owner_name=person_name("owner"),
        )
        .order_by("close_date", "pk")
    )
    return [
        {
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
        for row in rows
    ]


# --- 销售阶段评估表 -----------------------------------------------------------------


SHEET_COLUMNS = (
    "pk",
    "name",
    "name_en",
    "owner",
    "project_manager",
    "stage_on_d",
    "status_on_d",
    "status_since",
    "amount_cents",
    "sheet_note",
    "product_ids",
    "owner__username",
)


def _sheet_rows(
    scope: Scope, as_of: date, period_start: date, owners: list[int] | None = None
) -> QuerySet:
    """The sheet's rows as one UNION ALL of disjoint parts, each found by an index for one
    salesperson at a time, so no part reads the years of finished deals behind each
    salesperson (most of a branch's 50,000 opportunities at scale L).

    An opportunity whose latest stage change is dated on or before `as_of` is in the state
    its row shows today (`pipeline.history`): if it was open on `as_of` it is open now, and
    if it was won or lost in the period, its `won_on` / `lost_on` is that day. So four
    parts read the state from the row, and only the opportunities changed after `as_of`
    read it from their history (none for a sheet on today; those changed since for a past
    date), as do the few rows whose date is not known:

    1. open, without a note: from `opportunity_open_on_sheet` alone, which holds every
       column the sheet shows of them (the note is empty by the part's own condition, and
       saying so keeps it out of the query);
    2. open, with a note (a text longer than an index may hold): `opportunity_open_with_note`;
    3. won since the period start: `opportunity_won_by_owner`;
    4. lost since the period start: `opportunity_lost_by_owner`;
    5. changed after `as_of`, or not dated: `opportunity_history_by_owner`, the state from
       the history.

    The indexes are in `pipeline` migrations 0006 and 0009.
    """

    of_owners = Q() if owners is None else Q(owner__in=owners)

    def part(candidates: Q, *, stage, status, since, note=None, keep=None) -> QuerySet:
        return (
            _scoped(scope)
            .filter(candidates, of_owners, created_on__lte=as_of)
            .annotate(
                stage_on_d=stage,
                status_on_d=status,
                status_since=since,
                # whole cents: an int reads faster than a Decimal, 14,000 rows at a time
                amount_cents=in_cents(F("amount")),
                sheet_note=F("note") if note is None else note,
            )
            .filter(keep or Q())
            .values_list(*SHEET_COLUMNS)
            .order_by()
        )

    # Dated on or before `as_of`: nothing changed since, the row is the state. The others,
    # dated later or not dated (rows written before the date was kept), read the history.
    unchanged = Q(history_until__lte=as_of)
    as_today = {"stage": F("stage"), "status": F("status")}
    still_open = unchanged & Q(status=Status.OPEN)
    first, *others = [
        part(still_open & Q(note=""), **as_today, since=_no_date(), note=Value("")),
        part(still_open & ~Q(note=""), **as_today, since=_no_date()),
        part(
            unchanged & Q(status=Status.WON, won_on__gte=period_start),
            **as_today,
            since=F("won_on"),
        ),
        part(
            unchanged & Q(status=Status.LOST, lost_on__gte=period_start),
            **as_today,
            since=F("lost_on"),
        ),
        *(
            part(
                changed,
                stage=in_history(as_of, "to_stage"),
                status=in_history(as_of, "to_status"),
                # Only for a deal won or lost on `as_of`: for an open one it would look up
                # the history again for a date the sheet does not show.
                since=Case(
                    When(status_on_d=Status.OPEN, then=_no_date()),
                    default=in_history(as_of, "effective_on"),
                    output_field=DateField(),
                ),
                keep=Q(status_on_d=Status.OPEN)
                | Q(status_on_d__in=[Status.WON, Status.LOST], status_since__gte=period_start),
            )
            # Two parts, so each is one range of `opportunity_history_by_owner` per person.
            for changed in (Q(history_until__gt=as_of), Q(history_until__isnull=True))
        ),
    ]
    return first.union(*others, all=True).order_by("owner__username", "name", "pk")


def _no_date() -> Cast:
    """An empty date: typed, as every part of a UNION must agree on its columns' types."""
    return Cast(Value(None), DateField())


def evaluation_sheet(
    scope: Scope, as_of: date, *, page: int | str | None = None, per_page: int = SHEET_PAGE
) -> dict:
    """SPEC §4: one row per opportunity open on `as_of`, or completed or lost in the period.

    With `page` (1, 2, …), the rows of one page of `per_page` people of the scope, by
    username as the sheet is ordered (a page past the end is the last, one that is not a
    number the first): the company's sheet at scale L has a quarter of a million rows, which
    no screen shows at once, and each person's rows are one indexed read. `people`, `page`
    and `pages` say where they are; without `page`, the whole sheet is there.

    "The period" is the fiscal quarter containing `as_of` (up to `as_of`): the sheet is
    reviewed quarter by quarter, and a deal won or lost earlier in the quarter still belongs
    on it. The ● goes in the stage the opportunity was in on `as_of`, from the stage
    history. Four queries, whatever the number of rows: the sheet (`_sheet_rows`, with
    each row's project manager and product ids as the row carries them, `pipeline.copies`),
    the people it names, the product categories and the stages.
    """
    horizon = Horizon.on(as_of)
    period_start = horizon.quarter.period.start
    owners, paging = (None, {}) if page is None else sellers_page(scope, page, per_page)
    sheet = list(_sheet_rows(scope, as_of, period_start, owners))
    if owners is None:
        paging = {"people": len({row[3] for row in sheet}), "page": 1, "pages": 1}
    people_ids = {o[3] for o in sheet} | {o[4] for o in sheet if o[4]}
    names = {person.pk: str(person) for person in User.objects.filter(pk__in=people_ids)}
    # Thousands of rows: the language is read once, not once per name (`localized`).
    english = (get_language() or "").startswith("en")
    products = {
        str(row["pk"]): (
            (row["sort_order"], row["code"]),
            row["name_en"] if english and row["name_en"] else row["name"],
        )
        for row in ProductCategory.objects.values("pk", "code", "name", "name_en", "sort_order")
    }
    labels: dict[str, list[str]] = {"": []}  # a few product mixes recur across the rows

    def product_labels(ids: str) -> list[str]:
        labels[ids] = [label for _key, label in sorted(products[i] for i in ids.split(","))]
        return labels[ids]

    stages = list(Stage.objects.filter(order__gte=2).order_by("order"))
    # 14,000 rows for a branch at scale L: each row is built with as little work as it
    # takes; rows with the same products share one list of labels.
    opened = Status.OPEN
    rows = []
    append = rows.append
    for pk, name, name_en, owner, manager, stage, status, since, cents_, note, ids, _user in sheet:
        append(
            {
                "opportunity": pk,
                "name": name_en if english and name_en else name,
                "project_manager": names[manager or owner],
                "owner": names[owner],
                "products": labels[ids] if ids in labels else product_labels(ids),
                "stage": stage,
                "status": status,
                "status_since": None if status == opened else since.isoformat(),
                "amount": f"{cents_ // 100}.{cents_ % 100:02d}",  # `money`, from whole cents
                "note": note,
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "period": {"start": period_start.isoformat(), "end": as_of.isoformat()},
        "scope": scope_dict(scope),
        "stages": [{"code": s.code, "label": s.column_label} for s in stages],
        **paging,
        "rows": rows,
    }


def booked_by_owner(scope: Scope, period: Period) -> dict[int, dict]:
    """Booked per salesperson in `period`: opportunities whose contract was signed in the
    period and that are not lost today — what forecast accuracy and attainment versus quota
    both count. One query; `{owner_id: {"booked": Decimal, "deals": int}}`."""
    rows = (
        Opportunity.objects.filter(
            signed_on__gte=period.start, signed_on__lte=period.end, **scope.owner_filter()
        )
        .exclude(status=Status.LOST)
        .values("owner")
        .annotate(booked=Sum("amount"), deals=Count("pk"))
        .order_by()
    )
    return {row["owner"]: row for row in rows}
