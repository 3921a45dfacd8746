"""The story of each demo opportunity, planned before anything is written.

A story is the opportunity's stage history (create in S2, advances in stage order, some
move-backs, a loss, a reopening) with dates, its outcome, and which evidence it
deliberately lacks. Pure Python: `deals.write_deals` turns stories into rows (directly, like
an import; a later step can replay the same stories through the pipeline services).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from salespath.lib.fiscal import add_months
from salespath.pipeline.models import OPPORTUNITY_STAGES

from . import data
from .customers import CustomerPlan
from .people import Organisation, PersonPlan

STAGES = OPPORTUNITY_STAGES
ORDER = {code: number for number, code in enumerate(STAGES, start=2)}
CODE = {number: code for code, number in ORDER.items()}
DEFAULT_PROBABILITY = {2: 10, 3: 20, 4: 30, 5: 50, 6: 75, 7: 100}

# Opportunities per salesperson by phase (about 400 in all).
DEALS_BY_PHASE = {
    "P0": (3, 6),
    "P1": (10, 14),
    "P2": (12, 15),
    "P3": (14, 17),
    "P4": (15, 18),
    "Y2": (16, 20),
}

# Criteria a deal ahead of its evidence may lack, by the stage they belong to.
GAPPABLE = {
    3: ["S3.1", "S3.3", "S3.4"],
    4: ["S4.1", "S4.5", "S4.7"],
    5: ["S5.2", "S5.3"],
    6: ["S6.1", "S6.3"],
}


@dataclass
class Event:
    kind: str  # create / advance / back / lose / reopen
    from_stage: int | None
    to_stage: int
    from_status: str
    to_status: str
    on: date | None = None
    reason: str = ""
    override: bool = False
    by: PersonPlan | None = None


@dataclass
class Story:
    number: int
    owner: PersonPlan
    customer: CustomerPlan
    created_on: date
    events: list[Event]
    amount: Decimal
    lines: list[tuple[str, Decimal]]
    name: str = ""
    name_en: str = ""
    competitors: list[str] = field(default_factory=list)
    no_competitors_known: bool = False
    has_need_and_budget: bool = True
    budget: Decimal | None = None
    expected_close: date | None = None
    probability: int = 10
    probability_manual: bool = False
    category: str = "pipeline"
    lost_reason: str = ""
    lost_to: str | None = None
    # Evidence deliberately missing (criterion code), and why the deal is waiting at a gate.
    gap: str | None = None
    blocked: str | None = None  # initiation_pending / initiation_rejected / quote / key_dates
    booked: bool = False
    rejected_first: bool = False

    @property
    def last(self) -> Event:
        return self.events[-1]

    @property
    def stage(self) -> int:
        return self.last.to_stage

    @property
    def status(self) -> str:
        return self.last.to_status

    @property
    def reached(self) -> int:
        """The furthest stage the deal has been in: its evidence goes that far."""
        return max(e.to_stage for e in self.events)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def entered(self, stage: int) -> date:
        """The first day the deal was in `stage` (or crossed it in one advance)."""
        if stage <= 2:
            return self.created_on
        for event in self.events:
            if event.kind == "advance" and event.from_stage < stage <= event.to_stage:
                return event.on
        raise ValueError(f"deal {self.number} never reached S{stage}")

    def advance_into(self, stage: int) -> Event:
        return next(
            e for e in self.events if e.kind == "advance" and e.from_stage < stage <= e.to_stage
        )

    @property
    def stage_entered_on(self) -> date:
        moves = [e for e in self.events if e.from_stage != e.to_stage]
        return moves[-1].on

    @property
    def won_on(self) -> date | None:
        return self.last.on if self.status == "won" else None

    @property
    def lost_on(self) -> date | None:
        return self.last.on if self.status == "lost" else None

    @property
    def has_back_moves(self) -> bool:
        return any(e.kind in ("back", "reopen") for e in self.events)


def _outcome(rng: random.Random, age: int) -> tuple[str, int]:
    """(status, stage) the deal ends in, likelier to be closed and further on the older it is."""
    won = 0.5 if age >= 240 else 0.35 if age >= 120 else 0.15 if age >= 60 else 0
    lost = 0.25 if age >= 240 else 0.2 if age >= 120 else 0.12 if age >= 60 else 0.05
    draw = rng.random()
    if draw < won:
        return "won", 7
    if draw < won + lost:
        return "lost", rng.choices([2, 3, 4, 5, 6], [25, 25, 20, 18, 12])[0]
    if age < 30:
        weights = [60, 35, 5, 0, 0]
    elif age < 90:
        weights = [20, 33, 27, 15, 5]
    elif age < 180:
        weights = [6, 14, 25, 30, 25]
    else:
        weights = [3, 8, 22, 37, 30]
    return "open", rng.choices([2, 3, 4, 5, 6], weights)[0]


def _moves(rng: random.Random, status: str, stage: int) -> list[Event]:
    """Events after creation, without dates."""
    events: list[Event] = []
    current = 2
    while current < stage:
        step = 2 if rng.random() < 0.04 and current + 2 < min(stage + 1, 7) else 1
        target = current + step
        events.append(Event("advance", current, target, "open", "won" if target == 7 else "open"))
        current = target
    backable = [i for i, e in enumerate(events) if 4 <= e.to_stage < 7]
    if backable and rng.random() < 0.12:
        i = rng.choice(backable)
        to = events[i].to_stage
        events[i + 1 : i + 1] = [
            Event("back", to, to - 1, "open", "open", reason=rng.choice(data.BACK_REASONS)),
            Event("advance", to - 1, to, "open", "open"),
        ]
    if status == "lost":
        events.append(
            Event("lose", stage, stage, "open", "lost", reason=rng.choice(data.LOST_REASONS))
        )
    elif status == "open" and stage >= 3 and rng.random() < 0.04:
        events += [
            Event("lose", stage, stage, "open", "lost", reason=rng.choice(data.LOST_REASONS)),
            Event("reopen", stage, stage, "lost", "open", reason=rng.choice(data.REOPEN_REASONS)),
        ]
    return events


def _date_events(
    rng: random.Random, story_events: list[Event], created: date, today: date, closed: bool
) -> bool:
    """Spread the events over distinct days after creation, up to today. False if no room."""
    moves = story_events[1:]
    age = (today - created).days
    if len(moves) > age:
        return False
    if not moves:
        return True
    if closed:
        end = rng.randint(max(len(moves), min(age, 60)), age)
    else:
        end = age - rng.randint(0, min(45, age - len(moves)))
    for event, offset in zip(moves, sorted(rng.sample(range(1, end + 1), len(moves))), strict=True):
        event.on = created + timedelta(days=offset)
    return True


def _amount_and_lines(rng: random.Random, size: str, products: list[tuple[str, int]]):
    low, high = {"large": (80, 500), "medium": (30, 150), "small": (10, 40)}[size]
    amount = Decimal(rng.randint(low, high) * 10000)
    codes = [c for c, _ in products]
    weights = [w for _, w in products]
    chosen: list[str] = []
    for _ in range(rng.choices([1, 2, 3], [45, 40, 15])[0]):
        code = rng.choices(codes, weights)[0]
        if code not in chosen:
            chosen.append(code)
    lines = []
    remaining = amount
    for code in chosen[:-1]:
        part = (remaining * Decimal(rng.uniform(0.3, 0.6))).quantize(Decimal("1000"))
        lines.append((code, part))
        remaining -= part
    lines.append((chosen[-1], remaining))
    return amount, lines


def plan_stories(
    rng: random.Random, org: Organisation, customers: list[CustomerPlan], today: date
) -> list[Story]:
    earliest = add_months(today, -18)
    products = [(code, weight) for code, _, _, weight in data.PRODUCTS]
    product_names = {code: (name, name_en) for code, name, name_en, _ in data.PRODUCTS}
    competitors = [name for name, _ in data.COMPETITORS]
    vendors = [name for name, kind in data.COMPETITORS if kind == "vendor"]
    stories: list[Story] = []
    for person in org.salespeople:
        book = [c for c in customers if c.owner is person]
        used: set[int] = set()
        for _ in range(rng.randint(*DEALS_BY_PHASE[person.phase])):

            def first_day(customer: CustomerPlan, person: PersonPlan = person) -> date:
                return max(
                    customer.created_on + timedelta(days=7),
                    earliest,
                    person.hire_date + timedelta(days=14),
                )

            ready = [c for c in book if first_day(c) < today - timedelta(days=1)]
            fresh = [c for c in ready if c.number not in used]
            if not ready:
                continue
            customer = rng.choice(fresh if fresh and rng.random() < 0.8 else ready)
            used.add(customer.number)
            first = first_day(customer)
            # Skewed towards older deals: a book builds up over a salesperson's tenure.
            created = first + timedelta(days=int((today - first).days * rng.random() ** 1.3))
            status, stage = _outcome(rng, (today - created).days)
            events = [Event("create", None, 2, "", "open", on=created)]
            events += _moves(rng, status, stage)
            if not _date_events(rng, events, created, today, closed=status != "open"):
                status, stage = "open", 2
                events = events[:1]
            amount, lines = _amount_and_lines(rng, customer.size, products)
            story = Story(len(stories) + 1, person, customer, created, events, amount, lines)
            for event in events:
                event.by = person
            pattern, pattern_en = rng.choice(data.OPPORTUNITY_NAME_PATTERNS)
            product, product_en = product_names[lines[0][0]]
            story.name = pattern.format(short=customer.short, product=product)
            story.name_en = pattern_en.format(short_en=customer.short_en, product_en=product_en)
            _fill_commercials(rng, story, today, competitors, vendors)
            stories.append(story)
    _pick_special_cases(rng, org, stories, today)
    return stories


def _fill_commercials(rng, story: Story, today: date, competitors, vendors) -> None:
    reached = story.reached
    if reached >= 4 or rng.random() < 0.7:
        story.competitors = rng.sample(competitors, rng.randint(1, 3))
        if reached >= 4 and not any(c in vendors for c in story.competitors):
            story.competitors.append(rng.choice(vendors))
    elif reached >= 3 or rng.random() < 0.6:
        story.no_competitors_known = True  # S2.3 allows "none known"
    story.has_need_and_budget = reached >= 3 or rng.random() < 0.7
    if story.has_need_and_budget:
        story.budget = (story.amount * Decimal(rng.uniform(0.8, 1.3))).quantize(Decimal("10000"))
    if story.status == "won":
        story.expected_close = story.won_on
        story.probability, story.category = 100, "commit"
        return
    if story.status == "lost":
        story.expected_close = story.lost_on + timedelta(days=rng.randint(0, 60))
        # The category the owner had reported before the loss stays on the deal, so past
        # forecasts that counted on it show up in forecast accuracy.
        story.probability, story.category = 0, _category_when_lost(rng, story)
        story.lost_reason = story.last.reason
        lost_to = [c for c in story.competitors if c in vendors]
        if lost_to and rng.random() < 0.7:
            story.lost_to = rng.choice(lost_to)
            story.lost_reason = f"客户选择了{story.lost_to}:{story.lost_reason}"
        return
    ahead = {2: (90, 365), 3: (60, 240), 4: (30, 150), 5: (10, 85), 6: (5, 60)}[story.stage]
    story.expected_close = today + timedelta(days=rng.randint(*ahead))
    if rng.random() < 0.06 and today - timedelta(days=5) > story.created_on:
        # Overdue: the owner has not moved the close date although it has passed.
        back = rng.randint(5, min(40, (today - story.created_on).days))
        story.expected_close = today - timedelta(days=back)
    story.probability = DEFAULT_PROBABILITY[story.stage]
    story.category = _suggested_category(rng, story, today)


def _category_when_lost(rng, story: Story) -> str:
    if story.stage == 6:
        return "commit" if rng.random() < 0.6 else "best_case"
    if story.stage == 5:
        return "best_case" if rng.random() < 0.6 else "commit"
    return "pipeline"


def _suggested_category(rng, story: Story, today: date) -> str:
    soon = story.expected_close <= today + timedelta(days=75)
    stage = story.stage
    if stage == 6:
        return "commit" if soon else "best_case"
    if stage == 5:
        return "commit" if soon and rng.random() < 0.3 else "best_case"
    if stage == 4:
        return "best_case" if rng.random() < 0.3 else "pipeline"
    if (today - story.created_on).days > 240 and rng.random() < 0.5:
        return "omitted"  # a stale early deal the owner no longer counts on
    return "pipeline"


def _pick_special_cases(
    rng: random.Random, org: Organisation, stories: list[Story], today: date
) -> None:
    """The realistic minority: deals ahead of their evidence (some by a supervisor's
    override), deals waiting at a gate, booked-but-not-completed deals."""

    def open_at(stage: int) -> list[Story]:
        return [
            s
            for s in stories
            if s.is_open
            and s.stage == stage
            and not s.has_back_moves
            and s.gap is None
            and s.blocked is None
        ]

    candidates = [s for n in (3, 4, 5, 6) for s in open_at(n)]
    for story in rng.sample(candidates, max(1, len(candidates) // 9)):
        stage = rng.choice([n for n in GAPPABLE if n <= story.stage])
        story.gap = rng.choice(GAPPABLE[stage])
        if rng.random() < 0.5:
            _override(rng, org, story, stage)
    won = [s for s in stories if s.status == "won" and not s.has_back_moves]
    for story in rng.sample(won, min(2, len(won))):
        _override(rng, org, story, 5)  # overridden then, evidence supplied since

    for blocked, stage, count in [
        ("initiation_pending", 3, 5),
        ("initiation_rejected", 3, 4),
        ("quote", 4, 4),
        ("key_dates", 5, 3),
    ]:
        for story in rng.sample(open_at(stage), min(count, len(open_at(stage)))):
            story.blocked = blocked
            if blocked == "quote":
                # Everything for S5 but the quote, so S5.4 too: close soon, ≥ 50% by hand.
                story.probability, story.probability_manual = rng.choice([50, 55, 60]), True
                story.expected_close = today + timedelta(days=rng.randint(20, 80))
                story.category = "best_case"
    for story in open_at(6):
        if rng.random() < 0.5:
            story.booked = True
            story.category = "commit"
    for story in [s for s in stories if s.stage >= 4 and not s.has_back_moves]:
        story.rejected_first = rng.random() < 0.1
    movable = [s for s in stories if s.is_open and not s.probability_manual and s.stage < 6]
    for story in rng.sample(movable, min(6, len(movable))):
        story.probability_manual = True
        story.probability = min(95, DEFAULT_PROBABILITY[story.stage] + rng.choice([5, 10, 15]))
    risky = [s for s in open_at(4) if s.category != "commit"]
    for story in rng.sample(risky, min(2, len(risky))):
        story.category = "commit"  # a commit below S5: the forecast flags it as a risk


def _override(rng: random.Random, org: Organisation, story: Story, stage: int) -> None:
    event = story.advance_into(stage)
    event.override = True
    event.by = org.supervisor_of(story.owner)
    event.reason = rng.choice(data.OVERRIDE_REASONS)
