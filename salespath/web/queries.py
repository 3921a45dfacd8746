"""The reads behind the pipeline pages and the home page: plain data in a fixed number of
queries, always starting from what the viewer may see (`salespath.policy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from salespath.org.models import User
from salespath.pipeline.criteria import Facts
from salespath.pipeline.models import OPPORTUNITY_STAGES, Opportunity, Stage, Status
from salespath.pipeline.queries import opportunity_stages, stuck_filter, stuck_in_stage
from salespath.policy import visible_customers, visible_opportunities, visible_opportunity_parts

BOARD_STAGES = OPPORTUNITY_STAGES
COLUMN_PAGE = 20


def visible(user: User) -> QuerySet:
    """The opportunities `user` may see, as a plain queryset that aggregates correctly:
    `visible_opportunities` selects by id from a UNION of the owned and the project-team
    deals, with no join, so SUM and COUNT over it count each deal once."""
    return visible_opportunities(user)


def card_queryset(qs: QuerySet) -> QuerySet:
    """What a card or a list row shows, in the same query as the rows."""
    return qs.select_related("customer", "owner", "stage")


@dataclass
class Column:
    stage: Stage
    count: int = 0
    amount: Decimal = Decimal(0)
    cards: list[Opportunity] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return len(self.cards) < self.count


def _visible_parts(user: User, rows: QuerySet) -> list[QuerySet]:
    """The deals of `rows` that `user` may see, as disjoint parts (`visible_opportunity_
    parts`): each keeps the filters of `rows` and those a caller adds (a board column, the
    overdue ones), so the database reads the owner indexes for just the viewer's people
    instead of matching every deal against a list of visible ids, which PostgreSQL does by
    scanning whole stages. Counts and sums per part add up."""
    rows = rows.order_by()
    parts = visible_opportunity_parts(user)
    return [rows] if parts is None else [rows.filter(part) for part in parts]


def _board_parts(user: User, rows: QuerySet) -> list[QuerySet]:
    """The deals of `rows` on the board (not lost) that `user` may see, as disjoint parts."""
    return _visible_parts(user, rows.exclude(status=Status.LOST))


def _first(part: QuerySet, order: tuple[str, ...], end: int) -> QuerySet:
    """The ids of the first `end` deals of `part` in `order`, as a member of a UNION.
    SQLite allows no LIMIT in the members of a compound SELECT, so there it sits in a
    subquery."""
    first = part.order_by(*order).values("pk")[:end]
    if connection.features.supports_slicing_ordering_in_compound:
        return first
    return Opportunity.objects.filter(pk__in=first).order_by().values("pk")


def _first_cards(parts: list[QuerySet], order: tuple[str, ...], end: int) -> QuerySet:
    """The first `end` deals of the disjoint `parts` in `order`, as cards: among each part's
    first `end`, so each part is read by its index only that far."""
    ids = _union([_first(part, order, end) for part in parts])
    return card_queryset(Opportunity.objects.filter(pk__in=ids)).order_by(*order)


def _first_ids(part: QuerySet, stage_code: str, end: int) -> QuerySet:
    """The ids of the first `end` deals of `part` in one column, soonest close first."""
    return _first(part.filter(stage_id=stage_code), ("expected_close", "pk"), end)


def _union(querysets: list[QuerySet], *, all: bool = False) -> QuerySet:
    return querysets[0].union(*querysets[1:], all=all)


BOARD_CARD_FIELDS = (
    *("name", "name_en", "customer", "owner", "stage", "status", "amount", "probability"),
    *("expected_close", "version", "customer__name", "customer__name_en"),
    *("owner__display_name", "owner__first_name", "owner__last_name", "owner__username"),
)


def _board_cards(ids: QuerySet) -> QuerySet:
    """What a card on the board shows (`_card.html`) and no more: a page holds 120 of them."""
    rows = Opportunity.objects.filter(pk__in=ids).select_related("customer", "owner")
    return rows.only(*BOARD_CARD_FIELDS).order_by("expected_close", "pk")


def board_columns(user: User, rows: QuerySet, *, per_column: int = COLUMN_PAGE) -> list[Column]:
    """One column per stage S2–S7 with its count, amount and its first cards, of the deals
    of `rows` (the filters) that `user` may see.

    The board shows open deals and, in S7, won ones; lost deals are not on it. Three
    queries whatever the data (pinned in tests): the stages; the count and amount per part
    and stage; the first cards of every column, as one UNION of the first ids of each part
    and stage that has any.
    """
    stages = opportunity_stages()
    parts = _board_parts(user, rows)
    per_part = [
        part.annotate(part=Value(n))
        .values("part", "stage_id")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        for n, part in enumerate(parts)
    ]
    totals: dict[str, dict] = {}
    shown: list[tuple[int, str]] = []
    for row in _union(per_part, all=True):  # the parts are disjoint: their sums add up
        total = totals.setdefault(row["stage_id"], {"count": 0, "amount": Decimal(0)})
        total["count"] += row["count"]
        total["amount"] += row["amount"] or Decimal(0)
        shown.append((row["part"], row["stage_id"]))
    columns = [Column(stage, **totals.get(stage.code, {})) for stage in stages]
    codes = {stage.code for stage in stages}
    first = [_first_ids(parts[n], code, per_column) for n, code in shown if code in codes]
    if first:
        cards: dict[str, list[Opportunity]] = {}
        for card in _board_cards(_union(first)):
            cards.setdefault(card.stage_id, []).append(card)
        for column in columns:
            column.cards = cards.get(column.stage.code, [])[:per_column]
    return columns


LIST_ORDER = ("expected_close", "pk")


class ListedDeals:
    """The deals of `rows` that `user` may see, soonest close first, as a Paginator reads
    them: the count and each page come part by part (`visible_opportunity_parts`) like the
    board's, each part one indexed read of the viewer's people, instead of matching every
    deal against the set of visible ids, which PostgreSQL does slowly for a branch GM's
    many deals. A page is the page's window of the union of each part's first deals."""

    def __init__(self, user: User, rows: QuerySet):
        self.parts = _visible_parts(user, rows)

    def count(self) -> int:
        per_part = [
            part.annotate(part=Value(n)).values("part").annotate(n=Count("pk"))
            for n, part in enumerate(self.parts)
        ]
        return sum(row["n"] for row in _union(per_part, all=True))

    def __getitem__(self, window: slice) -> list[Opportunity]:
        start, stop = window.start or 0, window.stop
        return list(_first_cards(self.parts, LIST_ORDER, stop)[start:stop])


def column_page(
    user: User, rows: QuerySet, stage_code: str, *, offset: int, limit: int
) -> QuerySet:
    """A page of one column, by expected close date (soonest first), then id for a stable
    order: the page's cards among each part's first `offset + limit`."""
    parts = _board_parts(user, rows)
    first = _union([_first_ids(part, stage_code, offset + limit) for part in parts])
    return _board_cards(first)[offset : offset + limit]


def customer_rows(user: User, text: str = "") -> QuerySet:
    """The customers list: those `user` may see, by name, whose name holds `text`, each with
    its number of open deals. The count is a subquery per row, so for a page of the list it
    runs for that page's rows alone (a count over every customer's deals, then a sort, took
    seconds at scale L); the page itself comes from the (name, id) index."""
    customers = visible_customers(user)
    if text:
        customers = customers.filter(Q(name__icontains=text) | Q(name_en__icontains=text))
    open_deals = (
        Opportunity.objects.filter(customer=OuterRef("pk"), status=Status.OPEN)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        customers.select_related("owner", "industry")
        .annotate(open_deals=Coalesce(Subquery(open_deals), 0))
        .order_by("name", "pk")
    )


@dataclass
class HomeSummary:
    stages: list[dict]
    open_count: int
    open_amount: Decimal
    overdue: list[Opportunity]
    overdue_count: int
    stuck: list[Opportunity]
    stuck_count: int


def home_summary(user: User, today: date, *, limit: int = 8) -> HomeSummary:
    """My pipeline at a glance: per stage, overdue close dates, deals stuck in their stage.

    Three queries whatever the data: the counts and amounts per part of what `user` may see
    (`visible_opportunity_parts`, each read by owner) and stage, with the overdue and stuck
    ones counted in the same pass; then the first `limit` overdue and the first `limit`
    stuck deals, each a UNION of every part's first ones, so an executive's or a branch
    GM's home page does not read every deal they may see."""
    stages = opportunity_stages()
    overdue, stuck = Q(expected_close__lt=today), stuck_filter(stages, today)
    parts = _visible_parts(user, Opportunity.objects.filter(status=Status.OPEN))
    # Every column the counts read is in the index of the open deals by stage
    # (`opportunity_open_summary`): the stage rather than the id is counted (never empty),
    # and "stuck" leaves out the status the parts already filter on.
    stuck_here = stuck_in_stage(stages, today)
    per_part = [
        part.annotate(part=Value(n))
        .values("part", "stage_id")
        .annotate(
            count=Count("stage"),
            amount=Sum("amount"),
            overdue=Count("stage", filter=overdue),
            stuck=Count("stage", filter=stuck_here),
        )
        for n, part in enumerate(parts)
    ]
    per_stage: dict[str, dict] = {}
    overdue_count = stuck_count = 0
    for row in _union(per_part, all=True):  # the parts are disjoint: their sums add up
        total = per_stage.setdefault(row["stage_id"], {"count": 0, "amount": Decimal(0)})
        total["count"] += row["count"]
        total["amount"] += row["amount"] or Decimal(0)
        overdue_count += row["overdue"]
        stuck_count += row["stuck"]
    stage_rows = [
        {"stage": stage, **per_stage.get(stage.code, {"count": 0, "amount": Decimal(0)})}
        for stage in stages
    ]

    def first(condition: Q, *order: str) -> list[Opportunity]:
        return list(_first_cards([part.filter(condition) for part in parts], order, limit)[:limit])

    return HomeSummary(
        stages=stage_rows,
        open_count=sum(row["count"] for row in stage_rows),
        open_amount=sum((row["amount"] for row in stage_rows), Decimal(0)),
        overdue=first(overdue, "expected_close", "pk"),
        overdue_count=overdue_count,
        stuck=first(stuck, "stage_entered_on", "pk"),
        stuck_count=stuck_count,
    )


@dataclass
class OpportunityDetails:
    """Everything the opportunity page shows, one query per kind of row."""

    opportunity: Opportunity
    stages: list[Stage]
    lines: list
    team: list
    quotes: list
    key_dates: list
    competitors: list
    objections: list
    contract: object | None
    installments: list
    payments: list
    shipment: object | None
    activities: list
    stage_changes: list
    field_changes: list
    initiations: list

    @property
    def paid_confirmed(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.confirmed_at), Decimal(0))


def opportunity_details(
    opportunity: Opportunity,
    *,
    activities: int = 30,
    stages: list[Stage] | None = None,
    facts: Facts | None = None,
) -> OpportunityDetails:
    """`stages` (`opportunity_stages`) and `facts` (the checklist's evidence), when the
    caller has them, are not read again: the contract and the shipment are among the facts."""
    from salespath.pipeline.models import Contract, Shipment

    if facts is not None:
        contract, shipment = facts.contract, facts.shipment
    else:
        contract = Contract.objects.filter(opportunity=opportunity).first()
        shipment = Shipment.objects.filter(opportunity=opportunity).first()
    return OpportunityDetails(
        opportunity=opportunity,
        stages=opportunity_stages() if stages is None else stages,
        lines=list(opportunity.lines.select_related("product").order_by("product__sort_order")),
        team=list(opportunity.team.select_related("person").order_by("role", "person__username")),
        quotes=list(opportunity.quotes.select_related("created_by").order_by("-version")),
        key_dates=list(opportunity.key_dates.order_by("on", "pk")),
        competitors=list(opportunity.competitors.select_related("competitor")),
        objections=list(opportunity.objections.order_by("raised_on", "pk")),
        contract=contract,
        installments=list(contract.installments.order_by("due_on")) if contract else [],
        payments=list(
            contract.payments.select_related("recorded_by", "confirmed_by").order_by(
                "received_on", "pk"
            )
        )
        if contract
        else [],
        shipment=shipment,
        activities=list(
            opportunity.activities.select_related("person").order_by("-occurred_on", "-pk")[
                :activities
            ]
        ),
        stage_changes=list(
            opportunity.stage_changes.select_related("from_stage", "to_stage", "by").order_by(
                "-effective_on", "-pk"
            )
        ),
        field_changes=list(opportunity.field_changes.select_related("by").order_by("-at", "-pk")),
        initiations=list(
            opportunity.initiation_requests.select_related("requested_by", "decided_by")
        ),
    )


PEOPLE_SUGGESTED = 20


def people_matching(text: str) -> list[User]:
    """The active people whose name or user name contains `text` (the person picker's
    suggestions), at most `PEOPLE_SUGGESTED`, by name; none for empty text."""
    text = text.strip()
    if not text:
        return []
    found = (
        Q(display_name__icontains=text)
        | Q(username__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
    )
    people = User.objects.filter(found, is_active=True).select_related("team")
    return list(people.order_by("display_name", "username")[:PEOPLE_SUGGESTED])


CUSTOMERS_SUGGESTED = 20


def customers_matching(user: User, text: str) -> list:
    """The customers `user` may see whose name (Chinese or English) contains `text` (the
    customer picker's choices), at most `CUSTOMERS_SUGGESTED`, by name; none for empty
    text."""
    text = text.strip()
    if not text:
        return []
    found = Q(name__icontains=text) | Q(name_en__icontains=text)
    customers = visible_customers(user).filter(found).select_related("owner")
    return list(customers.order_by("name", "pk")[:CUSTOMERS_SUGGESTED])
