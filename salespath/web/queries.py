"""The reads behind the pipeline pages and the home page: plain data in a fixed number of
queries, always starting from what the viewer may see (`salespath.policy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from salespath.org.models import User
from salespath.pipeline.models import Opportunity, Stage, Status
from salespath.policy import visible_opportunities

BOARD_STAGES = ("S2", "S3", "S4", "S5", "S6", "S7")
COLUMN_PAGE = 20


def visible(user: User) -> QuerySet:
    """The opportunities `user` may see, as a plain queryset that aggregates correctly.

    `visible_opportunities` joins the project team and de-duplicates with DISTINCT, which
    does not stop SUM/COUNT from counting a deal once per joined row; selecting by primary
    key from it does.
    """
    seen = visible_opportunities(user)
    if not seen.query.distinct:
        return seen
    return Opportunity.objects.filter(pk__in=seen.values("pk"))


def opportunity_stages() -> list[Stage]:
    return list(Stage.objects.filter(code__in=BOARD_STAGES).order_by("order"))


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


def board_columns(filtered: QuerySet, *, per_column: int = COLUMN_PAGE) -> list[Column]:
    """One column per stage S2–S7 with its count, amount and its first cards.

    The board shows open deals and, in S7, won ones; lost deals are not on it. Queries:
    the stages, the totals per stage, one page per non-empty column — a fixed number
    whatever the data (pinned in tests).
    """
    stages = opportunity_stages()
    on_board = filtered.exclude(status=Status.LOST)
    totals = {
        row["stage_id"]: row
        for row in on_board.order_by()
        .values("stage_id")
        .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), Decimal(0)))
    }
    columns = []
    for stage in stages:
        total = totals.get(stage.code, {})
        column = Column(stage, total.get("count", 0), total.get("amount", Decimal(0)))
        if column.count:
            column.cards = list(column_page(on_board, stage.code, offset=0, limit=per_column))
        columns.append(column)
    return columns


def column_page(filtered: QuerySet, stage_code: str, *, offset: int, limit: int) -> QuerySet:
    """A page of one column, by expected close date (soonest first), then id for a stable order."""
    rows = filtered.exclude(status=Status.LOST).filter(stage_id=stage_code)
    return card_queryset(rows).order_by("expected_close", "pk")[offset : offset + limit]


@dataclass
class HomeSummary:
    stages: list[dict]
    open_count: int
    open_amount: Decimal
    overdue: list[Opportunity]
    overdue_count: int
    stuck: list[Opportunity]
    stuck_count: int


def stuck_filter(stages: list[Stage], today: date) -> Q:
    """Open opportunities in their stage for longer than that stage's `stuck_after_days`."""
    stuck = Q(pk__in=[])
    for stage in stages:
        since = today - timedelta(days=stage.stuck_after_days)
        stuck |= Q(stage_id=stage.code, stage_entered_on__lt=since)
    return Q(status=Status.OPEN) & stuck


def home_summary(user: User, today: date, *, limit: int = 8) -> HomeSummary:
    """My pipeline at a glance: per stage, overdue close dates, deals stuck in their stage."""
    stages = opportunity_stages()
    mine = visible(user)
    open_deals = mine.filter(status=Status.OPEN)
    per_stage = {
        row["stage_id"]: row
        for row in open_deals.order_by()
        .values("stage_id")
        .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), Decimal(0)))
    }
    stage_rows = [
        {
            "stage": stage,
            "count": per_stage.get(stage.code, {}).get("count", 0),
            "amount": per_stage.get(stage.code, {}).get("amount", Decimal(0)),
        }
        for stage in stages
    ]
    overdue = open_deals.filter(expected_close__lt=today)
    stuck = open_deals.filter(stuck_filter(stages, today))
    counts = mine.order_by().aggregate(
        overdue=Count("pk", filter=Q(status=Status.OPEN, expected_close__lt=today)),
        stuck=Count("pk", filter=stuck_filter(stages, today)),
    )
    return HomeSummary(
        stages=stage_rows,
        open_count=sum(row["count"] for row in stage_rows),
        open_amount=sum((row["amount"] for row in stage_rows), Decimal(0)),
        overdue=list(card_queryset(overdue).order_by("expected_close", "pk")[:limit]),
        overdue_count=counts["overdue"],
        stuck=list(card_queryset(stuck).order_by("stage_entered_on", "pk")[:limit]),
        stuck_count=counts["stuck"],
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


def opportunity_details(opportunity: Opportunity, *, activities: int = 30) -> OpportunityDetails:
    from salespath.pipeline.models import Contract, Shipment

    contract = Contract.objects.filter(opportunity=opportunity).select_related("created_by").first()
    return OpportunityDetails(
        opportunity=opportunity,
        stages=opportunity_stages(),
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
        shipment=Shipment.objects.filter(opportunity=opportunity).first(),
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
