"""Is each criterion of each stage met for an opportunity, and why? (SPEC §2)

Evidence-backed criteria are read from data; the others need an active attestation. All
data for any number of opportunities is loaded by `evaluate_many` in a fixed number of
queries (one per kind of evidence), so a board or a report never issues a query per deal.

Rules where SPEC leaves room (a sales manager's reading):
- S2.4 needs both the customer need (text) and a budget amount; S4.3 the budget amount.
- S2.5 needs at least one contact with a role in the customer's project other than "other".
- S4.6 needs a *named* competitor or consultant: "no competitor known" satisfies S2.3 only.
- S5.3 counts any quote, preliminary or formal; a quote always carries the three fee parts
  (`quote_add` refuses one without them).
- S5.4 holds when the expected close date is on or before today + 3 months (month-end
  clamped) and the probability is at least 50%.
- S7.2 needs at least one finance-confirmed payment, and confirmed payments at least the
  installments due by today.

S5.4 and S7.2 are the only rules that read today: as days pass, S5.4 can only become met and
S7.2 change on an installment's due date. An evaluation stored for the integrity report is
true until the first such day (`evidence.true_until`); every other rule reads only rows
whose writers forget the stored evaluation (`pipeline/evidence.py`). A new rule that reads
today, or reads a new kind of row, must be added there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.customers.models import Contact, ContactRole, EconomicCondition, SystemStatus
from salespath.lib.fiscal import add_months
from salespath.pipeline.activity_kinds import ActivityKind
from salespath.pipeline.qualification import (
    Qualification,
    attested_by,
    attested_why,
    qualify_customers,
)

from .models import (
    OPPORTUNITY_STAGES,
    Attestation,
    Contract,
    Criterion,
    InitiationRequest,
    Installment,
    KeyDate,
    Opportunity,
    OpportunityCompetitor,
    Payment,
    ProjectMember,
    ProjectRole,
    Quote,
    Shipment,
)
from .results import CriterionResult

STAGE_ORDER = {f"S{n}": n for n in range(1, 8)}
ZERO = Decimal("0.00")


@dataclass
class Facts:
    """Everything the evidence rules read for one opportunity."""

    opportunity: Opportunity
    qualification: Qualification
    contact_roles: set[str] = field(default_factory=set)
    competitors: list[str] = field(default_factory=list)
    approved_initiation: bool = False
    project_managers: list[str] = field(default_factory=list)
    activity_kinds: dict[str, date] = field(default_factory=dict)
    latest_quote: int | None = None
    key_date_kinds: set[str] = field(default_factory=set)
    contract: Contract | None = None
    due_so_far: Decimal = ZERO
    next_due_on: date | None = None  # the first installment due after `today`
    confirmed_paid: Decimal = ZERO
    confirmed_payments: int = 0
    shipment: Shipment | None = None
    attestations: dict[str, Attestation] = field(default_factory=dict)
    today: date = field(default_factory=timezone.localdate)


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):,.2f}"


def _missing_fields(instance: Any, names: tuple[str, ...]) -> list[str]:
    absent = []
    for name in names:
        value = getattr(instance, name)
        if value is None or value == "":
            absent.append(str(instance._meta.get_field(name.removesuffix("_id")).verbose_name))
    return absent


def _profile(facts: Facts, names: tuple[str, ...], complete: str) -> tuple[bool, str]:
    absent = _missing_fields(facts.opportunity.customer, names)
    if absent:
        return False, _("Missing on the customer's profile: %(fields)s.") % {
            "fields": ", ".join(absent)
        }
    return True, complete


def s2_1(facts: Facts) -> tuple[bool, str]:
    return _profile(
        facts,
        ("industry_id", "background", "size", "headcount"),
        _("Industry, background, size and headcount are on the customer's profile."),
    )


def s2_2(facts: Facts) -> tuple[bool, str]:
    return _profile(
        facts,
        ("it_hardware", "it_software", "it_network"),
        _("Hardware, software and network are on the customer's profile."),
    )


def s2_3(facts: Facts) -> tuple[bool, str]:
    if facts.competitors:
        return True, _("Competitors on record: %(names)s.") % {
            "names": ", ".join(facts.competitors)
        }
    if facts.opportunity.no_competitors_known:
        return True, _("Marked “no competing vendor known”.")
    return False, _("No competitor on record, and not marked “no competing vendor known”.")


def s2_4(facts: Facts) -> tuple[bool, str]:
    opportunity = facts.opportunity
    if not opportunity.customer_need.strip():
        return False, _("The customer need is not recorded.")
    if opportunity.budget_amount is None:
        return False, _("The budget amount is not recorded.")
    return True, _("Need and budget (%(budget)s) recorded.") % {
        "budget": _amount(opportunity.budget_amount)
    }


def s2_5(facts: Facts) -> tuple[bool, str]:
    roles = facts.contact_roles - {ContactRole.OTHER}
    if not roles:
        return False, _("No customer contact with a project role.")
    labels = sorted(str(ContactRole(role).label) for role in roles)
    return True, _("Contacts with roles: %(roles)s.") % {"roles": ", ".join(labels)}


def s2_6(facts: Facts) -> tuple[bool, str]:
    return facts.qualification.is_target, facts.qualification.why


def s2_7(facts: Facts) -> tuple[bool, str]:
    if facts.opportunity.customer.it_need.strip():
        return True, _("IT need recorded.")
    return False, _("The customer's IT need is not recorded.")


def s2_8(facts: Facts) -> tuple[bool, str]:
    customer = facts.opportunity.customer
    if customer.economic_condition == EconomicCondition.GOOD:
        return True, _("Economic condition recorded as good.")
    if not customer.economic_condition:
        return False, _("The economic condition is not recorded.")
    return False, _("Economic condition recorded as %(value)s.") % {
        "value": customer.get_economic_condition_display()
    }


def s2_9(facts: Facts) -> tuple[bool, str]:
    customer = facts.opportunity.customer
    status = customer.current_system_status
    if status in (SystemStatus.NONE, SystemStatus.INADEQUATE):
        return True, str(customer.get_current_system_status_display())
    if not status:
        return False, _("The customer's current system is not recorded.")
    return False, _("The customer's current system is adequate.")


def s4_0(facts: Facts) -> tuple[bool, str]:
    if not facts.approved_initiation:
        return False, _("No approved project initiation request.")
    if not facts.project_managers:
        return False, _("The initiation is approved but the project team has no project manager.")
    return True, _("Initiation approved; project manager: %(names)s.") % {
        "names": ", ".join(facts.project_managers)
    }


def s4_3(facts: Facts) -> tuple[bool, str]:
    budget = facts.opportunity.budget_amount
    if budget is None:
        return False, _("The budget amount is not recorded.")
    return True, _("Budget on record: %(budget)s.") % {"budget": _amount(budget)}


def s4_4(facts: Facts) -> tuple[bool, str]:
    roles = facts.contact_roles
    if ContactRole.SELECTION_TEAM not in roles:
        return False, _("No contact is recorded as a selection team member.")
    if not roles & {ContactRole.DECISION_MAKER, ContactRole.EXECUTIVE_SPONSOR}:
        return False, _("No contact is recorded as a decision maker or executive sponsor.")
    return True, _("Selection team and leadership support recorded among the contacts.")


def _key_dates(facts: Facts, kinds: tuple[str, ...]) -> tuple[bool, str]:
    absent = [str(KeyDate.Kind(kind).label) for kind in kinds if kind not in facts.key_date_kinds]
    if absent:
        return False, _("Key dates missing: %(kinds)s.") % {"kinds": ", ".join(absent)}
    labels = ", ".join(str(KeyDate.Kind(kind).label) for kind in kinds)
    return True, _("Key dates on record: %(kinds)s.") % {"kinds": labels}


def s4_5(facts: Facts) -> tuple[bool, str]:
    return _key_dates(facts, (KeyDate.Kind.CUSTOMER_SCHEDULE,))


def s4_6(facts: Facts) -> tuple[bool, str]:
    if facts.competitors:
        return True, _("Involved: %(names)s.") % {"names": ", ".join(facts.competitors)}
    return False, _("No named consultant or competitor on record.")


def _activity(facts: Facts, kind: str) -> tuple[bool, str]:
    label = ActivityKind(kind).label
    if kind in facts.activity_kinds:
        return True, _("Activity “%(kind)s” on %(date)s.") % {
            "kind": label,
            "date": facts.activity_kinds[kind].isoformat(),
        }
    return False, _("No activity “%(kind)s” on record.") % {"kind": label}


def s4_7(facts: Facts) -> tuple[bool, str]:
    return _activity(facts, ActivityKind.GUIDANCE)


def s5_1(facts: Facts) -> tuple[bool, str]:
    return _activity(facts, ActivityKind.PRODUCT_OVERVIEW)


def s5_3(facts: Facts) -> tuple[bool, str]:
    if facts.latest_quote is None:
        return False, _("No quote with software, implementation and service fees.")
    return True, _("Quote version %(version)s on record.") % {"version": facts.latest_quote}


def s5_4(facts: Facts) -> tuple[bool, str]:
    opportunity = facts.opportunity
    horizon = add_months(facts.today, 3)
    if opportunity.expected_close > horizon:
        return False, _("The expected close date %(date)s is more than three months away.") % {
            "date": opportunity.expected_close.isoformat()
        }
    if opportunity.probability < 50:
        return False, _("The probability is %(value)s%%, below 50%%.") % {
            "value": opportunity.probability
        }
    return True, _("Closing by %(date)s with probability %(value)s%%.") % {
        "date": opportunity.expected_close.isoformat(),
        "value": opportunity.probability,
    }


def s6_3(facts: Facts) -> tuple[bool, str]:
    return _key_dates(facts, (KeyDate.Kind.BID, KeyDate.Kind.NEGOTIATION, KeyDate.Kind.SIGNING))


def s7_1(facts: Facts) -> tuple[bool, str]:
    contract = facts.contract
    if contract is None:
        return False, _("No signed contract on record.")
    return True, _("Contract signed on %(date)s for %(amount)s.") % {
        "date": contract.signed_on.isoformat(),
        "amount": _amount(contract.amount),
    }


def s7_2(facts: Facts) -> tuple[bool, str]:
    if facts.contract is None:
        return False, _("No signed contract on record.")
    if facts.confirmed_payments == 0:
        return False, _("No payment confirmed by finance yet.")
    if facts.confirmed_paid < facts.due_so_far:
        return False, _("Finance confirmed %(paid)s of %(due)s due so far.") % {
            "paid": _amount(facts.confirmed_paid),
            "due": _amount(facts.due_so_far),
        }
    return True, _("Finance confirmed %(paid)s; %(due)s due so far.") % {
        "paid": _amount(facts.confirmed_paid),
        "due": _amount(facts.due_so_far),
    }


def s7_3(facts: Facts) -> tuple[bool, str]:
    shipment = facts.shipment
    if shipment is None or shipment.hq_ordered_on is None:
        return False, _("Not yet ordered from headquarters.")
    if shipment.shipped_on is None:
        return False, _("Ordered from headquarters on %(date)s, not yet shipped.") % {
            "date": shipment.hq_ordered_on.isoformat()
        }
    return True, _("Ordered on %(ordered)s, shipped on %(shipped)s.") % {
        "ordered": shipment.hq_ordered_on.isoformat(),
        "shipped": shipment.shipped_on.isoformat(),
    }


EVIDENCE_RULES = {
    "S2.1": s2_1,
    "S2.2": s2_2,
    "S2.3": s2_3,
    "S2.4": s2_4,
    "S2.5": s2_5,
    "S2.6": s2_6,
    "S2.7": s2_7,
    "S2.8": s2_8,
    "S2.9": s2_9,
    "S4.0": s4_0,
    "S4.3": s4_3,
    "S4.4": s4_4,
    "S4.5": s4_5,
    "S4.6": s4_6,
    "S4.7": s4_7,
    "S5.1": s5_1,
    "S5.3": s5_3,
    "S5.4": s5_4,
    "S6.3": s6_3,
    "S7.1": s7_1,
    "S7.2": s7_2,
    "S7.3": s7_3,
}


def evaluate_facts(
    facts: Facts, criteria: list[Criterion], labels: dict[str, str] | None = None
) -> list[CriterionResult]:
    """`labels`: each criterion's label by code, for a caller evaluating many deals."""
    labels = labels or {criterion.code: criterion.label for criterion in criteria}
    results = []
    for criterion in criteria:
        rule = EVIDENCE_RULES.get(criterion.code)
        attestation = None
        if criterion.kind == Criterion.Kind.EVIDENCE and rule is not None:
            met, why = rule(facts)
        else:
            # An attested criterion, or an evidence criterion added in the admin that has no
            # rule here yet: a person vouches for it.
            attestation = facts.attestations.get(criterion.code)
            met = attestation is not None
            why = attested_why(attestation) if met else _("Not attested yet.")
        results.append(
            CriterionResult(
                code=criterion.code,
                stage=criterion.stage_id,
                text=labels[criterion.code],
                kind=criterion.kind,
                met=met,
                why=why,
                attestation=attested_by(attestation) if attestation else None,
            )
        )
    return results


def _opportunity_ids(opportunities: Any) -> QuerySet | list[int]:
    if isinstance(opportunities, QuerySet):
        return opportunities.order_by().values("pk")
    return [o.pk if isinstance(o, Opportunity) else int(o) for o in opportunities]


def _evidence_rows(ids: Any, customer_ids: QuerySet) -> QuerySet:
    """The small evidence of the given opportunities as one query, not one per deal: rows
    of (key, tag, text, day, number), a UNION ALL of one indexed read per kind, each
    aggregated by the database to what the rules read —

    - "role": a project role among a customer's contacts (key: the customer);
    - "competitor": a competitor's name, in name order (the database's collation, as before);
    - "initiation": the opportunity has an approved initiation request;
    - "activity": the first day of a guidance or product-overview activity, by kind;
    - "quote": the latest quote version;
    - "key_date": a kind of key date on record.
    """
    # Typed NULLs: PostgreSQL takes an untyped NULL in the first member of a UNION for text.
    no_text = Cast(Value(None), CharField())
    no_day = Cast(Value(None), DateField())
    no_number = Cast(Value(None), IntegerField())

    def rows(qs: QuerySet, key: str, tag: str, *, text=no_text, day=no_day, number=no_number):
        """`qs` as the five columns; aggregates in `day`/`number` group by key and text."""
        return (
            qs.order_by()
            .annotate(e_key=F(key), e_tag=Value(tag), e_text=text)
            .values("e_key", "e_tag", "e_text")
            .annotate(e_day=day, e_number=number)
            .values_list("e_key", "e_tag", "e_text", "e_day", "e_number")
        )

    guidance = (ActivityKind.GUIDANCE, ActivityKind.PRODUCT_OVERVIEW)
    members = [
        rows(
            Contact.objects.filter(customer__in=customer_ids),
            "customer_id",
            "role",
            text=F("project_role"),
            number=Count("pk"),
        ),
        rows(
            OpportunityCompetitor.objects.filter(opportunity__in=ids),
            "opportunity_id",
            "competitor",
            text=F("competitor__name"),
        ),
        rows(
            InitiationRequest.objects.filter(
                opportunity__in=ids, status=InitiationRequest.Decision.APPROVED
            ),
            "opportunity_id",
            "initiation",
            number=Count("pk"),
        ),
        rows(
            # Through the reverse relation: the activities app sits above the pipeline.
            Opportunity.objects.filter(pk__in=ids, activities__kind__in=guidance),
            "pk",
            "activity",
            text=F("activities__kind"),
            day=Min("activities__occurred_on"),
        ),
        rows(
            Quote.objects.filter(opportunity__in=ids),
            "opportunity_id",
            "quote",
            number=Max("version"),
        ),
        rows(
            KeyDate.objects.filter(opportunity__in=ids),
            "opportunity_id",
            "key_date",
            text=F("kind"),
            number=Count("pk"),
        ),
    ]
    # In text order, so that each opportunity's competitors come by name.
    return members[0].union(*members[1:], all=True).order_by("e_text")


def load_facts(opportunities: Any, *, today: date | None = None) -> dict[int, Facts]:
    """The evidence of every given opportunity (a queryset, instances or ids) in a fixed number
    of queries."""
    today = today or timezone.localdate()
    ids = _opportunity_ids(opportunities)
    loaded = list(
        Opportunity.objects.filter(pk__in=ids).select_related("customer__industry", "owner")
    )
    customer_ids = Opportunity.objects.filter(pk__in=ids).values("customer_id")
    qualifications = qualify_customers(
        {o.customer_id: o.customer for o in loaded}.values(), among=customer_ids
    )
    facts = {
        o.pk: Facts(opportunity=o, qualification=qualifications[o.customer_id], today=today)
        for o in loaded
    }

    roles: dict[int, set[str]] = defaultdict(set)
    for key, tag, text, day, number in _evidence_rows(ids, customer_ids):
        if tag == "role":
            roles[key].add(text)
        elif tag == "competitor":
            facts[key].competitors.append(text)
        elif tag == "initiation":
            facts[key].approved_initiation = True
        elif tag == "activity":
            facts[key].activity_kinds[text] = day
        elif tag == "quote":
            facts[key].latest_quote = number
        elif tag == "key_date":
            facts[key].key_date_kinds.add(text)
    for item in facts.values():
        item.contact_roles = roles[item.opportunity.customer_id]

    for member in ProjectMember.objects.filter(
        opportunity__in=ids, role=ProjectRole.PROJECT_MANAGER
    ).select_related("person"):
        facts[member.opportunity_id].project_managers.append(str(member.person))

    money = DecimalField(max_digits=16, decimal_places=2)

    def per_contract(rows: QuerySet, aggregate) -> Subquery:
        """`aggregate` over the contract's `rows` (a correlated subquery)."""
        grouped = rows.filter(contract=OuterRef("pk")).order_by().values("contract")
        return Subquery(grouped.annotate(value=aggregate).values("value"))

    installments = Installment.objects.all()
    confirmed = Payment.objects.filter(confirmed_at__isnull=False)
    for contract in Contract.objects.filter(opportunity__in=ids).annotate(
        due_so_far=Coalesce(
            per_contract(installments.filter(due_on__lte=today), Sum("amount")),
            Value(ZERO),
            output_field=money,
        ),
        next_due_on=per_contract(installments.filter(due_on__gt=today), Min("due_on")),
        confirmed_paid=Coalesce(
            per_contract(confirmed, Sum("amount")), Value(ZERO), output_field=money
        ),
        confirmed_count=Coalesce(per_contract(confirmed, Count("pk")), Value(0)),
    ):
        item = facts[contract.opportunity_id]
        item.contract = contract
        item.due_so_far = contract.due_so_far
        item.next_due_on = contract.next_due_on
        item.confirmed_paid = contract.confirmed_paid
        item.confirmed_payments = contract.confirmed_count

    for shipment in Shipment.objects.filter(opportunity__in=ids):
        facts[shipment.opportunity_id].shipment = shipment

    for attestation in Attestation.objects.filter(
        opportunity__in=ids, withdrawn_at__isnull=True
    ).select_related("by"):
        facts[attestation.opportunity_id].attestations[attestation.criterion_id] = attestation
    return facts


def opportunity_criteria() -> list[Criterion]:
    return list(
        Criterion.objects.filter(stage_id__in=OPPORTUNITY_STAGES).order_by("stage__order", "order")
    )


def evaluate_many(
    opportunities: Any, *, today: date | None = None
) -> dict[int, list[CriterionResult]]:
    """Every criterion of S2–S7 for each opportunity, keyed by opportunity id."""
    criteria = opportunity_criteria()
    return {
        pk: evaluate_facts(facts, criteria)
        for pk, facts in load_facts(opportunities, today=today).items()
    }


def evaluate(
    opportunity: Opportunity, *, today: date | None = None, probability: int | None = None
) -> list[CriterionResult]:
    """Every criterion of S2–S7 for one opportunity, in stage order.

    `probability` evaluates as if the opportunity had that probability: a gate checks S5.4
    with the probability the move itself would set (the stage default), or entering S5 from
    S4's default 30% could never succeed without a hand-set value."""
    return evaluate_with_facts(opportunity, today=today, probability=probability)[0]


def evaluate_with_facts(
    opportunity: Opportunity, *, today: date | None = None, probability: int | None = None
) -> tuple[list[CriterionResult], Facts]:
    """`evaluate`, and the facts it read: the opportunity page shows the contract and the
    shipment it holds without reading them again."""
    facts = load_facts([opportunity], today=today)[opportunity.pk]
    if probability is not None:
        facts.opportunity.probability = probability
    return evaluate_facts(facts, opportunity_criteria()), facts


# --- reading results ----------------------------------------------------------------------


def stages_between(from_stage: str, to_stage: str) -> list[str]:
    """The stages a move from `from_stage` to `to_stage` must satisfy: every stage crossed,
    up to and including the target. Leaving S2 also needs S2's own criteria, because
    nothing gated the entry into S2 (an opportunity is created there) and SPEC calls them
    the information that must be on record before the deal goes further."""
    start = STAGE_ORDER[from_stage] + 1
    if from_stage == "S2":
        start = STAGE_ORDER["S2"]
    return [f"S{n}" for n in range(start, STAGE_ORDER[to_stage] + 1)]


def missing(results: list[CriterionResult], stages: list[str]) -> list[CriterionResult]:
    wanted = set(stages)
    return [result for result in results if result.stage in wanted and not result.met]


def evidenced_stage(results: list[CriterionResult]) -> str | None:
    """The highest stage whose criteria, and every earlier stage's (from S2), are all met;
    None when S2's are not."""
    reached = None
    for stage in OPPORTUNITY_STAGES:
        if all(result.met for result in results if result.stage == stage):
            reached = stage
        else:
            break
    return reached
