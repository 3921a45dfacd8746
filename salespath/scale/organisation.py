"""The generated organisation: branches of teams of account managers, their supervisors and
branch GMs, a pool of project managers per branch, and the company-wide roles; with quotas.

Small enough (a few thousand people) to write through the ORM and keep in memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password

from salespath.lib.fiscal import FiscalQuarter, fiscal_quarter_of, fiscal_year_of
from salespath.org.models import Branch, PersonRole, Quota, Role, Team, User

from .sizes import Size

PREFIX = "scale:"
PASSWORD = "salespath-scale"
CITIES = [
    ("北京", "Beijing"),
    ("上海", "Shanghai"),
    ("广州", "Guangzhou"),
    ("深圳", "Shenzhen"),
    ("杭州", "Hangzhou"),
    ("南京", "Nanjing"),
    ("成都", "Chengdu"),
    ("武汉", "Wuhan"),
    ("西安", "Xi'an"),
    ("天津", "Tianjin"),
    ("重庆", "Chongqing"),
    ("苏州", "Suzhou"),
    ("长沙", "Changsha"),
    ("郑州", "Zhengzhou"),
    ("青岛", "Qingdao"),
    ("沈阳", "Shenyang"),
    ("大连", "Dalian"),
    ("厦门", "Xiamen"),
    ("济南", "Jinan"),
    ("合肥", "Hefei"),
]
NUMERALS = "一二三四五六七八九十"


@dataclass
class Org:
    branches: list[Branch]
    teams: list[Team]
    salespeople: list[User]
    supervisor_of_team: dict[int, int] = field(default_factory=dict)  # team id → user id
    project_managers_of_branch: dict[int, list[int]] = field(default_factory=dict)
    executive: User | None = None
    finance: User | None = None


def _repeat(branch: int, space: str = "") -> str:
    """Beyond twenty branches the cities repeat with a number."""
    return f"{space}{branch // len(CITIES) + 1}" if branch >= len(CITIES) else ""


def _team_name(city: str, number: int) -> str:
    if number <= len(NUMERALS):
        return f"{city}{NUMERALS[number - 1]}组"
    return f"{city}{number}组"


def write_org(rng: random.Random, size: Size, today: date) -> Org:
    password = make_password(PASSWORD)  # hashed once: the hasher is slow on purpose
    branches = Branch.objects.bulk_create(
        Branch(
            code=f"sc{b:02d}",
            name=f"{CITIES[b % len(CITIES)][0]}分公司"
            + (f"{b // len(CITIES) + 1}" if b >= 20 else ""),
            name_en=f"{CITIES[b % len(CITIES)][1]}"
            + (f" {b // len(CITIES) + 1}" if b >= 20 else ""),
        )
        for b in range(size.branches)
    )
    teams = Team.objects.bulk_create(
        Team(
            code=f"sc{t % size.branches:02d}-{t // size.branches + 1:02d}",
            name=_team_name(CITIES[t % size.branches % len(CITIES)][0], t // size.branches + 1),
            name_en=f"{branches[t % size.branches].name_en} team {t // size.branches + 1}",
            branch=branches[t % size.branches],
        )
        for t in range(size.teams)
    )

    people: list[tuple[User, list[str]]] = []

    def person(username: str, name: str, roles: list[str], **extra) -> User:
        user = User(
            username=username,
            display_name=name,
            password=password,
            external_id=PREFIX + username,
            email=f"{username}@scale.salespath.example",
            **extra,
        )
        people.append((user, roles))
        return user

    start = today - timedelta(days=365 * size.years)
    salespeople = []
    for n in range(size.salespeople):
        team = teams[n % size.teams]
        # Most were hired before the data starts; one in five since (down to two months
        # ago), so every roadmap phase has people in it.
        if rng.random() < 0.8:
            hire = start - timedelta(days=rng.randint(0, 730))
        else:
            hire = today - timedelta(days=rng.randint(60, (today - start).days))
        salespeople.append(
            person(
                f"am{n + 1:05d}",
                f"客户经理{n + 1:05d}",
                [Role.SALESPERSON],
                team=team,
                hire_date=hire,
                quota_start_date=hire + timedelta(days=91),
            )
        )
    supervisors = {
        team.pk: person(
            f"sup{t + 1:04d}",
            f"{team.name}主管",
            [Role.SUPERVISOR],
            team=team,
            hire_date=start - timedelta(days=365),
        )
        for t, team in enumerate(teams)
    }
    managers: dict[int, list[User]] = {}
    for b, branch in enumerate(branches):
        person(
            f"gm{b + 1:03d}",
            f"{branch.name}总经理",
            [Role.BRANCH_GM],
            branch=branch,
            hire_date=start - timedelta(days=730),
        )
        managers[branch.pk] = [
            person(
                f"pm{b + 1:03d}{k}",
                f"{branch.name}项目经理{k}",
                [Role.PROJECT_MANAGER],
                branch=branch,
                hire_date=start - timedelta(days=365),
            )
            for k in range(1, 4)
        ]
        person(f"ps{b + 1:03d}", f"{branch.name}售前顾问", [Role.PRESALES], branch=branch)
    executive = person("scale-exec", "公司高层", [Role.EXECUTIVE])
    finance = person("scale-finance", "财务主管", [Role.FINANCE])
    person("scale-admin", "系统管理员", [Role.ADMIN], is_superuser=True, is_staff=True)

    User.objects.bulk_create([user for user, _ in people])
    PersonRole.objects.bulk_create(
        PersonRole(person=user, role=role) for user, roles in people for role in roles
    )
    Quota.objects.bulk_create(_quotas(rng, salespeople, today), batch_size=5000)
    return Org(
        branches=branches,
        teams=teams,
        salespeople=salespeople,
        supervisor_of_team={pk: user.pk for pk, user in supervisors.items()},
        project_managers_of_branch={pk: [u.pk for u in us] for pk, us in managers.items()},
        executive=executive,
        finance=finance,
    )


def _quotas(rng: random.Random, salespeople: list[User], today: date):
    """Each quarter from the quota start (or five years back) to the end of next fiscal year."""
    start_month = settings.SALESPATH_FISCAL_YEAR_START_MONTH
    last = FiscalQuarter(fiscal_year_of(today, start_month) + 1, 4, start_month)
    earliest = fiscal_quarter_of(today - timedelta(days=5 * 366), start_month)
    for person in salespeople:
        quarter = max(fiscal_quarter_of(person.quota_start_date, start_month), earliest)
        amount = Decimal(rng.randrange(600, 1501, 50) * 1000)
        while quarter <= last:
            yield Quota(
                person=person,
                fiscal_year=quarter.year,
                fiscal_quarter=quarter.quarter,
                amount=amount,
            )
            quarter = quarter.next()
