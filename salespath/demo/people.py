"""The demo organisation: branches, teams, people with roles, tenures and quotas.

Planning is pure (dataclasses from `random.Random`); `write_people` turns the plan into rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password

from salespath.lib.fiscal import FiscalQuarter, add_months, fiscal_quarter_of, fiscal_year_of
from salespath.org.models import Branch, PersonRole, Quota, Role, Team, User

from . import data

DEMO_PASSWORD = "salespath"
USER_PREFIX = "demo:user:"

# Salespeople by roadmap phase (SPEC §6): how many, and the whole months since their quota
# start to draw from. Y2 are in their second quota year (the yearly repeat).
PHASE_MIX = [
    ("P0", 3, None),
    ("P1", 5, (0, 2)),
    ("P2", 5, (3, 5)),
    ("P3", 5, (6, 8)),
    ("P4", 5, (9, 11)),
    ("Y2", 7, (12, 22)),
]


@dataclass
class PersonPlan:
    username: str
    display_name: str
    roles: list[str]
    team: str | None = None
    branch: str | None = None
    hire_date: date | None = None
    quota_start: date | None = None
    phase: str | None = None
    # How hard this person works, relative to the weekly standards (1.0 = just meets them).
    diligence: float = 1.0
    quarterly_quota: Decimal | None = None
    superuser: bool = False
    user: User | None = field(default=None, repr=False)

    @property
    def is_salesperson(self) -> bool:
        return Role.SALESPERSON in self.roles


@dataclass
class Organisation:
    people: list[PersonPlan]

    def by_username(self, username: str) -> PersonPlan:
        return next(p for p in self.people if p.username == username)

    @property
    def salespeople(self) -> list[PersonPlan]:
        return [p for p in self.people if p.is_salesperson]

    def with_role(self, role: str) -> list[PersonPlan]:
        return [p for p in self.people if role in p.roles]

    def supervisor_of(self, person: PersonPlan) -> PersonPlan:
        return next(p for p in self.people if Role.SUPERVISOR in p.roles and p.team == person.team)

    def gm_of(self, person: PersonPlan) -> PersonPlan:
        return next(
            p for p in self.people if Role.BRANCH_GM in p.roles and p.branch == person.branch
        )


class _Names:
    """Unique Chinese names with pinyin usernames."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = {"admin"}

    def person(self) -> tuple[str, str]:
        while True:
            surname, surname_py = self.rng.choice(data.SURNAMES)
            given, given_py = self.rng.choice(data.GIVEN_NAMES)
            username = surname_py + given_py
            if username not in self.taken:
                self.taken.add(username)
                return surname + given, username


def _quota_start_in_phase(rng: random.Random, today: date, months: tuple[int, int]) -> date:
    # Whole months back, then 3–20 days more: never closer than 8 days to a phase boundary,
    # whatever the month lengths, so the phase is the one intended.
    return add_months(today, -rng.randint(*months)) - timedelta(days=rng.randint(3, 20))


def plan_people(rng: random.Random, today: date) -> Organisation:
    names = _Names(rng)
    people: list[PersonPlan] = []
    team_branch = {code: branch for code, _, _, branch in data.TEAMS}

    for code, *_ in data.BRANCHES:
        name, username = names.person()
        people.append(
            PersonPlan(
                username,
                name,
                [Role.BRANCH_GM],
                branch=code,
                hire_date=today - timedelta(days=rng.randint(6 * 365, 12 * 365)),
            )
        )
    for code, *_ in data.TEAMS:
        name, username = names.person()
        people.append(
            PersonPlan(
                username,
                name,
                [Role.SUPERVISOR, Role.PROJECT_MANAGER],
                team=code,
                branch=team_branch[code],
                hire_date=today - timedelta(days=rng.randint(3 * 365, 9 * 365)),
            )
        )

    phases = [phase for phase, count, _ in PHASE_MIX for _ in range(count)]
    rng.shuffle(phases)
    months_of = {phase: months for phase, _, months in PHASE_MIX}
    team_codes = [code for code, *_ in data.TEAMS]
    for index, phase in enumerate(phases):
        name, username = names.person()
        months = months_of[phase]
        if months is None:  # P0: still in training, quota starts within six weeks
            quota_start = today + timedelta(days=rng.randint(7, 40))
            hire = min(quota_start - timedelta(days=rng.randint(35, 60)), today - timedelta(10))
        else:
            quota_start = _quota_start_in_phase(rng, today, months)
            hire = quota_start - timedelta(days=rng.randint(30, 60))
        team = team_codes[index % len(team_codes)]
        people.append(
            PersonPlan(
                username,
                name,
                [Role.SALESPERSON],
                team=team,
                branch=team_branch[team],
                hire_date=hire,
                quota_start=quota_start,
                phase=phase,
                diligence=round(rng.uniform(0.55, 1.3), 2),
                quarterly_quota=Decimal(rng.randrange(600, 1501, 50) * 1000),
            )
        )

    staff = [
        ([Role.EXECUTIVE], None),
        ([Role.FINANCE], None),
        ([Role.PRODUCT_EXPERT], None),
        ([Role.INDUSTRY_EXPERT], None),
        ([Role.PRESALES], None),
        ([Role.IMPLEMENTATION], None),
    ]
    for roles, branch in staff:
        name, username = names.person()
        people.append(
            PersonPlan(
                username,
                name,
                roles,
                branch=branch,
                hire_date=today - timedelta(days=rng.randint(2 * 365, 10 * 365)),
            )
        )
    people.append(
        PersonPlan(
            "admin",
            "系统管理员",
            [Role.ADMIN],
            superuser=True,
            hire_date=today - timedelta(days=5 * 365),
        )
    )
    return Organisation(people)


def write_reference_org() -> tuple[dict[str, Branch], dict[str, Team]]:
    branches = {}
    for code, name, name_en, _ in data.BRANCHES:
        branches[code], _ = Branch.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    teams = {}
    for code, name, name_en, branch in data.TEAMS:
        teams[code], _ = Team.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "branch": branches[branch]}
        )
    return branches, teams


def write_people(org: Organisation, today: date) -> None:
    branches, teams = write_reference_org()
    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
    users = [
        User(
            username=p.username,
            display_name=p.display_name,
            last_name=p.display_name[:1],
            first_name=p.display_name[1:],
            email=f"{p.username}@demo.salespath.example",
            password=password,
            # Only administrators reach the admin: it does not apply the
            # visibility rules.
            is_staff=p.superuser or Role.ADMIN in p.roles,
            is_superuser=p.superuser,
            team=teams[p.team] if p.team else None,
            # a team member's branch is their team's; only someone without a team has one
            branch=branches[p.branch] if p.branch and not p.team else None,
            hire_date=p.hire_date,
            quota_start_date=p.quota_start,
            external_id=USER_PREFIX + p.username,
        )
        for p in org.people
    ]
    User.objects.bulk_create(users)
    for plan, user in zip(org.people, users, strict=True):
        plan.user = user
    PersonRole.objects.bulk_create(
        PersonRole(person=p.user, role=role) for p in org.people for role in p.roles
    )
    Quota.objects.bulk_create(_quotas(org, today))


def _quotas(org: Organisation, today: date):
    """Every fiscal quarter from the quota start to the end of next fiscal year; next year's
    quota is 10% higher."""
    start_month = settings.SALESPATH_FISCAL_YEAR_START_MONTH
    this_year = fiscal_year_of(today, start_month)
    last = FiscalQuarter(this_year + 1, 4, start_month)
    for person in org.salespeople:
        quarter = fiscal_quarter_of(person.quota_start, start_month)
        while quarter <= last:
            amount = person.quarterly_quota
            if quarter.year > this_year:
                amount = (amount * Decimal("1.1")).quantize(Decimal("10000"))
            yield Quota(
                person=person.user,
                fiscal_year=quarter.year,
                fiscal_quarter=quarter.quarter,
                amount=amount,
            )
            quarter = quarter.next()
