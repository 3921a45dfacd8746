"""Programs the backup tests run in their own processes against a database of their own
(DATABASE_URL): `python -m tests.backups.workers writer|snapshot ...`.

writer: writes through the services — each write logs an activity and loses an open demo
deal, as of the demo's day — in three phases, told when to move on over stdin:
BEFORE writes committed, then one write held open in its transaction until a line arrives on
stdin, then AFTER more writes. It prints `holding` while the one is open and `done` at the end.

snapshot DAY...: prints JSON: every table's row count, and the `forecast --view both` and
`evaluation` JSON output as of each DAY, as the commands print them.
"""

import json
import os
import sys
from datetime import date
from io import StringIO

DEMO_DAY = date(2026, 11, 26)
BEFORE = 3
AFTER = 3


def writer() -> None:
    from django.db import transaction

    from salespath.activities.services import activity_log
    from salespath.pipeline.models import Opportunity, Status
    from salespath.pipeline.services import opportunity_lose

    open_deals = iter(
        list(
            Opportunity.objects.filter(external_id__startswith="demo:", status=Status.OPEN)
            .select_related("owner", "customer")
            .order_by("external_id")[: BEFORE + 1 + AFTER]
        )
    )

    def write(n: int) -> None:
        deal = next(open_deals)
        activity_log(
            person=deal.owner,
            kind="visit",
            occurred_on=DEMO_DAY,
            hours="1.5",
            customer=deal.customer,
            opportunity=deal,
            purpose=f"backup test write {n}",
            by=deal.owner,
        )
        opportunity_lose(opportunity=deal, by=deal.owner, reason=f"backup test {n}", on=DEMO_DAY)

    for n in range(BEFORE):
        write(n)
    with transaction.atomic():
        write(BEFORE)
        print("holding", flush=True)
        sys.stdin.readline()
    for n in range(BEFORE + 1, BEFORE + 1 + AFTER):
        write(n)
    print("done", flush=True)


def snapshot(days: list[str]) -> None:
    from django.core.management import call_command
    from django.db import connection

    def output(*args: str) -> str:
        out = StringIO()
        call_command(*args, "--format", "json", stdout=out)
        return out.getvalue()

    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    reports = {}
    for day in days:
        reports[f"forecast {day}"] = output("forecast", "--as-of", day, "--view", "both")
        reports[f"evaluation {day}"] = output("evaluation", "--as-of", day)
    print(json.dumps({"counts": counts, "reports": reports}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespath.settings")
    import django

    django.setup()
    if sys.argv[1] == "writer":
        writer()
    else:
        snapshot(sys.argv[2:])
