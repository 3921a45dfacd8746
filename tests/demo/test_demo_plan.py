"""The demo's plan, without building it: checks over many seeds and days (fast, no DB)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from salespath.demo.customers import plan_customers
from salespath.demo.people import plan_people
from salespath.demo.stories import plan_stories
from salespath.org.models import Role

DAYS = [date(2026, 11, 26), date(2026, 12, 4), date(2027, 3, 15)]


@pytest.mark.parametrize("seed", [1, 2, 3, 7])
@pytest.mark.parametrize("today", DAYS)
def test_the_printed_supervisor_and_gm_each_have_an_initiation_request_waiting(seed, today):
    rng = random.Random(seed)
    org = plan_people(rng, today)
    stories = plan_stories(rng, org, plan_customers(rng, org, today), today)
    waiting = [s.owner for s in stories if s.blocked == "initiation_pending"]
    # `builder.logins` prints the first person of each role by username.
    supervisor = min(org.with_role(Role.SUPERVISOR), key=lambda p: p.username)
    gm = min(org.with_role(Role.BRANCH_GM), key=lambda p: p.username)
    assert any(owner.team == supervisor.team for owner in waiting), supervisor.username
    assert any(owner.branch == gm.branch for owner in waiting), gm.username


@pytest.mark.parametrize("today", DAYS)
def test_another_seed_plans_another_company(today):
    """The seed reaches the plan the demo is built from: its people, customers and deals."""

    def plan(seed: int) -> tuple[str, str, str]:
        rng = random.Random(seed)
        org = plan_people(rng, today)
        customers = plan_customers(rng, org, today)
        stories = plan_stories(rng, org, customers, today)
        return repr(org), repr(customers), repr(stories)

    assert plan(7) == plan(7)
    seven, eight = plan(7), plan(8)
    assert all(a != b for a, b in zip(seven, eight, strict=True))
