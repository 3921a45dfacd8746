"""`python -m tests.backups.upgrade`: against a new, empty database (DATABASE_URL), migrate to
the previous release's migrations, write a small company through that release's models (the
migrations' historical models), then migrate to this release and print JSON: the rollup rows
and the opportunities' history dates. Run by tests/backups/test_upgrade.py."""

import json
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

# The previous release (commit 3c498cc, 2026-11-26): the migrations each app had then. Every
# other app was already at the migration it has today.
PREVIOUS_RELEASE = [
    ("pipeline", "0004_opportunity_on_board"),
    ("customers", "0002_initial"),
    ("forecast", "0001_initial"),
    ("activities", "0003_initial"),
    ("roadmap", "0002_seed_playbook"),
    ("api", "0001_initial"),
    ("sessions", None),
    ("admin", None),
]
DAY = date(2026, 11, 20)
# (stage reached, status, category, amount, days to expected close; None: the stages walked)
DEALS = [
    ("S2", "open", "pipeline", "120000.00", 40),
    ("S3", "open", "best_case", "80000.00", 70),
    ("S4", "open", "commit", "300000.00", -10),  # overdue
    ("S5", "open", "commit", "45000.50", 100),
    ("S6", "open", "omitted", "60000.00", 15),
    ("S7", "won", "commit", "220000.00", -30),
    ("S4", "lost", "best_case", "90000.00", 5),
    ("S3", "open", "pipeline", "1500000.00", 400),
]
ORDER = ["S2", "S3", "S4", "S5", "S6", "S7"]


def migrate_to_previous_release() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    for app, name in PREVIOUS_RELEASE:
        call_command("migrate", app, *([name] if name else []), verbosity=0)
    applied = MigrationRecorder(connection).applied_migrations()
    # nothing of this release came in with them
    assert ("pipeline", "0005_forecast_indexes") not in applied
    assert ("forecast", "0002_forecast_rollup") not in applied


def write_company() -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    apps = loader.project_state([(a, n) for a, n in PREVIOUS_RELEASE if n]).apps
    Branch, Team = apps.get_model("org", "Branch"), apps.get_model("org", "Team")
    User, Customer = apps.get_model("org", "User"), apps.get_model("customers", "Customer")
    Opportunity = apps.get_model("pipeline", "Opportunity")
    StageChange = apps.get_model("pipeline", "StageChange")
    Stage = apps.get_model("pipeline", "Stage")

    branch = Branch.objects.create(code="up", name="升级分公司", name_en="Upgrade")
    team = Team.objects.create(code="up-1", name="升级一组", name_en="Upgrade 1", branch=branch)
    people = [
        User.objects.create(
            username=f"up{n}", display_name=f"销售{n}", password="!", team=team, is_active=True
        )
        for n in range(2)
    ]
    stages = {s.code: s for s in Stage.objects.all()}
    moment = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    for n, (stage, status, category, amount, close_in) in enumerate(DEALS):
        owner = people[n % 2]
        customer = Customer.objects.create(
            name=f"客户{n}", created_on=date(2026, 6, 1), owner=owner, created_by=owner, size=""
        )
        walked = ORDER[: ORDER.index(stage) + 1]
        entered = DAY - timedelta(days=10 * (len(ORDER) - len(walked)) + 5)
        opportunity = Opportunity.objects.create(
            name=f"商机{n}",
            customer=customer,
            owner=owner,
            created_on=date(2026, 6, 1),
            stage=stages[stage],
            stage_entered_on=entered,
            status=status,
            forecast_category=category,
            amount=Decimal(amount),
            probability=10 * (ORDER.index(stage) + 1) if status != "lost" else 0,
            expected_close=DAY + timedelta(days=close_in),
            signed_on=entered if stage in ("S6", "S7") and status != "lost" else None,
            won_on=entered if status == "won" else None,
            lost_on=DAY if status == "lost" else None,
            lost_reason="预算取消" if status == "lost" else "",
        )
        previous = None
        for i, code in enumerate(walked):
            on = date(2026, 6, 1) if i == 0 else entered - timedelta(days=3 * (len(walked) - i))
            if code == stage:
                on = entered
            StageChange.objects.create(
                opportunity=opportunity,
                kind="create" if i == 0 else "advance",
                from_stage=previous,
                to_stage=stages[code],
                from_status="" if i == 0 else "open",
                to_status="won" if code == "S7" else "open",
                effective_on=on,
                at=moment + timedelta(days=i),
            )
            previous = stages[code]
        if status == "lost":
            StageChange.objects.create(
                opportunity=opportunity,
                kind="lose",
                from_stage=previous,
                to_stage=previous,
                from_status="open",
                to_status="lost",
                effective_on=DAY,
                at=moment + timedelta(days=30),
                reason="预算取消",
            )


def upgraded_state() -> dict:
    from django.db import connection
    from django.db.models import Max

    from salespath.forecast.rollups import TABLE
    from salespath.pipeline.models import Opportunity

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        rollup_rows = cursor.fetchone()[0]
    opportunities = Opportunity.objects.order_by("name").annotate(
        last_change=Max("stage_changes__effective_on")
    )
    return {
        "rollup_rows": rollup_rows,
        "history_until": {o.name: str(o.history_until) for o in opportunities},
        "last_change": {o.name: str(o.last_change) for o in opportunities},
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespath.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from salespath.backups.services import check_derived_data

    migrate_to_previous_release()
    write_company()
    call_command("migrate", verbosity=0)
    check_derived_data()
    print(json.dumps(upgraded_state()))
