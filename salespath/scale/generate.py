"""`generate(size=…, seed=…, today=…)`: a consistent synthetic company, written in bulk.

People go through the ORM (a few thousand rows); customers and opportunities with all their
rows are written as plain tuples in chunks (`deals.py`, `tables.py`), so memory stays flat
from S to L. Everything is one transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils.translation import gettext as _

from salespath.customers.models import Competitor, Industry
from salespath.demo.builder import database_is_migrated, write_products
from salespath.errors import Conflict, DomainError
from salespath.forecast.month_ends import rebuild as rebuild_month_ends
from salespath.forecast.rollups import rebuild as rebuild_forecast_rollup
from salespath.org.models import User
from salespath.pipeline.evidence import refresh as store_evidence
from salespath.pipeline.funnel_rollup import rebuild as rebuild_funnel

from .deals import MODELS, Days, Ids, People, Timesheets, plan_chunk, write_customers
from .organisation import PREFIX, write_org
from .sizes import Size
from .tables import foreign_keys_checked_after, indexes_built_after, max_id, reset_sequences

COMPETITORS = ("金蝶", "SAP", "Oracle", "浪潮", "鼎捷", "第三方咨询公司")


def scale_exists() -> bool:
    return User.objects.filter(external_id__startswith=PREFIX).exists()


@contextmanager
def bulk_session():
    """Loosen durability for this connection while generating (SQLite): a crash mid-way
    may lose the generated data — acceptable for synthetic data, and many times faster.
    Pragmas cannot change inside a transaction, so this wraps it."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # (inside a caller's transaction, e.g. a test, pragmas cannot change)
        return
    with connection.cursor() as cursor:
        # Foreign keys are checked row by row in SQLite; the generator writes ids it has
        # just made (and tests/scale checks the data with the keys enforced).
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=DELETE")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA cache_size=-2000")
            cursor.execute("PRAGMA temp_store=DEFAULT")


def generate(
    *,
    size: Size,
    seed: int,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write a company of `size` as it stands on `today`. Refuses if one was generated."""
    if not database_is_migrated():
        raise DomainError(_("The database is not migrated: run `salespath migrate` first."))
    if scale_exists():
        raise Conflict(_("A generated company already exists in this database."))
    say = progress or (lambda message: None)
    started = time.monotonic()
    counts: Counter = Counter()
    with bulk_session(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # memory for sorting the rebuilt indexes
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        _write(size, seed, today, counts, say, started)
        rebuild_forecast_rollup()  # one INSERT … SELECT … GROUP BY, not per owner
        rebuild_month_ends(today)  # the same at each month end of the last three years
        rebuild_funnel()  # the same for the stage funnel's months
        say(_("Evaluating each deal's evidence…"))
        store_evidence(today, limit=None)  # each deal's evidenced stage (integrity report)
    say(_("Analysing tables for the query planner…"))
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum would soon after a load this size, so the
        # benchmark reads a settled database (index-only scans need the visibility map).
        # Neither can run inside a caller's transaction (tests): ANALYZE alone can.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    counts["seconds"] = round(time.monotonic() - started)
    return dict(counts)


@dataclass
class World:
    """What every chunk draws from: the people, the calendar, the customers so far."""

    size: Size
    seed: int
    people: People
    days: Days
    start: int  # first day of the data
    end: int  # today
    products: list[tuple[int, str]]
    competitors: list[int]
    industries: list[int]
    customer_created: list[int] = field(default_factory=list)
    customer_owner: list[int] = field(default_factory=list)
    customer_ids: range = range(0)


def _write(size: Size, seed: int, today: date, counts: Counter, say, started: float) -> None:
    rng = random.Random(seed)
    org = write_org(rng, size, today)
    counts["people"] = User.objects.filter(external_id__startswith=PREFIX).count()
    first = today - timedelta(days=365 * size.years)
    world = World(
        size=size,
        seed=seed,
        people=People(
            salespeople=[u.pk for u in org.salespeople],
            hired={u.pk: u.hire_date.toordinal() for u in org.salespeople},
            team_of={u.pk: u.team_id for u in org.salespeople},
            branch_of={u.pk: u.home_branch_id for u in org.salespeople},
            supervisor_of_team=org.supervisor_of_team,
            project_managers_of_branch=org.project_managers_of_branch,
            finance=org.finance.pk,
        ),
        days=Days(first - timedelta(days=60), today + timedelta(days=800)),
        start=first.toordinal(),
        end=today.toordinal(),
        products=[(p.pk, p.name) for p in write_products().values()],
        competitors=[Competitor.objects.get_or_create(name=name)[0].pk for name in COMPETITORS],
        industries=list(Industry.objects.order_by("sort_order").values_list("pk", flat=True)),
    )
    bulk = list(MODELS.values())
    with foreign_keys_checked_after(bulk), indexes_built_after(bulk):
        _write_customers(world, counts)
        say(_("%(n)s customers written") % {"n": f"{size.customers:,}"})
        _write_deals(world, counts, say, started)
        say(_("Building indexes and checking foreign keys…"))
    reset_sequences(bulk)


def _write_customers(world: World, counts: Counter) -> None:
    first_id = max_id(MODELS["customers"]) + 1
    for lo in range(0, world.size.customers, 50_000):
        counts["customers"] += write_customers(
            random.Random(f"{world.seed}:customers:{lo}"),
            range(lo, min(lo + 50_000, world.size.customers)),
            first_id,
            world.people,
            world.industries,
            world.days,
            world.start,
            world.end,
            world.customer_created,
            world.customer_owner,
        )
    world.customer_ids = range(first_id, first_id + world.size.customers)


def _write_deals(world: World, counts: Counter, say, started: float) -> None:
    size = world.size
    ids = Ids({name: max_id(model) for name, model in MODELS.items()})
    timesheets = Timesheets(world.days)
    for chunk, lo in enumerate(range(0, size.opportunities, size.chunk)):
        numbers = range(lo, min(lo + size.chunk, size.opportunities))
        planned = plan_chunk(
            random.Random(f"{world.seed}:opportunities:{chunk}"),
            numbers,
            ids,
            people=world.people,
            customer_ids=world.customer_ids,
            customer_created=world.customer_created,
            customer_owner=world.customer_owner,
            products=world.products,
            competitors=world.competitors,
            days=world.days,
            timesheets=timesheets,
            start=world.start,
            today=world.end,
            activities_per_opportunity=size.activities_per_opportunity,
        )
        counts.update(planned.write())
        del planned
        if chunk % 10 == 9 or numbers.stop == size.opportunities:
            say(
                _("%(done)s of %(total)s opportunities, %(seconds)s s")
                % {
                    "done": f"{numbers.stop:,}",
                    "total": f"{size.opportunities:,}",
                    "seconds": round(time.monotonic() - started),
                }
            )
