"""Customers and opportunities as row tuples, a chunk at a time, keeping the invariants the
pipeline services keep:

- the stage history starts with a `create` row at S2 on the creation day, advances one
  stage at a time on non-decreasing days, and ends at the opportunity's current stage and
  status (a lost deal's last row is its `lose`, in the stage it was lost in);
- won ⇒ S7 with a completion date, a contract signed on or before it, installments, a
  finance-confirmed payment and a shipment; lost ⇒ a date and a reason (sometimes the
  competitor who won);
- the amount is the sum of the product lines; the expected close date is never before the
  creation day; S4 and later have an approved initiation and a project manager.

Each chunk draws from its own `random.Random(seed, chunk)` stream, so the data depends on
the seed and the day only. Dates are day numbers (ordinals) until they are written, as ISO
text looked up in a table made once.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from salespath.activities.models import Activity
from salespath.customers.models import Customer
from salespath.pipeline.models import (
    OPPORTUNITY_STAGES,
    Contract,
    InitiationRequest,
    Installment,
    Opportunity,
    OpportunityLine,
    Payment,
    ProjectMember,
    Shipment,
    StageChange,
)

from .tables import Clock, Table

STAGES = OPPORTUNITY_STAGES
PROBABILITY = {"S2": 10, "S3": 20, "S4": 30, "S5": 50, "S6": 75, "S7": 100}
LOST_AT = tuple(accumulate((40, 30, 15, 10, 5)))  # weights of the stage lost in, S2..S6
OPEN_AT = tuple(accumulate((30, 25, 20, 15, 10)))  # weights of an open deal's stage
WON_SHARE = 0.3  # of the finished deals
LOST_REASONS = ("价格偏高", "客户选择了竞争对手", "项目预算取消", "客户需求变化", "决策层变动")
ACTIVITY_KINDS = tuple(
    accumulate(
        [
            ("visit", 40),
            ("call", 20),
            ("meeting", 15),
            ("prospecting", 10),
            ("guidance", 5),
            ("product_overview", 5),
            ("demo", 5),
        ],
        lambda acc, item: (item[0], acc[1] + item[1]),
    )
)
HOURS = ("1.00", "1.50", "2.00", "3.00", "4.00")
HALF_HOURS = (2, 3, 4, 6, 8)  # HOURS in half hours, for the timesheet
WORKING_DAY = 10  # hours a person logs in a day at most, well inside the service's 24
DAY_TRIES = 3  # days of a deal's life tried for an activity before leaving it out
SIZES = ("large", "large", "medium", "medium", "small")
CONDITIONS = ("good", "good", "average", "poor")
SYSTEMS = ("none", "inadequate", "inadequate", "adequate")
NAME_PARTS = (
    "华",
    "东",
    "南",
    "北",
    "中",
    "兴",
    "盛",
    "达",
    "恒",
    "新",
    "远",
    "通",
    "宏",
    "泰",
    "鑫",
)
NAME_KINDS = ("集团", "控股", "实业", "股份", "科技")


def customer_name(number: int) -> str:
    """A unique, readable company name for customer `number`."""
    parts = NAME_PARTS
    a, b = parts[number % 15], parts[(number // 15) % 15]
    return f"{a}{b}{NAME_KINDS[(number // 225) % 5]}{number:06d}"


class Days:
    """ISO text for every day of the generated period, made once."""

    def __init__(self, first: date, last: date) -> None:
        self.base = first.toordinal()
        self.last = last.toordinal()
        self.iso = [
            date.fromordinal(self.base + n).isoformat() for n in range(self.last - self.base + 1)
        ]
        self.suffix = Clock.suffix()

    def text(self, day: int) -> str:
        return self.iso[day - self.base]

    def stamp(self, day: int, rng: random.Random) -> str:
        # 09:00–17:59 in Shanghai is 01:00–09:59 UTC.
        moment = int(rng.random() * 450)
        return f"{self.iso[day - self.base]} 0{1 + moment // 50}:{10 + moment % 50}:00{self.suffix}"


class Timesheets:
    """The hours each salesperson has logged on each day, in half hours, across chunks.

    The activity service refuses more than 24 hours in a person's day; drawn at random, a
    person with hundreds of open deals would log hundreds of hours on the last days (all
    their deals are alive then). So an activity goes to a day of its deal's life with room
    in a working day, and is left out when `DAY_TRIES` days have none: a busy person logs
    fewer activities per deal, as real ones do."""

    def __init__(self, days: Days) -> None:
        self.base = days.base
        self.length = days.last - days.base + 1
        self.sheets: dict[int, bytearray] = {}

    def book(self, person: int, day: int, half_hours: int) -> bool:
        sheet = self.sheets.get(person)
        if sheet is None:
            sheet = self.sheets[person] = bytearray(self.length)
        at = day - self.base
        if sheet[at] + half_hours > WORKING_DAY * 2:
            return False
        sheet[at] += half_hours
        return True


@dataclass
class People:
    """What the deal writer needs to know about the organisation, as plain numbers."""

    salespeople: list[int]  # user ids
    hired: dict[int, int]  # user id → hire day
    team_of: dict[int, int]  # user id → team id
    branch_of: dict[int, int]
    supervisor_of_team: dict[int, int]
    project_managers_of_branch: dict[int, list[int]]
    finance: int


class Ids:
    """The next id of each table; ids are written explicitly so nothing has to be read back."""

    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: str) -> int:
        value = self.next[table] + 1
        self.next[table] = value
        return value


CUSTOMERS = Table(
    Customer,
    [
        "id",
        "name",
        "owner",
        "created_by",
        "created_on",
        "industry",
        "is_group_enterprise",
        "is_multi_site",
        "size",
        "headcount",
        "basics_completed_on",
        "economic_condition",
        "current_system_status",
    ],
    {
        "name_en": "",
        "background": "",
        "it_hardware": "",
        "it_software": "",
        "it_network": "",
        "it_need": "",
        "target_override_reason": "",
        "note": "",
    },
)


def write_customers(
    rng: random.Random,
    numbers: range,
    first_id: int,
    people: People,
    industries: list[int],
    days: Days,
    start: int,
    today: int,
    created: list[int],
    owners: list[int],
) -> int:
    """Customers `numbers`; records each one's owner and creation day in `owners`/`created`."""
    rows = []
    salespeople = people.salespeople
    for number in numbers:
        owner = salespeople[number % len(salespeople)]
        day = min(max(start, people.hired[owner]) + rng.randint(0, 60), today)
        owners.append(owner)
        created.append(day)
        basics = day + rng.randint(0, 30)
        rows.append(
            (
                first_id + number,
                customer_name(number),
                owner,
                owner,
                days.text(day),
                rng.choice(industries),
                rng.random() < 0.8,
                rng.random() < 0.7,
                rng.choice(SIZES),
                rng.randrange(200, 20000, 50),
                days.text(basics) if basics <= today else None,
                rng.choice(CONDITIONS),
                rng.choice(SYSTEMS),
            )
        )
    return CUSTOMERS.write(rows)


OPPORTUNITIES = Table(
    Opportunity,
    [
        "id",
        "name",
        "customer",
        "owner",
        "created_by",
        "created_on",
        "updated_at",
        "stage",
        "stage_entered_on",
        "status",
        "amount",
        "probability",
        "forecast_category",
        "expected_close",
        "budget_amount",
        "signed_on",
        "won_on",
        "lost_on",
        "lost_reason",
        "lost_to",
        "history_until",
        "project_manager",
        "product_ids",
    ],
    {"name_en": "", "customer_need": "", "note": ""},
)
LINES = Table(OpportunityLine, ["id", "opportunity", "product", "amount"])
HISTORY = Table(
    StageChange,
    [
        "id",
        "opportunity",
        "kind",
        "from_stage",
        "to_stage",
        "from_status",
        "to_status",
        "effective_on",
        "at",
        "by",
        "reason",
    ],
)
MEMBERS = Table(ProjectMember, ["id", "opportunity", "person"], {"role": "project_manager"})
INITIATIONS = Table(
    InitiationRequest,
    ["id", "opportunity", "requested_by", "requested_at", "budget", "decided_by", "decided_at"],
    {
        "requirements": "客户已有明确的项目需求",
        "schedule": "",
        "selection_team": "",
        "competition": "",
        "guidance": "",
        "status": "approved",
        "decision_comment": "",
    },
)
CONTRACTS = Table(
    Contract,
    ["id", "opportunity", "signed_on", "amount", "created_by", "created_at"],
    {"payment_terms": "签约付50%,上线验收付50%"},
)
INSTALLMENTS = Table(Installment, ["id", "contract", "due_on", "amount"], {"note": ""})
PAYMENTS = Table(
    Payment,
    [
        "id",
        "contract",
        "amount",
        "received_on",
        "recorded_by",
        "recorded_at",
        "confirmed_by",
        "confirmed_at",
    ],
)
SHIPMENTS = Table(Shipment, ["id", "opportunity", "hq_ordered_on", "shipped_on"], {"note": ""})
ACTIVITIES = Table(
    Activity,
    ["id", "person", "kind", "occurred_on", "hours", "customer", "opportunity"],
    {"purpose": "", "outcome": "", "note": ""},
)
TABLES = {
    "opportunities": OPPORTUNITIES,
    "lines": LINES,
    "stage_changes": HISTORY,
    "project_members": MEMBERS,
    "initiations": INITIATIONS,
    "contracts": CONTRACTS,
    "installments": INSTALLMENTS,
    "payments": PAYMENTS,
    "shipments": SHIPMENTS,
    "activities": ACTIVITIES,
}
MODELS = {
    "customers": Customer,
    "opportunities": Opportunity,
    "lines": OpportunityLine,
    "stage_changes": StageChange,
    "project_members": ProjectMember,
    "initiations": InitiationRequest,
    "contracts": Contract,
    "installments": Installment,
    "payments": Payment,
    "shipments": Shipment,
    "activities": Activity,
}


def _pick(rng: random.Random, cumulative: tuple[int, ...]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])


def _between(rng: random.Random, low: int, high: int) -> int:
    """`randint`, a few times faster (the generator draws tens of millions of these)."""
    return low + int(rng.random() * (high - low + 1))


def _days_between(rng: random.Random, first: int, last: int, count: int) -> list[int]:
    """`count` sorted days in [first, last]."""
    span = last - first + 1
    draw = rng.random
    return sorted(first + int(draw() * span) for _ in range(count))


@dataclass
class Chunk:
    rows: dict[str, list[tuple]]

    def write(self) -> dict[str, int]:
        return {name: TABLES[name].write(self.rows[name]) for name in TABLES}


def plan_chunk(
    rng: random.Random,
    numbers: range,
    ids: Ids,
    *,
    people: People,
    customer_ids: list[int],
    customer_created: list[int],
    customer_owner: list[int],
    products: list[tuple[int, str]],
    competitors: list[int],
    days: Days,
    timesheets: Timesheets,
    start: int,
    today: int,
    activities_per_opportunity: float,
) -> Chunk:
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    opportunities, lines, history = rows["opportunities"], rows["lines"], rows["stage_changes"]
    text, stamp = days.text, days.stamp
    low = max(1, round(activities_per_opportunity / 2))
    high = max(low, round(activities_per_opportunity * 1.5))
    kind_names = [name for name, _bound in ACTIVITY_KINDS]
    kind_bounds = [bound for _name, bound in ACTIVITY_KINDS]
    kind_total = kind_bounds[-1]
    draw = rng.random

    def between(low: int, high: int) -> int:
        return low + int(draw() * (high - low + 1))

    for _number in numbers:
        opportunity = ids.take("opportunities")
        c = int(draw() * len(customer_ids))
        customer, owner = customer_ids[c], customer_owner[c]
        created = between(min(customer_created[c], today), today)
        planned_end = created + between(30, 600)
        if planned_end <= today:
            won = draw() < WON_SHARE
            status = "won" if won else "lost"
            reached = 5 if won else _pick(rng, LOST_AT)  # index into STAGES
            last_day = planned_end
        else:
            won, status = False, "open"
            reached = _pick(rng, OPEN_AT)
            last_day = today
        # Day of each event: creation, one advance per stage, and for lost deals the loss.
        moves = _days_between(rng, created, last_day, reached + (status == "lost"))
        if status == "won" or status == "lost":
            moves[-1] = last_day
        entered = [created, *moves[:reached]]  # day each stage S2..current was entered
        stage = STAGES[reached]

        # Product lines; the amount is their sum.
        line_products = rng.sample(products, 1 if draw() < 0.6 else 2)
        amount = 0
        for product, _name in line_products:
            line_amount = between(5, 299) * 10_000
            amount += line_amount
            lines.append((ids.take("lines"), opportunity, product, line_amount))

        # History.
        history.append(
            (ids.take("stage_changes"), opportunity, "create", None, "S2", "", "open",
             text(created), stamp(created, rng), owner, "")
        )  # fmt: skip
        for step in range(reached):
            to_status = "won" if STAGES[step + 1] == "S7" else "open"
            history.append(
                (ids.take("stage_changes"), opportunity, "advance", STAGES[step],
                 STAGES[step + 1], "open", to_status, text(entered[step + 1]),
                 stamp(entered[step + 1], rng), owner, "")
            )  # fmt: skip
        lost_on = lost_reason = lost_to = None
        if status == "lost":
            lost_on, lost_reason = last_day, rng.choice(LOST_REASONS)
            if competitors and draw() < 0.5:
                lost_to = rng.choice(competitors)
            history.append(
                (ids.take("stage_changes"), opportunity, "lose", stage, stage, "open",
                 "lost", text(lost_on), stamp(lost_on, rng), owner, lost_reason)
            )  # fmt: skip

        # Forecast fields.
        if status == "open":
            expected = planned_end
            if draw() < 0.05:  # overdue: the owner has not corrected the date yet
                expected = between(entered[-1], today)
            category = (
                "omitted"
                if draw() < 0.05
                else ("commit", "best_case", "pipeline")[
                    min(2, max(0, 2 - (reached - 2) - (draw() < 0.5)))
                ]
            )
        else:
            expected = last_day
            category = "commit" if won else "pipeline"
        probability = 0 if status == "lost" else PROBABILITY[stage]

        # Money: contract, installments, payments, shipment.
        signed = None
        if won:
            signed = between(max(entered[4], last_day - 20), last_day)
        elif status == "open" and stage == "S6" and draw() < 0.2:
            signed = between(entered[4], today)  # booked, not yet completed
        if signed is not None:
            _money(rng, rows, ids, opportunity, owner, people.finance, amount, signed,
                   last_day if won else None, today, days)  # fmt: skip

        reached_s4 = reached >= 2
        budget = amount + amount // 10 if reached_s4 else None
        project_manager = None
        if reached_s4:
            s4 = entered[2]
            branch = people.branch_of[owner]
            project_manager = rng.choice(people.project_managers_of_branch[branch])
            rows["project_members"].append(
                (ids.take("project_members"), opportunity, project_manager)
            )
            requested = max(created, s4 - between(1, 7))
            rows["initiations"].append(
                (ids.take("initiations"), opportunity, owner, stamp(requested, rng), budget,
                 people.supervisor_of_team[people.team_of[owner]], stamp(s4, rng))
            )  # fmt: skip

        opportunities.append(
            (
                opportunity,
                f"{customer_name(c)}{line_products[0][1]}项目",
                customer,
                owner,
                owner,
                text(created),
                stamp(moves[-1] if moves else created, rng),
                stage,
                text(entered[-1]),
                status,
                amount,
                probability,
                category,
                text(expected),
                budget,
                text(signed) if signed is not None else None,
                text(last_day) if won else None,
                text(lost_on) if lost_on is not None else None,
                lost_reason or "",
                lost_to,
                text(lost_on) if lost_on is not None else text(entered[-1]),  # last change
                project_manager,  # copied from the team and the lines (`pipeline.copies`)
                ",".join(str(product) for product, _name in line_products),
            )
        )

        # Work logged on the deal while it was alive.
        activities = rows["activities"]
        alive_until = min(last_day, today)
        for _ in range(between(low, high)):
            kind = kind_names[bisect_right(kind_bounds, draw() * kind_total)]
            hours = int(draw() * 5)
            for _try in range(DAY_TRIES):
                day = between(created, alive_until)
                if timesheets.book(owner, day, HALF_HOURS[hours]):
                    activities.append(
                        (ids.take("activities"), owner, kind, text(day), HOURS[hours],
                         customer, opportunity)
                    )  # fmt: skip
                    break
    return Chunk(rows)


def _money(
    rng: random.Random,
    rows: dict[str, list[tuple]],
    ids: Ids,
    opportunity: int,
    owner: int,
    finance: int,
    amount: int,
    signed: int,
    completed: int | None,
    today: int,
    days: Days,
) -> None:
    """Contract on `signed`; half due at once, half after 180 days; what was due by the
    completion (or today) is paid and confirmed — S7.2 holds for every won deal."""
    text, stamp = days.text, days.stamp
    contract = ids.take("contracts")
    rows["contracts"].append(
        (contract, opportunity, text(signed), amount, owner, stamp(signed, rng))
    )
    first = amount // 2
    installments = [(signed, first), (signed + 180, amount - first)]
    until = completed if completed is not None else today
    for due, part in installments:
        rows["installments"].append((ids.take("installments"), contract, text(due), part))
        if due > until:
            continue
        received = min(until, due + _between(rng, 0, 10))
        rows["payments"].append(
            (ids.take("payments"), contract, part, text(received), owner, stamp(received, rng),
             finance, stamp(received, rng))
        )  # fmt: skip
    if completed is not None:
        rows["shipments"].append(
            (ids.take("shipments"), opportunity, text(_between(rng, signed, completed)),
             text(completed))
        )  # fmt: skip


__all__ = [
    "MODELS",
    "TABLES",
    "Days",
    "Ids",
    "People",
    "Timesheets",
    "customer_name",
    "plan_chunk",
]
