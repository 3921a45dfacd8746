"""Build, find and remove the demo company.

`build_demo(seed=…, today=…)` plans everything with one `random.Random(seed)` and writes
it in one transaction; the same seed and day give the same data. Demo rows are recognised
by their `external_id` prefix (`demo:`), so a real company's data in the same database is
never touched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _

from salespath.activities.models import Activity
from salespath.catalog.models import ProductCategory
from salespath.customers.models import Competitor, Customer
from salespath.errors import Conflict
from salespath.forecast.models import ForecastCalendar
from salespath.forecast.month_ends import rebuild as rebuild_month_ends
from salespath.forecast.rollups import rebuild as rebuild_forecast_rollup
from salespath.notifications.models import JobRun
from salespath.org.models import Branch, Role, Team, User
from salespath.pipeline import evidence
from salespath.pipeline.copies import copy_team_and_lines
from salespath.pipeline.evidence import refresh as store_evidence
from salespath.pipeline.funnel_rollup import rebuild as rebuild_funnel
from salespath.pipeline.history import copy_history_dates
from salespath.pipeline.models import InitiationRequest, Opportunity, Payment, StageChange

from . import data
from .activities import plan_activities, write_activities
from .customers import (
    CUSTOMER_PREFIX,
    complete_profiles,
    plan_customers,
    write_competitors,
    write_customers,
)
from .deals import OPPORTUNITY_PREFIX, write_deals
from .forecasts import write_submissions
from .notices import write_notices
from .people import DEMO_PASSWORD, USER_PREFIX, plan_people, write_people
from .phases import is_second_year, phase_on
from .signoffs import write_signoffs
from .stories import plan_stories


def database_is_migrated() -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def demo_exists() -> bool:
    return User.objects.filter(external_id__startswith=USER_PREFIX).exists()


def write_products() -> dict[str, ProductCategory]:
    found = {}
    for position, (code, name, name_en, _weight) in enumerate(data.PRODUCTS):
        found[code] = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": position}
        )[0]
    return found


def build_demo(*, seed: int, today: date) -> dict[str, int]:
    """Create the demo company as it stands on `today`. Refuses if it already exists."""
    if demo_exists():
        raise Conflict(_("The demo company already exists."))
    taken = User.objects.filter(username__in=_planned_usernames(seed, today))
    if taken.exists():
        raise Conflict(
            _("These usernames are taken by people outside the demo: %(names)s")
            % {"names": ", ".join(sorted(taken.values_list("username", flat=True)))}
        )
    rng = random.Random(seed)
    org = plan_people(rng, today)
    customers = plan_customers(rng, org, today)
    stories = plan_stories(rng, org, customers, today)
    reach: dict[int, int] = {}
    for story in stories:
        furthest = max(story.reached, 4 if story.blocked == "initiation_pending" else 0)
        reach[story.customer.number] = max(reach.get(story.customer.number, 0), furthest)
    complete_profiles(rng, customers, reach, org)
    with transaction.atomic():
        write_people(org, today)
        write_customers(rng, customers, today)
        counts = write_deals(rng, org, stories, today, write_competitors(), write_products())
        counts["activities"] = write_activities(plan_activities(rng, org, customers, today))
        counts["signoffs"] = write_signoffs(rng, org, today)
        counts["forecast_submissions"] = write_submissions(rng, org, today)
        counts["notifications"] = write_notices()
        # the deals and their history were written in bulk, past the services' copies
        demo_deals = Opportunity.objects.filter(external_id__startswith=OPPORTUNITY_PREFIX)
        copy_history_dates(demo_deals.values_list("pk", flat=True))
        copy_team_and_lines(demo_deals.values_list("pk", flat=True))
        rebuild_forecast_rollup()
        rebuild_month_ends()
        rebuild_funnel()
        store_evidence(today, limit=None)
    return counts


def _planned_usernames(seed: int, today: date) -> list[str]:
    return [p.username for p in plan_people(random.Random(seed), today).people]


def _delete(queryset) -> None:
    """Delete, first removing whatever protects the rows (records that other apps keep
    about demo people and deals, e.g. forecast submissions)."""
    while True:
        try:
            queryset.delete()
            return
        except (ProtectedError, RestrictedError) as error:
            blocking = getattr(error, "protected_objects", None) or error.restricted_objects
            by_model: dict = {}
            for row in blocking:
                by_model.setdefault(type(row), set()).add(row.pk)
            for model, pks in by_model.items():
                _delete(model._base_manager.filter(pk__in=pks))


@transaction.atomic
def delete_demo(*, reference_data: bool = False) -> None:
    """Remove every demo row. With `reference_data`, also the demo's branches, teams,
    product categories and competitors where nothing else uses them."""
    people = User.objects.filter(external_id__startswith=USER_PREFIX)
    opportunities = Opportunity.objects.filter(
        Q(external_id__startswith=OPPORTUNITY_PREFIX) | Q(owner__in=people)
    )
    # History rows are append-only for the application; removing a whole demo is the one
    # exception, done as a bulk delete that never goes through their delete(). The deals
    # whose evidence the deleted rows were part of are forgotten once, at the end.
    with evidence.forgotten_together():
        _delete(StageChange.objects.filter(opportunity__in=opportunities))
        _delete(Activity.objects.filter(person__in=people))
        _delete(opportunities)
        _delete(Customer.objects.filter(Q(external_id__startswith=CUSTOMER_PREFIX)))
        _delete(people)
    # The job ledger: a rebuilt demo replays its history, so its jobs (overdue, stuck deals,
    # deadlines) must run again rather than count as done for today.
    _delete(JobRun.objects.all())
    rebuild_forecast_rollup()  # demo deals of other owners went too
    rebuild_month_ends()
    rebuild_funnel()
    if reference_data:
        for queryset in (
            Team.objects.filter(code__in=[t[0] for t in data.TEAMS]),
            Branch.objects.filter(code__in=[b[0] for b in data.BRANCHES]),
            ProductCategory.objects.filter(code__in=[p[0] for p in data.PRODUCTS]),
            Competitor.objects.filter(name__in=[c[0] for c in data.COMPETITORS]),
            ForecastCalendar.objects.filter(name=data.FORECAST_CALENDAR, branch=None),
        ):
            try:
                with transaction.atomic():
                    queryset.delete()
            except (ProtectedError, RestrictedError):
                pass  # still used outside the demo


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    display_name: str
    where: str


def logins(today: date) -> list[Login]:
    """One login per role, and one salesperson per roadmap phase."""
    people = list(
        User.objects.filter(external_id__startswith=USER_PREFIX)
        .select_related("team", "branch")
        .prefetch_related("roles")
        .order_by("username")
    )
    found: list[Login] = []

    def add(role: str, person: User) -> None:
        where = str(person.team or person.branch or _("company"))
        found.append(Login(role, person.username, person.display_name, where))

    by_phase: dict[str, User] = {}
    for person in people:
        if person.has_role(Role.SALESPERSON) and person.quota_start_date:
            by_phase.setdefault(_phase_label(person, today), person)
    for phase in sorted(by_phase):
        add(_("Account manager, %(phase)s") % {"phase": phase}, by_phase[phase])
    for role, label in [
        (Role.SUPERVISOR, _("Sales supervisor")),
        (Role.BRANCH_GM, _("Branch general manager")),
        (Role.PRESALES, _("Presales consultant (project team)")),
        (Role.FINANCE, _("Finance supervisor")),
        (Role.EXECUTIVE, _("Executive")),
        (Role.ADMIN, _("Administrator")),
    ]:
        person = next((p for p in people if p.has_role(role)), None)
        if person:
            add(label, person)
    return found


def _phase_label(person: User, today: date) -> str:
    phase = phase_on(person.quota_start_date, today)
    if is_second_year(person.quota_start_date, today):
        return _("%(phase)s, year 2") % {"phase": phase}
    return phase


def summary() -> list[tuple[str, str]]:
    """What the demo holds, for the command to print."""
    opportunities = Opportunity.objects.filter(external_id__startswith=OPPORTUNITY_PREFIX)
    by_status = dict(opportunities.order_by().values_list("status").annotate(n=Count("id")))
    people = User.objects.filter(external_id__startswith=USER_PREFIX)
    requests = dict(
        InitiationRequest.objects.filter(opportunity__in=opportunities)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    payments = Payment.objects.filter(contract__opportunity__in=opportunities)
    rows = [
        (_("People"), people.count()),
        (_("Account managers"), people.filter(roles__role=Role.SALESPERSON).count()),
        (_("Customers"), Customer.objects.filter(external_id__startswith=CUSTOMER_PREFIX).count()),
        (_("Opportunities"), opportunities.count()),
        ("  " + _("Open"), by_status.get("open", 0)),
        ("  " + _("Won"), by_status.get("won", 0)),
        ("  " + _("Lost"), by_status.get("lost", 0)),
        (
            "  " + _("booked, not yet completed"),
            opportunities.filter(status="open", signed_on__isnull=False).count(),
        ),
        (_("Stage changes"), StageChange.objects.filter(opportunity__in=opportunities).count()),
        (
            _("Gate overrides"),
            StageChange.objects.filter(opportunity__in=opportunities, override=True).count(),
        ),
        (
            _("Initiation requests pending / approved / rejected"),
            " / ".join(str(requests.get(k, 0)) for k in ("pending", "approved", "rejected")),
        ),
        (_("Payments awaiting finance"), payments.filter(confirmed_by__isnull=True).count()),
        (_("Activities"), Activity.objects.filter(person__in=people).count()),
    ]
    return [(label, str(value)) for label, value in rows]


__all__ = [
    "DEMO_PASSWORD",
    "build_demo",
    "database_is_migrated",
    "delete_demo",
    "demo_exists",
    "logins",
    "summary",
]
