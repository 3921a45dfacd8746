"""Writes the planned stories as rows: opportunities, their history and the evidence behind
each stage (SPEC §2), in bulk and keeping every invariant the pipeline services keep:
history ends at the current stage and status, won deals are S7 with a completion date and a
contract, lost ones have a date and reason, amount = sum of lines, payments never exceed
the contract.

Each kind of evidence has its own writer so a later step can swap one for the service that
records it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from salespath.activities.models import Activity, ActivityKind
from salespath.customers.models import Competitor
from salespath.pipeline.models import (
    Attestation,
    Criterion,
    InitiationRequest,
    KeyDate,
    Objection,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    ProjectMember,
    ProjectRole,
    Quote,
    StageChange,
)

from . import data
from .money import write_contracts
from .people import Organisation
from .stories import CODE, Story
from .timing import at, moment

OPPORTUNITY_PREFIX = "demo:opportunity:"


def write_deals(
    rng: random.Random,
    org: Organisation,
    stories: list[Story],
    today: date,
    competitors: dict[str, Competitor],
    products: dict,
) -> dict[str, int]:
    opportunities = [
        Opportunity(
            name=s.name,
            name_en=s.name_en,
            external_id=f"{OPPORTUNITY_PREFIX}{s.number:04d}",
            customer=s.customer.customer,
            owner=s.owner.user,
            created_by=s.owner.user,
            created_on=s.created_on,
            stage_id=CODE[s.stage],
            stage_entered_on=s.stage_entered_on,
            status=s.status,
            amount=s.amount,
            probability=s.probability,
            probability_manual=s.probability_manual,
            forecast_category=s.category,
            expected_close=s.expected_close,
            no_competitors_known=s.no_competitors_known,
            customer_need=rng.choice(data.CUSTOMER_NEEDS) if s.has_need_and_budget else "",
            budget_amount=s.budget,
            won_on=s.won_on,
            lost_on=s.lost_on,
            lost_reason=s.lost_reason,
            lost_to=competitors[s.lost_to] if s.lost_to else None,
        )
        for s in stories
    ]
    Opportunity.objects.bulk_create(opportunities)
    by_story = dict(zip((s.number for s in stories), opportunities, strict=True))

    OpportunityLine.objects.bulk_create(
        OpportunityLine(opportunity=by_story[s.number], product=products[code], amount=amount)
        for s in stories
        for code, amount in s.lines
    )
    write_history(rng, stories, by_story)
    OpportunityCompetitor.objects.bulk_create(
        OpportunityCompetitor(opportunity=by_story[s.number], competitor=competitors[name])
        for s in stories
        for name in s.competitors
    )
    write_attestations(rng, stories, by_story, today)
    requests = write_initiations(rng, org, stories, by_story, today)
    write_project_teams(org, stories, by_story)
    write_stage_activities(rng, stories, by_story, today)
    write_quotes_and_key_dates(rng, stories, by_story, today)
    money = write_contracts(rng, org, stories, by_story, today)
    return {**requests, **money}


def write_history(rng: random.Random, stories: list[Story], by_story: dict) -> None:
    StageChange.objects.bulk_create(
        StageChange(
            opportunity=by_story[s.number],
            kind=e.kind,
            from_stage_id=CODE[e.from_stage] if e.from_stage else None,
            to_stage_id=CODE[e.to_stage],
            from_status=e.from_status,
            to_status=e.to_status,
            effective_on=e.on,
            at=at(e.on, rng),
            by=e.by.user,
            reason=e.reason,
            override=e.override,
        )
        for s in stories
        for e in s.events
    )


def _evidence_day(rng: random.Random, story: Story, stage: int) -> date:
    """A day shortly before the deal first entered `stage`, never before it was created."""
    return max(story.created_on, story.entered(stage) - timedelta(days=rng.randint(0, 6)))


def _recent_day(rng: random.Random, story: Story, today: date) -> date:
    """A day since the deal entered its current stage: work towards the next gate."""
    start = story.stage_entered_on
    return start + timedelta(days=rng.randint(0, (today - start).days))


def write_attestations(
    rng: random.Random, stories: list[Story], by_story: dict, today: date
) -> None:
    attested = defaultdict(list)
    for code, stage in Criterion.objects.filter(kind=Criterion.Kind.ATTESTED).values_list(
        "code", "stage__order"
    ):
        attested[stage].append(code)
    next_stage_extras = {"initiation_pending": 4, "quote": 5, "key_dates": 6}
    rows = []
    for s in stories:
        stages = [(n, False) for n in range(3, s.reached + 1)]
        if s.blocked in next_stage_extras:
            stages.append((next_stage_extras[s.blocked], True))
        for stage, ahead in stages:
            for code in sorted(attested[stage]):
                if code == s.gap:
                    continue
                day = _recent_day(rng, s, today) if ahead else _evidence_day(rng, s, stage)
                rows.append(
                    Attestation(
                        criterion_id=code,
                        opportunity=by_story[s.number],
                        note=data.ATTESTATION_NOTES.get(code, "已与客户确认"),
                        by=s.owner.user,
                        at=at(day, rng),
                    )
                )
    Attestation.objects.bulk_create(rows)


def write_initiations(
    rng: random.Random, org: Organisation, stories: list[Story], by_story: dict, today: date
) -> dict[str, int]:
    rows = []
    for s in stories:
        opportunity = by_story[s.number]
        supervisor = org.supervisor_of(s.owner)

        def request(requested: datetime, s=s, opportunity=opportunity, **decision):
            return InitiationRequest(
                opportunity=opportunity,
                requested_by=s.owner.user,
                requested_at=requested,
                requirements=rng.choice(data.CUSTOMER_NEEDS),
                budget=s.budget,
                schedule="客户计划下季度启动选型,年内上线",
                selection_team="客户已成立选型小组,由总经理牵头",
                competition="、".join(s.competitors),
                guidance="已做产品方向及白皮书讲解",
                **decision,
            )

        if s.reached >= 4:
            entered = s.entered(4)
            requested = max(s.created_on, entered - timedelta(days=rng.randint(3, 10)))
            if s.rejected_first:
                first = max(s.created_on, requested - timedelta(days=rng.randint(10, 30)))
                rows.append(
                    request(
                        moment(first, 9),
                        status="rejected",
                        decided_by=supervisor.user,
                        decided_at=moment(first + (requested - first) / 2, 11),
                        decision_comment=rng.choice(data.INITIATION_REJECTIONS),
                    )
                )
            approver = supervisor if rng.random() < 0.8 else org.gm_of(s.owner)
            decided = max(requested, entered - timedelta(days=rng.randint(0, 2)))
            rows.append(
                request(
                    moment(requested, 14),
                    status="approved",
                    decided_by=approver.user,
                    decided_at=moment(decided, 16, 30),
                    decision_comment=rng.choice(data.INITIATION_APPROVALS),
                )
            )
        elif s.blocked == "initiation_pending":
            rows.append(request(moment(_recent_day(rng, s, today), 10)))
        elif s.blocked == "initiation_rejected":
            requested = _recent_day(rng, s, today)
            decided = min(today, requested + timedelta(days=rng.randint(1, 3)))
            rows.append(
                request(
                    moment(requested, 9),
                    status="rejected",
                    decided_by=supervisor.user,
                    decided_at=moment(decided, 15),
                    decision_comment=rng.choice(data.INITIATION_REJECTIONS),
                )
            )
    InitiationRequest.objects.bulk_create(rows)
    counted = defaultdict(int)
    for row in rows:
        counted[f"initiations_{row.status}"] += 1
    return dict(counted)


def write_project_teams(org: Organisation, stories: list[Story], by_story: dict) -> None:
    specialists = {
        role: org.with_role(role)[0] for role in ("presales", "product_expert", "implementation")
    }
    executive = org.with_role("executive")[0]
    rows = []
    for s in stories:
        if s.reached < 4:
            continue
        members = [
            (s.owner, ProjectRole.ACCOUNT_MANAGER),
            (org.supervisor_of(s.owner), ProjectRole.PROJECT_MANAGER),
        ]
        if s.reached >= 5:
            members += [
                (specialists["presales"], ProjectRole.PRESALES),
                (specialists["product_expert"], ProjectRole.PRODUCT_EXPERT),
            ]
        if s.reached >= 6 and s.amount >= 1_500_000:
            members.append((org.gm_of(s.owner), ProjectRole.BRANCH_GM))
        if s.reached >= 6 and s.amount >= 3_000_000:
            members.append((executive, ProjectRole.EXECUTIVE))
        if s.status == "won":
            members.append((specialists["implementation"], ProjectRole.IMPLEMENTATION))
        rows += [
            ProjectMember(opportunity=by_story[s.number], person=p.user, role=role)
            for p, role in members
        ]
    ProjectMember.objects.bulk_create(rows)


def write_stage_activities(
    rng: random.Random, stories: list[Story], by_story: dict, today: date
) -> None:
    """S4.7 (guidance) and S5.1 (product overview) as activities on the opportunity."""
    rows = []
    for s in stories:
        wanted = []
        if (s.reached >= 4 or s.blocked == "initiation_pending") and s.gap != "S4.7":
            day = _evidence_day(rng, s, 4) if s.reached >= 4 else _recent_day(rng, s, today)
            wanted.append((ActivityKind.GUIDANCE, day, "产品方向与行业白皮书讲解"))
        if s.reached >= 5 or s.blocked == "quote":
            day = _evidence_day(rng, s, 5) if s.reached >= 5 else _recent_day(rng, s, today)
            wanted.append((ActivityKind.PRODUCT_OVERVIEW, day, "产品整体介绍与演示"))
        for kind, day, purpose in wanted:
            rows.append(
                Activity(
                    person=s.owner.user,
                    kind=kind,
                    occurred_on=day,
                    hours=Decimal(rng.choice(["2.0", "2.5", "3.0"])),
                    customer=s.customer.customer,
                    opportunity=by_story[s.number],
                    purpose=purpose,
                    outcome="客户认可我们的产品方向",
                )
            )
    Activity.objects.bulk_create(rows)


def _fees(total: Decimal, rng: random.Random) -> tuple[Decimal, Decimal, Decimal]:
    software = (total * Decimal(rng.uniform(0.5, 0.65))).quantize(Decimal("1000"))
    implementation = (total * Decimal(rng.uniform(0.2, 0.3))).quantize(Decimal("1000"))
    return software, implementation, total - software - implementation


def write_quotes_and_key_dates(
    rng: random.Random, stories: list[Story], by_story: dict, today: date
) -> None:
    quotes, key_dates, objections = [], [], []
    for s in stories:
        opportunity = by_story[s.number]
        if s.reached >= 5 and s.gap != "S5.3":
            total = (s.amount * Decimal(rng.uniform(1.0, 1.15))).quantize(Decimal("1000"))
            software, implementation, service = _fees(total, rng)
            quotes.append(
                Quote(
                    opportunity=opportunity,
                    version=1,
                    kind=Quote.Kind.PRELIMINARY,
                    quoted_on=_evidence_day(rng, s, 5),
                    software_fee=software,
                    implementation_fee=implementation,
                    service_fee=service,
                    created_by=s.owner.user,
                )
            )
            if s.reached >= 6:
                latest = s.won_on or today
                software, implementation, service = _fees(s.amount, rng)
                quotes.append(
                    Quote(
                        opportunity=opportunity,
                        version=2,
                        kind=Quote.Kind.FORMAL,
                        quoted_on=min(latest, s.entered(6) + timedelta(days=rng.randint(0, 10))),
                        software_fee=software,
                        implementation_fee=implementation,
                        service_fee=service,
                        created_by=s.owner.user,
                        note="正式商务报价",
                    )
                )
        if (s.reached >= 4 or s.blocked == "initiation_pending") and s.gap != "S4.5":
            start = s.entered(4) if s.reached >= 4 else today
            key_dates.append(
                KeyDate(
                    opportunity=opportunity,
                    kind=KeyDate.Kind.CUSTOMER_SCHEDULE,
                    on=start + timedelta(days=rng.randint(30, 150)),
                    note="客户计划项目启动",
                )
            )
        if s.reached >= 6 and s.gap != "S6.3":
            entered = s.entered(6)
            bid = max(s.created_on, entered - timedelta(days=rng.randint(0, 10)))
            signing = s.won_on or s.expected_close
            key_dates += [
                KeyDate(opportunity=opportunity, kind=KeyDate.Kind.BID, on=bid, note="投标"),
                KeyDate(
                    opportunity=opportunity,
                    kind=KeyDate.Kind.NEGOTIATION,
                    on=min(signing, entered + timedelta(days=rng.randint(3, 20))),
                    note="合同谈判",
                ),
                KeyDate(
                    opportunity=opportunity, kind=KeyDate.Kind.SIGNING, on=signing, note="签约"
                ),
            ]
        if s.reached >= 6 and rng.random() < 0.3:
            objection, handling = rng.choice(data.OBJECTIONS)
            latest = s.won_on or today
            objections.append(
                Objection(
                    opportunity=opportunity,
                    description=objection,
                    handling=handling,
                    raised_on=s.entered(6) + (latest - s.entered(6)) / 2,
                    resolved=s.status == "won",
                )
            )
    Quote.objects.bulk_create(quotes)
    KeyDate.objects.bulk_create(key_dates)
    Objection.objects.bulk_create(objections)
