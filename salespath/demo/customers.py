"""Demo customers: Chinese company names across target and non-target industries, and
profiles as complete as the deals on them need (SPEC §2, S1 and S2).

`plan_customers` draws the companies; `complete_profiles` fills each profile to the
furthest stage its deals reached (the evidence of S2.1–S2.9 and S4.4), leaving the rest
realistically patchy; `write_customers` turns the plan into rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from salespath.customers.models import (
    Competitor,
    Contact,
    Customer,
    EconomicCondition,
    Industry,
    SystemStatus,
)
from salespath.lib.fiscal import add_months
from salespath.org.models import User
from salespath.pipeline.models import Attestation

from . import data
from .people import Organisation, PersonPlan
from .timing import at

CUSTOMER_PREFIX = "demo:customer:"

# Customers per salesperson by phase: new people research many companies (P0's goal is 20
# target customers researched), later ones work a smaller book more deeply.
CUSTOMERS_BY_PHASE = {"P0": [24, 15, 9], "P1": [16, 14, 13, 12, 15]}
TARGET_SIZES = ("large", "medium")


@dataclass
class ContactPlan:
    name: str
    title: str
    role: str
    phone: str


@dataclass
class CustomerPlan:
    number: int
    owner: PersonPlan
    name: str
    name_en: str
    short: str
    short_en: str
    industry: str
    size: str
    headcount: int
    group: bool
    multi_site: bool
    created_on: date
    # Filled by complete_profiles:
    basics: bool = False
    it_baseline: bool = False
    assessment: bool = False
    s1_attested: bool = False
    target_override_by: PersonPlan | None = None
    contacts: list[ContactPlan] = field(default_factory=list)
    background: str = ""
    customer: Customer | None = field(default=None, repr=False)

    @property
    def is_target_profile(self) -> bool:
        """S1.1 and S1.2 from the profile alone."""
        return (
            self.industry in TARGET_INDUSTRIES
            and self.size in TARGET_SIZES
            and self.group
            and self.multi_site
        )


TARGET_INDUSTRIES = {
    "manufacturing",
    "finance",
    "telecom",
    "securities",
    "insurance",
    "power",
    "tobacco",
    "pharmaceutical",
}


def _industry(rng: random.Random, prefer_target: bool) -> str:
    codes = list(data.INDUSTRY_WEIGHTS)
    weights = [
        w * (3 if prefer_target and c in TARGET_INDUSTRIES else 1)
        for c, w in data.INDUSTRY_WEIGHTS.items()
    ]
    return rng.choices(codes, weights)[0]


def plan_customers(rng: random.Random, org: Organisation, today: date) -> list[CustomerPlan]:
    branch_cities = {code: cities for code, _, _, cities in data.BRANCHES}
    quotas = {phase: list(counts) for phase, counts in CUSTOMERS_BY_PHASE.items()}
    taken: set[str] = set()
    customers: list[CustomerPlan] = []
    earliest = add_months(today, -20)
    for person in org.salespeople:
        counts = quotas.get(person.phase)
        count = counts.pop(0) if counts else rng.randint(7, 11)
        first = max(person.hire_date + timedelta(days=3), earliest)
        for _ in range(count):
            industry = _industry(rng, prefer_target=person.phase in ("P0", "P1"))
            size = rng.choices(["large", "medium", "small"], [30, 45, 25])[0]
            group_suffix = rng.random() < {"large": 0.7, "medium": 0.4, "small": 0.1}[size]
            suffixes = [s for s in data.SUFFIXES if s[2] == group_suffix]
            while True:
                city = rng.choice(branch_cities[person.branch])
                brand, brand_en = rng.choice(data.BRANDS)
                word, word_en = rng.choice(data.BUSINESS_WORDS[industry])
                suffix, suffix_en, _ = rng.choice(suffixes)
                name = f"{city}{brand}{word}{suffix}"
                if name not in taken:
                    taken.add(name)
                    break
            group = group_suffix or rng.random() < 0.15
            span = max(0, (today - timedelta(days=3) - first).days)
            customers.append(
                CustomerPlan(
                    number=len(customers) + 1,
                    owner=person,
                    name=name,
                    name_en=f"{data.CITIES_EN[city]} {brand_en} {word_en} {suffix_en}",
                    short=brand + word,
                    short_en=f"{brand_en} {word_en}",
                    industry=industry,
                    size=size,
                    headcount={
                        "large": rng.randint(1000, 9000),
                        "medium": rng.randint(300, 999),
                        "small": rng.randint(40, 299),
                    }[size],
                    group=group,
                    multi_site=rng.random() < (0.85 if group else 0.3),
                    created_on=first + timedelta(days=int(span * rng.random() ** 1.5)),
                )
            )
    return customers


def _contact(rng: random.Random, role: str) -> ContactPlan:
    surname, _ = rng.choice(data.SURNAMES)
    given, _ = rng.choice(data.GIVEN_NAMES)
    return ContactPlan(
        name=surname + given,
        title=rng.choice(data.CONTACT_TITLES[role]),
        role=role,
        phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
    )


def complete_profiles(
    rng: random.Random, customers: list[CustomerPlan], reach: dict[int, int], org: Organisation
) -> None:
    """Fill each profile for the furthest stage its deals need evidence of.

    `reach[number]` is that stage's order (0: no deal). S2 deals sit at the stage they were
    created in, so their customers' profiles are only partly collected; from S3 on the S2
    information is complete, and from S4 on the contacts include a selection team and a
    decision maker (S4.4).
    """
    for customer in customers:
        stage = reach.get(customer.number, 0)
        if stage >= 3:
            customer.basics = customer.it_baseline = customer.assessment = True
            if not customer.is_target_profile:
                if customer.industry in TARGET_INDUSTRIES and rng.random() < 0.75:
                    customer.size = "large" if customer.size == "small" else customer.size
                    customer.group = customer.multi_site = True
                else:
                    customer.target_override_by = org.supervisor_of(customer.owner)
        else:
            customer.basics = rng.random() < (0.8 if stage else 0.6)
            customer.it_baseline = customer.basics and rng.random() < (0.6 if stage else 0.3)
            customer.assessment = customer.basics and rng.random() < 0.5
        customer.s1_attested = customer.basics and (stage >= 3 or rng.random() < 0.5)
        if stage >= 4:
            roles = ["decision_maker", "selection_team", "selection_team", "it_lead"]
            roles += rng.sample(["executive_sponsor", "procurement", "user_representative"], 2)
        elif stage >= 2:
            roles = ["it_lead"] + rng.sample(
                ["selection_team", "user_representative", "other"], rng.randint(0, 2)
            )
        else:
            roles = rng.sample(["it_lead", "other"], rng.randint(0, 2))
        customer.contacts = [_contact(rng, role) for role in roles]
        word = customer.short[2:]
        customer.background = rng.choice(data.BACKGROUNDS).format(
            year=rng.randint(1988, 2015), word=word, sites=rng.randint(2, 6)
        )


def write_competitors() -> dict[str, Competitor]:
    found = {}
    for name, kind in data.COMPETITORS:
        found[name], _ = Competitor.objects.get_or_create(name=name, defaults={"kind": kind})
    return found


def write_customers(rng: random.Random, customers: list[CustomerPlan], today: date) -> None:
    industries = {i.code: i for i in Industry.objects.all()}
    rows = []
    for c in customers:
        owner: User = c.owner.user
        basics_on = None
        if c.basics:
            basics_on = min(c.created_on + timedelta(days=rng.randint(0, 6)), today)
        override = c.target_override_by
        rows.append(
            Customer(
                name=c.name,
                name_en=c.name_en,
                external_id=f"{CUSTOMER_PREFIX}{c.number:04d}",
                owner=owner,
                created_by=owner,
                created_on=c.created_on,
                industry=industries[c.industry],
                is_group_enterprise=c.group,
                is_multi_site=c.multi_site,
                size=c.size,
                headcount=c.headcount if c.basics else None,
                background=c.background if c.basics else "",
                basics_completed_on=basics_on,
                it_hardware=rng.choice(data.IT_HARDWARE) if c.it_baseline else "",
                it_software=rng.choice(data.IT_SOFTWARE) if c.it_baseline else "",
                it_network=rng.choice(data.IT_NETWORK) if c.it_baseline else "",
                it_need=rng.choice(data.IT_NEEDS) if c.assessment else "",
                economic_condition=EconomicCondition.GOOD if c.assessment else "",
                current_system_status=(
                    rng.choice([SystemStatus.NONE, SystemStatus.INADEQUATE]) if c.assessment else ""
                ),
                target_override=override is not None,
                target_override_reason=rng.choice(data.TARGET_OVERRIDE_REASONS) if override else "",
                target_override_by=override.user if override else None,
                target_override_at=at(basics_on or c.created_on, rng) if override else None,
            )
        )
    Customer.objects.bulk_create(rows)
    for plan, row in zip(customers, rows, strict=True):
        plan.customer = row
    Contact.objects.bulk_create(
        Contact(
            customer=c.customer,
            name=contact.name,
            title=contact.title,
            project_role=contact.role,
            phone=contact.phone,
        )
        for c in customers
        for contact in c.contacts
    )
    attestations = []
    for c in customers:
        if not c.s1_attested:
            continue
        for code in ("S1.3", "S1.4"):
            attestations.append(
                Attestation(
                    criterion_id=code,
                    customer=c.customer,
                    note=data.ATTESTATION_NOTES[code],
                    by=c.owner.user,
                    at=at(c.customer.basics_completed_on or c.created_on, rng),
                )
            )
    Attestation.objects.bulk_create(attestations)
