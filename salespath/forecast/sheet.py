"""The stage evaluation sheet (销售阶段评估表, SPEC §4) as plain data: one row per opportunity
open on a date, or completed or lost in its quarter, with the stage it was in on the date.
Rendered by `text.py` and `xlsx.py`."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.translation import get_language

from salespath.catalog.models import ProductCategory
from salespath.org.models import User
from salespath.org.scopes import Scope
from salespath.pipeline.history import in_history
from salespath.pipeline.models import Stage, Status
from salespath.pipeline.queries import sellers_page

from .people import scope_dict, scoped
from .state import Horizon, in_cents

SHEET_PAGE = 10  # people per page of the evaluation sheet on screen (the workbook has all)


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
            scoped(scope)
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
